/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wealthmap-cli: the core, headless. Every verb of the contract in DESIGN.md; errors go to
 * stderr as "wealthmap-cli: FILE:LINE: what is wrong" with a non-zero exit status. */
#include <gdal.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "app/core/wealthmap-core.h"
#include "app/map/wm-basemap.h"
#include "app/map/wm-render.h"
#include "wm-cli.h"

typedef int (*VerbFunc) (int argc, char **argv);

static gboolean opt_quiet;

int
cli_fail (GError *error)
{
  g_printerr ("wealthmap-cli: %s\n", error->message);
  g_error_free (error);
  return 1;
}

int
cli_usage_error (const char *format, ...)
{
  va_list          args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("wealthmap-cli: %s\n", msg);
  return 2;
}

static void
progress_cb (double fraction, const char *message, gpointer user_data)
{
  if (opt_quiet || !isatty (fileno (stderr)))
    return;
  if (fraction >= 0)
    g_printerr ("\r%3d%% %-60.60s", (int) (fraction * 100), message ? message : "");
  if (fraction >= 1.0)
    g_printerr ("\r%-70s\r", "");
}

static void
print_report (WmImportReport *report)
{
  g_autofree char *line = wm_import_report_to_string (report);

  g_print ("%s\n", line);
  for (guint i = 0; i < report->messages->len; i++)
    g_printerr ("wealthmap-cli: warning: %s\n", (char *) g_ptr_array_index (report->messages, i));
  if (report->n_messages_dropped)
    g_printerr ("wealthmap-cli: warning: ... and %u more\n", report->n_messages_dropped);
}

/* The end of every import verb: the error, or the one-line report and its warnings. */
static int
import_result (gboolean ok, WmImportReport *report, GError *error)
{
  if (!ok)
    return cli_fail (error);
  print_report (report);
  return 0;
}

gboolean
cli_parse (GOptionContext *context, int *argc, char ***argv, int n_positional, const char *usage)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      cli_usage_error ("%s", error->message);
      return FALSE;
    }
  if (*argc != n_positional + 1)
    {
      cli_usage_error ("usage: wealthmap-cli %s", usage);
      return FALSE;
    }
  return TRUE;
}

WmProject *
cli_open_project (const char *path)
{
  GError    *error = NULL;
  WmProject *project = wm_project_open (path, &error);

  if (project == NULL)
    cli_fail (error);
  return project;
}

/* ---- verbs ------------------------------------------------------------------------------ */

static int
verb_new (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  GError *error = NULL;

  if (!cli_parse (context, &argc, &argv, 1, "new PROJECT"))
    return 2;
  project = wm_project_create (argv[1], &error);
  if (project == NULL)
    return cli_fail (error);
  g_print ("created %s\n", argv[1]);
  return 0;
}

