/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CLI's analysis verbs: sectors, gaps, sites, scenario, network, lots (docs/cli.md). */
#include <math.h>
#include <string.h>

#include "wm-cli.h"

static char *
percent (double fraction)
{
  return isfinite (fraction) ? g_strdup_printf ("%.1f%%", fraction * 100) : g_strdup ("-");
}

/* The sector named on the command line (name or slug), or NULL after saying which exist. */
static const char *
find_sector (WmSectorRules *rules, const char *name)
{
  const char *sector = wm_sector_rules_find (rules, name);

  if (sector == NULL)
    {
      g_autoptr (GPtrArray) names = wm_sector_rules_sectors (rules);
      g_autoptr (GString) list = g_string_new (NULL);

      for (guint i = 0; i < names->len; i++)
        g_string_append_printf (list, "%s%s", i ? "; " : "", (char *) g_ptr_array_index (names, i));
      cli_usage_error ("no sector \"%s\"; the project's sectors are: %s", name, list->str);
    }
  return sector;
}

const char *
cli_sector (WmProject *project, const char *name)
{
  g_autoptr (WmSectorRules) rules = NULL;
  GError *error = NULL;

  rules = wm_project_sector_rules (project, &error);
  if (rules == NULL)
    {
      cli_fail (error);
      return NULL;
    }
  /* sector names are interned by the rules, so they outlive them */
  return find_sector (rules, name);
}

/* ---- sectors ---------------------------------------------------------------------------- */

int
cli_verb_sectors (int argc, char **argv)
{
  g_autofree char *export_path = NULL, *import_path = NULL;
  g_autofree char *export_excl = NULL, *import_excl = NULL;
  g_auto (GStrv) tests = NULL;
  gboolean     json = FALSE;
  int          limit = 15;
  GOptionEntry entries[] = {
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &export_path,
      "Write the project's sector rules as CSV (source,pattern,sector)", "FILE" },
    { "import", 0, 0, G_OPTION_ARG_FILENAME, &import_path,
      "Replace the project's sector rules with a CSV and give every line its sector again",
      "FILE" },
    { "export-exclusions", 0, 0, G_OPTION_ARG_FILENAME, &export_excl,
      "Write the non-influenceable list as CSV (source,pattern,reason)", "FILE" },
    { "import-exclusions", 0, 0, G_OPTION_ARG_FILENAME, &import_excl,
      "Replace the non-influenceable list with a CSV", "FILE" },
    { "test", 0, 0, G_OPTION_ARG_STRING_ARRAY, &tests,
      "Say which sector an expense TEXT falls in (and whether it is influenceable)", "TEXT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the coverage as JSON", NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Unclassified texts to list (default 15)", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (GPtrArray) coverage = NULL;
  g_autoptr (GPtrArray) unclassified = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1,
                  "sectors PROJECT [--export FILE] [--import FILE] [--export-exclusions FILE]"
                  " [--import-exclusions FILE] [--test TEXT]... [--json]"))
    return 2;
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  if (import_path || import_excl)
    {
      if (!wm_project_import_sector_rules (project, import_path, import_excl, &error))
        return cli_fail (error);
      g_print ("rules replaced; every line has its sector again\n");
    }
  if (export_path || export_excl)
    {
      if (!wm_project_export_sector_rules (project, export_path, export_excl, &error))
        return cli_fail (error);
      g_print ("wrote %s%s%s\n", export_path ? export_path : "",
               export_path && export_excl ? " and " : "", export_excl ? export_excl : "");
    }
  if (tests)
    {
      g_autoptr (WmSectorRules) rules = wm_project_sector_rules (project, &error);
      if (rules == NULL)
        return cli_fail (error);
      for (int i = 0; tests[i]; i++)
        {
          const char *fields[4] = { tests[i], NULL, NULL, NULL };
          const char *source;
          const char *sector = wm_sector_rules_classify (rules, NULL, fields, NULL, &source);
          const char *why = wm_sector_rules_exclusion (rules, sector, fields, NULL);

          g_print ("%s\t%s\t%s\n", tests[i], sector, why ? why : "influenceable");
        }
    }
  if (import_path || import_excl || export_path || export_excl || tests)
    return 0;

  coverage = wm_project_sector_coverage (project, &error);
  unclassified
      = coverage ? wm_project_unclassified (project, (guint) MAX (limit, 0), &error) : NULL;
  if (unclassified == NULL)
    return cli_fail (error);
  if (json)
    {
      g_autofree char *text = wm_sector_coverage_to_json (coverage, unclassified);
      g_print ("%s\n", text);
      return 0;
    }
  g_print ("How each file's spend got its sector (shares of the file's gross £):\n");
  g_print ("%-40s %6s %14s %7s %7s %7s %7s\n", "file", "lines", "gross", "SIC", "expense", "payee",
           "none");
  for (guint i = 0; i < coverage->len; i++)
    {
      WmSectorCoverage *c = g_ptr_array_index (coverage, i);
      g_autofree char  *gross = wm_format_pounds (c->gross);
      g_autofree char  *sic = wm_format_share (c->by_sic, c->gross);
      g_autofree char  *expense = wm_format_share (c->by_expense, c->gross);
      g_autofree char  *supplier = wm_format_share (c->by_supplier, c->gross);
      g_autofree char  *none = wm_format_share (c->unclassified, c->gross);

      g_print ("%-40.40s %6" G_GINT64_FORMAT " %14s %7s %7s %7s %7s\n", c->file, c->lines, gross,
               sic, expense, supplier, none);
    }
  if (unclassified->len > 0)
    {
      g_print ("\nThe largest unclassified texts (add a rule: wealthmap-cli sectors PROJECT "
               "--export F, edit, --import F):\n");
      for (guint i = 0; i < unclassified->len; i++)
        {
          WmUnclassified  *u = g_ptr_array_index (unclassified, i);
          g_autofree char *amount = wm_format_pounds (u->amount);

          g_print ("%14s %6" G_GINT64_FORMAT "  %s\n", amount, u->lines, u->text);
        }
    }
  return 0;
}

