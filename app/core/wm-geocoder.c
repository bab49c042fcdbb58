/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Locating suppliers and anchors and classifying them against the place. A supplier's
 * location is, in order: its trading postcode (from spend lines or set by hand), the
 * coordinates its directory gives, its registered postcode. Then ward and LSOA by point in
 * polygon, then local (inside the local area), regional (inside the region) or leaked. */
#include "wm-geocoder.h"

#include <math.h>
#include <string.h>
#include <ogr_srs_api.h>

#include "wm-error.h"
#include "wm-gpkg.h"
#include "wm-project-private.h"
#include "wm-text.h"

WmSpatialIndex *
_wm_load_area_index (sqlite3 *db, const char *level, GPtrArray **codes, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (WmSpatialIndex) index = NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

  stmt = _wm_db_prepare (db, "SELECT code, geom FROM areas WHERE level = ? ORDER BY fid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, level, -1, SQLITE_STATIC);
  index = wm_spatial_index_new ();
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      OGRGeometryH g = wm_gpkg_geometry_from_blob (sqlite3_column_blob (stmt, 1),
                                                   (gsize) sqlite3_column_bytes (stmt, 1));
      if (g == NULL)
        continue;
      wm_spatial_index_add (index, g, list->len);
      g_ptr_array_add (list, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      OGR_G_DestroyGeometry (g);
    }
  wm_spatial_index_build (index);
  if (codes)
    *codes = g_steal_pointer (&list);
  return g_steal_pointer (&index);
}

/* ---- the place -------------------------------------------------------------------------- */

typedef struct
{
  WmSpatialIndex *ward_index;
  GPtrArray      *ward_codes;
  WmSpatialIndex *lsoa_index;
  GPtrArray      *lsoa_codes;
  GHashTable     *local; /* "level:code" */
  GHashTable     *region;
  WmSpatialIndex *km_zone; /* region as a distance around the local area, or NULL */
  gboolean        place_set;
} Placer;

static void
placer_clear (Placer *p)
{
  g_clear_pointer (&p->ward_index, wm_spatial_index_free);
  g_clear_pointer (&p->lsoa_index, wm_spatial_index_free);
  g_clear_pointer (&p->ward_codes, g_ptr_array_unref);
  g_clear_pointer (&p->lsoa_codes, g_ptr_array_unref);
  g_clear_pointer (&p->local, g_hash_table_unref);
  g_clear_pointer (&p->region, g_hash_table_unref);
  g_clear_pointer (&p->km_zone, wm_spatial_index_free);
}

/* The local area's union, buffered by @km in an azimuthal equidistant projection centred on
 * it (metres, true distances from the centre outwards), back in lon/lat. */
static WmSpatialIndex *
build_km_zone (sqlite3 *db, double km, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  OGRGeometryH                 collection = OGR_G_CreateGeometry (wkbMultiPolygon);
  OGRGeometryH                 merged = NULL, buffered = NULL;
  OGRSpatialReferenceH         wgs84 = NULL, local_srs = NULL;
  OGRCoordinateTransformationH to_local = NULL, to_wgs84 = NULL;
  OGREnvelope                  env;
  WmSpatialIndex              *zone = NULL;
  g_autofree char             *proj = NULL;

  stmt = _wm_db_prepare (db,
                         "SELECT a.geom FROM areas a JOIN place_areas p ON p.level = a.level AND"
                         " p.code = a.code WHERE p.role = 'local'",
                         error);
  if (stmt == NULL)
    goto out;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      OGRGeometryH g = wm_gpkg_geometry_from_blob (sqlite3_column_blob (stmt, 0),
                                                   (gsize) sqlite3_column_bytes (stmt, 0));
      if (g == NULL)
        continue;
      if (wkbFlatten (OGR_G_GetGeometryType (g)) == wkbMultiPolygon)
        for (int i = 0; i < OGR_G_GetGeometryCount (g); i++)
          OGR_G_AddGeometry (collection, OGR_G_GetGeometryRef (g, i));
      else
        OGR_G_AddGeometry (collection, g);
      OGR_G_DestroyGeometry (g);
    }
  if (OGR_G_IsEmpty (collection))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_NOT_FOUND,
                   "the local area has no imported boundaries to measure --region-km from");
      goto out;
    }
  OGR_G_GetEnvelope (collection, &env);
  proj = g_strdup_printf ("+proj=aeqd +lat_0=%.6f +lon_0=%.6f +datum=WGS84 +units=m",
                          (env.MinY + env.MaxY) / 2, (env.MinX + env.MaxX) / 2);
  wgs84 = OSRNewSpatialReference (NULL);
  OSRImportFromEPSG (wgs84, 4326);
  OSRSetAxisMappingStrategy (wgs84, OAMS_TRADITIONAL_GIS_ORDER);
  local_srs = OSRNewSpatialReference (NULL);
  OSRImportFromProj4 (local_srs, proj);
  to_local = OCTNewCoordinateTransformation (wgs84, local_srs);
  to_wgs84 = OCTNewCoordinateTransformation (local_srs, wgs84);
  if (to_local == NULL || to_wgs84 == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_CRS, "cannot set up the distance projection");
      goto out;
    }
  OGR_G_Transform (collection, to_local);
  merged = OGR_G_UnionCascaded (collection);
  if (merged == NULL)
    merged = OGR_G_Clone (collection);
  buffered = OGR_G_Buffer (merged, km * 1000.0, 16);
  if (buffered == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FAILED, "cannot buffer the local area by %g km", km);
      goto out;
    }
  OGR_G_Transform (buffered, to_wgs84);
  zone = wm_spatial_index_new ();
  wm_spatial_index_add (zone, buffered, 0);
  wm_spatial_index_build (zone);

