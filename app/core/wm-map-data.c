/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reads the project into plain map data: wards (rings, decile, role, £ received), located
 * suppliers with their £ and place, anchors, and the anchor -> supplier flows, all under one
 * filter (anchor, category, year, supplier kind). */
#include "wm-map-data.h"

#include "wm-public.h"

#include <gdal.h>
#include <string.h>
#include <ogr_srs_api.h>

#include "wm-error.h"
#include "wm-gpkg.h"
#include "wm-project-private.h"

static void
map_area_free (WmMapArea *a)
{
  g_free (a->code);
  g_free (a->name);
  g_free (a->role);
  g_array_unref (a->ring_starts);
  g_array_unref (a->xy);
  g_free (a);
}

static void
map_point_free (WmMapPoint *p)
{
  g_free (p->name);
  g_free (p->place);
  g_free (p->kind);
  g_free (p->ward);
  g_free (p->lsoa);
  g_free (p);
}

void
wm_map_data_free (WmMapData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref (data->areas);
  g_ptr_array_unref (data->points);
  g_array_unref (data->flows);
  g_free (data->title);
  g_free (data->level);
  g_free (data->domain);
  g_free (data);
}

static void
add_rings (WmMapArea *area, OGRGeometryH g)
{
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (g));

  if (type == wkbLineString || type == wkbLinearRing)
    {
      guint start = area->xy->len / 2;

      g_array_append_val (area->ring_starts, start);
      for (int i = 0; i < OGR_G_GetPointCount (g); i++)
        {
          double xy[2] = { OGR_G_GetX (g, i), OGR_G_GetY (g, i) };
          g_array_append_vals (area->xy, xy, 2);
        }
    }
  else
    for (int i = 0; i < OGR_G_GetGeometryCount (g); i++)
      add_rings (area, OGR_G_GetGeometryRef (g, i));
}

/* The filter as SQL over spend s, anchors a and suppliers p; parameters ?1..?4. Payments to
 * public bodies are not supplier spend: they are drawn only when the kind filter asks for them. */
#define FILTER_SQL                                                                                 \
  " (?1 IS NULL OR a.name = ?1) AND (?2 IS NULL OR s.category = ?2)"                               \
  " AND (?3 = 0 OR s.fyear = ?3) AND ((?4 IS NULL AND coalesce(p.kind, '') <> 'public') OR "       \
  "p.kind = ?4) AND (?5 IS NULL OR s.sector = ?5)"

/* Without a category filter the sums come from spend_pairs (spend summed by anchor, payee,
 * sector and year, kept by every import and classification), which a 1M-line project reads
 * 10-20 times faster. */
#define PAIRS_FILTER_SQL                                                                           \
  " (?1 IS NULL OR a.name = ?1) AND ?2 IS NULL"                                                    \
  " AND (?3 = 0 OR s.fyear = ?3) AND ((?4 IS NULL AND coalesce(p.kind, '') <> 'public') OR "       \
  "p.kind = ?4) AND (?5 IS NULL OR s.sector = ?5)"
#define PUBLIC_FILTER_SQL                                                                          \
  " (?1 IS NULL OR a.name = ?1) AND (?2 IS NULL OR s.category = ?2)"                               \
  " AND (?3 = 0 OR s.fyear = ?3) AND ?4 IS NULL AND (?5 IS NULL OR s.sector = ?5)"
#define PAIRS_PUBLIC_FILTER_SQL                                                                    \
  " (?1 IS NULL OR a.name = ?1) AND ?2 IS NULL"                                                    \
  " AND (?3 = 0 OR s.fyear = ?3) AND ?4 IS NULL AND (?5 IS NULL OR s.sector = ?5)"

static sqlite3_stmt *
prepare_filtered (sqlite3 *db, const char *text, const WmMapFilter *filter, GError **error)
{
  g_autoptr (GString) sql = g_string_new (text);
  sqlite3_stmt *stmt;

  if (filter->category == NULL)
    {
      g_string_replace (sql, " FROM spend s ", " FROM spend_pairs s ", 0);
      g_string_replace (sql, FILTER_SQL, PAIRS_FILTER_SQL, 0);
      g_string_replace (sql, PUBLIC_FILTER_SQL, PAIRS_PUBLIC_FILTER_SQL, 0);
    }
  stmt = _wm_db_prepare (db, sql->str, error);

  if (stmt != NULL)
    _wm_bind_map_filter (stmt, filter);
  return stmt;
}

void
_wm_bind_map_filter (sqlite3_stmt *stmt, const WmMapFilter *filter)
{
  _wm_bind_text_or_null (stmt, 1, filter->anchor);
  _wm_bind_text_or_null (stmt, 2, filter->category);
  sqlite3_bind_int (stmt, 3, filter->fyear);
  _wm_bind_text_or_null (stmt, 4, filter->kind);
  _wm_bind_text_or_null (stmt, 5, filter->sector);
}

