/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Importing boundaries from any OGR vector source (GeoJSON, TopoJSON, GeoPackage, Shapefile,
 * FlatGeobuf; zipped or gzipped through /vsizip/ and /vsigzip/), in any CRS, into the areas
 * feature table in EPSG:4326. Invalid geometries are repaired with OGR_G_MakeValid or
 * reported; duplicated codes in one file are refused. */
#include "wm-import-areas.h"

#include <gdal.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "wm-error.h"
#include "wm-geocoder.h"
#include "wm-gpkg.h"
#include "wm-project-private.h"

static char *
vector_path (const char *file)
{
  size_t n = strlen (file);

  if (g_str_has_prefix (file, "/vsi"))
    return g_strdup (file);
  if (n > 4 && g_ascii_strcasecmp (file + n - 4, ".zip") == 0)
    return g_strconcat ("/vsizip/", file, NULL);
  if (n > 3 && g_ascii_strcasecmp (file + n - 3, ".gz") == 0)
    return g_strconcat ("/vsigzip/", file, NULL);
  return g_strdup (file);
}

/* Code and name fields by the ONS naming (WD13CD, LSOA11CD, LAD13CD and their *NM), else a
 * field called code/name. The level follows the code field's prefix. */
static void
detect_fields (OGRFeatureDefnH defn, int *code_field, int *name_field, const char **level)
{
  static const struct
  {
    const char *prefix;
    const char *level;
  } prefixes[] = { { "WD", "ward" },   { "LSOA", "lsoa" }, { "LAD", "lad" },
                   { "MSOA", "msoa" }, { "CTYUA", "lad" }, { "LA", "lad" } };

  *code_field = *name_field = -1;
  for (guint p = 0; p < G_N_ELEMENTS (prefixes) && *code_field < 0; p++)
    for (int i = 0; i < OGR_FD_GetFieldCount (defn); i++)
      {
        const char *f = OGR_Fld_GetNameRef (OGR_FD_GetFieldDefn (defn, i));
        size_t      n = strlen (f);
        size_t      lp = strlen (prefixes[p].prefix);

        if (n == lp + 4 && g_ascii_strncasecmp (f, prefixes[p].prefix, lp) == 0
            && g_ascii_isdigit (f[lp]) && g_ascii_isdigit (f[lp + 1])
            && g_ascii_strcasecmp (f + lp + 2, "CD") == 0)
          {
            g_autofree char *name = g_strndup (f, n - 2);
            g_autofree char *nm = g_strconcat (name, "NM", NULL);

            *code_field = i;
            *name_field = OGR_FD_GetFieldIndex (defn, nm);
            if (*level == NULL)
              *level = prefixes[p].level;
            break;
          }
      }
  if (*code_field < 0)
    *code_field = OGR_FD_GetFieldIndex (defn, "code");
  if (*name_field < 0)
    *name_field = OGR_FD_GetFieldIndex (defn, "name");
}

/* The polygons of a repaired geometry: MakeValid may return a collection that also holds the
 * lines and points a bad ring collapsed into; only the areas matter here. */
static void
collect_polygons (OGRGeometryH geometry, OGRGeometryH multi)
{
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (geometry));

  if (type == wkbPolygon)
    OGR_G_AddGeometry (multi, geometry);
  else if (type == wkbMultiPolygon || type == wkbGeometryCollection)
    for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
      collect_polygons (OGR_G_GetGeometryRef (geometry, i), multi);
}

typedef struct
{
  sqlite3_stmt   *insert;
  WmImportReport *report;
  GHashTable     *seen;
  const char     *base;
  const char     *level;
  gboolean        default_wgs84;
  OGREnvelope     extent; /* of everything imported, for gpkg_contents */
  gboolean        have_extent;
} AreaImport;

