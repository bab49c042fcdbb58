/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Gaps, sites, scenario, network and lots: SQL over the spend lines' sectors and exclusions
 * (wm-sectors.c) and the suppliers' places (wm-geocoder.c); docs/gaps.md has the formulas. */
#include "wm-gaps.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <proj.h>
#include <string.h>

#include "wm-error.h"
#include "wm-gpkg.h"
#include "wm-project-private.h"
#include "wm-sectors.h"
#include "wm-text.h"

/* Spend a local firm could win (as in wm-analysis.c). */
#define INFLUENCEABLE "s.excluded IS NULL AND coalesce(p.kind, '') <> 'public'"
#define LINES_FROM                                                                                 \
  " FROM spend s JOIN anchors a ON a.fid = s.anchor_id"                                            \
  " LEFT JOIN names n ON n.id = s.name_id AND NOT s.redacted"                                      \
  " LEFT JOIN suppliers p ON p.fid = n.supplier_id"
/* The same sums from the cache (spend_pairs: the lines summed by anchor, payee, sector, year
 * and exclusion, kept by imports and classification), which a 1M-line project reads several
 * times faster; a cell's "lines" counts its lines and "positive" those of more than 0 pence. */
#define CELLS_FROM                                                                                 \
  " FROM spend_pairs s JOIN anchors a ON a.fid = s.anchor_id"                                      \
  " LEFT JOIN names n ON n.id = s.name_id AND NOT s.redacted"                                      \
  " LEFT JOIN suppliers p ON p.fid = n.supplier_id"

static void
named_amount_free (WmNamedAmount *n)
{
  g_free (n->name);
  g_free (n);
}

static WmNamedAmount *
named_amount_new (const char *name, gint64 amount)
{
  WmNamedAmount *n = g_new (WmNamedAmount, 1);

  n->name = g_strdup (name);
  n->amount = amount;
  return n;
}

static double
setting_double (WmProject *self, const char *key, double fallback)
{
  g_autofree char *text = wm_project_get_setting (self, key);
  char            *end = NULL;
  double           value;

  if (text == NULL || *text == '\0')
    return fallback;
  value = g_ascii_strtod (text, &end);
  return end && *end == '\0' && isfinite (value) ? value : fallback;
}

static void
add_pounds (JsonBuilder *b, const char *name, gint64 pence)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, pence / 100.0);
}

static void
add_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static double
share (gint64 part, gint64 whole)
{
  return whole != 0 ? (double) part / (double) whole : NAN;
}

/* ---- gaps ------------------------------------------------------------------------------- */

WmGapWeights
wm_project_gap_weights (WmProject *self)
{
  WmGapWeights w;

  w.anchor_weight = setting_double (self, "gap_anchor_weight", WM_GAP_ANCHOR_WEIGHT_DEFAULT);
  w.local_weight = setting_double (self, "gap_local_weight", WM_GAP_LOCAL_WEIGHT_DEFAULT);
  return w;
}

gboolean
wm_project_set_gap_weights (WmProject *self, const WmGapWeights *weights, GError **error)
{
  char a[G_ASCII_DTOSTR_BUF_SIZE], l[G_ASCII_DTOSTR_BUF_SIZE];

  if (weights->anchor_weight < 0 || weights->local_weight < 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "gap weights cannot be negative");
      return FALSE;
    }
  g_ascii_dtostr (a, sizeof a, weights->anchor_weight);
  g_ascii_dtostr (l, sizeof l, weights->local_weight);
  return wm_project_set_setting (self, "gap_anchor_weight", a, error)
         && wm_project_set_setting (self, "gap_local_weight", l, error);
}

double
wm_gap_score (const WmGapWeights *weights, gint64 leaked, int anchors_buying, int local_firms)
{
  double pounds = leaked / 100.0;

  return pounds * (1.0 + weights->anchor_weight * MAX (anchors_buying - 1, 0))
         / (1.0 + weights->local_weight * MAX (local_firms, 0));
}

static void
gap_row_free (WmGapRow *r)
{
  g_free (r->sector);
  g_free (r->anchors);
  g_clear_pointer (&r->top_leaked, g_ptr_array_unref);
  g_free (r);
}

static void
excluded_row_free (WmExcludedRow *r)
{
  g_free (r->reason);
  g_free (r);
}

void
wm_gaps_free (WmGaps *gaps)
{
  if (gaps == NULL)
    return;
  g_clear_pointer (&gaps->rows, g_ptr_array_unref);
  g_clear_pointer (&gaps->excluded, g_ptr_array_unref);
  g_free (gaps);
}

static int
compare_gaps (gconstpointer a, gconstpointer b)
{
  const WmGapRow *x = *(WmGapRow *const *) a, *y = *(WmGapRow *const *) b;

  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;
  if (x->leaked != y->leaked)
    return x->leaked < y->leaked ? 1 : -1;
  return g_strcmp0 (x->sector, y->sector);
}

void
wm_gaps_rank (WmGaps *gaps, const WmGapWeights *weights)
{
  gaps->weights = *weights;
  for (guint i = 0; i < gaps->rows->len; i++)
    {
      WmGapRow *r = g_ptr_array_index (gaps->rows, i);

      r->score = wm_gap_score (weights, MAX (r->leaked, 0), r->anchors_buying, r->local_firms);
    }
  g_ptr_array_sort (gaps->rows, compare_gaps);
  for (guint i = 0; i < gaps->rows->len; i++)
    ((WmGapRow *) g_ptr_array_index (gaps->rows, i))->rank = (int) i + 1;
}

/* Directory suppliers (not public bodies) matching @where whose SIC codes put them in a
 * sector: sector (interned) -> GArray of gint64 fids. Used for local firms in a sector and for
 * suppliers already in a candidate ward, whether or not the anchors pay them. */
static GHashTable *
directory_firms_by_sector (WmProject *self, const char *where, GError **error)
{
  g_autoptr (GHashTable) firms
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);
  g_autoptr (WmSectorRules) rules = wm_project_sector_rules (self, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;

  if (rules == NULL)
    return NULL;
  sql = g_strdup_printf ("SELECT fid, sic FROM suppliers WHERE kind <> 'public' AND sic IS NOT"
                         " NULL AND %s",
                         where);
  stmt = _wm_db_prepare (_wm_project_get_db (self), sql, error);
  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *sector
          = wm_sector_rules_sic_sector (rules, (const char *) sqlite3_column_text (stmt, 1));
      gint64  fid = sqlite3_column_int64 (stmt, 0);
      GArray *ids;

      if (sector == NULL)
        continue;
      sector = g_intern_string (sector);
      ids = g_hash_table_lookup (firms, sector);
      if (ids == NULL)
        g_hash_table_insert (firms, (gpointer) sector,
                             ids = g_array_new (FALSE, FALSE, sizeof (gint64)));
      g_array_append_val (ids, fid);
    }
  return g_steal_pointer (&firms);
}

