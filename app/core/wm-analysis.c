/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Summaries of spend by place class, as SQL over spend -> names -> suppliers, and their JSON
 * form (docs/cli.md). Amounts stay integer pence until the JSON writes pounds. */
#include "wm-analysis.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "wm-error.h"
#include "wm-map-data.h"
#include "wm-place.h"
#include "wm-project-private.h"
#include "wm-sectors.h"
#include "wm-text.h"

static void
share_row_clear (WmShareRow *row)
{
  g_free (row->key);
  g_free (row->label);
  g_clear_pointer (&row->top_unplaced, g_ptr_array_unref);
}

static void
unplaced_free (WmUnplaced *u)
{
  g_free (u->name);
  g_free (u);
}

/* The lines summed by anchor, payee, sector, financial year and exclusion (spend_pairs, kept by
 * imports and classification): enough for every summary and every filter but a category's; a
 * national project's million lines are about 113,000 cells. */
#define CELLS_SOURCE                                                                               \
  "(SELECT anchor_id, name_id, redacted, amount_pence AS amount, open_pence AS open, lines,"       \
  " sector, fyear, NULL AS category FROM spend_pairs)"
/* Every line, with the same columns: for a category filter (a category is a property of lines). */
#define LINES_SOURCE                                                                               \
  "(SELECT anchor_id, name_id, redacted, amount_pence AS amount, CASE WHEN excluded IS NULL THEN"  \
  " amount_pence ELSE 0 END AS open, 1 AS lines, sector, fyear, category FROM spend)"
/* The filter over either source s and suppliers p, parameters ?1..?5 bound by
 * _wm_bind_map_filter() as for the map: anchor name, category, financial year (0: all),
 * supplier kind, sector. Unlike the map's, no kind keeps public bodies (their own slice). */
#define SPEND_FILTER                                                                               \
  " (?1 IS NULL OR s.anchor_id IN (SELECT fid FROM anchors WHERE name = ?1))"                      \
  " AND (?3 = 0 OR s.fyear = ?3) AND (?5 IS NULL OR s.sector = ?5)"                                \
  " AND (?4 IS NULL OR p.kind = ?4) AND (?2 IS NULL OR s.category = ?2)"

/* A summary's FROM: "%s" is the source. */
#define SHARE_FROM " FROM %s s" SHARE_JOINS

static const char *
spend_source (const WmMapFilter *filter)
{
  return filter != NULL && filter->category != NULL ? LINES_SOURCE : CELLS_SOURCE;
}

/* Prepares @sql, whose "%s" is the spend source, and binds @filter (NULL: all spend). */
static sqlite3_stmt *
prepare_filtered (sqlite3 *db, const char *sql, const WmMapFilter *filter, GError **error)
{
  g_autofree char *text = g_strdup_printf (sql, spend_source (filter));
  sqlite3_stmt    *stmt = _wm_db_prepare (db, text, error);
  WmMapFilter      all = { 0 };

  if (stmt != NULL)
    _wm_bind_map_filter (stmt, filter ? filter : &all);
  return stmt;
}

/* The ten largest unplaced payees of each anchor (key = anchor name) and overall (NULL). */
static gboolean
load_top_unplaced (sqlite3 *db, WmSummary *summary, const WmMapFilter *filter, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GHashTable *by_anchor = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; summary->by == WM_SUMMARY_BY_ANCHOR && i < summary->rows->len; i++)
    {
      WmShareRow *row = g_ptr_array_index (summary->rows, i);
      g_hash_table_insert (by_anchor, row->key, row);
    }
  g_hash_table_insert (by_anchor, (gpointer) "", &summary->overall);
  stmt = prepare_filtered (db,
                           "WITH u AS (SELECT a.name AS anchor, n.display AS payee,"
                           "  sum(s.amount) AS amount FROM %s s JOIN anchors a"
                           "  ON a.fid = s.anchor_id JOIN names n ON n.id = s.name_id AND NOT"
                           "  s.redacted JOIN suppliers p ON p.fid = n.supplier_id WHERE p.geom IS"
                           "  NULL AND p.kind <> 'public' AND" SPEND_FILTER " GROUP BY a.fid, n.id)"
                           " SELECT * FROM (SELECT anchor, payee, amount, row_number() OVER"
                           "  (PARTITION BY anchor ORDER BY amount DESC, payee) AS r FROM u)"
                           "  WHERE r <= 10"
                           " UNION ALL SELECT * FROM (SELECT '', payee, sum(amount) AS amount,"
                           "  0 FROM u GROUP BY payee ORDER BY amount DESC, payee LIMIT 10)"
                           " ORDER BY 1, 3 DESC, 2",
                           filter, error);
  if (stmt == NULL)
    {
      g_hash_table_unref (by_anchor);
      return FALSE;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      WmShareRow *row = g_hash_table_lookup (by_anchor, sqlite3_column_text (stmt, 0));
      WmUnplaced *u;

      if (row == NULL)
        continue;
      if (row->top_unplaced == NULL)
        row->top_unplaced = g_ptr_array_new_with_free_func ((GDestroyNotify) unplaced_free);
      u = g_new0 (WmUnplaced, 1);
      u->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      u->amount = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (row->top_unplaced, u);
    }
  g_hash_table_unref (by_anchor);
  return TRUE;
}