static gboolean
store_feature (AreaImport                  *imp,
               OGRFeatureH                  feature,
               int                          code_field,
               int                          name_field,
               OGRCoordinateTransformationH ct,
               GError                     **error)
{
  OGRGeometryH geom = OGR_F_GetGeometryRef (feature);
  OGRGeometryH multi = NULL;
  OGRGeometryH label = NULL;
  const char  *code = OGR_F_IsFieldSetAndNotNull (feature, code_field)
                          ? OGR_F_GetFieldAsString (feature, code_field)
                          : "";
  /* Features are counted from 1 in the file's order, as a reader of the file counts them
   * (GDAL's FIDs start at 0 in GeoJSON and shapefiles). */
  g_autofree char *loc
      = g_strdup_printf ("%s:feature %" G_GUINT64_FORMAT, imp->base, imp->report->rows_read + 1);
  guint8  *blob;
  gsize    len;
  gboolean ok;

  imp->report->rows_read++;
  if (*code == '\0')
    {
      imp->report->malformed++;
      wm_import_report_add_message (imp->report, "%s: no area code; skipped", loc);
      return TRUE;
    }
  if (geom == NULL || OGR_G_IsEmpty (geom))
    {
      imp->report->malformed++;
      wm_import_report_add_message (imp->report, "%s: area %s has no geometry; skipped", loc, code);
      return TRUE;
    }
  if (g_hash_table_contains (imp->seen, code))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                   "%s: area code %s appears twice in this file", loc, code);
      return FALSE;
    }
  g_hash_table_add (imp->seen, g_strdup (code));

  multi = OGR_G_ForceToMultiPolygon (OGR_G_Clone (geom));
  if (ct && OGR_G_Transform (multi, ct) != OGRERR_NONE)
    {
      OGR_G_DestroyGeometry (multi);
      g_set_error (error, WM_ERROR, WM_ERROR_CRS, "%s: cannot reproject area %s to WGS84", loc,
                   code);
      return FALSE;
    }
  {
    /* GeoJSON is lon/lat by definition, but files in British National Grid metres without
     * a "crs" member are common; a shapefile's .prj can be wrong too. Stored as they are,
     * such areas would be nowhere on the map: refuse the file and say how to fix it. */
    OGREnvelope env;

    OGR_G_GetEnvelope (multi, &env);
    if (env.MinX < -180.0 || env.MaxX > 180.0 || env.MinY < -90.0 || env.MaxY > 90.0)
      {
        g_set_error (error, WM_ERROR, WM_ERROR_CRS,
                     "%s: area %s has coordinates (%.0f, %.0f) that are not longitude and "
                     "latitude: the file's coordinate reference system is missing or wrong "
                     "(British National Grid metres? then give --crs EPSG:27700)",
                     loc, code, env.MinX, env.MinY);
        OGR_G_DestroyGeometry (multi);
        return FALSE;
      }
  }
  if (!OGR_G_IsValid (multi))
    {
      OGRGeometryH fixed = OGR_G_MakeValid (multi);
      OGRGeometryH fixed_multi = NULL;

      if (fixed)
        {
          fixed_multi = OGR_G_CreateGeometry (wkbMultiPolygon);
          collect_polygons (fixed, fixed_multi);
          OGR_G_DestroyGeometry (fixed);
        }
      OGR_G_DestroyGeometry (multi);
      multi = fixed_multi;
      if (multi == NULL || OGR_G_IsEmpty (multi)
          || wkbFlatten (OGR_G_GetGeometryType (multi)) != wkbMultiPolygon)
        {
          if (multi)
            OGR_G_DestroyGeometry (multi);
          imp->report->malformed++;
          wm_import_report_add_message (imp->report,
                                        "%s: area %s has an invalid geometry that cannot be "
                                        "repaired; skipped",
                                        loc, code);
          return TRUE;
        }
      imp->report->repaired++;
      wm_import_report_add_message (imp->report, "%s: area %s: invalid geometry repaired", loc,
                                    code);
    }
  {
    OGREnvelope env;

    OGR_G_GetEnvelope (multi, &env);
    if (!imp->have_extent)
      imp->extent = env;
    imp->extent.MinX = MIN (imp->extent.MinX, env.MinX);
    imp->extent.MinY = MIN (imp->extent.MinY, env.MinY);
    imp->extent.MaxX = MAX (imp->extent.MaxX, env.MaxX);
    imp->extent.MaxY = MAX (imp->extent.MaxY, env.MaxY);
    imp->have_extent = TRUE;
  }
  label = OGR_G_PointOnSurface (multi);
  blob = wm_gpkg_blob_from_geometry (multi, 4326, &len);
  sqlite3_bind_blob (imp->insert, 1, blob, (int) len, g_free);
  sqlite3_bind_text (imp->insert, 2, imp->level, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->insert, 3, code, -1, SQLITE_TRANSIENT);
  if (name_field >= 0 && OGR_F_IsFieldSetAndNotNull (feature, name_field))
    sqlite3_bind_text (imp->insert, 4, OGR_F_GetFieldAsString (feature, name_field), -1,
                       SQLITE_TRANSIENT);
  else
    sqlite3_bind_text (imp->insert, 4, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (imp->insert, 5, imp->base, -1, SQLITE_STATIC);
  if (label && !OGR_G_IsEmpty (label))
    {
      sqlite3_bind_double (imp->insert, 6, OGR_G_GetX (label, 0));
      sqlite3_bind_double (imp->insert, 7, OGR_G_GetY (label, 0));
    }
  else
    {
      sqlite3_bind_null (imp->insert, 6);
      sqlite3_bind_null (imp->insert, 7);
    }
  ok = _wm_db_step_done (imp->insert, error);
  if (label)
    OGR_G_DestroyGeometry (label);
  OGR_G_DestroyGeometry (multi);
  if (ok)
    imp->report->imported++;
  return ok;
}