/* Local suppliers of each sector: paid in it, or in the directory with a SIC code of it. */
static gboolean
count_local_firms (WmProject *self, GHashTable *by_sector, GError **error)
{
  g_autoptr (GHashTable) firms
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_hash_table_unref);
  g_autoptr (GHashTable) directory = NULL;
  g_autoptr (sqlite3_stmt) paid = NULL;
  GHashTableIter iter;
  gpointer       key, value;

  paid = _wm_db_prepare (_wm_project_get_db (self),
                         "SELECT DISTINCT s.sector, p.fid" CELLS_FROM
                         " WHERE p.place = 'local' AND " INFLUENCEABLE,
                         error);
  directory = paid ? directory_firms_by_sector (self, "place = 'local'", error) : NULL;
  if (directory == NULL)
    return FALSE;
  while (sqlite3_step (paid) == SQLITE_ROW)
    {
      const char *sector = g_intern_string ((const char *) sqlite3_column_text (paid, 0));
      GHashTable *set = g_hash_table_lookup (firms, sector);

      if (set == NULL)
        g_hash_table_insert (firms, (gpointer) sector, set = g_hash_table_new (NULL, NULL));
      g_hash_table_add (set, GINT_TO_POINTER (sqlite3_column_int (paid, 1)));
    }
  g_hash_table_iter_init (&iter, directory);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray     *ids = value;
      GHashTable *set = g_hash_table_lookup (firms, key);

      if (set == NULL)
        g_hash_table_insert (firms, key, set = g_hash_table_new (NULL, NULL));
      for (guint i = 0; i < ids->len; i++)
        g_hash_table_add (set, GINT_TO_POINTER ((int) g_array_index (ids, gint64, i)));
    }
  g_hash_table_iter_init (&iter, firms);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (by_sector, key, GUINT_TO_POINTER (g_hash_table_size (value)));
  return TRUE;
}

WmGaps *
wm_project_gaps (WmProject *self, const WmGapWeights *weights, GError **error)
{
  g_autoptr (WmGaps) gaps = g_new0 (WmGaps, 1);
  g_autoptr (sqlite3_stmt) sectors = NULL;
  g_autoptr (sqlite3_stmt) leakers = NULL;
  g_autoptr (sqlite3_stmt) excluded = NULL;
  g_autoptr (GHashTable) rows_by_sector = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) local_firms = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3 *db;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  db = _wm_project_get_db (self);
  gaps->weights = weights ? *weights : wm_project_gap_weights (self);
  gaps->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) gap_row_free);
  gaps->excluded = g_ptr_array_new_with_free_func ((GDestroyNotify) excluded_row_free);
  gaps->place_set
      = _wm_db_query_int (db, "SELECT count(*) FROM place_areas WHERE role = 'local'", 0) > 0;

  sectors = _wm_db_prepare (
      db,
      "SELECT s.sector, sum(s.amount_pence),"
      " sum(CASE WHEN p.place = 'local' THEN s.amount_pence ELSE 0 END),"
      " sum(CASE WHEN p.place = 'regional' THEN s.amount_pence ELSE 0 END),"
      " sum(CASE WHEN p.place = 'leaked' THEN s.amount_pence ELSE 0 END),"
      " sum(CASE WHEN p.place IS NULL THEN s.amount_pence ELSE 0 END),"
      " sum(CASE WHEN p.place = 'unset' THEN s.amount_pence ELSE 0 END),"
      " count(DISTINCT CASE WHEN s.positive > 0 THEN s.anchor_id END),"
      " count(DISTINCT CASE WHEN p.place = 'leaked' AND s.positive > 0 THEN s.anchor_id END),"
      " group_concat(DISTINCT CASE WHEN s.positive > 0 THEN a.name END),"
      " count(DISTINCT CASE WHEN p.place = 'local' THEN p.fid END),"
      " count(DISTINCT CASE WHEN p.place = 'regional' THEN p.fid END),"
      " count(DISTINCT CASE WHEN p.place = 'leaked' THEN p.fid END),"
      " count(DISTINCT CASE WHEN p.place IS NULL THEN coalesce(p.fid, -s.name_id) END)" CELLS_FROM
      " WHERE " INFLUENCEABLE " GROUP BY s.sector",
      error);
  if (sectors == NULL || !count_local_firms (self, local_firms, error))
    return NULL;
  while (sqlite3_step (sectors) == SQLITE_ROW)
    {
      WmGapRow *r = g_new0 (WmGapRow, 1);

      r->sector = g_strdup ((const char *) sqlite3_column_text (sectors, 0));
      if (r->sector == NULL)
        r->sector = g_strdup (WM_SECTOR_UNCLASSIFIED);
      r->total = sqlite3_column_int64 (sectors, 1);
      r->local = sqlite3_column_int64 (sectors, 2);
      r->regional = sqlite3_column_int64 (sectors, 3);
      r->leaked = sqlite3_column_int64 (sectors, 4);
      r->unlocated = sqlite3_column_int64 (sectors, 5);
      r->unclassified = sqlite3_column_int64 (sectors, 6);
      r->anchors_buying = sqlite3_column_int (sectors, 7);
      r->anchors_leaking = sqlite3_column_int (sectors, 8);
      r->anchors = g_strdup ((const char *) sqlite3_column_text (sectors, 9));
      r->suppliers_local = sqlite3_column_int (sectors, 10);
      r->suppliers_regional = sqlite3_column_int (sectors, 11);
      r->suppliers_leaked = sqlite3_column_int (sectors, 12);
      r->suppliers_unlocated = sqlite3_column_int (sectors, 13);
      r->local_firms
          = GPOINTER_TO_INT (g_hash_table_lookup (local_firms, g_intern_string (r->sector)));
      r->top_leaked = g_ptr_array_new_with_free_func ((GDestroyNotify) named_amount_free);
      gaps->influenceable += r->total;
      gaps->leaked += r->leaked;
      g_ptr_array_add (gaps->rows, r);
      g_hash_table_insert (rows_by_sector, r->sector, r);
    }
  wm_gaps_rank (gaps, &gaps->weights);

  leakers = _wm_db_prepare (db,
                            "SELECT s.sector, p.name, sum(s.amount_pence) AS amount" CELLS_FROM
                            " WHERE p.place = 'leaked' AND " INFLUENCEABLE
                            " GROUP BY s.sector, p.fid ORDER BY s.sector, amount DESC, p.name",
                            error);
  if (leakers == NULL)
    return NULL;
  while (sqlite3_step (leakers) == SQLITE_ROW)
    {
      WmGapRow *r
          = g_hash_table_lookup (rows_by_sector, (const char *) sqlite3_column_text (leakers, 0));
      if (r != NULL && r->top_leaked->len < 5)
        g_ptr_array_add (r->top_leaked,
                         named_amount_new ((const char *) sqlite3_column_text (leakers, 1),
                                           sqlite3_column_int64 (leakers, 2)));
    }

  excluded
      = _wm_db_prepare (db,
                        "SELECT CASE WHEN p.kind = 'public' THEN '" WM_EXCLUDED_PUBLIC "'"
                        " ELSE s.excluded END AS why, sum(s.amount_pence), sum(s.lines)" CELLS_FROM
                        " WHERE NOT (" INFLUENCEABLE ") GROUP BY why ORDER BY 2 DESC",
                        error);
  if (excluded == NULL)
    return NULL;
  while (sqlite3_step (excluded) == SQLITE_ROW)
    {
      WmExcludedRow *e = g_new0 (WmExcludedRow, 1);

      e->reason = g_strdup ((const char *) sqlite3_column_text (excluded, 0));
      e->amount = sqlite3_column_int64 (excluded, 1);
      e->lines = sqlite3_column_int64 (excluded, 2);
      g_ptr_array_add (gaps->excluded, e);
    }
  return g_steal_pointer (&gaps);
}