static int
import_spend (int argc, char **argv)
{
  g_autofree char *anchor = NULL, *kind = NULL, *postcode = NULL, *period = NULL;
  g_auto (GStrv) maps = NULL;
  gboolean     summary = FALSE;
  GOptionEntry entries[] = {
    { "anchor", 0, 0, G_OPTION_ARG_STRING, &anchor, "Anchor institution's name", "NAME" },
    { "anchor-kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      "council, nhs, police, fire, university, college, housing or other", "KIND" },
    { "anchor-postcode", 0, 0, G_OPTION_ARG_STRING, &postcode, "Anchor's postcode", "POSTCODE" },
    { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &maps, "Column for a field", "FIELD=HEADER" },
    { "summary", 0, 0, G_OPTION_ARG_NONE, &summary, "A top-supplier list (supplier, total)", NULL },
    { "period", 0, 0, G_OPTION_ARG_STRING, &period, "Period of a summary list", "FROM:TO" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT FILE");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmImportReport) report = NULL;
  g_auto (GStrv) period_parts = NULL;
  WmSpendOptions options = { 0 };
  GError        *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 2, "import spend PROJECT FILE --anchor NAME [...]"))
    return 2;
  if (anchor == NULL)
    return cli_usage_error ("%s: import spend needs --anchor NAME", argv[2]);
  if (summary && period == NULL)
    return cli_usage_error ("%s: --summary needs --period FROM:TO", argv[2]);
  if (period)
    {
      period_parts = g_strsplit (period, ":", 2);
      if (g_strv_length (period_parts) != 2)
        return cli_usage_error ("--period %s: expected FROM:TO", period);
    }
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  options.anchor = anchor;
  options.anchor_kind = kind;
  options.anchor_postcode = postcode;
  options.mapping = (const char *const *) maps;
  options.summary = summary;
  options.period_from = period_parts ? period_parts[0] : NULL;
  options.period_to = period_parts ? period_parts[1] : NULL;
  gboolean ok = wm_project_import_spend (project, argv[2], &options, progress_cb, NULL, NULL,
                                         &report, &error);
  return import_result (ok, report, error);
}

static int
import_areas (int argc, char **argv)
{
  g_autofree char *level = NULL, *code_field = NULL, *name_field = NULL, *crs = NULL;
  GOptionEntry     entries[] = {
        { "level", 0, 0, G_OPTION_ARG_STRING, &level, "ward, lsoa or lad", "LEVEL" },
        { "code-field", 0, 0, G_OPTION_ARG_STRING, &code_field, "Field with the area code", "F" },
        { "name-field", 0, 0, G_OPTION_ARG_STRING, &name_field, "Field with the area name", "F" },
        { "crs", 0, 0, G_OPTION_ARG_STRING, &crs, "CRS of a source without one", "EPSG:N" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT FILE");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmImportReport) report = NULL;
  WmAreaOptions options = { 0 };
  GError       *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (
          context, &argc, &argv, 2,
          "import areas PROJECT FILE [--level ward|lsoa|lad] [--code-field F] [--name-field F]"))
    return 2;
  if (level && strcmp (level, "ward") != 0 && strcmp (level, "lsoa") != 0
      && strcmp (level, "lad") != 0)
    return cli_usage_error ("--level %s: expected ward, lsoa or lad", level);
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  options.level = level;
  options.code_field = code_field;
  options.name_field = name_field;
  options.crs = crs;
  gboolean ok = wm_project_import_areas (project, argv[2], &options, progress_cb, NULL, NULL,
                                         &report, &error);
  return import_result (ok, report, error);
}

static int
import_postcodes (int argc, char **argv)
{
  g_autofree char *layout = NULL;
  GOptionEntry     entries[] = {
        { "layout", 0, 0, G_OPTION_ARG_STRING, &layout, "onspd, codepoint or simple", "LAYOUT" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT FILE");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmImportReport) report = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 2,
                  "import postcodes PROJECT FILE [--layout onspd|codepoint|simple]"))
    return 2;
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  gboolean ok = wm_project_import_postcodes (project, argv[2], layout, progress_cb, NULL, NULL,
                                             &report, &error);
  return import_result (ok, report, error);
}

static int
import_suppliers (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT FILE");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmImportReport) report = NULL;
  GError *error = NULL;

  if (!cli_parse (context, &argc, &argv, 2, "import suppliers PROJECT FILE"))
    return 2;
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  gboolean ok
      = wm_project_import_suppliers (project, argv[2], progress_cb, NULL, NULL, &report, &error);
  return import_result (ok, report, error);
}

static int
import_deprivation (int argc, char **argv)
{
  g_autofree char *population = NULL;
  GOptionEntry     entries[] = {
        { "population", 0, 0, G_OPTION_ARG_STRING, &population, "IoD population denominators (File_6)",
          "FILE" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT FILE");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmImportReport) report = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 2, "import deprivation PROJECT FILE [--population FILE]"))
    return 2;
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  gboolean ok = wm_project_import_deprivation (project, argv[2], population, progress_cb, NULL,
                                               NULL, &report, &error);
  return import_result (ok, report, error);
}

static int
import_lookup (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT FILE");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmImportReport) report = NULL;
  GError *error = NULL;

  if (!cli_parse (context, &argc, &argv, 2, "import lookup PROJECT FILE"))
    return 2;
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  gboolean ok
      = wm_project_import_lookup (project, argv[2], progress_cb, NULL, NULL, &report, &error);
  return import_result (ok, report, error);
}

typedef struct
{
  const char *name;
  VerbFunc    func;
  const char *help;
} Verb;

static const Verb import_verbs[] = {
  { "areas", import_areas,
    "PROJECT FILE [--level ward|lsoa|lad] [--code-field F] [--name-field F]" },
  { "suppliers", import_suppliers, "PROJECT FILE" },
  { "deprivation", import_deprivation, "PROJECT FILE [--population FILE]" },
  { "lookup", import_lookup, "PROJECT FILE" },
  { "postcodes", import_postcodes, "PROJECT FILE [--layout onspd|codepoint|simple]" },
  { "spend", import_spend,
    "PROJECT FILE --anchor NAME [--anchor-kind K] [--anchor-postcode P] "
    "[--map FIELD=HEADER ...] [--summary --period FROM:TO]" },
};

static int
verb_import (int argc, char **argv)
{
  if (argc < 2)
    return cli_usage_error (
        "usage: wealthmap-cli import "
        "(spend|areas|postcodes|suppliers|deprivation|lookup) PROJECT FILE ...");
  for (guint i = 0; i < G_N_ELEMENTS (import_verbs); i++)
    if (strcmp (argv[1], import_verbs[i].name) == 0)
      return import_verbs[i].func (argc - 1, argv + 1);
  return cli_usage_error ("import %s: unknown kind of import", argv[1]);
}

/* The authorities a place can be made of, with their imported wards and current roles. */
static int
place_list (const char *path, gboolean json)
{
  static const char *const roles[] = { "", "local", "region" };
  g_autoptr (WmProject) project = cli_open_project (path);
  g_autoptr (GPtrArray) list = NULL;
  GError *error = NULL;
  double  km;

  if (project == NULL)
    return 1;
  list = wm_project_list_authorities (project, &error);
  if (list == NULL)
    return cli_fail (error);
  wm_project_get_region_km (project, &km);
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "region_km");
      json_builder_add_double_value (b, km);
      json_builder_set_member_name (b, "authorities");
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        {
          const WmAuthority *a = list->pdata[i];

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "code");
          json_builder_add_string_value (b, a->code);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, a->name);
          json_builder_set_member_name (b, "wards");
          json_builder_add_int_value (b, a->n_wards);
          json_builder_set_member_name (b, "role");
          if (a->role == WM_PLACE_ROLE_NONE)
            json_builder_add_null_value (b);
          else
            json_builder_add_string_value (b, roles[a->role]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
      return 0;
    }
  if (list->len == 0)
    {
      g_print ("No local authority has imported wards yet: import ward boundaries, and a postcode "
               "table or the authorities' boundaries.\n");
      return 0;
    }
  g_print ("%-10s  %-36s  %5s  %s\n", "code", "name", "wards", "role");
  for (guint i = 0; i < list->len; i++)
    {
      const WmAuthority *a = list->pdata[i];

      g_print ("%-10s  %-36s  %5u  %s\n", a->code, a->name, a->n_wards,
               a->role == WM_PLACE_ROLE_REGION && km > 0 ? "" : roles[a->role]);
    }
  if (km > 0)
    g_print ("region: within %g km of the local area\n", km);
  return 0;
}

static int
verb_place (int argc, char **argv)
{
  g_autofree char *local = NULL, *region = NULL;
  double           region_km = 0;
  gboolean         list = FALSE, json = FALSE;
  GOptionEntry     entries[] = {
        { "list", 0, 0, G_OPTION_ARG_NONE, &list, "List the local authorities to choose from", NULL },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "With --list: print JSON", NULL },
        { "local", 0, 0, G_OPTION_ARG_STRING, &local, "Local area: area codes", "CODE[,CODE...]" },
        { "region", 0, 0, G_OPTION_ARG_STRING, &region, "Region: area codes", "CODE[,CODE...]" },
        { "region-km", 0, 0, G_OPTION_ARG_DOUBLE, &region_km, "Region: within N km of the local area",
          "N" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_auto (GStrv) local_codes = NULL, region_codes = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1,
                  "place PROJECT --local CODE[,CODE...] "
                  "(--region CODE[,CODE...] | --region-km N) | PROJECT --list [--json]"))
    return 2;
  if (list)
    return place_list (argv[1], json);
  if (local == NULL || (region == NULL && region_km <= 0) || (region && region_km > 0))
    return cli_usage_error ("place needs --local and exactly one of --region or --region-km");
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  local_codes = g_strsplit (local, ",", -1);
  region_codes = region ? g_strsplit (region, ",", -1) : NULL;
  if (!wm_project_set_place (project, (const char *const *) local_codes,
                             (const char *const *) region_codes, region_km, &error))
    return cli_fail (error);
  if (region)
    g_print ("place set: local %s, region %s\n", local, region);
  else
    g_print ("place set: local %s, region within %g km\n", local, region_km);
  return 0;
}

static void
print_share_row (const WmShareRow *r)
{
  gint64           located = r->local + r->regional + r->leaked;
  g_autofree char *total = wm_format_pounds (r->total);
  g_autofree char *unlocated = wm_format_pounds (r->unlocated);
  g_autofree char *lp = wm_format_share (r->local, located);
  g_autofree char *rp = wm_format_share (r->regional, located);
  g_autofree char *xp = wm_format_share (r->leaked, located);
  g_autofree char *up = wm_format_share (r->unlocated, r->total);
  g_autofree char *pp = wm_format_share (r->public_bodies, r->total);

  g_print ("%-36.36s %14s %7s %7s %7s   %14s %6s   %6s %7" G_GINT64_FORMAT "\n", r->label, total,
           lp, rp, xp, unlocated, up, pp, r->lines);
}

gboolean
cli_set_contents (const char *path, const char *text, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (g_file_set_contents (path, text, -1, &local))
    return TRUE;
  /* GLib's message names its temporary file; say it about the file asked for. */
  if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_set_error (error, G_FILE_ERROR, local->code, "%s: cannot write it: its folder does not exist",
                 path);
  else if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_ACCES))
    g_set_error (error, G_FILE_ERROR, local->code, "%s: cannot write it: permission denied", path);
  else
    g_set_error (error, G_FILE_ERROR, local->code, "%s: cannot write it: %s", path, local->message);
  return FALSE;
}

