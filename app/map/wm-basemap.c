/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wm-basemap.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <gdalwarper.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "app/core/wm-error.h"

/* Half the Web Mercator world's width, metres (EPSG:3857). */
#define HALF_WORLD 20037508.342789244
/* The largest buffer read for one draw (256 MB); a larger page is drawn from it, scaled. */
#define MAX_SIDE 8192

struct _WmBasemap
{
  gatomicrefcount ref;
  GMutex          lock; /* a GDAL dataset is read by one thread at a time */
  GDALDatasetH    source;
  GDALDatasetH    mercator; /* source itself, or a warped VRT of it in EPSG:3857 */
  double          gt[6];
  int             width, height, bands;
  char           *attribution;
};

static gboolean
is_web_mercator (GDALDatasetH ds)
{
  OGRSpatialReferenceH srs = OSRNewSpatialReference (GDALGetProjectionRef (ds));
  OGRSpatialReferenceH want = OSRNewSpatialReference (NULL);
  gboolean             same;

  OSRImportFromEPSG (want, 3857);
  same = srs != NULL && OSRIsSame (srs, want);
  OSRDestroySpatialReference (srs);
  OSRDestroySpatialReference (want);
  return same;
}

WmBasemap *
wm_basemap_open (const char *path, GError **error)
{
  g_autoptr (WmBasemap) self = g_new0 (WmBasemap, 1);
  const char *wkt;

  g_return_val_if_fail (path != NULL, NULL);
  g_atomic_ref_count_init (&self->ref);
  g_mutex_init (&self->lock);
  self->source = GDALOpenEx (path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
  if (self->source == NULL)
    {
      const char *why = CPLGetLastErrorMsg ();

      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "%s: not a raster GDAL can read (an MBTiles file, a GeoPackage of tiles or a"
                   " GeoTIFF)%s%s",
                   path, why && *why ? ": " : "", why ? why : "");
      return NULL;
    }
  wkt = GDALGetProjectionRef (self->source);
  if (wkt == NULL || *wkt == '\0')
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "%s: the raster has no coordinate system, so it cannot be put under the map",
                   path);
      return NULL;
    }
  if (is_web_mercator (self->source))
    self->mercator = self->source;
  else
    {
      OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);
      char                *mercator_wkt = NULL;

      OSRImportFromEPSG (srs, 3857);
      OSRExportToWkt (srs, &mercator_wkt);
      self->mercator
          = GDALAutoCreateWarpedVRT (self->source, NULL, mercator_wkt, GRA_Bilinear, 0.125, NULL);
      CPLFree (mercator_wkt);
      OSRDestroySpatialReference (srs);
      if (self->mercator == NULL)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                       "%s: cannot project the raster to Web Mercator: %s", path,
                       CPLGetLastErrorMsg ());
          return NULL;
        }
    }
  if (GDALGetGeoTransform (self->mercator, self->gt) != CE_None || self->gt[1] <= 0
      || self->gt[5] >= 0 || self->gt[2] != 0 || self->gt[4] != 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "%s: the raster is not north-up with a geotransform", path);
      return NULL;
    }
  self->width = GDALGetRasterXSize (self->mercator);
  self->height = GDALGetRasterYSize (self->mercator);
  self->bands = GDALGetRasterCount (self->mercator);
  if (self->bands < 1 || self->bands > 4)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "%s: %d bands; a basemap has 1 (grey), 2 (grey and alpha), 3 (RGB) or 4 (RGBA)",
                   path, self->bands);
      return NULL;
    }
  {
    const char      *credit = GDALGetMetadataItem (self->source, "ATTRIBUTION", NULL);
    const char      *name = GDALGetMetadataItem (self->source, "NAME", NULL);
    g_autofree char *base = g_path_get_basename (path);

    self->attribution = g_strdup (credit && *credit ? credit : name && *name ? name : base);
  }
  return g_steal_pointer (&self);
}

