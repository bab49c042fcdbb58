/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Raster tiles under the map: a local MBTiles file (or any raster GDAL reads: a GeoPackage of
 * tiles, a GeoTIFF), read through GDAL, which decodes PNG/JPEG/WebP tiles, picks the zoom
 * level (overview) for the scale drawn and warps a raster that is not in Web Mercator. The map
 * works without one: land and sea from Natural Earth and the imported boundaries are its base.
 * One WmBasemap may be drawn from several threads at once (the app's tile workers). */
#pragma once

#include <cairo.h>

#include "wm-render.h"

G_BEGIN_DECLS

typedef struct _WmBasemap WmBasemap;

/* Opens @path; an error names the file and says why (not a raster, no georeferencing). */
WmBasemap *wm_basemap_open (const char *path, GError **error);
WmBasemap *wm_basemap_ref (WmBasemap *basemap);
void       wm_basemap_unref (WmBasemap *basemap);
/* Whose tiles they are, for the credits: the file's attribution, else its name, else the
 * file's name. */
const char *wm_basemap_get_attribution (WmBasemap *basemap);
/* Draws the part of the raster @view shows, at the device resolution of @cr; nothing where the
 * raster has no data. */
void wm_basemap_draw (WmBasemap *basemap, cairo_t *cr, const WmMapView *view);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmBasemap, wm_basemap_unref)

G_END_DECLS