static void
share_row_free (WmShareRow *row)
{
  share_row_clear (row);
  g_free (row);
}

static void
ward_row_free (WmWardRow *row)
{
  g_free (row->code);
  g_free (row->name);
  g_free (row->role);
  g_free (row);
}

void
wm_summary_free (WmSummary *summary)
{
  if (summary == NULL)
    return;
  share_row_clear (&summary->overall);
  g_ptr_array_unref (summary->rows);
  g_ptr_array_unref (summary->wards);
  g_free (summary->place_local);
  g_free (summary->place_region);
  g_free (summary->filter.anchor);
  g_free (summary->filter.sector);
  g_free (summary->filter.kind);
  g_free (summary->filter.category);
  g_free (summary);
}

gboolean
wm_summary_by_from_string (const char *text, WmSummaryBy *by)
{
  static const char *const names[] = { "anchor", "sector", "kind", "year", "ward" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *by = (WmSummaryBy) i;
        return TRUE;
      }
  return FALSE;
}

/* The grouping expression of each "by". Sectors: wm-sectors.c. */
static const char *
group_expr (WmSummaryBy by)
{
  switch (by)
    {
    case WM_SUMMARY_BY_SECTOR:
      return "coalesce(s.sector, '" WM_SECTOR_UNCLASSIFIED "')";
    case WM_SUMMARY_BY_KIND:
      return "CASE WHEN s.redacted THEN '(redacted)' ELSE coalesce(p.kind, 'unknown') END";
    case WM_SUMMARY_BY_YEAR:
      return "CASE WHEN s.fyear IS NULL THEN '(no date)' ELSE s.fyear || '/' ||"
             " substr(s.fyear + 1, 3, 2) END";
    case WM_SUMMARY_BY_WARD:
      return "coalesce(p.ward_code, '(outside the imported wards)')";
    case WM_SUMMARY_BY_ANCHOR:
    default:
      return "a.name";
    }
}

/* Public bodies are their own slice: local, regional, leaked, unlocated and unclassified
 * are of the spend that did not go to public bodies, so the six add up to the total. The
 * columns read s.amount (pence), s.open (pence not excluded by the project's lists) and
 * s.lines, which both sources below give. */
#define NOT_PUBLIC " AND coalesce(p.kind, '') <> 'public'"
/* Spend a local firm could win: not to a public body, not excluded by the project's list. */
#define INFLUENCEABLE_SUM(cond)                                                                    \
  " sum(CASE WHEN " cond " coalesce(p.kind, '') <> 'public' THEN s.open ELSE 0 END)"
#define SHARE_COLUMNS                                                                              \
  " sum(s.amount),"                                                                                \
  " sum(CASE WHEN p.place = 'local'" NOT_PUBLIC " THEN s.amount ELSE 0 END),"                      \
  " sum(CASE WHEN p.place = 'regional'" NOT_PUBLIC " THEN s.amount ELSE 0 END),"                   \
  " sum(CASE WHEN p.place = 'leaked'" NOT_PUBLIC " THEN s.amount ELSE 0 END),"                     \
  " sum(CASE WHEN p.place IS NULL" NOT_PUBLIC " THEN s.amount ELSE 0 END),"                        \
  " sum(CASE WHEN p.place = 'unset'" NOT_PUBLIC " THEN s.amount ELSE 0 END),"                      \
  " sum(CASE WHEN s.redacted THEN s.amount ELSE 0 END),"                                           \
  " sum(CASE WHEN p.kind = 'public' AND NOT s.redacted THEN s.amount ELSE 0 END),"                 \
  " sum(CASE WHEN p.place IS NULL" NOT_PUBLIC                                                      \
  " AND s.name_id IN (SELECT name_id FROM suggestions)"                                            \
  "   THEN s.amount ELSE 0 END),"                                                                  \
  " sum(s.lines), count(DISTINCT p.fid)," INFLUENCEABLE_SUM ("") "," INFLUENCEABLE_SUM (           \
      "p.place "                                                                                   \
      "= "                                                                                         \
      "'local' "                                                                                   \
      "AND") "," INFLUENCEABLE_SUM ("p.place = 'regional' AND") "," INFLUENCEABLE_SUM ("p.place "  \
                                                                                       "= "        \
                                                                                       "'leaked' " \
                                                                                       "AND") "," INFLUENCEABLE_SUM ("p.place IS NULL AND")