char *
wm_gaps_to_json (const WmGaps *gaps)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 excluded = 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "score");
  json_builder_begin_object (b);
  add_string (b, "formula",
              "leaked * (1 + anchor_weight * (anchors_buying - 1)) / (1 + local_weight *"
              " local_suppliers)");
  add_double (b, "anchor_weight", gaps->weights.anchor_weight);
  add_double (b, "local_weight", gaps->weights.local_weight);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "place_set");
  json_builder_add_boolean_value (b, gaps->place_set);
  add_pounds (b, "influenceable", gaps->influenceable);
  add_pounds (b, "leaked", gaps->leaked);
  json_builder_set_member_name (b, "sectors");
  json_builder_begin_array (b);
  for (guint i = 0; i < gaps->rows->len; i++)
    {
      WmGapRow *r = g_ptr_array_index (gaps->rows, i);
      gint64    located = r->local + r->regional + r->leaked;

      json_builder_begin_object (b);
      add_int (b, "rank", r->rank);
      add_string (b, "sector", r->sector);
      add_double (b, "score", r->score);
      add_pounds (b, "total", r->total);
      add_pounds (b, "local", r->local);
      add_pounds (b, "regional", r->regional);
      add_pounds (b, "leaked", r->leaked);
      add_pounds (b, "unlocated", r->unlocated);
      add_pounds (b, "unclassified", r->unclassified);
      add_double (b, "leaked_share", share (r->leaked, located));
      add_int (b, "anchors_buying", r->anchors_buying);
      add_int (b, "anchors_leaking", r->anchors_leaking);
      add_string (b, "anchors", r->anchors);
      json_builder_set_member_name (b, "suppliers");
      json_builder_begin_object (b);
      add_int (b, "local", r->suppliers_local);
      add_int (b, "regional", r->suppliers_regional);
      add_int (b, "leaked", r->suppliers_leaked);
      add_int (b, "unlocated", r->suppliers_unlocated);
      json_builder_end_object (b);
      add_int (b, "local_suppliers", r->local_firms);
      json_builder_set_member_name (b, "top_leaked");
      json_builder_begin_array (b);
      for (guint k = 0; k < r->top_leaked->len; k++)
        {
          WmNamedAmount *n = g_ptr_array_index (r->top_leaked, k);

          json_builder_begin_object (b);
          add_string (b, "supplier", n->name);
          add_pounds (b, "amount", n->amount);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "not_influenceable");
  json_builder_begin_array (b);
  for (guint i = 0; i < gaps->excluded->len; i++)
    {
      WmExcludedRow *e = g_ptr_array_index (gaps->excluded, i);

      json_builder_begin_object (b);
      add_string (b, "reason", e->reason);
      add_pounds (b, "amount", e->amount);
      add_int (b, "lines", e->lines);
      json_builder_end_object (b);
      excluded += e->amount;
    }
  json_builder_end_array (b);
  add_pounds (b, "not_influenceable_total", excluded);
  json_builder_end_object (b);
  return _wm_json_builder_to_string (b);
}

static char *
fraction_text (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    return g_strdup ("");
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.4f", value));
}

char *
wm_gaps_to_csv (const WmGaps *gaps)
{
  GString           *out = g_string_new ("\xEF\xBB\xBF");
  static const char *header[] = {
    "rank",          "sector",          "score",           "influenceable_gbp",  "local_gbp",
    "regional_gbp",  "leaked_gbp",      "unlocated_gbp",   "leaked_share",       "anchors_buying",
    "anchors",       "local_suppliers", "suppliers_local", "suppliers_regional", "suppliers_leaked",
    "largest_leaked"
  };

  wm_csv_append_row (out, header, G_N_ELEMENTS (header));
  for (guint i = 0; i < gaps->rows->len; i++)
    {
      WmGapRow        *r = g_ptr_array_index (gaps->rows, i);
      g_autofree char *rank = g_strdup_printf ("%d", r->rank);
      g_autofree char *score = g_strdup_printf ("%.2f", r->score);
      g_autofree char *total = wm_format_pounds_plain (r->total);
      g_autofree char *local = wm_format_pounds_plain (r->local);
      g_autofree char *regional = wm_format_pounds_plain (r->regional);
      g_autofree char *leaked = wm_format_pounds_plain (r->leaked);
      g_autofree char *unlocated = wm_format_pounds_plain (r->unlocated);
      g_autofree char *lshare
          = fraction_text (share (r->leaked, r->local + r->regional + r->leaked));
      g_autofree char *buying = g_strdup_printf ("%d", r->anchors_buying);
      g_autofree char *firms = g_strdup_printf ("%d", r->local_firms);
      g_autofree char *sl = g_strdup_printf ("%d", r->suppliers_local);
      g_autofree char *sr = g_strdup_printf ("%d", r->suppliers_regional);
      g_autofree char *sk = g_strdup_printf ("%d", r->suppliers_leaked);
      g_autoptr (GString) top = g_string_new (NULL);
      const char *fields[G_N_ELEMENTS (header)];

      for (guint k = 0; k < r->top_leaked->len; k++)
        {
          WmNamedAmount   *n = g_ptr_array_index (r->top_leaked, k);
          g_autofree char *amount = wm_format_pounds (n->amount);
          g_string_append_printf (top, "%s%s %s", k ? "; " : "", n->name, amount);
        }
      fields[0] = rank, fields[1] = r->sector, fields[2] = score, fields[3] = total;
      fields[4] = local, fields[5] = regional, fields[6] = leaked, fields[7] = unlocated;
      fields[8] = lshare, fields[9] = buying, fields[10] = r->anchors ? r->anchors : "";
      fields[11] = firms, fields[12] = sl, fields[13] = sr, fields[14] = sk, fields[15] = top->str;
      wm_csv_append_row (out, fields, G_N_ELEMENTS (header));
    }
  return g_string_free (out, FALSE);
}