WmBasemap *
wm_basemap_ref (WmBasemap *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
wm_basemap_unref (WmBasemap *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  if (self->mercator != NULL && self->mercator != self->source)
    GDALClose (self->mercator);
  if (self->source != NULL)
    GDALClose (self->source);
  g_mutex_clear (&self->lock);
  g_free (self->attribution);
  g_free (self);
}

const char *
wm_basemap_get_attribution (WmBasemap *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->attribution;
}

/* Normalised Web Mercator (0..1, y down) <-> EPSG:3857 metres. */
static double
to_metres_x (double mx)
{
  return (mx - 0.5) * 2 * HALF_WORLD;
}

static double
to_metres_y (double my)
{
  return (0.5 - my) * 2 * HALF_WORLD;
}

void
wm_basemap_draw (WmBasemap *self, cairo_t *cr, const WmMapView *view)
{
  double               dx = 1, dy = 0, px_per_unit;
  double               vx0, vy0, vx1, vy1; /* the view's pixels in the raster */
  double               rx0, ry0, rx1, ry1; /* the part of them the raster has */
  int                  bw, bh, stride;
  int                  band_map[4];
  g_autofree guint8   *pixels = NULL;
  cairo_surface_t     *surface;
  GDALRasterIOExtraArg extra;
  CPLErr               status;

  g_return_if_fail (self != NULL && cr != NULL && view != NULL);
  cairo_user_to_device_distance (cr, &dx, &dy);
  px_per_unit = MAX (hypot (dx, dy), 1e-6);
  vx0 = (to_metres_x (view->x0) - self->gt[0]) / self->gt[1];
  vx1 = (to_metres_x (view->x0 + view->width / view->scale) - self->gt[0]) / self->gt[1];
  vy0 = (to_metres_y (view->y0) - self->gt[3]) / self->gt[5];
  vy1 = (to_metres_y (view->y0 + view->height / view->scale) - self->gt[3]) / self->gt[5];
  rx0 = MAX (vx0, 0);
  ry0 = MAX (vy0, 0);
  rx1 = MIN (vx1, self->width);
  ry1 = MIN (vy1, self->height);
  if (rx1 - rx0 < 1e-6 || ry1 - ry0 < 1e-6)
    return;
  /* the buffer at the device's resolution for the part drawn */
  bw = (int) ceil ((rx1 - rx0) / (vx1 - vx0) * view->width * px_per_unit);
  bh = (int) ceil ((ry1 - ry0) / (vy1 - vy0) * view->height * px_per_unit);
  bw = CLAMP (bw, 1, MAX_SIDE);
  bh = CLAMP (bh, 1, MAX_SIDE);
  stride = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, bw);
  pixels = g_malloc ((gsize) stride * bh);
  memset (pixels, 0xff, (gsize) stride * bh); /* opaque where there is no alpha band */
  /* cairo's ARGB32 is B, G, R, A in memory on little-endian machines */
  if (self->bands >= 3)
    {
      band_map[0] = 3, band_map[1] = 2, band_map[2] = 1, band_map[3] = 4;
    }
  else
    {
      band_map[0] = band_map[1] = band_map[2] = 1, band_map[3] = 2;
    }
  INIT_RASTERIO_EXTRA_ARG (extra);
  extra.eResampleAlg = GRIORA_Bilinear;
  extra.bFloatingPointWindowValidity = TRUE;
  extra.dfXOff = rx0;
  extra.dfYOff = ry0;
  extra.dfXSize = rx1 - rx0;
  extra.dfYSize = ry1 - ry0;
  g_mutex_lock (&self->lock);
  status = GDALDatasetRasterIOEx (self->mercator, GF_Read, (int) floor (rx0), (int) floor (ry0),
                                  MAX ((int) ceil (rx1) - (int) floor (rx0), 1),
                                  MAX ((int) ceil (ry1) - (int) floor (ry0), 1), pixels, bw, bh,
                                  GDT_Byte, self->bands == 3 || self->bands == 1 ? 3 : 4, band_map,
                                  4, stride, 1, &extra);
  g_mutex_unlock (&self->lock);
  if (status != CE_None)
    return;
  /* premultiplied alpha */
  for (int y = 0; y < bh; y++)
    for (int x = 0; x < bw; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * 4;

        if (p[3] != 255)
          for (int c = 0; c < 3; c++)
            p[c] = (guint8) ((p[c] * p[3] + 127) / 255);
      }
  surface = cairo_image_surface_create_for_data (pixels, CAIRO_FORMAT_ARGB32, bw, bh, stride);
  cairo_save (cr);
  cairo_translate (cr, (rx0 - vx0) / (vx1 - vx0) * view->width,
                   (ry0 - vy0) / (vy1 - vy0) * view->height);
  cairo_scale (cr, (rx1 - rx0) / (vx1 - vx0) * view->width / bw,
               (ry1 - ry0) / (vy1 - vy0) * view->height / bh);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  /* padded and filled to the buffer's edge only: a tile's border pixels would otherwise be
   * blended with the transparent outside and show as seams between tiles */
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_rectangle (cr, 0, 0, bw, bh);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
}