#define SHARE_JOINS                                                                                \
  " JOIN anchors a ON a.fid = s.anchor_id"                                                         \
  " LEFT JOIN names n ON n.id = s.name_id AND NOT s.redacted"                                      \
  " LEFT JOIN suppliers p ON p.fid = n.supplier_id"

static void
read_shares (sqlite3_stmt *stmt, int first, WmShareRow *row)
{
  gint64 *fields[]
      = { &row->total,      &row->local,         &row->regional,    &row->leaked,
          &row->unlocated,  &row->unclassified,  &row->redacted,    &row->public_bodies,
          &row->suggested,  &row->lines,         &row->suppliers,   &row->influenceable,
          &row->infl_local, &row->infl_regional, &row->infl_leaked, &row->infl_unlocated };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    *fields[i] = sqlite3_column_int64 (stmt, first + (int) i);
}

/* National deciles of the mean rank: decile 1 = the most deprived tenth. */
static int
ward_decile (double mean_rank, gint64 n_lsoas)
{
  return CLAMP ((int) ((mean_rank - 1) * 10 / n_lsoas) + 1, 1, 10);
}

static gboolean
load_wards (sqlite3 *db, WmSummary *summary, const WmMapFilter *filter, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 n_lsoas
      = _wm_db_query_int (db, "SELECT max(rank) FROM deprivation WHERE domain = 'imd'", 0);
  const char *sql
      = "WITH dep AS (" WM_WARD_DEPRIVATION_SQL "),"
        " recv AS (SELECT p.ward_code AS code, sum(s.amount) AS received,"
        "   count(DISTINCT p.fid) AS suppliers FROM %s s JOIN names n ON n.id = s.name_id"
        "   AND NOT s.redacted JOIN suppliers p ON p.fid = n.supplier_id"
        "   WHERE p.ward_code IS NOT NULL AND p.kind <> 'public' AND" SPEND_FILTER
        "   GROUP BY p.ward_code)"
        " SELECT w.code, w.name, pa.role, coalesce(r.received, 0), coalesce(r.suppliers, 0),"
        "   dep.mean_rank, dep.d1, dep.d12, dep.population"
        " FROM areas w LEFT JOIN place_areas pa ON pa.level = 'ward' AND pa.code = w.code"
        " LEFT JOIN recv r ON r.code = w.code LEFT JOIN dep ON dep.code = w.code"
        " WHERE w.level = 'ward' AND (pa.role IS NOT NULL OR NOT EXISTS"
        "   (SELECT 1 FROM place_areas WHERE level = 'ward') OR r.received IS NOT NULL)"
        " ORDER BY pa.role = 'local' DESC, pa.role = 'region' DESC, 4 DESC, w.code";

  stmt = prepare_filtered (db, sql, filter, error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      WmWardRow *w = g_new0 (WmWardRow, 1);

      w->code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      w->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      w->role = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      w->received = sqlite3_column_int64 (stmt, 3);
      w->suppliers = sqlite3_column_int64 (stmt, 4);
      if (sqlite3_column_type (stmt, 5) != SQLITE_NULL && n_lsoas > 0)
        {
          w->imd_mean_rank = sqlite3_column_double (stmt, 5);
          w->imd_decile = ward_decile (w->imd_mean_rank, n_lsoas);
          w->share_decile_1 = sqlite3_column_double (stmt, 6);
          w->share_decile_12 = sqlite3_column_double (stmt, 7);
          w->population = sqlite3_column_int64 (stmt, 8);
        }
      g_ptr_array_add (summary->wards, w);
    }
  return TRUE;
}