gboolean
cli_write_text (const char *path, const char *text)
{
  g_autoptr (GError) error = NULL;

  if (cli_set_contents (path, text, &error))
    return TRUE;
  g_printerr ("wealthmap-cli: %s\n", error->message);
  return FALSE;
}

static int
verb_summary (int argc, char **argv)
{
  gboolean         json = FALSE;
  g_autofree char *by_text = NULL, *csv_path = NULL, *wards_path = NULL;
  g_autofree char *anchor = NULL, *category = NULL, *sector_name = NULL, *kind = NULL;
  int              year = 0;
  GOptionEntry     entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (schema in docs/cli.md)", NULL },
        { "by", 0, 0, G_OPTION_ARG_STRING, &by_text, "anchor, sector, kind, year or ward", "WHAT" },
        { "anchor", 0, 0, G_OPTION_ARG_STRING, &anchor, "Only this anchor's spend", "NAME" },
        { "category", 0, 0, G_OPTION_ARG_STRING, &category, "Only this spend category", "C" },
        { "sector", 0, 0, G_OPTION_ARG_STRING, &sector_name, "Only this sector", "S" },
        { "year", 0, 0, G_OPTION_ARG_INT, &year, "Only the financial year starting then", "Y" },
        { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, "Only suppliers of this kind", "K" },
        { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path,
          "Write the table (by anchor, or --by) as CSV, UTF-8 with BOM", "FILE" },
        { "wards-csv", 0, 0, G_OPTION_ARG_FILENAME, &wards_path,
          "Write the ward table (received £, IMD) as CSV, UTF-8 with BOM", "FILE" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmSummary) summary = NULL;
  WmSummaryBy by = WM_SUMMARY_BY_ANCHOR;
  WmMapFilter filter;
  GError     *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1,
                  "summary PROJECT [--json] [--by anchor|sector|kind|year|ward] [--csv FILE]"
                  " [--wards-csv FILE] [--anchor A] [--year Y] [--sector S] [--kind K]"
                  " [--category C]"))
    return 2;
  if (by_text && !wm_summary_by_from_string (by_text, &by))
    return cli_usage_error ("--by %s: expected anchor, sector, kind, year or ward", by_text);
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  filter = (WmMapFilter){ .anchor = anchor, .category = category, .fyear = year, .kind = kind };
  if (sector_name && (filter.sector = cli_sector (project, sector_name)) == NULL)
    return 2;
  summary = wm_project_summary_filtered (project, by, &filter, FALSE, &error);
  if (summary == NULL)
    return cli_fail (error);
  if (csv_path != NULL || wards_path != NULL)
    {
      g_autofree char *table = csv_path ? wm_summary_to_csv (summary) : NULL;
      g_autofree char *wards = wards_path ? wm_summary_wards_to_csv (summary) : NULL;

      if ((csv_path && !cli_write_text (csv_path, table))
          || (wards_path && !cli_write_text (wards_path, wards)))
        return 1;
      if (csv_path && !json)
        g_print ("wrote %s\n", csv_path);
      if (wards_path && !json)
        g_print ("wrote %s\n", wards_path);
      if (!json)
        return 0;
    }
  if (json)
    {
      g_autofree char *text = wm_summary_to_json (summary);
      g_print ("%s\n", text);
      return 0;
    }
  if (!summary->place_set)
    g_print ("No place set yet (wealthmap-cli place PROJECT --local ... --region ...): "
             "local/regional/leaked shares need it.\n\n");
  if (anchor || year || sector_name || kind || category)
    {
      g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *text = NULL;

      if (anchor)
        g_ptr_array_add (parts, g_strdup_printf ("anchor %s", anchor));
      if (year)
        g_ptr_array_add (parts, g_strdup_printf ("year %d/%02d", year, (year + 1) % 100));
      if (filter.sector)
        g_ptr_array_add (parts, g_strdup_printf ("sector %s", filter.sector));
      if (kind)
        g_ptr_array_add (parts, g_strdup_printf ("supplier kind %s", kind));
      if (category)
        g_ptr_array_add (parts, g_strdup_printf ("category %s", category));
      g_ptr_array_add (parts, NULL);
      text = g_strjoinv (" · ", (char **) parts->pdata);
      g_print ("Only the spend of %s\n\n", text);
    }
  g_print ("%-36s %14s %7s %7s %7s   %14s %6s   %6s %7s\n", "", "total", "local", "region",
           "leaked", "unlocated", "", "public", "lines");
  g_print ("%-36s %14s %7s %7s %7s   %14s %6s   %6s %7s\n", "", "", "(shares of located £)", "", "",
           "", "of £", "of £", "");
  for (guint i = 0; i < summary->rows->len; i++)
    print_share_row (g_ptr_array_index (summary->rows, i));
  print_share_row (&summary->overall);
  {
    g_autofree char *unlocated = wm_format_pounds (summary->overall.unlocated);
    g_autofree char *up = wm_format_share (summary->overall.unlocated, summary->overall.total);
    g_autofree char *pub = wm_format_pounds (summary->overall.public_bodies);
    g_autofree char *pp = wm_format_share (summary->overall.public_bodies, summary->overall.total);

    g_print ("\nPublic bodies: %s (%s of all spend) went to councils, government, the NHS and "
             "other public bodies\n('wealthmap-cli public'); they are set apart, and the "
             "figures beside them are of the rest.\nUnlocated: %s (%s of all spend) has no "
             "location: the shares are of the located part only.\n",
             pub, pp, unlocated, up);
  }
  {
    const WmShareRow *o = &summary->overall;
    g_autofree char  *infl = wm_format_pounds (o->influenceable);
    g_autofree char  *not_infl = wm_format_pounds (o->total - o->public_bodies - o->influenceable);
    g_autofree char  *il
        = wm_format_share (o->infl_local, o->infl_local + o->infl_regional + o->infl_leaked);
    g_autofree char *ik
        = wm_format_share (o->infl_leaked, o->infl_local + o->infl_regional + o->infl_leaked);

    g_print ("Influenceable: %s could be won by a local firm (%s of its located part local, %s "
             "leaked);\n%s more is not influenceable (tax, grants, pay, national contracts: "
             "'wealthmap-cli gaps').\n",
             infl, il, ik, not_infl);
  }
  if (summary->by == WM_SUMMARY_BY_ANCHOR)
    {
      g_print ("\nCoverage of the spend not paid to public bodies (placed / with a suggestion to "
               "review: 'matches' / unplaced):\n");
      for (guint i = 0; i <= summary->rows->len; i++)
        {
          const WmShareRow *r
              = i < summary->rows->len ? g_ptr_array_index (summary->rows, i) : &summary->overall;
          gint64           base = r->total - r->public_bodies;
          g_autofree char *placed
              = wm_format_share (r->local + r->regional + r->leaked + r->unclassified, base);
          g_autofree char *suggested = wm_format_share (r->suggested, base);
          g_autofree char *unplaced = wm_format_share (r->unlocated - r->suggested, base);
          g_autoptr (GString) top = g_string_new (NULL);

          for (guint k = 0; r->top_unplaced && k < MIN (r->top_unplaced->len, 5); k++)
            {
              WmUnplaced      *u = g_ptr_array_index (r->top_unplaced, k);
              g_autofree char *amount = wm_format_pounds_short (u->amount);
              g_string_append_printf (top, "%s%s %s", k ? ", " : "", u->name, amount);
            }
          g_print ("%-36.36s placed %6s  suggested %6s  unplaced %6s\n", r->label, placed,
                   suggested, unplaced);
          if (top->len)
            g_print ("%-36s largest unplaced: %s\n", "", top->str);
        }
    }
  return 0;
}

