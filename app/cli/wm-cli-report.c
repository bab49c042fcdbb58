/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CLI's reports: ward-report (docs/reports.md). */
#include <glib/gstdio.h>

#include "app/map/wm-report-pdf.h"
#include "wm-cli.h"

/* One ward's PDF and/or CSV. */
static gboolean
write_report (WmProject  *project,
              WmScene   **scene,
              const char *code,
              const char *pdf,
              const char *csv,
              GError    **error)
{
  g_autoptr (WmWardReport) report = wm_project_ward_report (project, code, error);

  if (report == NULL)
    return FALSE;
  if (csv != NULL)
    {
      g_autofree char *text = wm_ward_report_to_csv (report);

      if (!cli_set_contents (csv, text, error))
        return FALSE;
    }
  if (pdf != NULL)
    {
      /* The map under every report is the same: loaded once. */
      if (*scene == NULL)
        {
          WmMapFilter filter = { 0 };

          *scene = wm_scene_load (project, &filter, error);
          if (*scene == NULL)
            return FALSE;
        }
      if (!wm_ward_report_to_pdf (report, *scene, pdf, error))
        return FALSE;
    }
  return TRUE;
}

int
cli_verb_ward_report (int argc, char **argv)
{
  g_autofree char *pdf = NULL, *csv = NULL, *all = NULL;
  GOptionEntry     entries[] = {
        { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, "Write the A4 report here", "OUT.pdf" },
        { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Write its figures here", "OUT.csv" },
        { "all", 0, 0, G_OPTION_ARG_FILENAME, &all,
          "A PDF and a CSV for each ward of the local area, in this folder", "DIR" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT [WARD]");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmScene) scene = NULL;
  GError  *error = NULL;
  gboolean every = FALSE;

  /* PROJECT alone with --all, PROJECT WARD without. */
  for (int i = 1; i < argc; i++)
    every |= g_str_has_prefix (argv[i], "--all");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (
          context, &argc, &argv, every ? 1 : 2,
          "ward-report PROJECT WARD (--pdf OUT | --csv OUT) | ward-report PROJECT --all DIR"))
    return 2;
  if (all == NULL && pdf == NULL && csv == NULL)
    return cli_usage_error ("ward-report: give --pdf OUT, --csv OUT or both (or --all DIR)");
  if (all != NULL && (pdf != NULL || csv != NULL))
    return cli_usage_error ("ward-report: --all DIR writes every ward's PDF and CSV itself");
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  if (all == NULL)
    {
      if (!write_report (project, &scene, argv[2], pdf, csv, &error))
        return cli_fail (error);
      return 0;
    }
  {
    g_auto (GStrv) wards = wm_project_local_wards (project, &error);
    guint n;

    if (wards == NULL)
      return cli_fail (error);
    n = g_strv_length (wards);
    if (n == 0)
      return cli_usage_error ("ward-report --all: the project has no local area: set it with"
                              " `wealthmap-cli place` first");
    if (g_mkdir_with_parents (all, 0755) != 0)
      {
        g_printerr ("wealthmap-cli: %s: cannot make the folder: %s\n", all, g_strerror (errno));
        return 1;
      }
    for (guint i = 0; i < n; i++)
      {
        g_autofree char *base = g_build_filename (all, wards[i], NULL);
        g_autofree char *pdf_path = g_strconcat (base, ".pdf", NULL);
        g_autofree char *csv_path = g_strconcat (base, ".csv", NULL);

        if (!write_report (project, &scene, wards[i], pdf_path, csv_path, &error))
          return cli_fail (error);
        g_print ("%s\n", pdf_path);
      }
    g_printerr ("%u ward reports written to %s\n", n, all);
  }
  return 0;
}