/* ---- gaps ------------------------------------------------------------------------------- */

int
cli_verb_gaps (int argc, char **argv)
{
  g_autofree char *csv_path = NULL;
  gboolean         json = FALSE, save = FALSE;
  double           anchor_weight = -1, local_weight = -1;
  int              limit = 0;
  GOptionEntry     entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write the table as CSV (UTF-8 with BOM)",
          "FILE" },
        { "anchor-weight", 0, 0, G_OPTION_ARG_DOUBLE, &anchor_weight,
          "Weight of each further anchor buying in a sector (default: the project's, 0.5)", "W" },
        { "local-weight", 0, 0, G_OPTION_ARG_DOUBLE, &local_weight,
          "Weight of each local supplier already in a sector (default: the project's, 1.0)", "W" },
        { "save-weights", 0, 0, G_OPTION_ARG_NONE, &save, "Keep the weights given as the project's",
          NULL },
        { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Sectors to list (0: all)", "N" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmGaps) gaps = NULL;
  WmGapWeights weights;
  GError      *error = NULL;
  gint64       excluded = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1,
                  "gaps PROJECT [--json] [--csv OUT] [--anchor-weight W] [--local-weight W]"
                  " [--save-weights] [--limit N]"))
    return 2;
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  weights = wm_project_gap_weights (project);
  if (anchor_weight >= 0)
    weights.anchor_weight = anchor_weight;
  if (local_weight >= 0)
    weights.local_weight = local_weight;
  if (save && !wm_project_set_gap_weights (project, &weights, &error))
    return cli_fail (error);
  gaps = wm_project_gaps (project, &weights, &error);
  if (gaps == NULL)
    return cli_fail (error);
  if (csv_path)
    {
      g_autofree char *csv = wm_gaps_to_csv (gaps);
      if (!cli_write_text (csv_path, csv))
        return 1;
      if (!json)
        g_print ("wrote %s\n", csv_path);
    }
  if (json)
    {
      g_autofree char *text = wm_gaps_to_json (gaps);
      g_print ("%s\n", text);
      return 0;
    }
  if (csv_path)
    return 0;
  if (!gaps->place_set)
    g_print ("No place set yet (wealthmap-cli place): nothing is local or leaked.\n\n");
  g_print (
      "Gaps: influenceable spend leaking out of the local area, by sector.\n"
      "score = leaked £ × (1 + %.2g × (anchors buying − 1)) / (1 + %.2g × local suppliers)\n\n",
      weights.anchor_weight, weights.local_weight);
  g_print ("%4s  %-32s %13s %13s %7s %7s %6s %13s\n", "rank", "sector", "influenceable", "leaked",
           "leaked", "anchors", "local", "score");
  g_print ("%4s  %-32s %13s %13s %7s %7s %6s %13s\n", "", "", "", "", "share", "buying", "firms",
           "");
  for (guint i = 0; i < gaps->rows->len && (limit <= 0 || i < (guint) limit); i++)
    {
      WmGapRow        *r = g_ptr_array_index (gaps->rows, i);
      g_autofree char *total = wm_format_pounds_short (r->total);
      g_autofree char *leaked = wm_format_pounds_short (r->leaked);
      g_autofree char *ls = wm_format_share (r->leaked, r->local + r->regional + r->leaked);
      g_autofree char *score = wm_format_pounds_short ((gint64) llround (r->score * 100));
      g_autoptr (GString) top = g_string_new (NULL);

      g_print ("%4d  %-32.32s %13s %13s %7s %7d %6d %13s\n", r->rank, r->sector, total, leaked, ls,
               r->anchors_buying, r->local_firms, score);
      for (guint k = 0; k < MIN (r->top_leaked->len, 3); k++)
        {
          WmNamedAmount   *n = g_ptr_array_index (r->top_leaked, k);
          g_autofree char *amount = wm_format_pounds_short (n->amount);
          g_string_append_printf (top, "%s%s %s", k ? ", " : "", n->name, amount);
        }
      if (top->len)
        g_print ("%6s%s\n", "", top->str);
    }
  {
    g_autofree char *infl = wm_format_pounds (gaps->influenceable);
    g_autofree char *leaked = wm_format_pounds (gaps->leaked);
    g_print ("\nInfluenceable: %s, of which leaked %s.\nNot influenceable, left out:\n", infl,
             leaked);
  }
  for (guint i = 0; i < gaps->excluded->len; i++)
    {
      WmExcludedRow   *e = g_ptr_array_index (gaps->excluded, i);
      g_autofree char *amount = wm_format_pounds (e->amount);

      g_print ("%14s %6" G_GINT64_FORMAT "  %s\n", amount, e->lines, e->reason);
      excluded += e->amount;
    }
  {
    g_autofree char *amount = wm_format_pounds (excluded);
    g_print ("%14s         in all (wealthmap-cli sectors PROJECT --export-exclusions F to see "
             "the list)\n",
             amount);
  }
  return 0;
}