static int
verb_unmatched (int argc, char **argv)
{
  gboolean         json = FALSE;
  g_autofree char *csv_path = NULL;
  GOptionEntry     entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write them as CSV, UTF-8 with BOM", "FILE" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1, "unmatched PROJECT [--json] [--csv FILE]"))
    return 2;
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  rows = wm_project_unmatched (project, &error);
  if (rows == NULL)
    return cli_fail (error);
  if (csv_path != NULL)
    {
      g_autofree char *text = wm_unmatched_to_csv (rows);

      if (!cli_write_text (csv_path, text))
        return 1;
      if (!json)
        {
          g_print ("wrote %s (%u suppliers)\n", csv_path, rows->len);
          return 0;
        }
    }
  if (json)
    {
      g_autofree char *text = wm_unmatched_to_json (rows);
      g_print ("%s\n", text);
      return 0;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      WmUnmatchedRow  *r = g_ptr_array_index (rows, i);
      g_autofree char *amount = wm_format_pounds (r->amount);

      g_print ("%14s %6" G_GINT64_FORMAT "  %-44.44s %-8s %s\n", amount, r->lines, r->name,
               r->kind ? r->kind : "", r->why);
    }
  return 0;
}

static int
verb_lines (int argc, char **argv)
{
  g_autofree char *anchor = NULL, *supplier = NULL, *ward = NULL, *place = NULL;
  g_autofree char *category = NULL, *kind = NULL, *sector_name = NULL;
  int              year = 0, limit = 50;
  gboolean         json = FALSE, influenceable = FALSE;
  GOptionEntry     entries[] = {
        { "anchor", 0, 0, G_OPTION_ARG_STRING, &anchor, "Only this anchor's lines", "NAME" },
        { "supplier", 0, 0, G_OPTION_ARG_STRING, &supplier, "Only lines matched to this supplier",
          "NAME" },
        { "ward", 0, 0, G_OPTION_ARG_STRING, &ward, "Only suppliers located in this ward", "CODE" },
        { "place", 0, 0, G_OPTION_ARG_STRING, &place, "local, regional, leaked, unset or unlocated",
          "P" },
        { "category", 0, 0, G_OPTION_ARG_STRING, &category, "Only this spend category", "C" },
        { "sector", 0, 0, G_OPTION_ARG_STRING, &sector_name, "Only this sector", "S" },
        { "year", 0, 0, G_OPTION_ARG_INT, &year, "Only the financial year starting then", "Y" },
        { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, "Only suppliers of this kind", "K" },
        { "influenceable", 0, 0, G_OPTION_ARG_NONE, &influenceable,
          "Only influenceable spend (what gaps count)", NULL },
        { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Lines to print, largest first (0 = all)", "N" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  WmLineTotals totals = { 0 };
  WmLineQuery  query = { 0 };
  GError      *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1, "lines PROJECT [filters] [--limit N] [--json]"))
    return 2;
  if (place != NULL
      && !g_strv_contains (
          (const char *const[]){ "local", "regional", "leaked", "unset", "unlocated", NULL },
          place))
    return cli_usage_error ("--place is local, regional, leaked, unset or unlocated");
  if (limit < 0)
    return cli_usage_error ("--limit is 0 (all) or more");
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  query = (WmLineQuery){ anchor, 0, supplier, ward, place, category, year, kind };
  query.influenceable = influenceable;
  if (sector_name && (query.sector = cli_sector (project, sector_name)) == NULL)
    return 2;
  lines = wm_project_spend_lines (project, &query, (guint) limit, &totals, &error);
  if (lines == NULL)
    return cli_fail (error);
  if (json)
    {
      g_autofree char *text = wm_spend_lines_to_json (lines, &totals);
      g_print ("%s\n", text);
      return 0;
    }
  for (guint i = 0; i < lines->len; i++)
    {
      WmSpendLine     *l = g_ptr_array_index (lines, i);
      g_autofree char *amount = wm_format_pounds (l->amount);
      g_autofree char *source = wm_spend_line_source (l);

      g_print ("%14s  %-10s  %-40.40s  %-10s  %s\n", amount, l->date ? l->date : "", l->supplier,
               l->place ? l->place : "unlocated", source);
    }
  {
    g_autofree char *total = wm_format_pounds (totals.total);
    g_print ("%" G_GUINT64_FORMAT " lines, %s%s\n", totals.lines, total,
             lines->len < totals.lines ? " (largest shown; --limit 0 for all)" : "");
  }
  return 0;
}

