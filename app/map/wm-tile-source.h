/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A ShumateMapSource whose tiles are drawn by wm-render in worker threads: the basemap, the
 * ward choropleth and the local area and region outlines. libshumate 1.0 caches tiles by
 * source id and cannot invalidate them, so a new style or filter is a new source. */
#pragma once

#include <shumate/shumate.h>

#include "wm-render.h"

G_BEGIN_DECLS

#define WM_TYPE_TILE_SOURCE (wm_tile_source_get_type ())
G_DECLARE_FINAL_TYPE (WmTileSource, wm_tile_source, WM, TILE_SOURCE, ShumateMapSource)

WmTileSource *wm_tile_source_new (WmScene *scene, const WmRenderOptions *options);
/* Tiles asked for and not yet drawn (or cancelled), and tiles drawn: benchmarks and tests wait
 * on these for the view to be complete. Main thread only. */
guint wm_tile_source_get_pending (WmTileSource *self);
guint wm_tile_source_get_drawn (WmTileSource *self);
/* Signal "drained" (no arguments): every tile asked for has come back. */

G_END_DECLS