/* ---- sites ------------------------------------------------------------------------------ */

static void
site_row_free (WmSiteRow *r)
{
  g_free (r->code);
  g_free (r->name);
  g_free (r);
}

void
wm_sites_free (WmSites *sites)
{
  if (sites == NULL)
    return;
  g_free (sites->sector);
  g_free (sites->domain);
  g_clear_pointer (&sites->anchors, g_ptr_array_unref);
  g_clear_pointer (&sites->rows, g_ptr_array_unref);
  g_free (sites);
}

static int
compare_sites (gconstpointer a, gconstpointer b)
{
  const WmSiteRow *x = *(WmSiteRow *const *) a, *y = *(WmSiteRow *const *) b;

  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;
  return g_strcmp0 (x->code, y->code);
}

typedef struct
{
  double lon, lat, weight;
} WeightedPoint;

/* Great-circle (geodesic, WGS 84 ellipsoid) distance in km, by PROJ. */
static double
geodesic_km (PJ *ellipsoid, double lon1, double lat1, double lon2, double lat2)
{
  PJ_COORD a = proj_coord (proj_torad (lon1), proj_torad (lat1), 0, 0);
  PJ_COORD b = proj_coord (proj_torad (lon2), proj_torad (lat2), 0, 0);

  return proj_lp_dist (ellipsoid, a, b) / 1000.0;
}

static const char *const domains[]
    = { "imd", "income", "employment", "education", "health", "crime", "barriers", "living" };

WmSites *
wm_project_sites (WmProject           *self,
                  const char          *sector,
                  const char          *domain,
                  const WmSiteWeights *weights,
                  GError             **error)
{
  g_autoptr (WmSites) sites = g_new0 (WmSites, 1);
  g_autoptr (sqlite3_stmt) anchors = NULL;
  g_autoptr (sqlite3_stmt) wards = NULL;
  g_autoptr (GArray) points = g_array_new (FALSE, FALSE, sizeof (WeightedPoint));
  g_autofree char *sql = NULL;
  PJ_CONTEXT      *ctx = NULL;
  PJ              *ellipsoid = NULL;
  sqlite3         *db;
  gint64           n_lsoas;
  gboolean         known = FALSE;
  double           weight_sum = 0;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  db = _wm_project_get_db (self);
  domain = domain ? domain : "imd";
  for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
    known |= strcmp (domain, domains[i]) == 0;
  if (!known)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "deprivation domain \"%s\": expected imd, income, employment, education,"
                   " health, crime, barriers or living",
                   domain);
      return NULL;
    }
  {
    g_autoptr (sqlite3_stmt) count = _wm_db_prepare (
        db, "SELECT coalesce(max(rank), 0) FROM deprivation WHERE domain = ?", error);
    if (count == NULL)
      return NULL;
    sqlite3_bind_text (count, 1, domain, -1, SQLITE_STATIC);
    n_lsoas = sqlite3_step (count) == SQLITE_ROW ? sqlite3_column_int64 (count, 0) : 0;
  }
  if (n_lsoas == 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN,
                   "the project has no %s deprivation: import the IoD files first (wealthmap-cli"
                   " import deprivation)",
                   domain);
      return NULL;
    }
  sites->sector = g_strdup (sector);
  sites->domain = g_strdup (domain);
  if (weights)
    sites->weights = *weights;
  else
    {
      sites->weights.deprivation_weight = setting_double (self, "site_deprivation_weight", 0.6);
      sites->weights.proximity_weight = setting_double (self, "site_proximity_weight", 0.3);
      sites->weights.vacancy_weight = setting_double (self, "site_vacancy_weight", 0.1);
    }
  sites->anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) named_amount_free);
  sites->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) site_row_free);

  /* The anchors buying in the sector, weighted by their influenceable spend in it. */
  anchors = _wm_db_prepare (db,
                            "SELECT a.name, a.geom, sum(s.amount_pence) AS amount" CELLS_FROM
                            " WHERE s.sector = ? AND " INFLUENCEABLE
                            " GROUP BY a.fid HAVING amount > 0 ORDER BY amount DESC",
                            error);
  if (anchors == NULL)
    return NULL;
  sqlite3_bind_text (anchors, 1, sector, -1, SQLITE_STATIC);
  while (sqlite3_step (anchors) == SQLITE_ROW)
    {
      gint64       amount = sqlite3_column_int64 (anchors, 2);
      OGRGeometryH point = wm_gpkg_geometry_from_blob (sqlite3_column_blob (anchors, 1),
                                                       (gsize) sqlite3_column_bytes (anchors, 1));

      g_ptr_array_add (sites->anchors,
                       named_amount_new ((const char *) sqlite3_column_text (anchors, 0), amount));
      /* An anchor not located (no postcode) has no distance: the others decide. */
      if (point != NULL)
        {
          WeightedPoint p = { OGR_G_GetX (point, 0), OGR_G_GetY (point, 0), amount / 100.0 };
          g_array_append_val (points, p);
          weight_sum += p.weight;
          OGR_G_DestroyGeometry (point);
        }
    }
  if (sites->anchors->len == 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "no anchor buys influenceable \"%s\" in this project", sector);
      return NULL;
    }

  sites->local_only
      = _wm_db_query_int (db, "SELECT count(*) FROM place_areas WHERE role = 'local'", 0) > 0;
  sql = g_strdup_printf (
      "WITH dep AS (" WM_WARD_DEPRIVATION_SQL_FOR (
          "?1") "),"
                " here AS (SELECT p.ward_code AS code, count(DISTINCT p.fid) AS n FROM suppliers p"
                "   WHERE p.kind <> 'public' AND p.ward_code IS NOT NULL AND (p.fid IN (SELECT "
                "n.supplier_id"
                "   FROM spend_pairs s JOIN names n ON n.id = s.name_id WHERE s.sector = ?2)"
                "   OR p.fid IN (SELECT value FROM json_each(?3))) GROUP BY p.ward_code)"
                " SELECT w.code, w.name, w.label_x, w.label_y, dep.mean_rank, dep.d1, "
                "dep.population,"
                "   coalesce(here.n, 0)"
                " FROM areas w JOIN dep ON dep.code = w.code LEFT JOIN here ON here.code = w.code"
                " WHERE w.level = 'ward' %s",
      sites->local_only ? "AND w.code IN (SELECT code FROM place_areas WHERE level = 'ward' AND"
                          " role = 'local')"
                        : "");
  wards = _wm_db_prepare (db, sql, error);
  if (wards == NULL)
    return NULL;
  sqlite3_bind_text (wards, 1, domain, -1, SQLITE_STATIC);
  sqlite3_bind_text (wards, 2, sector, -1, SQLITE_STATIC);
  {
    /* Directory suppliers whose SIC codes put them in the sector, though not paid in it. */
    g_autoptr (GHashTable) directory
        = directory_firms_by_sector (self, "ward_code IS NOT NULL", error);
    g_autoptr (GString) ids = g_string_new ("[");
    GArray *in_sector;

    if (directory == NULL)
      return NULL;
    in_sector = g_hash_table_lookup (directory, g_intern_string (sector));
    for (guint i = 0; in_sector && i < in_sector->len; i++)
      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                              g_array_index (in_sector, gint64, i));
    g_string_append_c (ids, ']');
    sqlite3_bind_text (wards, 3, ids->str, -1, SQLITE_TRANSIENT);
  }

  ctx = proj_context_create ();
  ellipsoid = proj_create (ctx, "+proj=longlat +ellps=WGS84 +type=crs");
  if (ellipsoid == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_IO, "PROJ cannot make the WGS 84 ellipsoid");
      proj_context_destroy (ctx);
      return NULL;
    }
  while (sqlite3_step (wards) == SQLITE_ROW)
    {
      WmSiteRow *r = g_new0 (WmSiteRow, 1);
      double     lon = sqlite3_column_double (wards, 2), lat = sqlite3_column_double (wards, 3);
      double     sum = 0;

      r->code = g_strdup ((const char *) sqlite3_column_text (wards, 0));
      r->name = g_strdup ((const char *) sqlite3_column_text (wards, 1));
      r->mean_rank = sqlite3_column_double (wards, 4);
      r->decile = CLAMP ((int) ((r->mean_rank - 1) * 10 / n_lsoas) + 1, 1, 10);
      r->deprivation = 1.0 - (r->mean_rank - 1) / (double) n_lsoas;
      r->share_decile_1 = sqlite3_column_double (wards, 5);
      r->population = sqlite3_column_int64 (wards, 6);
      r->suppliers = sqlite3_column_int (wards, 7);
      for (guint i = 0; i < points->len; i++)
        {
          WeightedPoint *p = &g_array_index (points, WeightedPoint, i);
          sum += p->weight * geodesic_km (ellipsoid, lon, lat, p->lon, p->lat);
        }
      r->distance_km = points->len > 0 && weight_sum > 0 ? sum / weight_sum : NAN;
      r->proximity = isfinite (r->distance_km) ? 1.0 / (1.0 + r->distance_km / 10.0) : 0;
      r->vacancy = 1.0 / (1.0 + r->suppliers);
      r->score = sites->weights.deprivation_weight * r->deprivation
                 + sites->weights.proximity_weight * r->proximity
                 + sites->weights.vacancy_weight * r->vacancy;
      g_ptr_array_add (sites->rows, r);
    }
  proj_destroy (ellipsoid);
  proj_context_destroy (ctx);
  g_ptr_array_sort (sites->rows, compare_sites);
  return g_steal_pointer (&sites);
}

