/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wm-report.h"

#include "wm-analysis.h"
#include "wm-error.h"
#include "wm-gaps.h"
#include "wm-project-private.h"
#include "wm-text.h"

#define TOP_SUPPLIERS 10
#define OPPORTUNITIES 5

/* Spend received by the ward's suppliers: as the ward table counts it (wm-analysis.c). */
#define WARD_SPEND                                                                                 \
  " FROM spend s JOIN anchors a ON a.fid = s.anchor_id"                                            \
  " JOIN names n ON n.id = s.name_id AND NOT s.redacted"                                           \
  " JOIN suppliers p ON p.fid = n.supplier_id"                                                     \
  " WHERE p.ward_code = ?1 AND p.kind <> 'public'"

static const char *const domain_titles[WM_REPORT_DOMAINS][2] = {
  { "imd", "Index of Multiple Deprivation" },
  { "income", "Income" },
  { "employment", "Employment" },
  { "education", "Education, skills and training" },
  { "health", "Health and disability" },
  { "crime", "Crime" },
  { "barriers", "Barriers to housing and services" },
  { "living", "Living environment" },
};

static void
amount_free (WmReportAmount *a)
{
  g_free (a->key);
  g_free (a);
}

static void
supplier_free (WmReportSupplier *s)
{
  g_free (s->name);
  g_free (s->kind);
  g_free (s->sector);
  g_free (s->anchors);
  g_free (s);
}

static void
opportunity_free (WmReportOpportunity *o)
{
  g_free (o->sector);
  g_free (o);
}

void
wm_ward_report_free (WmWardReport *r)
{
  if (r == NULL)
    return;
  g_free (r->code);
  g_free (r->name);
  g_free (r->role);
  g_clear_pointer (&r->by_anchor, g_ptr_array_unref);
  g_clear_pointer (&r->by_year, g_ptr_array_unref);
  g_clear_pointer (&r->top_suppliers, g_ptr_array_unref);
  g_clear_pointer (&r->opportunities, g_ptr_array_unref);
  g_clear_pointer (&r->sources, g_ptr_array_unref);
  g_free (r->definitions);
  g_free (r->generated);
  g_free (r);
}

static int
decile_of (double mean_rank, gint64 n)
{
  return n > 0 ? CLAMP ((int) ((mean_rank - 1) * 10 / n) + 1, 1, 10) : 0;
}

static gboolean
resolve_ward (sqlite3 *db, const char *code, WmWardReport *r, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _wm_db_prepare (
      db, "SELECT code, name FROM areas WHERE level = 'ward' AND (code = ?1 OR name = ?1)", error);
  g_autoptr (GString) found = g_string_new (NULL);
  int n = 0;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (n++ == 0)
        {
          r->code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          r->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        }
      g_string_append_printf (found, "%s%s", found->len ? ", " : "", sqlite3_column_text (stmt, 0));
    }
  if (n == 0)
    g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                 "no ward \"%s\" in the project: give a ward code (e.g. E05005207) or its exact"
                 " name; `summary --json` lists the wards",
                 code);
  else if (n > 1)
    g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%d wards are named \"%s\" (%s): give the code",
                 n, code, found->str);
  return n == 1;
}

static gboolean
load_deprivation (sqlite3 *db, WmWardReport *r, GError **error)
{
  g_autoptr (sqlite3_stmt) lsoas = _wm_db_prepare (
      db,
      "SELECT count(*), coalesce(sum(d.decile = 1), 0), coalesce(sum(d.decile <= 2), 0)"
      " FROM lookup l JOIN deprivation d ON d.lsoa_code = l.lsoa_code AND d.domain = 'imd'"
      " WHERE l.ward_code = ?1",
      error);
  g_autoptr (sqlite3_stmt) local = NULL;

  if (lsoas == NULL)
    return FALSE;
  sqlite3_bind_text (lsoas, 1, r->code, -1, SQLITE_STATIC);
  if (sqlite3_step (lsoas) == SQLITE_ROW)
    {
      r->lsoas = sqlite3_column_int (lsoas, 0);
      r->lsoas_d1 = sqlite3_column_int (lsoas, 1);
      r->lsoas_d12 = sqlite3_column_int (lsoas, 2);
    }
  /* The local area as one place: its residents' population-weighted mean rank. */
  local = _wm_db_prepare (
      db,
      "SELECT sum(d.rank * coalesce(pop.total, 1)) * 1.0 / sum(coalesce(pop.total, 1)),"
      " (SELECT max(rank) FROM deprivation WHERE domain = ?1)"
      " FROM lookup l JOIN deprivation d ON d.lsoa_code = l.lsoa_code AND d.domain = ?1"
      " LEFT JOIN population pop ON pop.lsoa_code = l.lsoa_code"
      " WHERE l.ward_code IN (SELECT code FROM place_areas WHERE level = 'ward' AND role = "
      "'local')",
      error);
  if (local == NULL)
    return FALSE;
  for (int i = 0; i < WM_REPORT_DOMAINS; i++)
    {
      g_autoptr (GHashTable) deciles = _wm_project_ward_deciles (db, domain_titles[i][0], error);

      if (deciles == NULL)
        return FALSE;
      r->domains[i].domain = domain_titles[i][0];
      r->domains[i].title = domain_titles[i][1];
      r->domains[i].ward_decile = GPOINTER_TO_INT (g_hash_table_lookup (deciles, r->code));
      sqlite3_reset (local);
      sqlite3_bind_text (local, 1, domain_titles[i][0], -1, SQLITE_STATIC);
      if (sqlite3_step (local) == SQLITE_ROW && sqlite3_column_type (local, 0) != SQLITE_NULL)
        r->domains[i].local_decile
            = decile_of (sqlite3_column_double (local, 0), sqlite3_column_int64 (local, 1));
    }
  return TRUE;
}

