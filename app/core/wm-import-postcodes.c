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

typedef enum
{
  LAYOUT_CODEPOINT,
  LAYOUT_ONSPD,
  LAYOUT_SIMPLE,
} Layout;

/* Where the columns are, and the transform for Code-Point's grid references. The reading
 * thread has its own copy (a PROJ transform belongs to one thread); the importer keeps one for
 * the rows read before the layout was known. */
typedef struct
{
  Layout                       layout;
  int                          col_pc, col_lat, col_lon, col_ward, col_lsoa, col_district;
  int                          col_quality;
  OGRCoordinateTransformationH bng; /* made in the thread that uses it */
} Columns;

typedef enum
{
  ROW_OK,
  ROW_NOT_A_POSTCODE,
  ROW_NO_COORDINATES,
  ROW_NO_POSITION, /* 0,0: published without one */
  ROW_NOT_REPROJECTED,
} RowStatus;

/* A row made ready to store, in the reading thread; its texts are the row's. */
typedef struct
{
  RowStatus   status;
  char        postcode[16]; /* normalised: at most "AB12 3CD" */
  double      lon, lat;
  int         quality;
  const char *district;
  const char *ward;
  const char *lsoa;
} Prepared;

typedef struct
{
  WmTableReader  *reader;
  WmImportReport *report;
  sqlite3_stmt   *insert;
  Columns        *columns;
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

static void
columns_free (gpointer data)
{
  Columns *c = data;

  if (c->bng)
    OCTDestroyCoordinateTransformation (c->bng);
  g_free (c);
}

static OGRCoordinateTransformationH bng_to_wgs84 (void);

static void
prepare_row (const Columns *c, const WmRow *row, Prepared *p)
{
  g_autofree char *postcode = wm_normalize_postcode (wm_row_cell (row, c->col_pc));
  double           a, b;

  if (postcode == NULL || strlen (postcode) >= sizeof p->postcode)
    {
      p->status = ROW_NOT_A_POSTCODE;
      return;
    }
  strcpy (p->postcode, postcode);
  if (!parse_double (wm_row_cell (row, c->col_lon), &a)
      || !parse_double (wm_row_cell (row, c->col_lat), &b))
    {
      p->status = ROW_NO_COORDINATES;
      return;
    }
  /* Code-Point and the ONSPD mark postcodes without a position with 0,0 (or lat 99.999999). */
  if ((c->layout == LAYOUT_CODEPOINT && a == 0 && b == 0)
      || (c->layout != LAYOUT_CODEPOINT && (b > 90 || b < -90 || (a == 0 && b == 0))))
    {
      p->status = ROW_NO_POSITION;
      return;
    }
  p->lon = a; /* easting for Code-Point until reprojected */
  p->lat = b;
  p->quality = atoi (wm_row_cell (row, c->col_quality));
  p->district = wm_row_cell (row, c->col_district);
  p->ward = wm_row_cell (row, c->col_ward);
  p->lsoa = wm_row_cell (row, c->col_lsoa);
}

/* The prepare function: each row parsed, and Code-Point's grid references reprojected to
 * WGS84 in one PROJ call per batch. */
static gpointer
prepare_rows (const WmRow *rows, guint n, gpointer *prepared, gpointer data)
{
  Columns  *c = data;
  Prepared *work = g_new0 (Prepared, n);
  double   *x, *y;
  int      *ok;
  guint     m = 0;

  for (guint i = 0; i < n; i++)
    {
      prepare_row (c, &rows[i], &work[i]);
      prepared[i] = &work[i];
    }
  if (c->layout != LAYOUT_CODEPOINT)
    return work;
  if (c->bng == NULL)
    c->bng = bng_to_wgs84 ();
  x = g_new (double, n);
  y = g_new (double, n);
  ok = g_new (int, n);
  for (guint i = 0; i < n; i++)
    {
      Prepared *p = prepared[i];

      if (p->status == ROW_OK)
        {
          x[m] = p->lon;
          y[m] = p->lat;
          ok[m++] = TRUE;
        }
    }
  if (m > 0 && (c->bng == NULL || !OCTTransformEx (c->bng, (int) m, x, y, NULL, ok)))
    {
      /* A partial failure is marked point by point; no transform at all fails them all. */
      for (guint j = 0; j < m && c->bng == NULL; j++)
        ok[j] = FALSE;
    }
  m = 0;
  for (guint i = 0; i < n; i++)
    {
      Prepared *p = prepared[i];

      if (p->status != ROW_OK)
        continue;
      if (ok[m])
        {
          p->lon = x[m];
          p->lat = y[m];
        }
      else
        p->status = ROW_NOT_REPROJECTED;
      m++;
    }
  g_free (x);
  g_free (y);
  g_free (ok);
  return work;
}

static gboolean
add_row (PostcodeImport *imp, const WmRow *row, GError **error)
{
  Prepared       *own = NULL;
  const Prepared *p = row->prepared;
  gboolean        ok = TRUE;

  imp->report->rows_read++;
  if (p == NULL)
    {
      /* read ahead before the layout was known: done here */
      gpointer one;

      p = own = prepare_rows (row, 1, &one, imp->columns);
    }
  switch (p->status)
    {
    case ROW_OK:
      sqlite3_bind_text (imp->insert, 1, p->postcode, -1, SQLITE_STATIC);
      sqlite3_bind_double (imp->insert, 2, p->lat);
      sqlite3_bind_double (imp->insert, 3, p->lon);
      if (p->quality)
        sqlite3_bind_int (imp->insert, 4, p->quality);
      else
        sqlite3_bind_null (imp->insert, 4);
      _wm_bind_text_or_null (imp->insert, 5, p->district);
      _wm_bind_text_or_null (imp->insert, 6, p->ward);
      _wm_bind_text_or_null (imp->insert, 7, p->lsoa);
      ok = _wm_db_step_done (imp->insert, error);
      if (ok)
        imp->report->imported++;
      break;
    case ROW_NOT_A_POSTCODE:
      _wm_report_malformed_row (imp->report, imp->reader, row, "\"%s\" is not a postcode",
                                wm_row_cell (row, imp->columns->col_pc));
      break;
    case ROW_NO_COORDINATES:
      _wm_report_malformed_row (imp->report, imp->reader, row, "%s has no usable coordinates",
                                p->postcode);
      break;
    case ROW_NO_POSITION:
      imp->report->skipped++;
      break;
    case ROW_NOT_REPROJECTED:
      _wm_report_malformed_row (imp->report, imp->reader, row,
                                "coordinates of %s cannot be reprojected from the British "
                                "National Grid",
                                p->postcode);
      break;
    }
  g_free (own);
  return ok;
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
  Columns                 *c = imp->columns;

  c->col_quality = c->col_ward = c->col_lsoa = c->col_district = -1;
  if ((forced && strcmp (forced, "codepoint") == 0) || (!forced && pc && first->n_fields >= 4))
    {
      /* PC, PQ, EA, NO, CY, RH, LH, CC, DC, WC */
      c->layout = LAYOUT_CODEPOINT;
      c->col_pc = 0;
      c->col_quality = 1;
      c->col_lon = 2; /* easting */
      c->col_lat = 3; /* northing */
      c->col_district = first->n_fields > 8 ? 8 : -1;
      c->col_ward = first->n_fields > 9 ? 9 : -1;
      *first_is_data = TRUE;
      return TRUE;
    }
  c->col_pc = find_column (first, pc_names);
  c->col_lat = find_column (first, lat_names);
  c->col_lon = find_column (first, lon_names);
  c->col_ward = find_column (first, ward_names);
  c->col_lsoa = find_column (first, lsoa_names);
  c->col_district = find_column (first, district_names);
  *first_is_data = FALSE;
  if (c->col_pc < 0 || c->col_lat < 0 || c->col_lon < 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN,
                   "%s:1: not a postcode table: expected Code-Point Open rows (postcode, "
                   "quality, easting, northing, ...) or a header with postcode (pcds), lat and "
                   "long columns",
                   imp->report->file);
      return FALSE;
    }
  c->layout = find_column (first, (const char *const[]){ "pcds", "pcd", NULL }) >= 0
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
          if (imp->columns->layout == LAYOUT_CODEPOINT)
            {
              imp->columns->bng = bng_to_wgs84 ();
              if (imp->columns->bng == NULL)
                {
                  g_set_error (error, WM_ERROR, WM_ERROR_CRS,
                               "cannot set up the British National Grid to WGS84 transform");
                  return FALSE;
                }
            }
          /* The rows after those read ahead are parsed and reprojected in the reading thread,
           * with a copy of the columns and a transform of its own. */
          {
            Columns *copy = g_memdup2 (imp->columns, sizeof (Columns));

            copy->bng = NULL;
            wm_table_reader_set_prepare (imp->reader, prepare_rows, copy, columns_free, g_free);
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
  imp.columns = g_new0 (Columns, 1);
  if (!_wm_project_begin (self, error))
    {
      columns_free (imp.columns);
      return FALSE;
    }
  ok = run_import (self, &imp, layout, progress, progress_data, cancellable, error);
  g_clear_pointer (&imp.insert, sqlite3_finalize);
  /* the reading thread first: it may be using its copy of the columns */
  g_clear_pointer (&reader, wm_table_reader_free);
  columns_free (imp.columns);
  return _wm_project_end_import (self, ok, &rep, progress, progress_data, report, error);
}
