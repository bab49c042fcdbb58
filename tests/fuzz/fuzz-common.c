/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "fuzz-common.h"

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <glib/gstdio.h>
#include <stdlib.h>

static char *template_bytes;
static gsize template_len;
static char *work_path;

static void
fuzz_init (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *template_path = NULL;
  g_autoptr (WmProject) project = NULL;

  if (template_bytes)
    return;
  GDALAllRegister ();
  /* GDAL's warnings would flood the fuzzer's output; errors come back through our GErrors. */
  CPLSetErrorHandler (CPLQuietErrorHandler);
  dir = g_dir_make_tmp ("wm-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  template_path = g_build_filename (dir, "template.wealthmap", NULL);
  project = wm_project_create (template_path, &error);
  g_assert_no_error (error);
  g_clear_object (&project);
  g_file_get_contents (template_path, &template_bytes, &template_len, &error);
  g_assert_no_error (error);
  g_unlink (template_path);
  work_path = g_build_filename (dir, "fuzz.wealthmap", NULL);
}

WmProject *
fuzz_fresh_project (void)
{
  g_autoptr (GError) error = NULL;
  WmProject *project;

  fuzz_init ();
  g_file_set_contents (work_path, template_bytes, (gssize) template_len, &error);
  g_assert_no_error (error);
  project = wm_project_open (work_path, &error);
  g_assert_no_error (error);
  return project;
}

const char *
fuzz_vsimem_file (const char *name, const uint8_t *data, size_t size)
{
  static char path[256];
  VSILFILE   *fp;

  fuzz_init ();
  g_snprintf (path, sizeof path, "/vsimem/%s", name);
  /* A copy: VSIFileFromMemBuffer would otherwise take over (and free) the fuzzer's buffer. */
  fp = VSIFileFromMemBuffer (path, (GByte *) g_memdup2 (data, size), size, TRUE);
  g_assert (fp != NULL);
  VSIFCloseL (fp);
  return path;
}

void
fuzz_vsimem_free (const char *path)
{
  VSIUnlink (path);
}