static WmMapPoint *
read_point (sqlite3_stmt *stmt)
{
  OGRGeometryH g = wm_gpkg_geometry_from_blob (sqlite3_column_blob (stmt, 2),
                                               (gsize) sqlite3_column_bytes (stmt, 2));
  WmMapPoint  *p;

  if (g == NULL)
    return NULL;
  p = g_new0 (WmMapPoint, 1);
  p->id = sqlite3_column_int64 (stmt, 0);
  p->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  p->lon = OGR_G_GetX (g, 0);
  p->lat = OGR_G_GetY (g, 0);
  p->place = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  p->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  p->ward = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  p->amount = sqlite3_column_int64 (stmt, 6);
  p->lsoa = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  OGR_G_DestroyGeometry (g);
  return p;
}

/* Appends the points @stmt reads, recording fid -> index + 1 in @index. */
static void
add_points (sqlite3_stmt *stmt, WmMapData *data, gboolean anchor, GHashTable *index)
{
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      WmMapPoint *p = read_point (stmt);

      if (p == NULL)
        continue;
      p->anchor = anchor;
      g_ptr_array_add (data->points, p);
      g_hash_table_insert (index, GSIZE_TO_POINTER ((gsize) p->id),
                           GUINT_TO_POINTER (data->points->len));
    }
}

/* One anchor's £ to one located supplier, before both have their index in data->points. */
typedef struct
{
  gint64 anchor, fid, amount;
} PairSum;

static int
compare_points (gconstpointer a, gconstpointer b)
{
  const WmMapPoint *x = *(WmMapPoint *const *) a, *y = *(WmMapPoint *const *) b;

  if (x->amount != y->amount)
    return x->amount > y->amount ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

static int
compare_pairs (gconstpointer a, gconstpointer b)
{
  const PairSum *x = a, *y = b;

  if (x->amount != y->amount)
    return x->amount > y->amount ? -1 : 1;
  if (x->anchor != y->anchor)
    return x->anchor < y->anchor ? -1 : 1;
  return x->fid < y->fid ? -1 : x->fid > y->fid;
}

/* Suppliers that received £ under the filter (largest first), then every located anchor, and
 * the flows between them (largest first): one pass over the spend summed by supplier and
 * anchor, where reading the suppliers and the flows apart took two (a quarter of a national
 * map's loading each). Fills @suppliers and @anchors (fid -> index + 1). */
static gboolean
load_points_and_flows (sqlite3           *db,
                       WmMapData         *data,
                       const WmMapFilter *filter,
                       GHashTable        *suppliers,
                       GHashTable        *anchors,
                       GError           **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) anchor_stmt = NULL;
  g_autoptr (GHashTable) by_fid = g_hash_table_new (NULL, NULL);
  g_autoptr (GPtrArray) found = g_ptr_array_new ();
  g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (PairSum));

  stmt = prepare_filtered (
      db,
      "SELECT p.fid, p.name, p.geom, p.place, p.kind, p.ward_code, sum(s.amount_pence),"
      " p.lsoa_code, s.anchor_id, a.geom IS NOT NULL"
      " FROM spend s JOIN anchors a ON a.fid = s.anchor_id"
      " JOIN names n ON n.id = s.name_id AND NOT s.redacted"
      " JOIN suppliers p ON p.fid = n.supplier_id"
      " WHERE p.geom IS NOT NULL AND" FILTER_SQL " GROUP BY p.fid, s.anchor_id",
      filter, error);
  anchor_stmt = stmt ? _wm_db_prepare (db,
                                       "SELECT fid, name, geom, place, kind, ward_code, 0,"
                                       " lsoa_code FROM anchors WHERE geom IS NOT NULL"
                                       " ORDER BY name",
                                       error)
                     : NULL;
  if (anchor_stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64      fid = sqlite3_column_int64 (stmt, 0);
      gint64      amount = sqlite3_column_int64 (stmt, 6);
      WmMapPoint *p = g_hash_table_lookup (by_fid, GSIZE_TO_POINTER ((gsize) fid));

      if (p == NULL)
        {
          p = read_point (stmt);
          if (p == NULL)
            continue;
          p->amount = 0;
          g_hash_table_insert (by_fid, GSIZE_TO_POINTER ((gsize) fid), p);
          g_ptr_array_add (found, p);
        }
      p->amount += amount;
      /* a flow is drawn from a located anchor that paid the supplier more than it got back */
      if (sqlite3_column_int (stmt, 9) && amount > 0)
        {
          PairSum pair = { sqlite3_column_int64 (stmt, 8), fid, amount };
          g_array_append_val (pairs, pair);
        }
    }
  g_ptr_array_sort (found, compare_points);
  for (guint i = 0; i < found->len; i++)
    {
      WmMapPoint *p = found->pdata[i];

      g_ptr_array_add (data->points, p);
      g_hash_table_insert (suppliers, GSIZE_TO_POINTER ((gsize) p->id),
                           GUINT_TO_POINTER (data->points->len));
    }
  add_points (anchor_stmt, data, TRUE, anchors);
  g_array_sort (pairs, compare_pairs);
  for (guint i = 0; i < pairs->len; i++)
    {
      const PairSum *pair = &g_array_index (pairs, PairSum, i);
      guint          from = GPOINTER_TO_UINT (
                   g_hash_table_lookup (anchors, GSIZE_TO_POINTER ((gsize) pair->anchor)));
      guint to = GPOINTER_TO_UINT (
          g_hash_table_lookup (suppliers, GSIZE_TO_POINTER ((gsize) pair->fid)));
      WmMapFlow flow = { from - 1, to - 1, pair->amount };

      if (from > 0 && to > 0)
        g_array_append_val (data->flows, flow);
    }
  return TRUE;
}

