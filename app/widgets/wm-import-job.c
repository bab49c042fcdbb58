/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dispatches a UI import to the core importer of its kind. */
#include "wm-import-job.h"

#include <glib/gi18n.h>

/* The action target, and the title (translated when shown). */
static const char *const kind_names[][2] = {
  { "spend", N_ ("Anchor spend") },      { "areas", N_ ("Boundaries") },
  { "postcodes", N_ ("Postcodes") },     { "suppliers", N_ ("Supplier directory") },
  { "deprivation", N_ ("Deprivation") }, { "lookup", N_ ("LSOA to ward lookup") },
};

WmImportJob *
wm_import_job_new (WmImportKind kind, const char *file)
{
  WmImportJob *job = g_new0 (WmImportJob, 1);

  job->kind = kind;
  job->file = g_strdup (file);
  return job;
}

void
wm_import_job_free (WmImportJob *job)
{
  if (job == NULL)
    return;
  g_free (job->file);
  g_free (job->anchor);
  g_free (job->anchor_kind);
  g_free (job->anchor_postcode);
  g_strfreev (job->mapping);
  g_free (job->level);
  g_free (job->crs);
  g_free (job->population_file);
  g_free (job);
}

gboolean
wm_import_kind_from_string (const char *text, WmImportKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i][0]) == 0)
      {
        *kind = (WmImportKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
wm_import_kind_to_title (WmImportKind kind)
{
  return _ (kind_names[kind][1]);
}

static const char *
or_null (const char *text)
{
  return text != NULL && text[0] != '\0' ? text : NULL;
}

gboolean
wm_import_job_run (WmImportJob     *job,
                   WmProject       *project,
                   WmProgressFunc   progress,
                   gpointer         progress_data,
                   GCancellable    *cancellable,
                   WmImportReport **report,
                   GError         **error)
{
  switch (job->kind)
    {
    case WM_IMPORT_SPEND:
      {
        WmSpendOptions options = { 0 };

        options.anchor = job->anchor;
        options.anchor_kind = or_null (job->anchor_kind);
        options.anchor_postcode = or_null (job->anchor_postcode);
        options.mapping = (const char *const *) job->mapping;
        return wm_project_import_spend (project, job->file, &options, progress, progress_data,
                                        cancellable, report, error);
      }
    case WM_IMPORT_AREAS:
      {
        WmAreaOptions options = { or_null (job->level), NULL, NULL, or_null (job->crs) };

        return wm_project_import_areas (project, job->file, &options, progress, progress_data,
                                        cancellable, report, error);
      }
    case WM_IMPORT_POSTCODES:
      return wm_project_import_postcodes (project, job->file, NULL, progress, progress_data,
                                          cancellable, report, error);
    case WM_IMPORT_SUPPLIERS:
      return wm_project_import_suppliers (project, job->file, progress, progress_data, cancellable,
                                          report, error);
    case WM_IMPORT_DEPRIVATION:
      return wm_project_import_deprivation (project, job->file, or_null (job->population_file),
                                            progress, progress_data, cancellable, report, error);
    case WM_IMPORT_LOOKUP:
      return wm_project_import_lookup (project, job->file, progress, progress_data, cancellable,
                                       report, error);
    default:
      g_assert_not_reached ();
    }
}