static GPtrArray *
load_amounts (sqlite3 *db, const char *sql, const char *code, gboolean years, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _wm_db_prepare (db, sql, error);
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) amount_free);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      WmReportAmount *a = g_new0 (WmReportAmount, 1);

      if (years)
        {
          int y = sqlite3_column_int (stmt, 0);
          a->key = y > 0 ? g_strdup_printf ("%d/%02d", y, (y + 1) % 100) : g_strdup ("undated");
        }
      else
        a->key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      a->amount = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (rows, a);
    }
  return g_steal_pointer (&rows);
}

static gboolean
load_suppliers (sqlite3 *db, WmWardReport *r, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _wm_db_prepare (
      db,
      "SELECT p.name, p.kind, group_concat(DISTINCT a.name), sum(s.amount_pence) AS amount,"
      " (SELECT s2.sector FROM spend s2 JOIN names n2 ON n2.id = s2.name_id AND NOT s2.redacted"
      "   WHERE n2.supplier_id = p.fid GROUP BY s2.sector ORDER BY sum(s2.amount_pence) DESC"
      "   LIMIT 1)" WARD_SPEND " GROUP BY p.fid ORDER BY amount DESC, p.name LIMIT ?2",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, r->code, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, TOP_SUPPLIERS);
  r->top_suppliers = g_ptr_array_new_with_free_func ((GDestroyNotify) supplier_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      WmReportSupplier *s = g_new0 (WmReportSupplier, 1);
      g_auto (GStrv) anchors = g_strsplit ((const char *) sqlite3_column_text (stmt, 2), ",", -1);

      s->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      s->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      s->anchors = g_strjoinv (", ", anchors);
      s->amount = sqlite3_column_int64 (stmt, 3);
      s->sector = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (r->top_suppliers, s);
    }
  return TRUE;
}

/* The top gaps and where the ward stands among each one's candidate sites. A project without
 * deprivation or a place has no sites: the list stays empty. */
static void
load_opportunities (WmProject *self, WmWardReport *r)
{
  g_autoptr (WmGaps) gaps = wm_project_gaps (self, NULL, NULL);

  r->opportunities = g_ptr_array_new_with_free_func ((GDestroyNotify) opportunity_free);
  for (guint i = 0; gaps && i < gaps->rows->len && r->opportunities->len < OPPORTUNITIES; i++)
    {
      const WmGapRow *g = gaps->rows->pdata[i];
      g_autoptr (WmSites) sites = NULL;
      WmReportOpportunity *o;

      if (g->leaked <= 0)
        continue;
      sites = wm_project_sites (self, g->sector, "imd", NULL, NULL);
      if (sites == NULL)
        return;
      o = g_new0 (WmReportOpportunity, 1);
      o->sector = g_strdup (g->sector);
      o->leaked = g->leaked;
      o->gap_rank = g->rank;
      o->site_count = (int) sites->rows->len;
      for (guint k = 0; k < sites->rows->len; k++)
        if (g_strcmp0 (((WmSiteRow *) sites->rows->pdata[k])->code, r->code) == 0)
          o->site_rank = (int) k + 1;
      g_ptr_array_add (r->opportunities, o);
    }
}