/* LSOA code -> the national decile the IoD file gives it in @domain. */
static GHashTable *
lsoa_deciles (sqlite3 *db, const char *domain, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GHashTable *deciles;

  stmt = _wm_db_prepare (
      db, "SELECT lsoa_code, decile FROM deprivation WHERE domain = ?1 AND decile IS NOT NULL",
      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, domain, -1, SQLITE_STATIC);
  deciles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (deciles, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         GINT_TO_POINTER (sqlite3_column_int (stmt, 1)));
  return deciles;
}

/* "Where the money goes: Hyndburn" (English districts by name, else their codes). */
static char *
map_title (const char *local)
{
  g_auto (GStrv) codes = NULL;
  g_autoptr (GString) names = g_string_new (NULL);

  if (local == NULL || *local == '\0')
    return g_strdup ("Where the money goes");
  codes = g_strsplit (local, ",", -1);
  for (guint i = 0; codes[i]; i++)
    {
      const char *name = wm_local_authority_name (g_strstrip (codes[i]));

      if (i == 3)
        {
          g_string_append_printf (names, " and %u more", g_strv_length (codes) - 3);
          break;
        }
      g_string_append_printf (names, "%s%s", i ? ", " : "", name ? name : codes[i]);
    }
  return g_strdup_printf ("Where the money goes: %s", names->str);
}