/* GDAL parses the features in a thread of its own while the importer's thread checks, repairs
 * and stores them: for the national LSOAs the parsing is about two thirds of the reading.
 * The layer is used by that thread alone until it ends; features come in the file's order,
 * at most READ_AHEAD ahead. */
#define READ_AHEAD 256

typedef struct
{
  OGRLayerH layer;
  GThread  *thread;
  GMutex    lock;
  GCond     cond;
  GQueue    features;
  gboolean  done; /* the layer has no more */
  gboolean  stop; /* the importer wants no more */
} FeatureReader;

static gpointer
read_features (gpointer data)
{
  FeatureReader *r = data;

  for (;;)
    {
      OGRFeatureH feature = NULL;
      gboolean    stop;

      g_mutex_lock (&r->lock);
      stop = r->stop;
      g_mutex_unlock (&r->lock);
      if (!stop)
        feature = OGR_L_GetNextFeature (r->layer);
      g_mutex_lock (&r->lock);
      while (feature != NULL && !r->stop && r->features.length >= READ_AHEAD)
        g_cond_wait (&r->cond, &r->lock);
      if (feature == NULL || r->stop)
        {
          r->done = TRUE;
          g_cond_broadcast (&r->cond);
          g_mutex_unlock (&r->lock);
          if (feature != NULL)
            OGR_F_Destroy (feature);
          return NULL;
        }
      g_queue_push_tail (&r->features, feature);
      g_cond_broadcast (&r->cond);
      g_mutex_unlock (&r->lock);
    }
}

static void
feature_reader_start (FeatureReader *r, OGRLayerH layer)
{
  memset (r, 0, sizeof *r);
  r->layer = layer;
  g_mutex_init (&r->lock);
  g_cond_init (&r->cond);
  g_queue_init (&r->features);
  OGR_L_ResetReading (layer);
  r->thread = g_thread_new ("wm-read-areas", read_features, r);
}

/* The next feature in the file's order, or NULL at the end. */
static OGRFeatureH
feature_reader_next (FeatureReader *r)
{
  OGRFeatureH feature;

  g_mutex_lock (&r->lock);
  while (r->features.length == 0 && !r->done)
    g_cond_wait (&r->cond, &r->lock);
  feature = g_queue_pop_head (&r->features);
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
  return feature;
}

/* Stops the thread (at once when the import ends early) and drops what it read ahead. */
static void
feature_reader_finish (FeatureReader *r)
{
  g_mutex_lock (&r->lock);
  r->stop = TRUE;
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
  g_thread_join (r->thread);
  g_queue_clear_full (&r->features, (GDestroyNotify) OGR_F_Destroy);
  g_mutex_clear (&r->lock);
  g_cond_clear (&r->cond);
}