static gboolean
load_sources (WmProject *self, sqlite3 *db, WmWardReport *r, GError **error)
{
  g_autoptr (sqlite3_stmt) files = _wm_db_prepare (
      db,
      "SELECT a.name, count(DISTINCT f.id), min(s.date), max(s.date), count(s.id),"
      " min(f.name) FROM spend_files f JOIN anchors a ON a.fid = f.anchor_id"
      " LEFT JOIN spend s ON s.file_id = f.id GROUP BY a.fid ORDER BY a.name",
      error);
  g_autoptr (sqlite3_stmt) areas = NULL;
  g_autofree char *local = wm_project_get_setting (self, "place_local");
  g_autofree char *region = wm_project_get_setting (self, "place_region");
  g_autofree char *km = wm_project_get_setting (self, "region_km");
  gint64           postcodes = _wm_db_query_int (db, "SELECT count(*) FROM postcodes", 0);
  gint64           dep = _wm_db_query_int (db, "SELECT count(*) FROM deprivation", 0);

  if (files == NULL)
    return FALSE;
  r->sources = g_ptr_array_new_with_free_func (g_free);
  while (sqlite3_step (files) == SQLITE_ROW)
    {
      const char *from = (const char *) sqlite3_column_text (files, 2);
      const char *to = (const char *) sqlite3_column_text (files, 3);

      int              n = sqlite3_column_int (files, 1);
      g_autofree char *what = n == 1 ? g_strdup ((const char *) sqlite3_column_text (files, 5))
                                     : g_strdup_printf ("%d spend files", n);

      g_ptr_array_add (r->sources,
                       g_strdup_printf ("%s, %s, %" G_GINT64_FORMAT " lines%s%s%s%s",
                                        sqlite3_column_text (files, 0), what,
                                        (gint64) sqlite3_column_int64 (files, 4), from ? ", " : "",
                                        from ? from : "", to ? " to " : "", to ? to : ""));
    }
  areas = _wm_db_prepare (db,
                          "SELECT group_concat(source, ', ') FROM (SELECT DISTINCT source FROM"
                          " areas WHERE level = 'ward' ORDER BY source)",
                          error);
  if (areas == NULL)
    return FALSE;
  if (sqlite3_step (areas) == SQLITE_ROW && sqlite3_column_text (areas, 0))
    g_ptr_array_add (r->sources,
                     g_strdup_printf ("Ward boundaries: %s", sqlite3_column_text (areas, 0)));
  if (dep > 0)
    g_ptr_array_add (r->sources, g_strdup ("Deprivation: English Indices of Deprivation 2019"
                                           " (MHCLG), LSOA ranks, population-weighted to wards"));
  if (postcodes > 0)
    g_ptr_array_add (r->sources,
                     g_strdup_printf ("Supplier locations: %" G_GINT64_FORMAT
                                      " postcodes (Code-Point Open or the ONS Postcode Directory)",
                                      postcodes));
  if (local == NULL)
    r->definitions = g_strdup ("No local area is set: spend is not split into local, regional"
                               " and leaked.");
  else
    r->definitions = g_strdup_printf (
        "Local: suppliers located in the wards of %s (%d wards). Regional: in the rest of the"
        " region (%s)%s."
        " Leaked: located anywhere else. Spend to public bodies and spend on the project's"
        " not-influenceable list (tax, grants, pay, national contracts) is counted apart.",
        local, r->local_wards, region && *region ? region : "not set",
        km && g_ascii_strtod (km, NULL) > 0 ? " and within the set distance" : "");
  return TRUE;
}

WmWardReport *
wm_project_ward_report (WmProject *self, const char *code, GError **error)
{
  g_autoptr (WmWardReport) r = g_new0 (WmWardReport, 1);
  g_autoptr (WmSummary) summary = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  sqlite3 *db;

  g_return_val_if_fail (WM_IS_PROJECT (self) && code != NULL, NULL);
  db = _wm_project_get_db (self);
  if (!resolve_ward (db, code, r, error))
    return NULL;
  r->generated = g_date_time_format (now, "%Y-%m-%d");
  summary = wm_project_summary (self, WM_SUMMARY_BY_WARD, error);
  if (summary == NULL)
    return NULL;
  /* The ward table's figures, so the report and `summary --by ward` agree. */
  for (guint i = 0; i < summary->wards->len; i++)
    {
      const WmWardRow *w = summary->wards->pdata[i];

      if (g_strcmp0 (w->role, "local") == 0)
        {
          r->local_received += w->received;
          r->local_wards++;
        }
      if (g_strcmp0 (w->code, r->code) == 0)
        {
          r->role = g_strdup (w->role);
          r->received = w->received;
          r->suppliers = w->suppliers;
          r->population = w->population;
          r->share_d1 = w->share_decile_1;
          r->share_d12 = w->share_decile_12;
        }
    }
  if (!load_deprivation (db, r, error))
    return NULL;
  r->by_anchor = load_amounts (db,
                               "SELECT a.name, sum(s.amount_pence) AS amount" WARD_SPEND
                               " GROUP BY a.fid ORDER BY amount DESC",
                               r->code, FALSE, error);
  r->by_year = r->by_anchor
                   ? load_amounts (db,
                                   "SELECT coalesce(s.fyear, 0), sum(s.amount_pence)" WARD_SPEND
                                   " GROUP BY 1 ORDER BY 1",
                                   r->code, TRUE, error)
                   : NULL;
  if (r->by_year == NULL || !load_suppliers (db, r, error) || !load_sources (self, db, r, error))
    return NULL;
  load_opportunities (self, r);
  return g_steal_pointer (&r);
}