/* National decile of each ward's population-weighted mean IMD rank: what the map colours. */
GHashTable *
_wm_project_ward_deciles (sqlite3 *db, const char *domain, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) count = NULL;
  g_autoptr (GHashTable) deciles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 n_lsoas = 0;

  count = _wm_db_prepare (db, "SELECT coalesce(max(rank), 0) FROM deprivation WHERE domain = ?1",
                          error);
  stmt = _wm_db_prepare (db, "SELECT code, mean_rank FROM (" WM_WARD_DEPRIVATION_SQL_FOR ("?1") ")",
                         error);
  if (count == NULL || stmt == NULL)
    return NULL;
  sqlite3_bind_text (count, 1, domain, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 1, domain, -1, SQLITE_STATIC);
  if (sqlite3_step (count) == SQLITE_ROW)
    n_lsoas = sqlite3_column_int64 (count, 0);
  while (n_lsoas > 0 && sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (deciles, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         GINT_TO_POINTER (ward_decile (sqlite3_column_double (stmt, 1), n_lsoas)));
  return g_steal_pointer (&deciles);
}

static WmSummary *
summarise (
    WmProject *self, WmSummaryBy by, const WmMapFilter *filter, gboolean rows_only, GError **error)
{
  sqlite3 *db;
  g_autoptr (WmSummary) summary = NULL;
  g_autoptr (sqlite3_stmt) overall = NULL;
  g_autoptr (sqlite3_stmt) groups = NULL;
  g_autofree char *sql = NULL;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  db = _wm_project_get_db (self);
  summary = g_new0 (WmSummary, 1);
  summary->by = by;
  summary->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) share_row_free);
  summary->wards = g_ptr_array_new_with_free_func ((GDestroyNotify) ward_row_free);
  summary->place_set = _wm_db_query_int (db,
                                         "SELECT count(*) FROM place_areas WHERE role ="
                                         " 'local'",
                                         0)
                       > 0;
  summary->place_local = wm_project_get_setting (self, "place_local");
  summary->place_region = wm_project_get_setting (self, "place_region");
  wm_project_get_region_km (self, &summary->region_km);
  if (filter != NULL)
    {
      summary->filter.anchor = g_strdup (filter->anchor);
      summary->filter.sector = g_strdup (filter->sector);
      summary->filter.kind = g_strdup (filter->kind);
      summary->filter.category = g_strdup (filter->category);
      summary->filter.fyear = filter->fyear;
    }

  overall = prepare_filtered (db, "SELECT" SHARE_COLUMNS SHARE_FROM " WHERE" SPEND_FILTER, filter,
                              error);
  if (overall == NULL)
    return NULL;
  if (sqlite3_step (overall) == SQLITE_ROW)
    read_shares (overall, 0, &summary->overall);
  summary->overall.key = g_strdup ("overall");
  summary->overall.label = g_strdup ("All anchors");

  /* "%%s" becomes the "%s" that prepare_filtered() fills with the source */
  sql = g_strdup_printf ("SELECT %s AS k," SHARE_COLUMNS " FROM %%s s" SHARE_JOINS
                         " WHERE" SPEND_FILTER " GROUP BY k ORDER BY %s",
                         group_expr (by), by == WM_SUMMARY_BY_YEAR ? "k" : "2 DESC, k");
  groups = prepare_filtered (db, sql, filter, error);
  if (groups == NULL)
    return NULL;
  while (sqlite3_step (groups) == SQLITE_ROW)
    {
      WmShareRow *row = g_new0 (WmShareRow, 1);

      row->key = g_strdup ((const char *) sqlite3_column_text (groups, 0));
      row->label = g_strdup (row->key);
      read_shares (groups, 1, row);
      g_ptr_array_add (summary->rows, row);
    }
  if (by == WM_SUMMARY_BY_WARD)
    {
      g_autoptr (sqlite3_stmt) names = _wm_db_prepare (db,
                                                       "SELECT name FROM areas WHERE level ="
                                                       " 'ward' AND code = ?",
                                                       error);
      if (names == NULL)
        return NULL;
      for (guint i = 0; i < summary->rows->len; i++)
        {
          WmShareRow *row = g_ptr_array_index (summary->rows, i);

          sqlite3_bind_text (names, 1, row->key, -1, SQLITE_STATIC);
          if (sqlite3_step (names) == SQLITE_ROW)
            {
              g_free (row->label);
              row->label = g_strdup ((const char *) sqlite3_column_text (names, 0));
            }
          sqlite3_reset (names);
        }
    }
  if (!rows_only
      && (!load_wards (db, summary, filter, error)
          || !load_top_unplaced (db, summary, filter, error)))
    return NULL;
  return g_steal_pointer (&summary);
}

WmSummary *
wm_project_summary (WmProject *self, WmSummaryBy by, GError **error)
{
  return summarise (self, by, NULL, FALSE, error);
}

WmSummary *
wm_project_summary_rows (WmProject *self, WmSummaryBy by, GError **error)
{
  return summarise (self, by, NULL, TRUE, error);
}