char *
wm_sites_to_json (const WmSites *sites)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string (b, "sector", sites->sector);
  add_string (b, "domain", sites->domain);
  json_builder_set_member_name (b, "score");
  json_builder_begin_object (b);
  add_string (b, "formula",
              "deprivation_weight * deprivation + proximity_weight * proximity +"
              " vacancy_weight * vacancy; deprivation = 1 - (mean_rank - 1) / LSOAs in England;"
              " proximity = 1 / (1 + distance_km / 10); vacancy = 1 / (1 + suppliers)");
  add_double (b, "deprivation_weight", sites->weights.deprivation_weight);
  add_double (b, "proximity_weight", sites->weights.proximity_weight);
  add_double (b, "vacancy_weight", sites->weights.vacancy_weight);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "local_only");
  json_builder_add_boolean_value (b, sites->local_only);
  json_builder_set_member_name (b, "anchors");
  json_builder_begin_array (b);
  for (guint i = 0; i < sites->anchors->len; i++)
    {
      WmNamedAmount *n = g_ptr_array_index (sites->anchors, i);
      json_builder_begin_object (b);
      add_string (b, "name", n->name);
      add_pounds (b, "amount", n->amount);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "wards");
  json_builder_begin_array (b);
  for (guint i = 0; i < sites->rows->len; i++)
    {
      WmSiteRow *r = g_ptr_array_index (sites->rows, i);

      json_builder_begin_object (b);
      add_int (b, "rank", i + 1);
      add_string (b, "code", r->code);
      add_string (b, "name", r->name);
      add_double (b, "score", r->score);
      add_double (b, "mean_rank", r->mean_rank);
      add_int (b, "decile", r->decile);
      add_double (b, "deprivation", r->deprivation);
      add_double (b, "share_decile_1", r->share_decile_1);
      add_int (b, "population", r->population);
      add_double (b, "distance_km", r->distance_km);
      add_double (b, "proximity", r->proximity);
      add_int (b, "suppliers", r->suppliers);
      add_double (b, "vacancy", r->vacancy);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return _wm_json_builder_to_string (b);
}

/* ---- scenario --------------------------------------------------------------------------- */

static void
scenario_row_free (WmScenarioRow *r)
{
  g_free (r->name);
  g_free (r);
}

void
wm_scenario_free (WmScenario *scenario)
{
  if (scenario == NULL)
    return;
  g_strfreev (scenario->sectors);
  g_clear_pointer (&scenario->rows, g_ptr_array_unref);
  g_free (scenario);
}

typedef struct
{
  char       *name;
  gint64      located; /* influenceable located pence */
  gint64      local;
  GHashTable *leaked; /* sector -> gint64* leaked influenceable pence */
} BaseAnchor;

struct _WmScenarioBase
{
  GPtrArray *anchors; /* BaseAnchor*, by name */
};

static void
base_anchor_free (BaseAnchor *a)
{
  g_free (a->name);
  g_hash_table_unref (a->leaked);
  g_free (a);
}

void
wm_scenario_base_free (WmScenarioBase *base)
{
  if (base == NULL)
    return;
  g_ptr_array_unref (base->anchors);
  g_free (base);
}

