/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Importing a postcode table for offline geocoding: OS Code-Point Open (no header, British
 * National Grid eastings/northings reprojected with PROJ through OGR), the ONS Postcode
 * Directory (pcd/pcds, lat, long, osward, lsoa11) and simple postcode,lat,lon tables. */
#include "wm-import-postcodes.h"

#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>

#include "wm-error.h"
#include "wm-geocoder.h"
#include "wm-project-private.h"
#include "wm-table-reader.h"
#include "wm-text.h"

#define BATCH 8192

typedef enum
{
  LAYOUT_CODEPOINT,
  LAYOUT_ONSPD,
  LAYOUT_SIMPLE,
} Layout;

typedef struct
{
  char   *postcode;
  double  x, y; /* BNG metres for Code-Point, else lon/lat */
  int     quality;
  char   *district;
  char   *ward;
  char   *lsoa;
  guint64 line;
} Pending;

typedef struct
{
  WmTableReader               *reader;
  WmImportReport              *report;
  sqlite3_stmt                *insert;
  OGRCoordinateTransformationH bng;
  Layout                       layout;
  int      col_pc, col_lat, col_lon, col_ward, col_lsoa, col_district, col_quality;
  Pending *batch;
  guint    n_batch;
} PostcodeImport;

static int
find_column (const WmRow *row, const char *const *names)
{
  for (int n = 0; names[n]; n++)
    for (guint i = 0; i < row->n_fields; i++)
      {
        g_autofree char *h = wm_normalize_header (row->fields[i]);
        if (strcmp (h, names[n]) == 0)
          return (int) i;
      }
  return -1;
}

static gboolean
parse_double (const char *text, double *value)
{
  char *end;

  while (*text == ' ')
    text++;
  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  while (*end == ' ')
    end++;
  return *end == '\0';
}

static gboolean
flush_batch (PostcodeImport *imp, GError **error)
{
  double x[BATCH], y[BATCH];
  int    ok[BATCH];

  if (imp->n_batch == 0)
    return TRUE;
  for (guint i = 0; i < imp->n_batch; i++)
    {
      x[i] = imp->batch[i].x;
      y[i] = imp->batch[i].y;
      ok[i] = TRUE;
    }
  if (imp->bng && !OCTTransformEx (imp->bng, (int) imp->n_batch, x, y, NULL, ok))
    {
      /* Partial failure is reported per point below; total failure is an error. */
      gboolean any = FALSE;
      for (guint i = 0; i < imp->n_batch; i++)
        any |= ok[i];
      if (!any)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_CRS,
                       "%s: cannot reproject British National Grid coordinates to WGS84",
                       imp->report->file);
          return FALSE;
        }
    }
  for (guint i = 0; i < imp->n_batch; i++)
    {
      Pending *p = &imp->batch[i];

      if (!ok[i])
        {
          imp->report->malformed++;
          wm_import_report_add_message (
              imp->report, "%s:%" G_GUINT64_FORMAT ": coordinates of %s cannot be reprojected",
              imp->report->file, p->line, p->postcode);
          continue;
        }
      sqlite3_bind_text (imp->insert, 1, p->postcode, -1, SQLITE_STATIC);
      sqlite3_bind_double (imp->insert, 2, y[i]); /* lat */
      sqlite3_bind_double (imp->insert, 3, x[i]); /* lon */
      if (p->quality)
        sqlite3_bind_int (imp->insert, 4, p->quality);
      else
        sqlite3_bind_null (imp->insert, 4);
      _wm_bind_text_or_null (imp->insert, 5, p->district);
      _wm_bind_text_or_null (imp->insert, 6, p->ward);
      _wm_bind_text_or_null (imp->insert, 7, p->lsoa);
      if (!_wm_db_step_done (imp->insert, error))
        return FALSE;
      imp->report->imported++;
    }
  for (guint i = 0; i < imp->n_batch; i++)
    {
      g_free (imp->batch[i].postcode);
      g_free (imp->batch[i].district);
      g_free (imp->batch[i].ward);
      g_free (imp->batch[i].lsoa);
    }
  imp->n_batch = 0;
  return TRUE;
}