static GPtrArray *
read_strings (sqlite3 *db, const char *sql, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _wm_db_prepare (db, sql, error);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  return g_steal_pointer (&out);
}

gboolean
wm_project_filter_choices (
    WmProject *self, GPtrArray **anchors, GPtrArray **years, GPtrArray **sectors, GError **error)
{
  sqlite3 *db;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  db = _wm_project_get_db (self);
  *anchors = read_strings (db,
                           "SELECT a.name FROM spend_pairs s JOIN anchors a ON a.fid ="
                           " s.anchor_id GROUP BY a.fid ORDER BY sum(s.amount_pence) DESC, a.name",
                           error);
  *years = *anchors ? read_strings (db,
                                    "SELECT fyear || '/' || substr(fyear + 1, 3, 2) FROM"
                                    " spend_pairs WHERE fyear IS NOT NULL GROUP BY fyear"
                                    " ORDER BY fyear",
                                    error)
                    : NULL;
  *sectors = *years ? read_strings (db,
                                    "SELECT coalesce(sector, '" WM_SECTOR_UNCLASSIFIED "') AS k"
                                    " FROM spend_pairs GROUP BY k ORDER BY sum(amount_pence)"
                                    " DESC, k",
                                    error)
                    : NULL;
  if (*sectors != NULL)
    return TRUE;
  g_clear_pointer (anchors, g_ptr_array_unref);
  g_clear_pointer (years, g_ptr_array_unref);
  return FALSE;
}

WmSummary *
wm_project_summary_filtered (
    WmProject *self, WmSummaryBy by, const WmMapFilter *filter, gboolean rows_only, GError **error)
{
  return summarise (self, by, filter, rows_only, error);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void
add_pounds (JsonBuilder *b, const char *name, gint64 pence)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, pence / 100.0);
}

static void
add_share (JsonBuilder *b, const char *name, gint64 part, gint64 located)
{
  json_builder_set_member_name (b, name);
  if (located != 0)
    json_builder_add_double_value (b, (double) part / (double) located);
  else
    json_builder_add_null_value (b);
}

static void
build_share_row (JsonBuilder *b, const WmShareRow *row, const char *key_name)
{
  gint64 located = row->local + row->regional + row->leaked;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, key_name);
  json_builder_add_string_value (b, row->key);
  if (g_strcmp0 (row->key, row->label) != 0)
    {
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, row->label);
    }
  add_pounds (b, "total", row->total);
  add_pounds (b, "local", row->local);
  add_pounds (b, "regional", row->regional);
  add_pounds (b, "leaked", row->leaked);
  add_pounds (b, "unlocated", row->unlocated);
  add_pounds (b, "unclassified", row->unclassified);
  add_pounds (b, "redacted", row->redacted);
  add_pounds (b, "public_bodies", row->public_bodies);
  add_pounds (b, "located", located);
  add_share (b, "local_share", row->local, located);
  add_share (b, "regional_share", row->regional, located);
  add_share (b, "leaked_share", row->leaked, located);
  add_share (b, "unlocated_share_of_total", row->unlocated, row->total);
  add_share (b, "public_share_of_total", row->public_bodies, row->total);
  /* Coverage: of the spend not paid to public bodies, how much is placed, has a suggestion to
   * review, or is unplaced (redacted included). */
  {
    gint64 supplier_spend = row->total - row->public_bodies;

    add_pounds (b, "suggested", row->suggested);
    add_pounds (b, "supplier_spend", supplier_spend);
    add_share (b, "placed_share", located + row->unclassified, supplier_spend);
    add_share (b, "suggested_share", row->suggested, supplier_spend);
    add_share (b, "unplaced_share", row->unlocated - row->suggested, supplier_spend);
  }
  /* Influenceable: what a local firm could win (wm-sectors.h); the rest is listed apart. */
  {
    gint64 infl_located = row->infl_local + row->infl_regional + row->infl_leaked;

    json_builder_set_member_name (b, "influenceable");
    json_builder_begin_object (b);
    add_pounds (b, "total", row->influenceable);
    add_pounds (b, "local", row->infl_local);
    add_pounds (b, "regional", row->infl_regional);
    add_pounds (b, "leaked", row->infl_leaked);
    add_pounds (b, "unlocated", row->infl_unlocated);
    add_share (b, "local_share", row->infl_local, infl_located);
    add_share (b, "leaked_share", row->infl_leaked, infl_located);
    json_builder_end_object (b);
    add_pounds (b, "not_influenceable", row->total - row->public_bodies - row->influenceable);
  }
  if (row->top_unplaced != NULL)
    {
      json_builder_set_member_name (b, "top_unplaced");
      json_builder_begin_array (b);
      for (guint i = 0; i < row->top_unplaced->len; i++)
        {
          WmUnplaced *u = g_ptr_array_index (row->top_unplaced, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "payee");
          json_builder_add_string_value (b, u->name);
          add_pounds (b, "amount", u->amount);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "lines");
  json_builder_add_int_value (b, row->lines);
  json_builder_set_member_name (b, "suppliers");
  json_builder_add_int_value (b, row->suppliers);
  json_builder_end_object (b);
}