out:
  OGR_G_DestroyGeometry (collection);
  if (merged)
    OGR_G_DestroyGeometry (merged);
  if (buffered)
    OGR_G_DestroyGeometry (buffered);
  if (to_local)
    OCTDestroyCoordinateTransformation (to_local);
  if (to_wgs84)
    OCTDestroyCoordinateTransformation (to_wgs84);
  if (wgs84)
    OSRDestroySpatialReference (wgs84);
  if (local_srs)
    OSRDestroySpatialReference (local_srs);
  return zone;
}

static gboolean
placer_init (Placer *p, sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  double km;

  memset (p, 0, sizeof *p);
  p->ward_index = _wm_load_area_index (db, "ward", &p->ward_codes, error);
  if (p->ward_index == NULL)
    return FALSE;
  p->lsoa_index = _wm_load_area_index (db, "lsoa", &p->lsoa_codes, error);
  if (p->lsoa_index == NULL)
    return FALSE;
  p->local = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->region = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stmt = _wm_db_prepare (db, "SELECT level, code, role FROM place_areas", error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *role = (const char *) sqlite3_column_text (stmt, 2);
      char       *key
          = g_strdup_printf ("%s:%s", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1));

      g_hash_table_add (strcmp (role, "local") == 0 ? p->local : p->region, key);
    }
  p->place_set = g_hash_table_size (p->local) > 0;
  km = (double) _wm_db_query_int (db,
                                  "SELECT CAST(value * 1000 AS INTEGER) FROM settings WHERE"
                                  " key = 'region_km'",
                                  0)
       / 1000.0;
  if (p->place_set && km > 0)
    {
      p->km_zone = build_km_zone (db, km, error);
      if (p->km_zone == NULL)
        return FALSE;
    }
  return TRUE;
}

static const char *
area_code (WmSpatialIndex *index, GPtrArray *codes, double lon, double lat)
{
  gint64 i = index ? wm_spatial_index_find (index, lon, lat) : -1;

  return i >= 0 ? g_ptr_array_index (codes, i) : NULL;
}

static gboolean
in_set (GHashTable *set, const char *level, const char *code)
{
  char key[64];

  if (code == NULL)
    return FALSE;
  g_snprintf (key, sizeof key, "%s:%s", level, code);
  return g_hash_table_contains (set, key);
}

static const char *
classify (Placer *p, double lon, double lat, const char *ward, const char *lsoa)
{
  if (!p->place_set)
    return "unset";
  if (in_set (p->local, "ward", ward) || in_set (p->local, "lsoa", lsoa))
    return "local";
  if (p->km_zone)
    return wm_spatial_index_find (p->km_zone, lon, lat) >= 0 ? "regional" : "leaked";
  if (in_set (p->region, "ward", ward) || in_set (p->region, "lsoa", lsoa))
    return "regional";
  return "leaked";
}