/* ---- sites ------------------------------------------------------------------------------ */

int
cli_verb_sites (int argc, char **argv)
{
  g_autofree char *sector_name = NULL, *domain = NULL;
  gboolean         json = FALSE;
  int              limit = 10;
  GOptionEntry     entries[] = {
        { "sector", 0, 0, G_OPTION_ARG_STRING, &sector_name, "The gap's sector (name or slug)", "S" },
        { "domain", 0, 0, G_OPTION_ARG_STRING, &domain,
          "Deprivation domain: imd (default), income, employment, education, health, crime,"
              " barriers, living",
          "D" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Wards to list (default 10; 0: all)", "N" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmSectorRules) rules = NULL;
  g_autoptr (WmSites) sites = NULL;
  const char *sector;
  GError     *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1,
                  "sites PROJECT --sector S [--domain D] [--json] [--limit N]"))
    return 2;
  if (sector_name == NULL)
    return cli_usage_error ("sites: --sector is required (see wealthmap-cli gaps PROJECT)");
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  rules = wm_project_sector_rules (project, &error);
  if (rules == NULL)
    return cli_fail (error);
  sector = find_sector (rules, sector_name);
  if (sector == NULL)
    return 2;
  sites = wm_project_sites (project, sector, domain, NULL, &error);
  if (sites == NULL)
    return cli_fail (error);
  if (limit > 0 && sites->rows->len > (guint) limit)
    g_ptr_array_set_size (sites->rows, limit);
  if (json)
    {
      g_autofree char *text = wm_sites_to_json (sites);
      g_print ("%s\n", text);
      return 0;
    }
  g_print ("Sites for a new local enterprise in %s, %s wards ranked by\n"
           "%.2g × deprivation (%s) + %.2g × nearness to the anchors buying + %.2g × no such "
           "supplier there yet.\nAnchors buying:",
           sector, sites->local_only ? "the local area's" : "all",
           sites->weights.deprivation_weight, sites->domain, sites->weights.proximity_weight,
           sites->weights.vacancy_weight);
  for (guint i = 0; i < sites->anchors->len; i++)
    {
      WmNamedAmount   *n = g_ptr_array_index (sites->anchors, i);
      g_autofree char *amount = wm_format_pounds_short (n->amount);
      g_print ("%s %s %s", i ? ";" : "", n->name, amount);
    }
  g_print ("\n\n%4s  %-10s %-28s %6s %9s %7s %9s %9s %6s\n", "rank", "code", "ward", "score",
           "mean rank", "decile", "in dec. 1", "km", "there");
  for (guint i = 0; i < sites->rows->len; i++)
    {
      WmSiteRow       *r = g_ptr_array_index (sites->rows, i);
      g_autofree char *d1 = percent (r->share_decile_1);

      g_print ("%4u  %-10s %-28.28s %6.3f %9.0f %7d %9s %9.1f %6d\n", i + 1, r->code,
               r->name ? r->name : "", r->score, r->mean_rank, r->decile, d1, r->distance_km,
               r->suppliers);
    }
  return 0;
}