static gboolean
add_row (PostcodeImport *imp, const WmRow *row, GError **error)
{
  g_autofree char *pc = NULL;
  double           a, b;
  Pending         *p;

  imp->report->rows_read++;
  pc = wm_normalize_postcode (wm_row_cell (row, imp->col_pc));
  if (pc == NULL)
    {
      g_autofree char *loc = wm_row_location (imp->reader, row);
      imp->report->malformed++;
      wm_import_report_add_message (imp->report, "%s: \"%s\" is not a postcode", loc,
                                    wm_row_cell (row, imp->col_pc));
      return TRUE;
    }
  if (!parse_double (wm_row_cell (row, imp->col_lon), &a)
      || !parse_double (wm_row_cell (row, imp->col_lat), &b))
    {
      g_autofree char *loc = wm_row_location (imp->reader, row);
      imp->report->malformed++;
      wm_import_report_add_message (imp->report, "%s: %s has no usable coordinates", loc, pc);
      return TRUE;
    }
  /* Code-Point and the ONSPD mark postcodes without a position with 0,0 (or lat 99.999999). */
  if ((imp->layout == LAYOUT_CODEPOINT && a == 0 && b == 0)
      || (imp->layout != LAYOUT_CODEPOINT && (b > 90 || b < -90 || (a == 0 && b == 0))))
    {
      imp->report->skipped++;
      return TRUE;
    }
  p = &imp->batch[imp->n_batch++];
  p->postcode = g_steal_pointer (&pc);
  p->x = a;
  p->y = b;
  p->quality = atoi (wm_row_cell (row, imp->col_quality));
  p->district = g_strdup (wm_row_cell (row, imp->col_district));
  p->ward = g_strdup (wm_row_cell (row, imp->col_ward));
  p->lsoa = g_strdup (wm_row_cell (row, imp->col_lsoa));
  p->line = row->line;
  if (imp->n_batch == BATCH)
    return flush_batch (imp, error);
  return TRUE;
}

/* Decides the layout from the first row, which is data for Code-Point (no header). */
static gboolean
detect_layout (PostcodeImport *imp,
               const WmRow    *first,
               const char     *forced,
               gboolean       *first_is_data,
               GError        **error)
{
  static const char *const pc_names[]
      = { "pcds", "pcd", "pcd7", "pcd8", "postcode", "post code", NULL };
  static const char *const lat_names[] = { "lat", "latitude", NULL };
  static const char *const lon_names[] = { "long", "lon", "lng", "longitude", NULL };
  static const char *const ward_names[] = { "osward", "ward", "ward code", "wd13cd", NULL };
  static const char *const lsoa_names[] = { "lsoa11", "lsoa11cd", "lsoa", "lsoa code", NULL };
  static const char *const district_names[] = { "oslaua", "laua", "district", "lad13cd", NULL };
  g_autofree char         *pc = wm_normalize_postcode (first->n_fields ? first->fields[0] : "");

  imp->col_quality = imp->col_ward = imp->col_lsoa = imp->col_district = -1;
  if ((forced && strcmp (forced, "codepoint") == 0) || (!forced && pc && first->n_fields >= 4))
    {
      /* PC, PQ, EA, NO, CY, RH, LH, CC, DC, WC */
      imp->layout = LAYOUT_CODEPOINT;
      imp->col_pc = 0;
      imp->col_quality = 1;
      imp->col_lon = 2; /* easting */
      imp->col_lat = 3; /* northing */
      imp->col_district = first->n_fields > 8 ? 8 : -1;
      imp->col_ward = first->n_fields > 9 ? 9 : -1;
      *first_is_data = TRUE;
      return TRUE;
    }
  imp->col_pc = find_column (first, pc_names);
  imp->col_lat = find_column (first, lat_names);
  imp->col_lon = find_column (first, lon_names);
  imp->col_ward = find_column (first, ward_names);
  imp->col_lsoa = find_column (first, lsoa_names);
  imp->col_district = find_column (first, district_names);
  *first_is_data = FALSE;
  if (imp->col_pc < 0 || imp->col_lat < 0 || imp->col_lon < 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN,
                   "%s:1: not a postcode table: expected Code-Point Open rows (postcode, "
                   "quality, easting, northing, ...) or a header with postcode (pcds), lat and "
                   "long columns",
                   imp->report->file);
      return FALSE;
    }
  imp->layout = find_column (first, (const char *const[]){ "pcds", "pcd", NULL }) >= 0
                    ? LAYOUT_ONSPD
                    : LAYOUT_SIMPLE;
  return TRUE;
}

static OGRCoordinateTransformationH
bng_to_wgs84 (void)
{
  OGRSpatialReferenceH         bng = OSRNewSpatialReference (NULL);
  OGRSpatialReferenceH         wgs84 = OSRNewSpatialReference (NULL);
  OGRCoordinateTransformationH ct;

  /* Code-Point coordinates are BNG metres; with the traditional GIS axis order PROJ takes
   * them as (easting, northing) and gives (longitude, latitude). */
  OSRImportFromEPSG (bng, 27700);
  OSRImportFromEPSG (wgs84, 4326);
  OSRSetAxisMappingStrategy (bng, OAMS_TRADITIONAL_GIS_ORDER);
  OSRSetAxisMappingStrategy (wgs84, OAMS_TRADITIONAL_GIS_ORDER);
  ct = OCTNewCoordinateTransformation (bng, wgs84);
  OSRDestroySpatialReference (bng);
  OSRDestroySpatialReference (wgs84);
  return ct;
}