static int
verb_locate (int argc, char **argv)
{
  g_autofree char *supplier = NULL, *postcode = NULL, *at = NULL;
  GOptionEntry     entries[] = {
        { "supplier", 0, 0, G_OPTION_ARG_STRING, &supplier, "The supplier, by name", "NAME" },
        { "postcode", 0, 0, G_OPTION_ARG_STRING, &postcode, "Its trading postcode", "P" },
        { "at", 0, 0, G_OPTION_ARG_STRING, &at, "Or its coordinates", "LAT,LON" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  GError *error = NULL;
  gint64  id = 0;
  guint   found = 0;
  double  lat = 0, lon = 0;

  g_option_context_add_main_entries (context, entries, NULL);

  if (!cli_parse (context, &argc, &argv, 1,
                  "locate PROJECT --supplier NAME (--postcode P | --at LAT,LON)"))
    return 2;
  if (supplier == NULL || (postcode == NULL) == (at == NULL))
    return cli_usage_error ("locate needs --supplier and one of --postcode or --at");
  if (at && !wm_parse_lat_lon (at, &lat, &lon))
    return cli_usage_error ("--at %s: expected latitude,longitude in decimal degrees", at);
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  /* By name among the unlocated suppliers: the ones that need a hand. */
  rows = wm_project_unmatched (project, &error);
  if (rows == NULL)
    return cli_fail (error);
  for (guint i = 0; i < rows->len; i++)
    {
      WmUnmatchedRow *r = g_ptr_array_index (rows, i);
      if (r->supplier_id > 0 && g_strcmp0 (r->name, supplier) == 0)
        id = r->supplier_id, found++;
    }
  if (found != 1)
    {
      g_printerr ("wealthmap-cli: %s: %s\n", supplier,
                  found == 0 ? "no unlocated supplier has this name (see 'unmatched')"
                             : "several unlocated suppliers have this name");
      return 1;
    }
  if (at ? !wm_project_locate_supplier_at (project, id, lat, lon, &error)
         : !wm_project_locate_supplier (project, id, postcode, &error))
    return cli_fail (error);
  g_print ("%s: placed at %s\n", supplier, at ? at : postcode);
  return 0;
}

static int
verb_render (int argc, char **argv)
{
  g_autofree char *png = NULL, *svg = NULL, *pdf = NULL, *layers = NULL, *style = NULL;
  g_autofree char *bbox = NULL, *anchor = NULL, *category = NULL, *kind = NULL;
  g_autofree char *sector_name = NULL;
  g_autofree char *level = NULL, *domain = NULL, *paper = NULL, *title = NULL;
  g_autofree char *basemap_path = NULL;
  g_autoptr (WmBasemap) basemap = NULL;
  int          width = 0, height = 0, year = 0;
  double       min_flow = 0, dpi = 96;
  gboolean     north = FALSE;
  GOptionEntry entries[] = {
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png, "Write a PNG", "OUT" },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg, "Write an SVG", "OUT" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, "Write a PDF", "OUT" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width,
      "Width in pixels (points for SVG and PDF; default 1600)", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "Height (default 1000)", "H" },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &paper,
      "Or a paper size: a0..a5 or letter, landscape (add -portrait for upright)", "P" },
    { "dpi", 0, 0, G_OPTION_ARG_DOUBLE, &dpi,
      "PNG: pixels per inch of the paper, or the text size of a --width page (default 96)", "N" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, "The map's title (default: the project's)",
      "TEXT" },
    { "north-arrow", 0, 0, G_OPTION_ARG_NONE, &north, "Draw a north arrow", NULL },
    { "layer", 0, 0, G_OPTION_ARG_STRING, &layers,
      "Layers (base,areas,outlines,flows,suppliers,anchors,legend; default all)", "L,..." },
    { "style", 0, 0, G_OPTION_ARG_STRING, &style, "Ward colours: imd (default) or received", "S" },
    { "bbox", 0, 0, G_OPTION_ARG_STRING, &bbox, "Show this box instead of the place", "W,S,E,N" },
    { "anchor", 0, 0, G_OPTION_ARG_STRING, &anchor, "Only this anchor's spend", "NAME" },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, "Only this spend category", "C" },
    { "sector", 0, 0, G_OPTION_ARG_STRING, &sector_name, "Only this sector", "S" },
    { "year", 0, 0, G_OPTION_ARG_INT, &year, "Only the financial year starting then", "Y" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, "Only suppliers of this kind", "K" },
    { "min-flow", 0, 0, G_OPTION_ARG_DOUBLE, &min_flow, "Leave out flows under £N", "N" },
    { "basemap", 0, 0, G_OPTION_ARG_FILENAME, &basemap_path,
      "Raster tiles under the map: an MBTiles file (or a GeoPackage, a GeoTIFF)", "FILE" },
    { "level", 0, 0, G_OPTION_ARG_STRING, &level, "Areas: ward (default) or lsoa", "L" },
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain,
      "Deprivation domain: imd (default), income, employment, education, health, crime,"
      " barriers, living",
      "D" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmScene) scene = NULL;
  GError         *error = NULL;
  const char     *out;
  WmRenderOptions options;
  WmMapFilter     filter;
  WmRenderFormat  format;
  WmPageSize      size;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1, "render PROJECT (--png|--svg|--pdf) OUT [options]"))
    return 2;
  out = png ? png : svg ? svg : pdf;
  if (out == NULL || (!!png + !!svg + !!pdf) != 1)
    return cli_usage_error ("render needs exactly one of --png, --svg or --pdf");
  format = png ? WM_RENDER_PNG : svg ? WM_RENDER_SVG : WM_RENDER_PDF;
  if (paper != NULL && (width || height))
    return cli_usage_error ("give either --paper or --width and --height");
  if (paper != NULL ? !wm_page_size_for_paper (paper, format, dpi, &size, &error)
                    : !wm_page_size_for_pixels (width ? width : 1600, height ? height : 1000,
                                                format, dpi, &size, &error))
    {
      g_printerr ("wealthmap-cli: %s\n", error->message);
      g_error_free (error);
      return 2;
    }
  if (level != NULL && g_strcmp0 (level, "ward") != 0 && g_strcmp0 (level, "lsoa") != 0)
    return cli_usage_error ("--level is ward or lsoa");
  if (domain != NULL
      && !g_strv_contains ((const char *const[]){ "imd", "income", "employment", "education",
                                                  "health", "crime", "barriers", "living", NULL },
                           domain))
    return cli_usage_error (
        "--domain is imd, income, employment, education, health, crime, barriers"
        " or living");
  wm_render_options_init (&options);
  if (layers != NULL && !wm_layers_parse (layers, &options.layers, &error))
    return cli_fail (error);
  if (style != NULL && g_strcmp0 (style, "received") == 0)
    options.style = WM_AREA_STYLE_RECEIVED;
  else if (style != NULL && g_strcmp0 (style, "imd") != 0)
    return cli_usage_error ("--style is imd or received");
  options.min_flow = (gint64) (min_flow * 100);
  options.title = title;
  options.north_arrow = north;
  if (bbox != NULL)
    {
      double w, s, e, n;

      if (sscanf (bbox, "%lf,%lf,%lf,%lf", &w, &s, &e, &n) != 4 || w >= e || s >= n)
        return cli_usage_error ("--bbox is WEST,SOUTH,EAST,NORTH in degrees");
      wm_mercator (w, n, &options.extent[0], &options.extent[1]);
      wm_mercator (e, s, &options.extent[2], &options.extent[3]);
      options.has_extent = TRUE;
    }
  /* Only now: the option strings are set by the parse above. */
  filter = (WmMapFilter){ anchor, category, year, kind, level, domain };
  project = cli_open_project (argv[1]);
  if (project != NULL && sector_name && (filter.sector = cli_sector (project, sector_name)) == NULL)
    return 2;
  if (project == NULL)
    return 1;
  if (basemap_path != NULL && (basemap = wm_basemap_open (basemap_path, &error)) == NULL)
    return cli_fail (error);
  options.basemap = basemap;
  scene = wm_scene_load (project, &filter, &error);
  if (scene == NULL)
    return cli_fail (error);
  if (!wm_render_to_file (scene, &options, out, format, &size, &error))
    return cli_fail (error);
  g_print ("wrote %s (%dx%d %s)\n", out, size.width, size.height,
           format == WM_RENDER_PNG ? "pixels" : "points");
  return 0;
}