/* ---- scenario --------------------------------------------------------------------------- */

static gboolean
parse_fraction (const char *text, double *value)
{
  char  *end = NULL;
  double v = g_ascii_strtod (text, &end);

  if (end == text || (*end != '\0' && strcmp (end, "%") != 0) || !isfinite (v))
    return FALSE;
  /* "40" and "40%" are percentages; "0.4" is a fraction. */
  *value = (*end == '%' || v > 1) ? v / 100.0 : v;
  return TRUE;
}

int
cli_verb_scenario (int argc, char **argv)
{
  g_autofree char *sectors_text = NULL, *shift_text = NULL, *respend_text = NULL;
  gboolean         json = FALSE;
  double           per_job = WM_PER_JOB_DEFAULT;
  GOptionEntry     entries[] = {
        { "sector", 0, 0, G_OPTION_ARG_STRING, &sectors_text,
          "Sectors whose leaked spend moves, comma-separated (default: all)", "S,..." },
        { "shift", 0, 0, G_OPTION_ARG_STRING, &shift_text,
          "Share of that leaked spend moved to local suppliers (e.g. 10 or 10%)", "PCT" },
        { "respend", 0, 0, G_OPTION_ARG_STRING, &respend_text,
          "Local re-spend rates of rounds 2 and 3 (default 40,40)", "R2,R3" },
        { "per-job", 0, 0, G_OPTION_ARG_DOUBLE, &per_job,
          "Local turnover that supports one full-time job (default £100,000)", "GBP" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmSectorRules) rules = NULL;
  g_autoptr (WmScenario) sc = NULL;
  g_autoptr (GPtrArray) sectors = g_ptr_array_new ();
  double  respend[2] = { WM_RESPEND_2_DEFAULT, WM_RESPEND_3_DEFAULT };
  double  shift;
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1,
                  "scenario PROJECT --shift PCT [--sector S,...] [--respend R2,R3]"
                  " [--per-job GBP] [--json]"))
    return 2;
  if (shift_text == NULL || !parse_fraction (shift_text, &shift))
    return cli_usage_error ("scenario: --shift PCT is required, e.g. --shift 10");
  if (respend_text)
    {
      g_auto (GStrv) parts = g_strsplit (respend_text, ",", -1);
      if (g_strv_length (parts) != 2 || !parse_fraction (parts[0], &respend[0])
          || !parse_fraction (parts[1], &respend[1]))
        return cli_usage_error ("--respend %s: expected two rates, e.g. 40,40", respend_text);
    }
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  if (sectors_text)
    {
      g_auto (GStrv) names = g_strsplit (sectors_text, ",", -1);

      rules = wm_project_sector_rules (project, &error);
      if (rules == NULL)
        return cli_fail (error);
      for (int i = 0; names[i]; i++)
        {
          const char *sector = find_sector (rules, g_strstrip (names[i]));
          if (sector == NULL)
            return 2;
          g_ptr_array_add (sectors, (gpointer) sector);
        }
      g_ptr_array_add (sectors, NULL);
    }
  sc = wm_project_scenario (project, sectors_text ? (const char *const *) sectors->pdata : NULL,
                            shift, respend, per_job, &error);
  if (sc == NULL)
    return cli_fail (error);
  if (json)
    {
      g_autofree char *text = wm_scenario_to_json (sc);
      g_print ("%s\n", text);
      return 0;
    }
  {
    g_autofree char *leaked = wm_format_pounds (sc->leaked);
    g_autofree char *r1 = wm_format_pounds (sc->round[0]);
    g_autofree char *r2 = wm_format_pounds (sc->round[1]);
    g_autofree char *r3 = wm_format_pounds (sc->round[2]);
    g_autofree char *all = wm_format_pounds (sc->round[0] + sc->round[1] + sc->round[2]);
    g_autofree char *list = sc->sectors ? g_strjoinv (", ", sc->sectors) : g_strdup ("all sectors");

    g_print ("Scenario: %.0f%% of the leaked influenceable spend in %s (%s) goes to local "
             "suppliers.\n\n",
             shift * 100, list, leaked);
    g_print ("Round 1, spent locally:            %14s\n", r1);
    g_print ("Round 2, re-spent locally (%3.0f%%):  %14s\n", respend[0] * 100, r2);
    g_print ("Round 3, re-spent again (%3.0f%%):    %14s\n", respend[1] * 100, r3);
    g_print ("Local economic effect (LM3 %.2f):  %14s\n", sc->lm3, all);
    g_print ("Jobs at £%.0f per FTE: %.1f from round 1, %.1f with rounds 2 and 3\n\n", per_job,
             sc->jobs_direct, sc->jobs_total);
  }
  g_print ("%-36s %14s %14s %8s %8s\n", "local share of located influenceable £", "before", "after",
           "before", "after");
  for (guint i = 0; i < sc->rows->len; i++)
    {
      WmScenarioRow   *r = g_ptr_array_index (sc->rows, i);
      g_autofree char *before = wm_format_pounds (r->local);
      g_autofree char *after = wm_format_pounds (r->local + r->shifted);
      g_autofree char *sb = percent (r->share_before);
      g_autofree char *sa = percent (r->share_after);

      g_print ("%-36.36s %14s %14s %8s %8s\n", r->name, before, after, sb, sa);
    }
  return 0;
}