static gboolean
run_import (WmProject      *self,
            PostcodeImport *imp,
            const char     *layout,
            WmProgressFunc  progress,
            gpointer        progress_data,
            GCancellable   *cancellable,
            GError        **error)
{
  WmRow    row;
  GError  *read_error = NULL;
  gboolean first = TRUE;
  guint64  n = 0;

  imp->insert = _wm_db_prepare (_wm_project_get_db (self),
                                "INSERT OR REPLACE INTO postcodes (postcode, lat, lon, quality,"
                                " district, ward, lsoa) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                error);
  if (imp->insert == NULL)
    return FALSE;
  while (wm_table_reader_next (imp->reader, &row, &read_error))
    {
      if (first)
        {
          gboolean is_data;

          first = FALSE;
          if (!detect_layout (imp, &row, layout, &is_data, error))
            return FALSE;
          if (imp->layout == LAYOUT_CODEPOINT)
            {
              imp->bng = bng_to_wgs84 ();
              if (imp->bng == NULL)
                {
                  g_set_error (error, WM_ERROR, WM_ERROR_CRS,
                               "cannot set up the British National Grid to WGS84 transform");
                  return FALSE;
                }
            }
          if (!is_data)
            continue;
        }
      if (!add_row (imp, &row, error))
        return FALSE;
      if ((++n & 16383) == 0)
        {
          if (_wm_check_cancelled (cancellable, imp->report->file, error))
            return FALSE;
          if (progress)
            progress (0.9 * wm_table_reader_fraction (imp->reader), imp->report->file,
                      progress_data);
        }
    }
  if (read_error)
    {
      g_propagate_error (error, read_error);
      return FALSE;
    }
  if (first)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s:1: the file is empty", imp->report->file);
      return FALSE;
    }
  if (!flush_batch (imp, error))
    return FALSE;
  if (imp->report->skipped)
    wm_import_report_add_message (imp->report,
                                  "%s: %" G_GUINT64_FORMAT " postcodes have no coordinates "
                                  "(0,0: no position published); not stored",
                                  imp->report->file, imp->report->skipped);
  if (imp->report->imported == 0)
    {
      g_set_error (
          error, WM_ERROR, WM_ERROR_BAD_VALUE, "%s: no usable postcodes (%s)", imp->report->file,
          imp->report->messages->len ? (char *) g_ptr_array_index (imp->report->messages, 0)
                                     : "all without coordinates");
      return FALSE;
    }
  if (progress)
    progress (0.92, "placing suppliers", progress_data);
  return _wm_project_locate (self, cancellable, error);
}

gboolean
wm_project_import_postcodes (WmProject       *self,
                             const char      *file,
                             const char      *layout,
                             WmProgressFunc   progress,
                             gpointer         progress_data,
                             GCancellable    *cancellable,
                             WmImportReport **report,
                             GError         **error)
{
  g_autoptr (WmTableReader) reader = NULL;
  g_autoptr (WmImportReport) rep = NULL;
  g_autofree char *base = NULL;
  PostcodeImport   imp = { 0 };
  gboolean         ok;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  if (layout && strcmp (layout, "codepoint") != 0 && strcmp (layout, "onspd") != 0
      && strcmp (layout, "simple") != 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                   "--layout %s: expected onspd, codepoint or simple", layout);
      return FALSE;
    }
  reader = wm_table_reader_open (file, error);
  if (reader == NULL)
    return FALSE;
  base = g_path_get_basename (file);
  rep = wm_import_report_new (base);
  imp.reader = reader;
  imp.report = rep;
  imp.batch = g_new0 (Pending, BATCH);
  if (!_wm_project_begin (self, error))
    {
      g_free (imp.batch);
      return FALSE;
    }
  ok = run_import (self, &imp, layout, progress, progress_data, cancellable, error);
  for (guint i = 0; i < imp.n_batch; i++)
    {
      g_free (imp.batch[i].postcode);
      g_free (imp.batch[i].district);
      g_free (imp.batch[i].ward);
      g_free (imp.batch[i].lsoa);
    }
  g_free (imp.batch);
  g_clear_pointer (&imp.insert, sqlite3_finalize);
  if (imp.bng)
    OCTDestroyCoordinateTransformation (imp.bng);
  return _wm_project_end_import (self, ok, &rep, progress, progress_data, report, error);
}