static OGRCoordinateTransformationH
make_transform (
    OGRLayerH layer, const char *crs, gboolean default_wgs84, const char *base, GError **error)
{
  OGRSpatialReferenceH         source = NULL;
  OGRSpatialReferenceH         wgs84 = OSRNewSpatialReference (NULL);
  OGRCoordinateTransformationH ct = NULL;
  gboolean                     owned = FALSE;

  OSRImportFromEPSG (wgs84, 4326);
  OSRSetAxisMappingStrategy (wgs84, OAMS_TRADITIONAL_GIS_ORDER);
  if (crs)
    {
      source = OSRNewSpatialReference (NULL);
      owned = TRUE;
      if (OSRSetFromUserInput (source, crs) != OGRERR_NONE)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_CRS,
                       "--crs %s: not a coordinate reference "
                       "system GDAL knows",
                       crs);
          goto out;
        }
    }
  else
    source = OGR_L_GetSpatialRef (layer);
  if (source == NULL && default_wgs84)
    goto out; /* GeoJSON and TopoJSON are WGS84 lon/lat unless they say otherwise */
  if (source == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_CRS,
                   "%s: no coordinate reference system (a shapefile without its .prj?); give "
                   "it with --crs, e.g. --crs EPSG:27700 for British National Grid",
                   base);
      goto out;
    }
  OSRSetAxisMappingStrategy (source, OAMS_TRADITIONAL_GIS_ORDER);
  if (OSRIsSame (source, wgs84))
    goto out; /* no transform needed: NULL, no error */
  ct = OCTNewCoordinateTransformation (source, wgs84);
  if (ct == NULL)
    g_set_error (error, WM_ERROR, WM_ERROR_CRS, "%s: cannot reproject from its CRS to WGS84", base);
out:
  if (owned && source)
    OSRDestroySpatialReference (source);
  OSRDestroySpatialReference (wgs84);
  return ct;
}