static int
verb_public (int argc, char **argv)
{
  g_autofree char *export_path = NULL, *import_path = NULL;
  g_auto (GStrv) tests = NULL;
  GOptionEntry entries[] = {
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &export_path, "Write the project's list as CSV",
      "FILE" },
    { "import", 0, 0, G_OPTION_ARG_FILENAME, &import_path,
      "Replace the project's list with a CSV (pattern,match,body) and classify again", "FILE" },
    { "test", 0, 0, G_OPTION_ARG_STRING_ARRAY, &tests, "Say whether NAME is a public body",
      "NAME" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1,
                  "public PROJECT [--export FILE] [--import FILE] [--test NAME]..."))
    return 2;
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  if (import_path)
    {
      g_autoptr (WmImportReport) report = NULL;
      if (!wm_project_import_public_rules (project, import_path, &report, &error))
        return cli_fail (error);
      g_print ("%s: %" G_GUINT64_FORMAT " rules; suppliers classified again\n", report->file,
               report->imported);
    }
  if (export_path)
    {
      if (!wm_project_export_public_rules (project, export_path, &error))
        return cli_fail (error);
      g_print ("wrote %s\n", export_path);
    }
  if (tests)
    {
      g_autoptr (WmPublicRules) rules = wm_project_public_rules (project, &error);
      if (rules == NULL)
        return cli_fail (error);
      for (int i = 0; tests[i]; i++)
        {
          const char *body = wm_public_rules_match (rules, tests[i]);
          g_print ("%s\t%s\n", tests[i], body ? body : "not a public body");
        }
    }
  if (!import_path && !export_path && !tests)
    {
      g_autoptr (GPtrArray) rows = wm_project_public_payees (project, &error);
      gint64 total = 0;
      if (rows == NULL)
        return cli_fail (error);
      for (guint i = 0; i < rows->len; i++)
        {
          WmPublicPayee   *p = g_ptr_array_index (rows, i);
          g_autofree char *amount = wm_format_pounds (p->amount);
          g_print ("%14s %6" G_GINT64_FORMAT "  %-50.50s %s\n", amount, p->lines, p->name, p->body);
          total += p->amount;
        }
      {
        g_autofree char *amount = wm_format_pounds (total);
        g_print ("%14s         %u public bodies\n", amount, rows->len);
      }
    }
  return 0;
}