static void
csv_row (GString *out, const char *section, const char *item, const char *value, const char *unit)
{
  const char *fields[4] = { section, item, value, unit };

  wm_csv_append_row (out, fields, 4);
}

static void
csv_pounds (GString *out, const char *section, const char *item, gint64 pence)
{
  g_autofree char *v
      = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", pence / 100, (int) ABS (pence % 100));

  if (pence < 0 && pence > -100)
    {
      g_free (v);
      v = g_strdup_printf ("-0.%02d", (int) -pence);
    }
  csv_row (out, section, item, v, "GBP");
}

static void
csv_int (GString *out, const char *section, const char *item, gint64 value, const char *unit)
{
  g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  csv_row (out, section, item, v, unit);
}

static void
csv_double (GString *out, const char *section, const char *item, double value, const char *unit)
{
  char v[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (v, sizeof v, "%.4f", value);
  csv_row (out, section, item, v, unit);
}

char *
wm_ward_report_to_csv (const WmWardReport *r)
{
  GString *out = g_string_new ("\xEF\xBB\xBF");

  csv_row (out, "section", "item", "value", "unit");
  csv_row (out, "ward", "code", r->code, "");
  csv_row (out, "ward", "name", r->name, "");
  csv_row (out, "ward", "place", r->role ? r->role : "", "");
  csv_int (out, "ward", "population", r->population, "residents");
  csv_int (out, "deprivation", "LSOAs", r->lsoas, "LSOAs");
  csv_int (out, "deprivation", "LSOAs in decile 1", r->lsoas_d1, "LSOAs");
  csv_int (out, "deprivation", "LSOAs in deciles 1-2", r->lsoas_d12, "LSOAs");
  csv_double (out, "deprivation", "residents in decile 1", r->share_d1, "share");
  csv_double (out, "deprivation", "residents in deciles 1-2", r->share_d12, "share");
  for (int i = 0; i < WM_REPORT_DOMAINS; i++)
    {
      g_autofree char *local = g_strdup_printf ("%s, local area", r->domains[i].title);

      csv_int (out, "deprivation decile", r->domains[i].title, r->domains[i].ward_decile, "decile");
      csv_int (out, "deprivation decile", local, r->domains[i].local_decile, "decile");
    }
  csv_pounds (out, "spend received", "all anchors", r->received);
  csv_pounds (out, "spend received", "local area", r->local_received);
  csv_double (out, "spend received", "share of the local area",
              r->local_received > 0 ? (double) r->received / r->local_received : 0, "share");
  csv_int (out, "spend received", "suppliers", r->suppliers, "suppliers");
  for (guint i = 0; i < r->by_anchor->len; i++)
    {
      const WmReportAmount *a = r->by_anchor->pdata[i];
      csv_pounds (out, "by anchor", a->key, a->amount);
    }
  for (guint i = 0; i < r->by_year->len; i++)
    {
      const WmReportAmount *a = r->by_year->pdata[i];
      csv_pounds (out, "by financial year", a->key, a->amount);
    }
  for (guint i = 0; i < r->top_suppliers->len; i++)
    {
      const WmReportSupplier *s = r->top_suppliers->pdata[i];
      csv_pounds (out, "top supplier", s->name, s->amount);
    }
  for (guint i = 0; i < r->opportunities->len; i++)
    {
      const WmReportOpportunity *o = r->opportunities->pdata[i];
      g_autofree char           *rank = g_strdup_printf ("%d of %d", o->site_rank, o->site_count);

      csv_pounds (out, "opportunity leaked", o->sector, o->leaked);
      csv_row (out, "opportunity site rank", o->sector, o->site_rank > 0 ? rank : "", "rank");
    }
  for (guint i = 0; i < r->sources->len; i++)
    csv_row (out, "source", "", r->sources->pdata[i], "");
  csv_row (out, "definitions", "", r->definitions, "");
  csv_row (out, "generated", "", r->generated, "date");
  return g_string_free (out, FALSE);
}

GStrv
wm_project_local_wards (WmProject *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GStrvBuilder) codes = g_strv_builder_new ();

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  stmt = _wm_db_prepare (_wm_project_get_db (self),
                         "SELECT code FROM place_areas WHERE level = 'ward' AND role = 'local'"
                         " ORDER BY code",
                         error);
  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (codes, (const char *) sqlite3_column_text (stmt, 0));
  return g_strv_builder_end (codes);
}