WmScenarioBase *
wm_project_scenario_base (WmProject *self, GError **error)
{
  g_autoptr (WmScenarioBase) base = g_new0 (WmScenarioBase, 1);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  BaseAnchor *anchor = NULL;
  gint64      last_fid = -1;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  base->anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) base_anchor_free);
  stmt = _wm_db_prepare (
      _wm_project_get_db (self),
      "SELECT a.fid, a.name, s.sector,"
      " sum(CASE WHEN p.place IN ('local', 'regional', 'leaked') THEN"
      "   s.amount_pence ELSE 0 END),"
      " sum(CASE WHEN p.place = 'local' THEN s.amount_pence ELSE 0 END),"
      " sum(CASE WHEN p.place = 'leaked' THEN s.amount_pence ELSE 0 END)" CELLS_FROM
      " WHERE " INFLUENCEABLE " GROUP BY a.fid, s.sector ORDER BY a.name, a.fid",
      error);
  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 fid = sqlite3_column_int64 (stmt, 0);

      if (anchor == NULL || fid != last_fid)
        {
          anchor = g_new0 (BaseAnchor, 1);
          anchor->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          anchor->leaked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_ptr_array_add (base->anchors, anchor);
          last_fid = fid;
        }
      anchor->located += sqlite3_column_int64 (stmt, 3);
      anchor->local += sqlite3_column_int64 (stmt, 4);
      {
        const char *sector = sqlite3_column_text (stmt, 2)
                                 ? (const char *) sqlite3_column_text (stmt, 2)
                                 : "Unclassified";
        gint64     *leaked = g_hash_table_lookup (anchor->leaked, sector);

        if (leaked == NULL)
          g_hash_table_insert (anchor->leaked, g_strdup (sector), leaked = g_new0 (gint64, 1));
        *leaked += sqlite3_column_int64 (stmt, 5);
      }
    }
  return g_steal_pointer (&base);
}

WmScenario *
wm_scenario_compute (const WmScenarioBase *base,
                     const char *const    *sectors,
                     double                shift,
                     const double          respend[2],
                     double                per_job,
                     GError              **error)
{
  g_autoptr (WmScenario) sc = g_new0 (WmScenario, 1);
  WmScenarioRow *all;

  if (!(shift >= 0 && shift <= 1) || !(respend[0] >= 0 && respend[0] < 1)
      || !(respend[1] >= 0 && respend[1] < 1) || !(per_job > 0))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "the shift must be 0-100%%, the re-spend rates 0-99%% and the £ per job above"
                   " 0");
      return NULL;
    }
  sc->sectors = sectors ? g_strdupv ((char **) sectors) : NULL;
  sc->shift = shift;
  sc->respend[0] = respend[0];
  sc->respend[1] = respend[1];
  sc->per_job = per_job;
  sc->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) scenario_row_free);

  all = g_new0 (WmScenarioRow, 1);
  all->name = g_strdup ("All anchors");
  for (guint i = 0; i < base->anchors->len; i++)
    {
      BaseAnchor    *a = g_ptr_array_index (base->anchors, i);
      WmScenarioRow *r = g_new0 (WmScenarioRow, 1);
      gint64         leaked = 0;

      if (sectors == NULL)
        {
          GHashTableIter iter;
          gpointer       value;

          g_hash_table_iter_init (&iter, a->leaked);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            leaked += *(gint64 *) value;
        }
      else
        for (int k = 0; sectors[k]; k++)
          {
            gint64 *value = g_hash_table_lookup (a->leaked, sectors[k]);
            leaked += value ? *value : 0;
          }
      r->name = g_strdup (a->name);
      r->located = a->located;
      r->local = a->local;
      /* Credits can make a sector's net leaked spend negative: nothing to move then. */
      r->shifted = (gint64) llround (MAX (leaked, 0) * shift);
      r->share_before = share (r->local, r->located);
      r->share_after = share (r->local + r->shifted, r->located);
      all->located += r->located;
      all->local += r->local;
      all->shifted += r->shifted;
      sc->leaked += MAX (leaked, 0);
      g_ptr_array_add (sc->rows, r);
    }
  all->share_before = share (all->local, all->located);
  all->share_after = share (all->local + all->shifted, all->located);
  g_ptr_array_add (sc->rows, all);

  /* LM3: round 1 is the spend moved to local suppliers; round 2 what they re-spend locally
   * (wages of local staff, local purchases); round 3 what the recipients of round 2 re-spend
   * locally in turn. */
  sc->round[0] = all->shifted;
  sc->round[1] = (gint64) llround (sc->round[0] * respend[0]);
  sc->round[2] = (gint64) llround (sc->round[1] * respend[1]);
  sc->lm3 = sc->round[0] > 0
                ? (double) (sc->round[0] + sc->round[1] + sc->round[2]) / (double) sc->round[0]
                : 1.0 + respend[0] + respend[0] * respend[1];
  sc->jobs_direct = sc->round[0] / 100.0 / per_job;
  sc->jobs_total = (sc->round[0] + sc->round[1] + sc->round[2]) / 100.0 / per_job;
  return g_steal_pointer (&sc);
}

WmScenario *
wm_project_scenario (WmProject         *self,
                     const char *const *sectors,
                     double             shift,
                     const double       respend[2],
                     double             per_job,
                     GError           **error)
{
  g_autoptr (WmScenarioBase) base = NULL;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  base = wm_project_scenario_base (self, error);
  return base ? wm_scenario_compute (base, sectors, shift, respend, per_job, error) : NULL;
}

char *
wm_scenario_to_json (const WmScenario *sc)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sectors");
  if (sc->sectors)
    {
      json_builder_begin_array (b);
      for (int i = 0; sc->sectors[i]; i++)
        json_builder_add_string_value (b, sc->sectors[i]);
      json_builder_end_array (b);
    }
  else
    json_builder_add_string_value (b, "all");
  add_double (b, "shift", sc->shift);
  add_double (b, "respend_round_2", sc->respend[0]);
  add_double (b, "respend_round_3", sc->respend[1]);
  add_double (b, "per_job", sc->per_job);
  add_pounds (b, "leaked_in_sectors", sc->leaked);
  add_pounds (b, "round_1", sc->round[0]);
  add_pounds (b, "round_2", sc->round[1]);
  add_pounds (b, "round_3", sc->round[2]);
  add_pounds (b, "local_effect", sc->round[0] + sc->round[1] + sc->round[2]);
  add_double (b, "lm3", sc->lm3);
  add_double (b, "jobs_direct", sc->jobs_direct);
  add_double (b, "jobs_total", sc->jobs_total);
  json_builder_set_member_name (b, "anchors");
  json_builder_begin_array (b);
  for (guint i = 0; i < sc->rows->len; i++)
    {
      WmScenarioRow *r = g_ptr_array_index (sc->rows, i);

      json_builder_begin_object (b);
      add_string (b, "name", r->name);
      add_pounds (b, "located", r->located);
      add_pounds (b, "local_before", r->local);
      add_pounds (b, "shifted", r->shifted);
      add_pounds (b, "local_after", r->local + r->shifted);
      add_double (b, "local_share_before", r->share_before);
      add_double (b, "local_share_after", r->share_after);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return _wm_json_builder_to_string (b);
}

/* ---- network ---------------------------------------------------------------------------- */