static int
verb_matches (int argc, char **argv)
{
  g_autofree char *export_path = NULL, *import_path = NULL, *knowledge = NULL;
  double           accept_above = -1;
  gboolean         json = FALSE;
  int              limit = 30;
  GOptionEntry     entries[] = {
        { "export", 0, 0, G_OPTION_ARG_FILENAME, &export_path,
          "Write the review (unplaced payees, suggestions) as CSV for a spreadsheet", "FILE" },
        { "import", 0, 0, G_OPTION_ARG_FILENAME, &import_path,
          "Read a filled-in review: accept and postcode columns", "FILE" },
        { "accept-above", 0, 0, G_OPTION_ARG_DOUBLE, &accept_above,
          "Accept every clear suggestion scoring at least S (0..1)", "S" },
        { "export-directory", 0, 0, G_OPTION_ARG_FILENAME, &knowledge,
          "Write what was learnt (accepted matches, hand placements) as a supplier directory", "FILE" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the review as JSON", NULL },
        { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Payees to list (0: all; default 30)", "N" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  GError  *error = NULL;
  gboolean acted = FALSE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1,
                  "matches PROJECT [--accept-above S] [--export FILE] [--import FILE]"
                  " [--export-directory FILE] [--json] [--limit N]"))
    return 2;
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  if (import_path)
    {
      g_autoptr (WmImportReport) report = NULL;
      if (!wm_project_import_review (project, import_path, &report, &error))
        return cli_fail (error);
      g_print ("%s: %" G_GUINT64_FORMAT " rows, %" G_GUINT64_FORMAT " applied, %" G_GUINT64_FORMAT
               " left as they were\n",
               report->file, report->rows_read, report->imported, report->skipped);
      acted = TRUE;
    }
  if (accept_above >= 0)
    {
      guint n = 0;
      if (accept_above > 1)
        return cli_usage_error ("--accept-above %g: a score is between 0 and 1", accept_above);
      if (!wm_project_accept_suggestions (project, accept_above, &n, &error))
        return cli_fail (error);
      g_print ("accepted %u suggestions scoring at least %.2f\n", n, accept_above);
      acted = TRUE;
    }
  if (export_path)
    {
      if (!wm_project_export_review (project, export_path, &error))
        return cli_fail (error);
      g_print ("wrote %s\n", export_path);
      acted = TRUE;
    }
  if (knowledge)
    {
      guint n = 0;
      if (!wm_project_export_knowledge (project, knowledge, &n, &error))
        return cli_fail (error);
      g_print ("wrote %s (%u suppliers)\n", knowledge, n);
      acted = TRUE;
    }
  if (!acted || json)
    {
      g_autoptr (GPtrArray) rows = wm_project_review (project, &error);

      if (rows == NULL)
        return cli_fail (error);
      if (json)
        {
          g_autofree char *text = wm_review_to_json (rows, (guint) MAX (limit, 0));
          g_print ("%s\n", text);
          return 0;
        }
      for (guint i = 0; i < rows->len && (limit == 0 || i < (guint) limit); i++)
        {
          WmReviewRow  *r = g_ptr_array_index (rows, i);
          WmSuggestion *best = r->suggestions->len ? g_ptr_array_index (r->suggestions, 0) : NULL;
          g_autofree char *amount = wm_format_pounds (r->amount);

          g_print ("%14s %5" G_GINT64_FORMAT "  %-40.40s", amount, r->lines, r->payee);
          if (best)
            g_print ("  ~ %s (%s, %.2f%s)", best->name,
                     best->company_number ? best->company_number : "no number", best->score,
                     best->ambiguous ? ", ambiguous" : "");
          g_print ("\n");
        }
      if (limit > 0 && rows->len > (guint) limit)
        g_print ("... and %u more unplaced payees (--limit 0 for all)\n", rows->len - limit);
    }
  return 0;
}

static const Verb verbs[] = {
  { "new", verb_new, "PROJECT" },
  { "import", verb_import, "(spend|areas|deprivation|lookup|postcodes|suppliers) PROJECT FILE" },
  { "place", verb_place, "PROJECT --local CODES (--region CODES | --region-km N)" },
  { "summary", verb_summary,
    "PROJECT [--json] [--by anchor|sector|kind|year|ward] [--csv FILE] [--wards-csv FILE]"
    " [--anchor A] [--year Y] [--sector S] [--kind K] [--category C]" },
  { "unmatched", verb_unmatched, "PROJECT [--json] [--csv FILE]" },
  { "locate", verb_locate, "PROJECT --supplier NAME (--postcode P | --at LAT,LON)" },
  { "matches", verb_matches,
    "PROJECT [--accept-above S] [--export FILE] [--import FILE] [--export-directory FILE]"
    " [--json] [--limit N]" },
  { "public", verb_public, "PROJECT [--export FILE] [--import FILE] [--test NAME]..." },
  { "sectors", cli_verb_sectors,
    "PROJECT [--export FILE] [--import FILE] [--export-exclusions FILE] [--import-exclusions FILE]"
    " [--test TEXT]... [--json]" },
  { "gaps", cli_verb_gaps,
    "PROJECT [--json] [--csv OUT] [--anchor-weight W] [--local-weight W] [--save-weights]"
    " [--limit N]" },
  { "sites", cli_verb_sites, "PROJECT --sector S [--domain D] [--json] [--limit N]" },
  { "scenario", cli_verb_scenario,
    "PROJECT --shift PCT [--sector S,...] [--respend R2,R3] [--per-job GBP] [--json]" },
  { "network", cli_verb_network, "PROJECT [--json] [--limit N]" },
  { "lots", cli_verb_lots, "PROJECT --sector S [--json]" },
  { "ward-report", cli_verb_ward_report,
    "PROJECT WARD [--pdf OUT] [--csv OUT] | PROJECT --all DIR" },
  { "story", cli_verb_story,
    "PROJECT [STORY] [--add [--title T] [--caption C] [--bbox W,S,E,N] [--style S] [--level L]"
    " [--domain D] [--no-flows] [filters]] [--remove N] [--move N --to M] [--delete]"
    " [--pdf OUT [--paper P]] [--json]" },
  { "lines", verb_lines,
    "PROJECT [--anchor A] [--supplier S] [--ward CODE] [--place P] [--category C] [--sector S]"
    " [--year Y]"
    " [--kind K] [--limit N] [--json]" },
  { "render", verb_render,
    "PROJECT (--png|--svg|--pdf) OUT [--width W --height H] [--layer L,...] [--style imd|received]"
    " [--bbox W,S,E,N] [--anchor A] [--category C] [--sector S] [--year Y] [--kind K]"
    " [--min-flow GBP] [--paper a0..a5|letter[-portrait]] [--dpi N] [--title T] [--north-arrow]"
    " [--basemap FILE]" },
};

static int
usage (void)
{
  g_printerr ("usage:\n");
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    g_printerr ("  wealthmap-cli %s %s\n", verbs[i].name, verbs[i].help);
  return 2;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  GDALAllRegister ();
  /* GDAL's own messages would duplicate ours on stderr; errors are reported via GError. */
  CPLSetErrorHandler (CPLQuietErrorHandler);
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    return usage ();
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (strcmp (argv[1], verbs[i].name) == 0)
      return verbs[i].func (argc - 1, argv + 1);
  g_printerr ("wealthmap-cli: %s: unknown command\n", argv[1]);
  return usage ();
}