/* ---- locating --------------------------------------------------------------------------- */

static gboolean
lookup_postcode (sqlite3_stmt *stmt, const char *postcode, double *lon, double *lat)
{
  gboolean found = FALSE;

  if (postcode == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, postcode, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *lat = sqlite3_column_double (stmt, 0);
      *lon = sqlite3_column_double (stmt, 1);
      found = TRUE;
    }
  sqlite3_reset (stmt);
  return found;
}

static gboolean
same_text (sqlite3_stmt *row, int col, const char *text)
{
  return g_strcmp0 ((const char *) sqlite3_column_text (row, col), text) == 0;
}

/* Writes a location (geom, source, ward, LSOA, place) unless CURRENT, a row whose columns
 * from FIRST on hold the stored ones, already says the same: a directory of millions of
 * companies is mostly unchanged (or still unplaced) when it is located again. */
static gboolean
store_location (sqlite3_stmt *update,
                Placer       *p,
                gint64        fid,
                gboolean      located,
                double        lon,
                double        lat,
                const char   *source,
                sqlite3_stmt *current,
                int           first,
                GError      **error)
{
  if (located)
    {
      gsize       len;
      guint8     *blob = wm_gpkg_blob_from_point (lon, lat, &len);
      const char *ward = area_code (p->ward_index, p->ward_codes, lon, lat);
      const char *lsoa = area_code (p->lsoa_index, p->lsoa_codes, lon, lat);
      const char *place = classify (p, lon, lat, ward, lsoa);

      if (current && sqlite3_column_bytes (current, first) == (int) len
          && memcmp (sqlite3_column_blob (current, first), blob, len) == 0
          && same_text (current, first + 1, source) && same_text (current, first + 2, ward)
          && same_text (current, first + 3, lsoa) && same_text (current, first + 4, place))
        {
          g_free (blob);
          return TRUE;
        }
      sqlite3_bind_blob (update, 1, blob, (int) len, g_free);
      sqlite3_bind_text (update, 2, source, -1, SQLITE_STATIC);
      _wm_bind_text_or_null (update, 3, ward);
      _wm_bind_text_or_null (update, 4, lsoa);
      sqlite3_bind_text (update, 5, place, -1, SQLITE_STATIC);
    }
  else
    {
      gboolean unplaced = current != NULL;

      for (int i = 0; i < 5 && unplaced; i++)
        unplaced = sqlite3_column_type (current, first + i) == SQLITE_NULL;
      if (unplaced)
        return TRUE;
      for (int i = 1; i <= 5; i++)
        sqlite3_bind_null (update, i);
    }
  sqlite3_bind_int64 (update, 6, fid);
  return _wm_db_step_done (update, error);
}