WmMapData *
wm_project_load_map_data (WmProject *self, const WmMapFilter *filter, GError **error)
{
  static const WmMapFilter all = { 0 };
  sqlite3                 *db;
  g_autoptr (WmMapData) data = NULL;
  g_autoptr (GHashTable) deciles = NULL;
  g_autoptr (GHashTable) roles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) received = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) suppliers = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) anchors = g_hash_table_new (NULL, NULL);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) unlocated = NULL;
  g_autofree char *local = NULL;
  gboolean         lsoa;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  if (filter == NULL)
    filter = &all;
  db = _wm_project_get_db (self);
  data = g_new0 (WmMapData, 1);
  data->level = g_strdup (g_strcmp0 (filter->level, "lsoa") == 0 ? "lsoa" : "ward");
  data->domain = g_strdup (filter->domain ? filter->domain : "imd");
  lsoa = strcmp (data->level, "lsoa") == 0;
  deciles = lsoa ? lsoa_deciles (db, data->domain, error)
                 : _wm_project_ward_deciles (db, data->domain, error);
  if (deciles == NULL)
    return NULL;
  data->areas = g_ptr_array_new_with_free_func ((GDestroyNotify) map_area_free);
  data->points = g_ptr_array_new_with_free_func ((GDestroyNotify) map_point_free);
  data->flows = g_array_new (FALSE, FALSE, sizeof (WmMapFlow));
  local = wm_project_get_setting (self, "place_local");
  data->title = map_title (local);
  if (filter->sector != NULL)
    {
      /* "Where the money goes: Hyndburn · ICT & telecoms": a filtered map says so */
      char *title = g_strdup_printf ("%s · %s", data->title, filter->sector);
      g_free (data->title);
      data->title = title;
    }

  if (!load_points_and_flows (db, data, filter, suppliers, anchors, error))
    return NULL;
  for (guint i = 0; i < data->points->len; i++)
    {
      WmMapPoint *p = g_ptr_array_index (data->points, i);

      if (!p->anchor && p->ward != NULL)
        g_hash_table_insert (
            received, p->ward,
            GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (received, p->ward))
                              + (gsize) p->amount));
    }

  unlocated = prepare_filtered (db,
                                "SELECT coalesce(sum(s.amount_pence), 0)"
                                " FROM spend s JOIN anchors a ON a.fid = s.anchor_id"
                                " LEFT JOIN names n ON n.id = s.name_id AND NOT s.redacted"
                                " LEFT JOIN suppliers p ON p.fid = n.supplier_id"
                                " WHERE p.geom IS NULL AND" FILTER_SQL,
                                filter, error);
  if (unlocated == NULL)
    return NULL;
  if (sqlite3_step (unlocated) == SQLITE_ROW)
    data->unlocated = sqlite3_column_int64 (unlocated, 0);
  if (filter->kind == NULL)
    {
      g_autoptr (sqlite3_stmt) pub = prepare_filtered (
          db,
          "SELECT coalesce(sum(s.amount_pence), 0) FROM spend s JOIN anchors a"
          " ON a.fid = s.anchor_id JOIN names n ON n.id = s.name_id AND NOT s.redacted"
          " JOIN suppliers p ON p.fid = n.supplier_id WHERE p.kind = 'public' "
          "AND" PUBLIC_FILTER_SQL,
          filter, error);
      if (pub == NULL)
        return NULL;
      if (sqlite3_step (pub) == SQLITE_ROW)
        data->public_bodies = sqlite3_column_int64 (pub, 0);
    }

  /* An LSOA has the role of the ward the lookup puts it in. */
  stmt = _wm_db_prepare (db,
                         lsoa ? "SELECT 'lsoa', l.lsoa_code, pa.role FROM lookup l JOIN"
                                " place_areas pa ON pa.level = 'ward' AND pa.code = l.ward_code"
                              : "SELECT level, code, role FROM place_areas WHERE level = 'ward'",
                         error);
  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (roles, g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 2)));
  data->place_set = g_hash_table_size (roles) > 0;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = _wm_db_prepare (db, "SELECT code, name, geom FROM areas WHERE level = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, data->level, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char  *code = (const char *) sqlite3_column_text (stmt, 0);
      OGRGeometryH g = wm_gpkg_geometry_from_blob (sqlite3_column_blob (stmt, 2),
                                                   (gsize) sqlite3_column_bytes (stmt, 2));
      WmMapArea   *a;
      guint        end;

      if (g == NULL)
        continue;
      a = g_new0 (WmMapArea, 1);
      a->code = g_strdup (code);
      a->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      a->role = g_strdup (g_hash_table_lookup (roles, code));
      a->imd_decile = GPOINTER_TO_INT (g_hash_table_lookup (deciles, code));
      a->received = (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (received, code));
      a->ring_starts = g_array_new (FALSE, FALSE, sizeof (guint));
      a->xy = g_array_new (FALSE, FALSE, sizeof (double));
      add_rings (a, g);
      end = a->xy->len / 2;
      g_array_append_val (a->ring_starts, end);
      OGR_G_DestroyGeometry (g);
      g_ptr_array_add (data->areas, a);
    }
  return g_steal_pointer (&data);
}

GPtrArray *
wm_load_land (const char *path, GError **error)
{
  g_autoptr (GPtrArray) land = g_ptr_array_new_with_free_func ((GDestroyNotify) map_area_free);
  GDALDatasetH                 ds;
  OGRLayerH                    layer;
  OGRFeatureH                  feature;
  OGRSpatialReferenceH         wgs84;
  OGRCoordinateTransformationH ct = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  if (ds == NULL || (layer = GDALDatasetGetLayer (ds, 0)) == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_IO, "%s: not a vector file GDAL can read", path);
      if (ds != NULL)
        GDALClose (ds);
      return NULL;
    }
  wgs84 = OSRNewSpatialReference (SRS_WKT_WGS84_LAT_LONG);
  OSRSetAxisMappingStrategy (wgs84, OAMS_TRADITIONAL_GIS_ORDER);
  if (OGR_L_GetSpatialRef (layer) != NULL && !OSRIsSame (OGR_L_GetSpatialRef (layer), wgs84))
    ct = OCTNewCoordinateTransformation (OGR_L_GetSpatialRef (layer), wgs84);
  OGR_L_ResetReading (layer);
  while ((feature = OGR_L_GetNextFeature (layer)) != NULL)
    {
      OGRGeometryH g = OGR_F_GetGeometryRef (feature);

      if (g != NULL && (ct == NULL || OGR_G_Transform (g, ct) == OGRERR_NONE))
        {
          WmMapArea *a = g_new0 (WmMapArea, 1);
          guint      end;

          a->ring_starts = g_array_new (FALSE, FALSE, sizeof (guint));
          a->xy = g_array_new (FALSE, FALSE, sizeof (double));
          add_rings (a, g);
          end = a->xy->len / 2;
          g_array_append_val (a->ring_starts, end);
          g_ptr_array_add (land, a);
        }
      OGR_F_Destroy (feature);
    }
  if (ct != NULL)
    OCTDestroyCoordinateTransformation (ct);
  OSRDestroySpatialReference (wgs84);
  GDALClose (ds);
  return g_steal_pointer (&land);
}