static const char *
by_name (WmSummaryBy by)
{
  static const char *const names[] = { "anchor", "sector", "kind", "year", "ward" };
  return names[by];
}

char *
_wm_json_builder_to_string (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

char *
wm_summary_to_json (const WmSummary *summary)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char *list = summary->by == WM_SUMMARY_BY_ANCHOR ? "anchors" : "groups";

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "place");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "local");
  json_builder_add_string_value (b, summary->place_local);
  json_builder_set_member_name (b, "region");
  json_builder_add_string_value (b, summary->place_region);
  json_builder_set_member_name (b, "region_km");
  json_builder_add_double_value (b, summary->region_km);
  json_builder_set_member_name (b, "set");
  json_builder_add_boolean_value (b, summary->place_set);
  json_builder_end_object (b);

  /* what was summed: null members are "all" */
  json_builder_set_member_name (b, "filter");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "anchor");
  json_builder_add_string_value (b, summary->filter.anchor);
  json_builder_set_member_name (b, "year");
  if (summary->filter.fyear != 0)
    json_builder_add_int_value (b, summary->filter.fyear);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "sector");
  json_builder_add_string_value (b, summary->filter.sector);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, summary->filter.kind);
  json_builder_set_member_name (b, "category");
  json_builder_add_string_value (b, summary->filter.category);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "overall");
  build_share_row (b, &summary->overall, "name");
  json_builder_set_member_name (b, "by");
  json_builder_add_string_value (b, by_name (summary->by));
  json_builder_set_member_name (b, list);
  json_builder_begin_array (b);
  for (guint i = 0; i < summary->rows->len; i++)
    build_share_row (b, g_ptr_array_index (summary->rows, i),
                     summary->by == WM_SUMMARY_BY_ANCHOR ? "name" : "key");
  json_builder_end_array (b);

  json_builder_set_member_name (b, "wards");
  json_builder_begin_array (b);
  for (guint i = 0; i < summary->wards->len; i++)
    {
      WmWardRow *w = g_ptr_array_index (summary->wards, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, w->code);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, w->name);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, w->role);
      add_pounds (b, "received", w->received);
      json_builder_set_member_name (b, "suppliers");
      json_builder_add_int_value (b, w->suppliers);
      json_builder_set_member_name (b, "imd_decile");
      if (w->imd_decile)
        json_builder_add_int_value (b, w->imd_decile);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "imd_mean_rank");
      if (w->imd_decile)
        json_builder_add_double_value (b, w->imd_mean_rank);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "share_decile_1");
      if (w->imd_decile)
        json_builder_add_double_value (b, w->share_decile_1);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "share_decile_1_2");
      if (w->imd_decile)
        json_builder_add_double_value (b, w->share_decile_12);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return _wm_json_builder_to_string (b);
}

/* ---- unmatched -------------------------------------------------------------------------- */

void
wm_unmatched_row_free (WmUnmatchedRow *row)
{
  g_free (row->name);
  g_free (row->kind);
  g_free (row->postcode);
  g_free (row->why);
  g_free (row->anchors);
  g_free (row);
}

