/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The light per-frame layer over the tiles: flows, clustered suppliers, anchors and the hover
 * highlight, redrawn for every view through wm-render. */
#pragma once

#include <shumate/shumate.h>

#include "wm-render.h"

G_BEGIN_DECLS

#define WM_TYPE_OVERLAY_LAYER (wm_overlay_layer_get_type ())
G_DECLARE_FINAL_TYPE (WmOverlayLayer, wm_overlay_layer, WM, OVERLAY_LAYER, ShumateLayer)

WmOverlayLayer *wm_overlay_layer_new (ShumateViewport *viewport);
void
wm_overlay_layer_set_scene (WmOverlayLayer *self, WmScene *scene, const WmRenderOptions *options);
/* The view the layer draws now, for picking and for zooming to a box. */
void               wm_overlay_layer_get_view (WmOverlayLayer *self, WmMapView *view);
void               wm_overlay_layer_set_hover (WmOverlayLayer *self, int area, int point);
const WmFlowStats *wm_overlay_layer_get_flow_stats (WmOverlayLayer *self);

G_END_DECLS
