/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Draws wm_render_overlay() for the viewport on every frame. The work is proportional to the
 * suppliers and flows under the filter (a few thousand), not to the areas, which are tiles. */
#include "wm-overlay-layer.h"

#include <math.h>
#include <string.h>

struct _WmOverlayLayer
{
  ShumateLayer    parent_instance;
  WmScene        *scene;
  WmRenderOptions options;
  WmFlowStats     stats;
};

G_DEFINE_FINAL_TYPE (WmOverlayLayer, wm_overlay_layer, SHUMATE_TYPE_LAYER)

enum
{
  STATS_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

void
wm_overlay_layer_get_view (WmOverlayLayer *self, WmMapView *view)
{
  ShumateViewport  *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  ShumateMapSource *source = shumate_viewport_get_reference_map_source (viewport);
  double            zoom = shumate_viewport_get_zoom_level (viewport);
  double            tile = source ? shumate_map_source_get_tile_size (source) : 256;
  double            cx, cy;

  wm_mercator (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
               shumate_location_get_latitude (SHUMATE_LOCATION (viewport)), &cx, &cy);
  view->width = gtk_widget_get_width (GTK_WIDGET (self));
  view->height = gtk_widget_get_height (GTK_WIDGET (self));
  view->scale = tile * exp2 (zoom);
  view->x0 = cx - view->width / 2 / view->scale;
  view->y0 = cy - view->height / 2 / view->scale;
}

static void
wm_overlay_layer_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  WmOverlayLayer *self = WM_OVERLAY_LAYER (widget);
  WmMapView       view;
  WmFlowStats     old = self->stats;
  cairo_t        *cr;

  if (self->scene == NULL)
    return;
  wm_overlay_layer_get_view (self, &view);
  if (view.width < 1 || view.height < 1)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, view.width, view.height));
  wm_render_overlay (cr, self->scene, &view, &self->options, &self->stats);
  cairo_destroy (cr);
  if (memcmp (&old, &self->stats, sizeof old) != 0)
    g_signal_emit (self, signals[STATS_CHANGED], 0);
}

static void
on_viewport_changed (WmOverlayLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
wm_overlay_layer_constructed (GObject *object)
{
  WmOverlayLayer  *self = WM_OVERLAY_LAYER (object);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));

  G_OBJECT_CLASS (wm_overlay_layer_parent_class)->constructed (object);
  g_signal_connect_object (viewport, "notify::zoom-level", G_CALLBACK (on_viewport_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::longitude", G_CALLBACK (on_viewport_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::latitude", G_CALLBACK (on_viewport_changed), self,
                           G_CONNECT_SWAPPED);
}

static void
wm_overlay_layer_finalize (GObject *object)
{
  WmOverlayLayer *self = WM_OVERLAY_LAYER (object);

  g_clear_pointer (&self->scene, wm_scene_unref);
  G_OBJECT_CLASS (wm_overlay_layer_parent_class)->finalize (object);
}

static void
wm_overlay_layer_class_init (WmOverlayLayerClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = wm_overlay_layer_constructed;
  object_class->finalize = wm_overlay_layer_finalize;
  widget_class->snapshot = wm_overlay_layer_snapshot;
  signals[STATS_CHANGED] = g_signal_new ("stats-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
wm_overlay_layer_init (WmOverlayLayer *self)
{
  wm_render_options_init (&self->options);
}

WmOverlayLayer *
wm_overlay_layer_new (ShumateViewport *viewport)
{
  return g_object_new (WM_TYPE_OVERLAY_LAYER, "viewport", viewport, NULL);
}

void
wm_overlay_layer_set_scene (WmOverlayLayer *self, WmScene *scene, const WmRenderOptions *options)
{
  g_return_if_fail (WM_IS_OVERLAY_LAYER (self));
  g_clear_pointer (&self->scene, wm_scene_unref);
  self->scene = scene ? wm_scene_ref (scene) : NULL;
  self->options = *options;
  self->options.basemap = NULL; /* the overlay draws no base; it keeps no pointer it does not own */
  self->options.hover_area = self->options.hover_point = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
wm_overlay_layer_set_hover (WmOverlayLayer *self, int area, int point)
{
  g_return_if_fail (WM_IS_OVERLAY_LAYER (self));
  if (self->options.hover_area == area && self->options.hover_point == point)
    return;
  self->options.hover_area = area;
  self->options.hover_point = point;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const WmFlowStats *
wm_overlay_layer_get_flow_stats (WmOverlayLayer *self)
{
  g_return_val_if_fail (WM_IS_OVERLAY_LAYER (self), NULL);
  return &self->stats;
}