GPtrArray *
wm_project_unmatched (WmProject *self, GError **error)
{
  sqlite3 *db;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) rows
      = g_ptr_array_new_with_free_func ((GDestroyNotify) wm_unmatched_row_free);

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  db = _wm_project_get_db (self);
  stmt = _wm_db_prepare (
      db,
      "SELECT p.name, p.kind, coalesce(p.trading_postcode, p.postcode),"
      "  CASE WHEN coalesce(p.trading_postcode, p.postcode) IS NULL THEN"
      "    CASE WHEN p.source = 'spend' THEN 'no exact match in a supplier directory' ELSE"
      "    'no postcode or coordinates in the directory' END"
      "  ELSE 'postcode not in the postcode table' END,"
      "  sum(s.amount_pence), sum(s.lines), group_concat(DISTINCT a.name), p.fid"
      " FROM spend_pairs s JOIN names n ON n.id = s.name_id AND NOT s.redacted"
      " JOIN suppliers p ON p.fid = n.supplier_id JOIN anchors a ON a.fid = s.anchor_id"
      " WHERE p.geom IS NULL AND p.kind <> 'public' GROUP BY p.fid"
      " UNION ALL SELECT '(redacted or blank)', NULL, NULL, 'redacted by the publisher',"
      "  sum(s.amount_pence), sum(s.lines), group_concat(DISTINCT a.name), 0"
      " FROM spend_pairs s JOIN anchors a ON a.fid = s.anchor_id WHERE s.redacted"
      " HAVING sum(s.lines) > 0"
      " ORDER BY 5 DESC",
      error);
  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      WmUnmatchedRow *row = g_new0 (WmUnmatchedRow, 1);

      row->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->postcode = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->why = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row->amount = sqlite3_column_int64 (stmt, 4);
      row->lines = sqlite3_column_int64 (stmt, 5);
      row->anchors = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      row->supplier_id = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (rows, row);
    }
  return g_steal_pointer (&rows);
}

char *
wm_unmatched_to_json (GPtrArray *rows)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    {
      WmUnmatchedRow *r = g_ptr_array_index (rows, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, r->name);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, r->kind);
      json_builder_set_member_name (b, "postcode");
      json_builder_add_string_value (b, r->postcode);
      json_builder_set_member_name (b, "why");
      json_builder_add_string_value (b, r->why);
      add_pounds (b, "amount", r->amount);
      json_builder_set_member_name (b, "lines");
      json_builder_add_int_value (b, r->lines);
      json_builder_set_member_name (b, "anchors");
      json_builder_add_string_value (b, r->anchors);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return _wm_json_builder_to_string (b);
}

/* ---- tables out as CSV -------------------------------------------------------------------- */

static const char *
by_column (WmSummaryBy by)
{
  switch (by)
    {
    case WM_SUMMARY_BY_SECTOR:
      return "sector";
    case WM_SUMMARY_BY_KIND:
      return "kind";
    case WM_SUMMARY_BY_YEAR:
      return "year";
    case WM_SUMMARY_BY_WARD:
      return "ward_code";
    case WM_SUMMARY_BY_ANCHOR:
    default:
      return "anchor";
    }
}

static void
append_share_csv (GString *out, const WmShareRow *r, const char *key, const char *label)
{
  gint64 located = r->local + r->regional + r->leaked;
  gint64 infl_located = r->infl_local + r->infl_regional + r->infl_leaked;
  gint64 amounts[]
      = { r->total,      r->local,         r->regional,      r->leaked,        r->unlocated,
          r->redacted,   r->unclassified,  r->public_bodies, r->suggested,     r->influenceable,
          r->infl_local, r->infl_regional, r->infl_leaked,   r->infl_unlocated };
  char *cells[G_N_ELEMENTS (amounts) + 8];
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (amounts); i++)
    cells[n++] = wm_format_pounds_plain (amounts[i]);
  cells[n++] = wm_format_fraction_plain (r->local, located);
  cells[n++] = wm_format_fraction_plain (r->regional, located);
  cells[n++] = wm_format_fraction_plain (r->leaked, located);
  cells[n++] = wm_format_fraction_plain (r->unlocated, r->total);
  cells[n++] = wm_format_fraction_plain (r->infl_local, infl_located);
  cells[n++] = wm_format_fraction_plain (r->infl_leaked, infl_located);
  cells[n++] = g_strdup_printf ("%" G_GINT64_FORMAT, r->lines);
  cells[n++] = g_strdup_printf ("%" G_GINT64_FORMAT, r->suppliers);
  {
    const char *fields[2 + G_N_ELEMENTS (cells)];

    fields[0] = key ? key : "";
    fields[1] = label ? label : "";
    for (guint i = 0; i < n; i++)
      fields[2 + i] = cells[i];
    wm_csv_append_row (out, fields, 2 + n);
  }
  for (guint i = 0; i < n; i++)
    g_free (cells[i]);
}