static gboolean
locate_suppliers (
    sqlite3 *db, Placer *p, sqlite3_stmt *pc, GCancellable *cancellable, GError **error)
{
  g_autoptr (sqlite3_stmt) rows = NULL;
  g_autoptr (sqlite3_stmt) update = NULL;
  guint n = 0;

  rows = _wm_db_prepare (db,
                         "SELECT fid, trading_postcode, lon, lat, postcode, geom,"
                         " location_source, ward_code, lsoa_code, place FROM suppliers",
                         error);
  update = rows ? _wm_db_prepare (db,
                                  "UPDATE suppliers SET geom = ?1, location_source = ?2,"
                                  " ward_code = ?3, lsoa_code = ?4, place = ?5 WHERE fid = ?6",
                                  error)
                : NULL;
  if (update == NULL)
    return FALSE;
  while (sqlite3_step (rows) == SQLITE_ROW)
    {
      gint64      fid = sqlite3_column_int64 (rows, 0);
      double      lon = 0, lat = 0;
      const char *source = NULL;

      if ((++n & 1023) == 0 && _wm_check_cancelled (cancellable, "locating suppliers", error))
        return FALSE;
      if (lookup_postcode (pc, (const char *) sqlite3_column_text (rows, 1), &lon, &lat))
        source = "trading_postcode";
      else if (sqlite3_column_type (rows, 2) != SQLITE_NULL
               && sqlite3_column_type (rows, 3) != SQLITE_NULL)
        {
          lon = sqlite3_column_double (rows, 2);
          lat = sqlite3_column_double (rows, 3);
          source = "coordinates";
        }
      else if (lookup_postcode (pc, (const char *) sqlite3_column_text (rows, 4), &lon, &lat))
        source = "postcode";
      if (!store_location (update, p, fid, source != NULL, lon, lat, source, rows, 5, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
locate_anchors (sqlite3 *db, Placer *p, sqlite3_stmt *pc, GError **error)
{
  g_autoptr (sqlite3_stmt) rows = NULL;
  g_autoptr (sqlite3_stmt) update = NULL;

  rows = _wm_db_prepare (db, "SELECT fid, lon, lat, postcode FROM anchors", error);
  update = rows ? _wm_db_prepare (db,
                                  "UPDATE anchors SET geom = ?1, ward_code = ?3, lsoa_code = ?4,"
                                  " place = ?5 WHERE fid = ?6",
                                  error)
                : NULL;
  if (update == NULL)
    return FALSE;
  while (sqlite3_step (rows) == SQLITE_ROW)
    {
      double   lon = 0, lat = 0;
      gboolean located = FALSE;

      if (sqlite3_column_type (rows, 1) != SQLITE_NULL)
        {
          lon = sqlite3_column_double (rows, 1);
          lat = sqlite3_column_double (rows, 2);
          located = TRUE;
        }
      else
        located = lookup_postcode (pc, (const char *) sqlite3_column_text (rows, 3), &lon, &lat);
      if (!store_location (update, p, sqlite3_column_int64 (rows, 0), located, lon, lat, "x", NULL,
                           0, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_wm_project_locate (WmProject *self, GCancellable *cancellable, GError **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  g_autoptr (sqlite3_stmt) pc = NULL;
  Placer   p;
  gboolean ok;

  if (!placer_init (&p, db, error))
    {
      placer_clear (&p);
      return FALSE;
    }
  pc = _wm_db_prepare (db, "SELECT lat, lon FROM postcodes WHERE postcode = ?", error);
  ok = pc != NULL && locate_suppliers (db, &p, pc, cancellable, error)
       && locate_anchors (db, &p, pc, error);
  placer_clear (&p);
  return ok;
}

/* A typed place: the trading postcode, or coordinates (then the trading postcode is cleared,
 * since it would win), stored and everything placed again in one transaction. */
static gboolean
store_hand_location (WmProject  *self,
                     gint64      supplier_id,
                     const char *postcode,
                     double      lat,
                     double      lon,
                     GError    **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  g_autoptr (sqlite3_stmt) update = NULL;
  gboolean ok;

  if (!_wm_project_begin (self, error))
    return FALSE;
  update = _wm_db_prepare (db,
                           postcode ? "UPDATE suppliers SET trading_postcode = ?1, placed_by ="
                                      " 'hand' WHERE fid = ?2"
                                    : "UPDATE suppliers SET trading_postcode = NULL, lat = ?3,"
                                      " lon = ?4, placed_by = 'hand' WHERE fid = ?2",
                           error);
  ok = update != NULL;
  if (ok)
    {
      if (postcode)
        sqlite3_bind_text (update, 1, postcode, -1, SQLITE_STATIC);
      else
        {
          sqlite3_bind_double (update, 3, lat);
          sqlite3_bind_double (update, 4, lon);
        }
      sqlite3_bind_int64 (update, 2, supplier_id);
      ok = _wm_db_step_done (update, error);
    }
  if (ok && sqlite3_changes (db) != 1)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE, "no supplier with id %" G_GINT64_FORMAT,
                   supplier_id);
      ok = FALSE;
    }
  ok = ok && _wm_project_locate (self, NULL, error);
  if (!_wm_project_end (self, ok, ok ? error : NULL))
    return FALSE;
  if (ok)
    _wm_project_touch (self);
  return ok;
}

gboolean
wm_project_locate_supplier (WmProject  *self,
                            gint64      supplier_id,
                            const char *postcode,
                            GError    **error)
{
  sqlite3         *db;
  g_autofree char *normal = NULL;

  g_return_val_if_fail (WM_IS_PROJECT (self) && postcode != NULL, FALSE);
  db = _wm_project_get_db (self);
  normal = wm_normalize_postcode (postcode);
  if (normal == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE, "\"%s\" is not a UK postcode", postcode);
      return FALSE;
    }
  {
    g_autoptr (sqlite3_stmt) find
        = _wm_db_prepare (db, "SELECT 1 FROM postcodes WHERE postcode = ?", error);
    if (find == NULL)
      return FALSE;
    sqlite3_bind_text (find, 1, normal, -1, SQLITE_STATIC);
    if (sqlite3_step (find) != SQLITE_ROW)
      {
        g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                     "%s is not in the imported postcode table: import a postcode file that "
                     "covers it",
                     normal);
        return FALSE;
      }
  }
  return store_hand_location (self, supplier_id, normal, 0, 0, error);
}

gboolean
wm_project_locate_supplier_at (
    WmProject *self, gint64 supplier_id, double lat, double lon, GError **error)
{
  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  /* Great Britain and Northern Ireland, with their islands: a swapped pair is caught here. */
  if (!(lat >= 49.0 && lat <= 61.5 && lon >= -8.7 && lon <= 2.0))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                   "%.5f, %.5f is not in the United Kingdom (latitude 49 to 61.5, longitude -8.7"
                   " to 2; give latitude first)",
                   lat, lon);
      return FALSE;
    }
  return store_hand_location (self, supplier_id, NULL, lat, lon, error);
}

/* ---- setting the place ------------------------------------------------------------------ */

static gboolean
add_place_code (
    sqlite3 *db, sqlite3_stmt *insert, const char *code, const char *role, GError **error)
{
  g_autoptr (sqlite3_stmt) find = NULL;
  g_autofree char *level = NULL;

  find = _wm_db_prepare (
      db, /* the levels spelled out, so that the (level, code) index is used */
      "SELECT level FROM areas WHERE level IN ('lad', 'ward', 'lsoa') AND code = ?"
      " ORDER BY level = 'lad' DESC",
      error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_text (find, 1, code, -1, SQLITE_STATIC);
  if (sqlite3_step (find) == SQLITE_ROW)
    level = g_strdup ((const char *) sqlite3_column_text (find, 0));

  if (level && strcmp (level, "lad") != 0)
    {
      sqlite3_bind_text (insert, 1, level, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 2, code, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 3, role, -1, SQLITE_STATIC);
      return _wm_db_step_done (insert, error);
    }

  /* A local authority: its wards, by the wards' label points inside its boundary, else by the
   * district and ward codes of the postcode table. */
  {
    g_autoptr (sqlite3_stmt) wards = NULL;
    guint n = 0;

    if (level)
      {
        g_autoptr (sqlite3_stmt) lad = _wm_db_prepare (db,
                                                       "SELECT geom FROM areas WHERE level ="
                                                       " 'lad' AND code = ?",
                                                       error);
        g_autoptr (WmSpatialIndex) index = wm_spatial_index_new ();
        g_autoptr (sqlite3_stmt) all = NULL;

        if (lad == NULL)
          return FALSE;
        sqlite3_bind_text (lad, 1, code, -1, SQLITE_STATIC);
        if (sqlite3_step (lad) == SQLITE_ROW)
          {
            OGRGeometryH g = wm_gpkg_geometry_from_blob (sqlite3_column_blob (lad, 0),
                                                         (gsize) sqlite3_column_bytes (lad, 0));
            wm_spatial_index_add (index, g, 0);
            if (g)
              OGR_G_DestroyGeometry (g);
          }
        wm_spatial_index_build (index);
        all = _wm_db_prepare (db, "SELECT code, label_x, label_y FROM areas WHERE level = 'ward'",
                              error);
        if (all == NULL)
          return FALSE;
        while (sqlite3_step (all) == SQLITE_ROW)
          if (wm_spatial_index_find (index, sqlite3_column_double (all, 1),
                                     sqlite3_column_double (all, 2))
              >= 0)
            {
              sqlite3_bind_text (insert, 1, "ward", -1, SQLITE_STATIC);
              sqlite3_bind_text (insert, 2, (const char *) sqlite3_column_text (all, 0), -1,
                                 SQLITE_TRANSIENT);
              sqlite3_bind_text (insert, 3, role, -1, SQLITE_STATIC);
              if (!_wm_db_step_done (insert, error))
                return FALSE;
              n++;
            }
      }
    if (n == 0)
      {
        wards = _wm_db_prepare (db,
                                "SELECT DISTINCT p.ward FROM postcodes p JOIN areas a ON a.level"
                                " = 'ward' AND a.code = p.ward WHERE p.district = ?",
                                error);
        if (wards == NULL)
          return FALSE;
        sqlite3_bind_text (wards, 1, code, -1, SQLITE_STATIC);
        while (sqlite3_step (wards) == SQLITE_ROW)
          {
            sqlite3_bind_text (insert, 1, "ward", -1, SQLITE_STATIC);
            sqlite3_bind_text (insert, 2, (const char *) sqlite3_column_text (wards, 0), -1,
                               SQLITE_TRANSIENT);
            sqlite3_bind_text (insert, 3, role, -1, SQLITE_STATIC);
            if (!_wm_db_step_done (insert, error))
              return FALSE;
            n++;
          }
      }
    if (n == 0)
      {
        g_set_error (error, WM_ERROR, WM_ERROR_NOT_FOUND,
                     "area code %s: not an imported ward or LSOA, and no imported ward lies in "
                     "it (import its boundaries, or a postcode table with district codes)",
                     code);
        return FALSE;
      }
  }
  return TRUE;
}

gboolean
wm_project_set_place (WmProject         *self,
                      const char *const *local_codes,
                      const char *const *region_codes,
                      double             region_km,
                      GError           **error)
{
  sqlite3 *db;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autofree char *local_text = NULL;
  g_autofree char *region_text = NULL;
  g_autofree char *km_text = NULL;
  g_autoptr (sqlite3_stmt) setting = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  if (local_codes == NULL || local_codes[0] == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE, "the local area needs at least one code");
      return FALSE;
    }
  if (!_wm_project_begin (self, error))
    return FALSE;
  db = _wm_project_get_db (self);
  if (!_wm_db_exec (db, "DELETE FROM place_areas", error))
    goto out;
  insert = _wm_db_prepare (db, "INSERT OR IGNORE INTO place_areas VALUES (?, ?, ?)", error);
  if (insert == NULL)
    goto out;
  for (int i = 0; local_codes[i]; i++)
    if (!add_place_code (db, insert, local_codes[i], "local", error))
      goto out;
  for (int i = 0; region_km <= 0 && region_codes && region_codes[i]; i++)
    if (!add_place_code (db, insert, region_codes[i], "region", error))
      goto out;
  /* The local area is part of the region. */
  if (!_wm_db_exec (db,
                    "DELETE FROM place_areas WHERE role = 'region' AND (level, code) IN"
                    " (SELECT level, code FROM place_areas WHERE role = 'local')",
                    error))
    goto out;
  local_text = g_strjoinv (",", (char **) local_codes);
  region_text = region_codes ? g_strjoinv (",", (char **) region_codes) : g_strdup ("");
  km_text = g_strdup_printf ("%g", region_km > 0 ? region_km : 0);
  setting = _wm_db_prepare (db, "INSERT OR REPLACE INTO settings VALUES (?, ?)", error);
  if (setting == NULL)
    goto out;
  {
    const char *keys[] = { "place_local", "place_region", "region_km" };
    const char *values[] = { local_text, region_km > 0 ? "" : region_text, km_text };

    for (int i = 0; i < 3; i++)
      {
        sqlite3_bind_text (setting, 1, keys[i], -1, SQLITE_STATIC);
        sqlite3_bind_text (setting, 2, values[i], -1, SQLITE_STATIC);
        if (!_wm_db_step_done (setting, error))
          goto out;
      }
  }
  ok = _wm_project_locate (self, NULL, error);
out:
  return _wm_project_end (self, ok, ok ? error : NULL) && ok;
}