static void
network_anchor_free (WmNetworkAnchor *a)
{
  g_free (a->name);
  g_free (a);
}

static void
shared_free (WmSharedSupplier *s)
{
  g_free (s->name);
  g_free (s->place);
  g_free (s->by_anchor);
  g_free (s);
}

static void
joint_free (WmJointSector *j)
{
  g_free (j->sector);
  g_free (j->by_anchor);
  g_free (j);
}

void
wm_network_free (WmNetwork *network)
{
  if (network == NULL)
    return;
  g_clear_pointer (&network->anchors, g_ptr_array_unref);
  g_clear_pointer (&network->shared, g_ptr_array_unref);
  g_clear_pointer (&network->joint, g_ptr_array_unref);
  g_free (network);
}

/* "Fire £12,000; PCC £3,400" from "name<US>pence<RS>..." */
static char *
by_anchor_text (const char *packed)
{
  g_auto (GStrv) items = g_strsplit (packed ? packed : "", "\x1e", -1);
  g_autoptr (GString) out = g_string_new (NULL);

  for (int i = 0; items[i]; i++)
    {
      g_auto (GStrv) pair = g_strsplit (items[i], "\x1f", 2);
      g_autofree char *amount = NULL;

      if (g_strv_length (pair) != 2)
        continue;
      amount = wm_format_pounds (g_ascii_strtoll (pair[1], NULL, 10));
      g_string_append_printf (out, "%s%s %s", out->len ? "; " : "", pair[0], amount);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

WmNetwork *
wm_project_network (WmProject *self, GError **error)
{
  g_autoptr (WmNetwork) net = g_new0 (WmNetwork, 1);
  g_autoptr (sqlite3_stmt) anchors = NULL;
  g_autoptr (sqlite3_stmt) shared = NULL;
  g_autoptr (sqlite3_stmt) joint = NULL;
  sqlite3         *db;
  WmNetworkAnchor *all;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  db = _wm_project_get_db (self);
  net->anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) network_anchor_free);
  net->shared = g_ptr_array_new_with_free_func ((GDestroyNotify) shared_free);
  net->joint = g_ptr_array_new_with_free_func ((GDestroyNotify) joint_free);

  anchors = _wm_db_prepare (
      db,
      "SELECT a.name, sum(s.amount_pence),"
      " sum(CASE WHEN p.kind = 'public' THEN s.amount_pence ELSE 0 END),"
      " sum(CASE WHEN p.place = 'local' AND coalesce(p.kind, '') <> 'public' THEN s.amount_pence"
      "   ELSE 0 END),"
      " sum(CASE WHEN p.place = 'regional' AND coalesce(p.kind, '') <> 'public' THEN"
      "   s.amount_pence ELSE 0 END),"
      " sum(CASE WHEN p.place = 'leaked' AND coalesce(p.kind, '') <> 'public' THEN s.amount_pence"
      "   ELSE 0 END),"
      " sum(CASE WHEN p.kind = 'sme' THEN s.amount_pence ELSE 0 END),"
      " sum(CASE WHEN p.kind = 'vcse' THEN s.amount_pence ELSE 0 END),"
      " sum(CASE WHEN p.kind = 'large' THEN s.amount_pence ELSE 0 END)" CELLS_FROM
      " GROUP BY a.fid ORDER BY a.name",
      error);
  if (anchors == NULL)
    return NULL;
  all = g_new0 (WmNetworkAnchor, 1);
  all->name = g_strdup ("All anchors");
  while (sqlite3_step (anchors) == SQLITE_ROW)
    {
      WmNetworkAnchor *a = g_new0 (WmNetworkAnchor, 1);

      a->name = g_strdup ((const char *) sqlite3_column_text (anchors, 0));
      a->total = sqlite3_column_int64 (anchors, 1);
      a->public_bodies = sqlite3_column_int64 (anchors, 2);
      a->supplier_spend = a->total - a->public_bodies;
      a->local = sqlite3_column_int64 (anchors, 3);
      a->regional = sqlite3_column_int64 (anchors, 4);
      a->leaked = sqlite3_column_int64 (anchors, 5);
      a->located = a->local + a->regional + a->leaked;
      a->sme = sqlite3_column_int64 (anchors, 6);
      a->vcse = sqlite3_column_int64 (anchors, 7);
      a->large = sqlite3_column_int64 (anchors, 8);
      a->unknown_kind = a->supplier_spend - a->sme - a->vcse - a->large;
      all->total += a->total;
      all->public_bodies += a->public_bodies;
      all->supplier_spend += a->supplier_spend;
      all->local += a->local;
      all->regional += a->regional;
      all->leaked += a->leaked;
      all->located += a->located;
      all->sme += a->sme;
      all->vcse += a->vcse;
      all->large += a->large;
      all->unknown_kind += a->unknown_kind;
      g_ptr_array_add (net->anchors, a);
    }
  g_ptr_array_add (net->anchors, all);

  shared = _wm_db_prepare (db,
                           "WITH pa AS (SELECT p.fid, p.name, p.place, a.name AS anchor, "
                           "sum(s.amount_pence) AS amount" CELLS_FROM
                           " WHERE p.fid IS NOT NULL AND p.kind <> 'public' GROUP BY p.fid, a.fid)"
                           " SELECT name, place, sum(amount), count(*),"
                           "   group_concat(anchor || char(31) || amount, char(30))"
                           " FROM pa GROUP BY fid HAVING count(*) >= 2 ORDER BY 3 DESC, name",
                           error);
  if (shared == NULL)
    return NULL;
  while (sqlite3_step (shared) == SQLITE_ROW)
    {
      WmSharedSupplier *s = g_new0 (WmSharedSupplier, 1);

      s->name = g_strdup ((const char *) sqlite3_column_text (shared, 0));
      s->place = g_strdup ((const char *) sqlite3_column_text (shared, 1));
      s->amount = sqlite3_column_int64 (shared, 2);
      s->anchors = sqlite3_column_int (shared, 3);
      s->by_anchor = by_anchor_text ((const char *) sqlite3_column_text (shared, 4));
      g_ptr_array_add (net->shared, s);
    }

  joint = _wm_db_prepare (
      db,
      "WITH sa AS (SELECT s.sector, a.name AS anchor, sum(s.amount_pence) AS leaked" CELLS_FROM
      " WHERE p.place = 'leaked' AND " INFLUENCEABLE " GROUP BY s.sector, a.fid HAVING leaked > 0)"
      " SELECT sector, sum(leaked), count(*), group_concat(anchor || char(31) || leaked, char(30))"
      " FROM sa GROUP BY sector HAVING count(*) >= 2 ORDER BY 2 DESC, sector",
      error);
  if (joint == NULL)
    return NULL;
  while (sqlite3_step (joint) == SQLITE_ROW)
    {
      WmJointSector *j = g_new0 (WmJointSector, 1);

      j->sector = g_strdup ((const char *) sqlite3_column_text (joint, 0));
      j->leaked = sqlite3_column_int64 (joint, 1);
      j->anchors = sqlite3_column_int (joint, 2);
      j->by_anchor = by_anchor_text ((const char *) sqlite3_column_text (joint, 3));
      g_ptr_array_add (net->joint, j);
    }
  return g_steal_pointer (&net);
}