char *
wm_summary_to_csv (const WmSummary *summary)
{
  GString    *out = g_string_new ("\xEF\xBB\xBF");
  const char *header[] = { by_column (summary->by),
                           "label",
                           "total_gbp",
                           "local_gbp",
                           "regional_gbp",
                           "leaked_gbp",
                           "unlocated_gbp",
                           "redacted_gbp",
                           "unclassified_gbp",
                           "public_bodies_gbp",
                           "suggested_gbp",
                           "influenceable_gbp",
                           "influenceable_local_gbp",
                           "influenceable_regional_gbp",
                           "influenceable_leaked_gbp",
                           "influenceable_unlocated_gbp",
                           "local_share",
                           "regional_share",
                           "leaked_share",
                           "unlocated_share_of_total",
                           "influenceable_local_share",
                           "influenceable_leaked_share",
                           "lines",
                           "suppliers" };

  g_return_val_if_fail (summary != NULL, NULL);
  wm_csv_append_row (out, header, G_N_ELEMENTS (header));
  for (guint i = 0; i < summary->rows->len; i++)
    {
      const WmShareRow *r = g_ptr_array_index (summary->rows, i);
      append_share_csv (out, r, r->key, r->label);
    }
  append_share_csv (out, &summary->overall, "All", "All anchors");
  return g_string_free (out, FALSE);
}

char *
wm_summary_wards_to_csv (const WmSummary *summary)
{
  GString           *out = g_string_new ("\xEF\xBB\xBF");
  static const char *header[] = { "ward_code",
                                  "ward_name",
                                  "role",
                                  "received_gbp",
                                  "share_of_local_area_received",
                                  "suppliers",
                                  "imd_decile",
                                  "imd_mean_rank",
                                  "residents_share_decile_1",
                                  "residents_share_decile_1_2",
                                  "residents" };
  gint64             local_received = 0;

  g_return_val_if_fail (summary != NULL, NULL);
  for (guint i = 0; i < summary->wards->len; i++)
    {
      const WmWardRow *w = g_ptr_array_index (summary->wards, i);
      if (g_strcmp0 (w->role, "local") == 0)
        local_received += w->received;
    }
  wm_csv_append_row (out, header, G_N_ELEMENTS (header));
  for (guint i = 0; i < summary->wards->len; i++)
    {
      const WmWardRow *w = g_ptr_array_index (summary->wards, i);
      gboolean         known = w->imd_decile > 0;
      char             buf[3][G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *received = wm_format_pounds_plain (w->received);
      g_autofree char *share = g_strcmp0 (w->role, "local") == 0
                                   ? wm_format_fraction_plain (w->received, local_received)
                                   : g_strdup ("");
      g_autofree char *suppliers = g_strdup_printf ("%" G_GINT64_FORMAT, w->suppliers);
      g_autofree char *decile = known ? g_strdup_printf ("%d", w->imd_decile) : g_strdup ("");
      g_autofree char *residents = w->population > 0
                                       ? g_strdup_printf ("%" G_GINT64_FORMAT, w->population)
                                       : g_strdup ("");
      const char      *fields[G_N_ELEMENTS (header)];

      fields[0] = w->code;
      fields[1] = w->name ? w->name : "";
      fields[2] = w->role ? w->role : "";
      fields[3] = received;
      fields[4] = share;
      fields[5] = suppliers;
      fields[6] = decile;
      fields[7] = known ? g_ascii_formatd (buf[0], sizeof buf[0], "%.1f", w->imd_mean_rank) : "";
      fields[8] = known ? g_ascii_formatd (buf[1], sizeof buf[1], "%.4f", w->share_decile_1) : "";
      fields[9] = known ? g_ascii_formatd (buf[2], sizeof buf[2], "%.4f", w->share_decile_12) : "";
      fields[10] = residents;
      wm_csv_append_row (out, fields, G_N_ELEMENTS (header));
    }
  return g_string_free (out, FALSE);
}

char *
wm_unmatched_to_csv (GPtrArray *rows)
{
  GString           *out = g_string_new ("\xEF\xBB\xBF");
  static const char *header[]
      = { "supplier", "kind", "postcode", "why", "amount_gbp", "lines", "anchors" };

  g_return_val_if_fail (rows != NULL, NULL);
  wm_csv_append_row (out, header, G_N_ELEMENTS (header));
  for (guint i = 0; i < rows->len; i++)
    {
      const WmUnmatchedRow *r = g_ptr_array_index (rows, i);
      g_autofree char      *amount = wm_format_pounds_plain (r->amount);
      g_autofree char      *lines = g_strdup_printf ("%" G_GINT64_FORMAT, r->lines);
      const char           *fields[] = { r->name,
                               r->kind ? r->kind : "",
                               r->postcode ? r->postcode : "",
                               r->why ? r->why : "",
                                         amount,
                                         lines,
                               r->anchors ? r->anchors : "" };

      wm_csv_append_row (out, fields, G_N_ELEMENTS (fields));
    }
  return g_string_free (out, FALSE);
}
