/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One import as the UI asks for it: what kind, which file and the options, run on a worker
 * thread against the core with progress and cancellation. No GTK here: the thread must not
 * touch widgets, and the UI test drives the same job. */
#pragma once

#include "app/core/wealthmap-core.h"

G_BEGIN_DECLS

typedef enum
{
  WM_IMPORT_SPEND,
  WM_IMPORT_AREAS,
  WM_IMPORT_POSTCODES,
  WM_IMPORT_SUPPLIERS,
  WM_IMPORT_DEPRIVATION,
  WM_IMPORT_LOOKUP,
} WmImportKind;

typedef struct
{
  WmImportKind kind;
  char        *file;
  /* spend */
  char  *anchor;
  char  *anchor_kind;
  char  *anchor_postcode;
  char **mapping; /* "field=Header" */
  /* areas */
  char *level;
  char *crs;
  /* deprivation */
  char *population_file;
} WmImportJob;

WmImportJob *wm_import_job_new (WmImportKind kind, const char *file);
void         wm_import_job_free (WmImportJob *job);
gboolean     wm_import_kind_from_string (const char *text, WmImportKind *kind);
const char  *wm_import_kind_to_title (WmImportKind kind);

/* Runs the import (blocking: call it from a worker thread). */
gboolean wm_import_job_run (WmImportJob     *job,
                            WmProject       *project,
                            WmProgressFunc   progress,
                            gpointer         progress_data,
                            GCancellable    *cancellable,
                            WmImportReport **report,
                            GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmImportJob, wm_import_job_free)

G_END_DECLS