char *
wm_network_to_json (const WmNetwork *net)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "anchors");
  json_builder_begin_array (b);
  for (guint i = 0; i < net->anchors->len; i++)
    {
      WmNetworkAnchor *a = g_ptr_array_index (net->anchors, i);

      json_builder_begin_object (b);
      add_string (b, "name", a->name);
      add_pounds (b, "total", a->total);
      add_pounds (b, "public_bodies", a->public_bodies);
      add_pounds (b, "supplier_spend", a->supplier_spend);
      add_pounds (b, "local", a->local);
      add_pounds (b, "regional", a->regional);
      add_pounds (b, "leaked", a->leaked);
      add_pounds (b, "sme", a->sme);
      add_pounds (b, "vcse", a->vcse);
      add_pounds (b, "large", a->large);
      add_pounds (b, "unknown_kind", a->unknown_kind);
      add_double (b, "local_share", share (a->local, a->located));
      add_double (b, "regional_share", share (a->regional, a->located));
      add_double (b, "leaked_share", share (a->leaked, a->located));
      add_double (b, "public_share", share (a->public_bodies, a->total));
      add_double (b, "sme_share", share (a->sme, a->supplier_spend));
      add_double (b, "vcse_share", share (a->vcse, a->supplier_spend));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "shared_suppliers");
  json_builder_begin_array (b);
  for (guint i = 0; i < net->shared->len; i++)
    {
      WmSharedSupplier *s = g_ptr_array_index (net->shared, i);

      json_builder_begin_object (b);
      add_string (b, "supplier", s->name);
      add_string (b, "place", s->place);
      add_pounds (b, "amount", s->amount);
      add_int (b, "anchors", s->anchors);
      add_string (b, "by_anchor", s->by_anchor);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "joint_sectors");
  json_builder_begin_array (b);
  for (guint i = 0; i < net->joint->len; i++)
    {
      WmJointSector *j = g_ptr_array_index (net->joint, i);

      json_builder_begin_object (b);
      add_string (b, "sector", j->sector);
      add_pounds (b, "leaked", j->leaked);
      add_int (b, "anchors", j->anchors);
      add_string (b, "by_anchor", j->by_anchor);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return _wm_json_builder_to_string (b);
}

/* ---- lots ------------------------------------------------------------------------------- */

void
wm_lots_free (WmLots *lots)
{
  if (lots == NULL)
    return;
  g_free (lots->sector);
  g_free (lots);
}

static const char *const band_names[4] = { "under £10k", "£10k-£25k", "£25k-£50k", "over £50k" };

/* Band of a pence amount: < £10k, < £25k, < £50k, the rest. */
#define BAND_SQL(X)                                                                                \
  "CASE WHEN " X " < 1000000 THEN 0 WHEN " X " < 2500000 THEN 1 WHEN " X " < 5000000 THEN 2"       \
  " ELSE 3 END"

WmLots *
wm_project_lots (WmProject *self, const char *sector, GError **error)
{
  g_autoptr (WmLots) lots = g_new0 (WmLots, 1);
  g_autoptr (sqlite3_stmt) payments = NULL;
  g_autoptr (sqlite3_stmt) contracts = NULL;
  sqlite3 *db;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  db = _wm_project_get_db (self);
  lots->sector = g_strdup (sector);
  for (int i = 0; i < 4; i++)
    lots->bands[i].band = band_names[i];
  payments = _wm_db_prepare (
      db,
      "SELECT " BAND_SQL ("s.amount_pence") " AS band, count(*),"
                                            " sum(s.amount_pence)" LINES_FROM
                                            " WHERE s.sector = ?1 AND " INFLUENCEABLE
                                            " AND s.amount_pence > 0 GROUP BY band",
      error);
  /* What one anchor paid one supplier in one financial year: the size of a contract a lot
   * would replace. */
  contracts = payments ? _wm_db_prepare (
                  db,
                  "WITH c AS (SELECT sum(s.amount_pence) AS amount,"
                  " max(p.place) AS place" LINES_FROM " WHERE s.sector = ?1 AND " INFLUENCEABLE
                  " GROUP BY s.anchor_id, coalesce(p.fid, -s.name_id,"
                  " -s.id), s.fyear HAVING amount > 0)"
                  " SELECT " BAND_SQL ("amount") " AS band, count(*),"
                                                 " sum(amount), sum(CASE WHEN place = 'leaked' THEN"
                                                 " amount ELSE 0 END) FROM c GROUP BY band",
                  error)
                       : NULL;
  if (contracts == NULL)
    return NULL;
  sqlite3_bind_text (payments, 1, sector, -1, SQLITE_STATIC);
  sqlite3_bind_text (contracts, 1, sector, -1, SQLITE_STATIC);
  while (sqlite3_step (payments) == SQLITE_ROW)
    {
      WmLotBand *band = &lots->bands[CLAMP (sqlite3_column_int (payments, 0), 0, 3)];

      band->payments = sqlite3_column_int64 (payments, 1);
      band->payment_amount = sqlite3_column_int64 (payments, 2);
      lots->total += band->payment_amount;
    }
  while (sqlite3_step (contracts) == SQLITE_ROW)
    {
      WmLotBand *band = &lots->bands[CLAMP (sqlite3_column_int (contracts, 0), 0, 3)];

      band->supplier_years = sqlite3_column_int64 (contracts, 1);
      band->supplier_amount = sqlite3_column_int64 (contracts, 2);
      band->leaked_amount = sqlite3_column_int64 (contracts, 3);
    }
  return g_steal_pointer (&lots);
}

char *
wm_lots_to_json (const WmLots *lots)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string (b, "sector", lots->sector);
  add_pounds (b, "total_payments", lots->total);
  json_builder_set_member_name (b, "bands");
  json_builder_begin_array (b);
  for (int i = 0; i < 4; i++)
    {
      const WmLotBand *band = &lots->bands[i];

      json_builder_begin_object (b);
      add_string (b, "band", band->band);
      add_int (b, "payments", band->payments);
      add_pounds (b, "payment_amount", band->payment_amount);
      add_int (b, "supplier_years", band->supplier_years);
      add_pounds (b, "supplier_year_amount", band->supplier_amount);
      add_pounds (b, "leaked_supplier_year_amount", band->leaked_amount);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return _wm_json_builder_to_string (b);
}