static gboolean
import_layers (WmProject           *self,
               GDALDatasetH         ds,
               const WmAreaOptions *options,
               AreaImport          *imp,
               WmProgressFunc       progress,
               gpointer             progress_data,
               GCancellable        *cancellable,
               GError             **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  guint64  total = 0, done = 0;

  for (int l = 0; l < GDALDatasetGetLayerCount (ds); l++)
    total += (guint64) MAX (0, OGR_L_GetFeatureCount (GDALDatasetGetLayer (ds, l), FALSE));

  imp->insert = _wm_db_prepare (db,
                                "INSERT INTO areas (geom, level, code, name, source, label_x,"
                                " label_y) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (level, code)"
                                " DO UPDATE SET geom = excluded.geom, name = excluded.name,"
                                " source = excluded.source, label_x = excluded.label_x,"
                                " label_y = excluded.label_y",
                                error);
  if (imp->insert == NULL)
    return FALSE;
  for (int l = 0; l < GDALDatasetGetLayerCount (ds); l++)
    {
      OGRLayerH                    layer = GDALDatasetGetLayer (ds, l);
      OGRFeatureDefnH              defn = OGR_L_GetLayerDefn (layer);
      int                          code_field = -1, name_field = -1;
      const char                  *level = options ? options->level : NULL;
      OGRCoordinateTransformationH ct;
      OGRFeatureH                  feature;
      GError                      *ct_error = NULL;
      FeatureReader                reader;
      gboolean                     ok = TRUE;

      if (OGR_FD_GetGeomFieldCount (defn) == 0)
        continue;
      detect_fields (defn, &code_field, &name_field, &level);
      if (options && options->code_field)
        code_field = OGR_FD_GetFieldIndex (defn, options->code_field);
      if (options && options->name_field)
        name_field = OGR_FD_GetFieldIndex (defn, options->name_field);
      if (code_field < 0)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN,
                       "%s: layer %s has no area code field (looked for WDnnCD, LSOAnnCD, "
                       "LADnnCD, code%s%s); name it with --code-field",
                       imp->base, OGR_L_GetName (layer), options && options->code_field ? ", " : "",
                       options && options->code_field ? options->code_field : "");
          return FALSE;
        }
      if (level == NULL)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                       "%s: cannot tell whether these are wards, LSOAs or local authorities; "
                       "give --level ward|lsoa|lad",
                       imp->base);
          return FALSE;
        }
      imp->level = level;
      ct = make_transform (layer, options ? options->crs : NULL, imp->default_wgs84, imp->base,
                           &ct_error);
      if (ct_error)
        {
          g_propagate_error (error, ct_error);
          return FALSE;
        }
      feature_reader_start (&reader, layer);
      while (ok && (feature = feature_reader_next (&reader)) != NULL)
        {
          ok = store_feature (imp, feature, code_field, name_field, ct, error);
          OGR_F_Destroy (feature);
          if (ok && (++done & 255) == 0)
            {
              ok = !_wm_check_cancelled (cancellable, imp->base, error);
              if (ok && progress && total)
                progress (0.9 * (double) done / (double) total, imp->base, progress_data);
            }
        }
      feature_reader_finish (&reader);
      if (ct)
        OCTDestroyCoordinateTransformation (ct);
      if (!ok)
        return FALSE;
    }
  if (imp->report->imported == 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s: no areas with a polygon geometry",
                   imp->base);
      return FALSE;
    }
  {
    /* The layer's extent in gpkg_contents grows to hold what this import added. */
    g_autoptr (sqlite3_stmt) extent = _wm_db_prepare (
        db,
        "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now'),"
        " min_x = min(coalesce(min_x, ?1), ?1), min_y = min(coalesce(min_y, ?2), ?2),"
        " max_x = max(coalesce(max_x, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4)"
        " WHERE table_name = 'areas'",
        error);

    if (extent == NULL)
      return FALSE;
    sqlite3_bind_double (extent, 1, imp->extent.MinX);
    sqlite3_bind_double (extent, 2, imp->extent.MinY);
    sqlite3_bind_double (extent, 3, imp->extent.MaxX);
    sqlite3_bind_double (extent, 4, imp->extent.MaxY);
    if (!_wm_db_step_done (extent, error))
      return FALSE;
  }
  if (progress)
    progress (0.92, "placing suppliers", progress_data);
  return _wm_project_locate (self, cancellable, error);
}

gboolean
wm_project_import_areas (WmProject           *self,
                         const char          *file,
                         const WmAreaOptions *options,
                         WmProgressFunc       progress,
                         gpointer             progress_data,
                         GCancellable        *cancellable,
                         WmImportReport     **report,
                         GError             **error)
{
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autoptr (WmImportReport) rep = NULL;
  GDALDatasetH ds;
  AreaImport   imp = { 0 };
  gboolean     ok;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (file != NULL, FALSE);

  base = g_path_get_basename (file);
  path = vector_path (file);
  GDALAllRegister ();
  ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  if (ds == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s: not a vector file GDAL can read (%s)",
                   base, CPLGetLastErrorMsg ());
      return FALSE;
    }
  rep = wm_import_report_new (base);
  imp.report = rep;
  {
    const char *driver = GDALGetDriverShortName (GDALGetDatasetDriver (ds));
    imp.default_wgs84 = g_strcmp0 (driver, "TopoJSON") == 0 || g_strcmp0 (driver, "GeoJSON") == 0
                        || g_strcmp0 (driver, "GeoJSONSeq") == 0;
  }
  imp.base = base;
  imp.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!_wm_project_begin (self, error))
    {
      GDALClose (ds);
      g_hash_table_unref (imp.seen);
      return FALSE;
    }
  ok = import_layers (self, ds, options, &imp, progress, progress_data, cancellable, error);
  g_clear_pointer (&imp.insert, sqlite3_finalize);
  g_hash_table_unref (imp.seen);
  GDALClose (ds);
  return _wm_project_end_import (self, ok, &rep, progress, progress_data, report, error);
}