/* ---- network ---------------------------------------------------------------------------- */

int
cli_verb_network (int argc, char **argv)
{
  gboolean     json = FALSE;
  int          limit = 10;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Shared suppliers and sectors to list (default 10)",
      "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmNetwork) net = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1, "network PROJECT [--json] [--limit N]"))
    return 2;
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  net = wm_project_network (project, &error);
  if (net == NULL)
    return cli_fail (error);
  if (json)
    {
      g_autofree char *text = wm_network_to_json (net);
      g_print ("%s\n", text);
      return 0;
    }
  g_print ("The baseline: shares of located supplier spend (local, regional, leaked), of supplier "
           "spend (SME, VCSE)\nand of all spend (public bodies).\n\n");
  g_print ("%-36s %14s %7s %7s %7s %7s %7s %7s\n", "", "total", "local", "region", "leaked", "SME",
           "VCSE", "public");
  for (guint i = 0; i < net->anchors->len; i++)
    {
      WmNetworkAnchor *a = g_ptr_array_index (net->anchors, i);
      g_autofree char *total = wm_format_pounds (a->total);
      g_autofree char *l = wm_format_share (a->local, a->located);
      g_autofree char *r = wm_format_share (a->regional, a->located);
      g_autofree char *k = wm_format_share (a->leaked, a->located);
      g_autofree char *s = wm_format_share (a->sme, a->supplier_spend);
      g_autofree char *v = wm_format_share (a->vcse, a->supplier_spend);
      g_autofree char *p = wm_format_share (a->public_bodies, a->total);

      g_print ("%-36.36s %14s %7s %7s %7s %7s %7s %7s\n", a->name, total, l, r, k, s, v, p);
    }
  g_print ("\nSuppliers shared by several anchors (%u):\n", net->shared->len);
  for (guint i = 0; i < net->shared->len && (limit <= 0 || i < (guint) limit); i++)
    {
      WmSharedSupplier *s = g_ptr_array_index (net->shared, i);
      g_autofree char  *amount = wm_format_pounds_short (s->amount);

      g_print ("%10s  %-40.40s %-9s %s\n", amount, s->name, s->place ? s->place : "unplaced",
               s->by_anchor);
    }
  g_print ("\nSectors where several anchors leak (joint procurement) (%u):\n", net->joint->len);
  for (guint i = 0; i < net->joint->len && (limit <= 0 || i < (guint) limit); i++)
    {
      WmJointSector   *j = g_ptr_array_index (net->joint, i);
      g_autofree char *amount = wm_format_pounds_short (j->leaked);

      g_print ("%10s  %-32.32s %s\n", amount, j->sector, j->by_anchor);
    }
  return 0;
}

/* ---- lots ------------------------------------------------------------------------------- */

int
cli_verb_lots (int argc, char **argv)
{
  g_autofree char *sector_name = NULL;
  gboolean         json = FALSE;
  GOptionEntry     entries[] = {
        { "sector", 0, 0, G_OPTION_ARG_STRING, &sector_name, "The sector (name or slug)", "S" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT");
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmSectorRules) rules = NULL;
  g_autoptr (WmLots) lots = NULL;
  const char *sector;
  GError     *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!cli_parse (context, &argc, &argv, 1, "lots PROJECT --sector S [--json]"))
    return 2;
  if (sector_name == NULL)
    return cli_usage_error ("lots: --sector is required");
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  rules = wm_project_sector_rules (project, &error);
  if (rules == NULL)
    return cli_fail (error);
  sector = find_sector (rules, sector_name);
  if (sector == NULL)
    return 2;
  lots = wm_project_lots (project, sector, &error);
  if (lots == NULL)
    return cli_fail (error);
  if (json)
    {
      g_autofree char *text = wm_lots_to_json (lots);
      g_print ("%s\n", text);
      return 0;
    }
  g_print ("%s: how the influenceable spend splits, by payment and by what one anchor paid one "
           "supplier in a year.\n\n",
           sector);
  g_print ("%-12s %9s %14s   %14s %14s %14s\n", "band", "payments", "£", "supplier-years", "£",
           "of which leaked");
  for (int i = 0; i < 4; i++)
    {
      const WmLotBand *band = &lots->bands[i];
      g_autofree char *pay = wm_format_pounds (band->payment_amount);
      g_autofree char *sup = wm_format_pounds (band->supplier_amount);
      g_autofree char *leak = wm_format_pounds (band->leaked_amount);

      g_print ("%-12s %9" G_GINT64_FORMAT " %14s   %14" G_GINT64_FORMAT " %14s %14s\n", band->band,
               band->payments, pay, band->supplier_years, sup, leak);
    }
  return 0;
}
