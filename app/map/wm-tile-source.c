/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tiles of the project's static layers, rendered with cairo off the main thread (as GNOME Maps
 * does), because libshumate's marker and path layers do not scale to thousands of wards. */
#include "wm-tile-source.h"

#include "wm-basemap.h"

struct _WmTileSource
{
  ShumateMapSource parent_instance;
  WmScene         *scene;
  WmRenderOptions  options;
  guint            pending, drawn; /* tiles asked for and not back yet; tiles drawn */
};

G_DEFINE_FINAL_TYPE (WmTileSource, wm_tile_source, SHUMATE_TYPE_MAP_SOURCE)

enum
{
  DRAINED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  WmScene        *scene;
  WmRenderOptions options;
  guint           x, y, zoom, size;
  gsize           stride;
  ShumateTile    *tile;
} TileJob;

static void
tile_job_free (TileJob *job)
{
  wm_scene_unref (job->scene);
  g_object_unref (job->tile);
  g_free (job);
}

static void
render_tile_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  TileJob         *job = task_data;
  WmMapView        view;
  cairo_surface_t *surface;
  cairo_t         *cr;
  GBytes          *bytes;

  if (g_task_return_error_if_cancelled (task))
    return;
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) job->size, (int) job->size);
  cr = cairo_create (surface);
  wm_map_view_init_tile (&view, job->x, job->y, job->zoom, job->size);
  wm_render_tile_layers (cr, job->scene, &view, &job->options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * job->size);
  job->stride = (gsize) cairo_image_surface_get_stride (surface);
  cairo_surface_destroy (surface);
  g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

static void
wm_tile_source_fill_tile_async (ShumateMapSource   *source,
                                ShumateTile        *tile,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  WmTileSource *self = WM_TILE_SOURCE (source);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  TileJob *job = g_new0 (TileJob, 1);

  g_task_set_source_tag (task, wm_tile_source_fill_tile_async);
  job->scene = wm_scene_ref (self->scene);
  job->options = self->options;
  job->x = shumate_tile_get_x (tile);
  job->y = shumate_tile_get_y (tile);
  job->zoom = shumate_tile_get_zoom_level (tile);
  job->size = shumate_tile_get_size (tile);
  job->tile = g_object_ref (tile);
  g_task_set_task_data (task, job, (GDestroyNotify) tile_job_free);
  self->pending++;
  g_task_run_in_thread (task, render_tile_thread);
}

static gboolean
wm_tile_source_fill_tile_finish (ShumateMapSource *source, GAsyncResult *result, GError **error)
{
  TileJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GBytes) bytes = g_task_propagate_pointer (G_TASK (result), error);
  g_autoptr (GdkTexture) texture = NULL;

  g_return_val_if_fail (g_task_is_valid (result, source), FALSE);
  WM_TILE_SOURCE (source)->pending--;
  if (bytes != NULL)
    {
      /* cairo's ARGB32 is premultiplied native-endian: GDK's default memory format. */
      texture = gdk_memory_texture_new ((int) job->size, (int) job->size, GDK_MEMORY_DEFAULT, bytes,
                                        job->stride);
      /* Only the main thread touches the tile. */
      shumate_tile_set_paintable (job->tile, GDK_PAINTABLE (texture));
      shumate_tile_set_state (job->tile, SHUMATE_STATE_DONE);
      WM_TILE_SOURCE (source)->drawn++;
    }
  if (WM_TILE_SOURCE (source)->pending == 0)
    g_signal_emit (source, signals[DRAINED], 0);
  return bytes != NULL;
}

static void
wm_tile_source_finalize (GObject *object)
{
  WmTileSource *self = WM_TILE_SOURCE (object);

  g_clear_pointer (&self->scene, wm_scene_unref);
  g_clear_pointer (&self->options.basemap, wm_basemap_unref);
  G_OBJECT_CLASS (wm_tile_source_parent_class)->finalize (object);
}

static void
wm_tile_source_class_init (WmTileSourceClass *klass)
{
  GObjectClass          *object_class = G_OBJECT_CLASS (klass);
  ShumateMapSourceClass *source_class = SHUMATE_MAP_SOURCE_CLASS (klass);

  object_class->finalize = wm_tile_source_finalize;
  source_class->fill_tile_async = wm_tile_source_fill_tile_async;
  source_class->fill_tile_finish = wm_tile_source_fill_tile_finish;
  /* Every tile asked for is drawn (or cancelled): the view is complete. */
  signals[DRAINED] = g_signal_new ("drained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
wm_tile_source_init (WmTileSource *self)
{
}

WmTileSource *
wm_tile_source_new (WmScene *scene, const WmRenderOptions *options)
{
  static guint     serial;
  WmTileSource    *self;
  g_autofree char *id = g_strdup_printf ("wealthmap-%u", ++serial);
  g_autofree char *license = NULL;

  g_return_val_if_fail (scene != NULL && options != NULL, NULL);
  /* the map's own data, and the raster tiles' when they are under it */
  license = g_strdup_printf ("Contains OS data © Crown copyright and database right; ONS, MHCLG "
                             "(IoD 2019) OGL v3.0; %s%s",
                             options->basemap ? "basemap: " : "Natural Earth",
                             options->basemap ? wm_basemap_get_attribution (options->basemap) : "");
  self = g_object_new (WM_TYPE_TILE_SOURCE, "id", id, "name", "Wealthmap", "min-zoom-level", 0,
                       "max-zoom-level", 18, "tile-size", 256, "projection",
                       SHUMATE_MAP_PROJECTION_MERCATOR, "license", license, NULL);
  self->scene = wm_scene_ref (scene);
  self->options = *options;
  if (self->options.basemap != NULL)
    wm_basemap_ref (
        self->options.basemap); /* tile threads draw from it after the window moves on */
  /* The tiles draw only what does not move with the view; the overlay draws the rest. */
  self->options.layers &= WM_LAYER_BASE | WM_LAYER_AREAS | WM_LAYER_OUTLINES;
  return self;
}

guint
wm_tile_source_get_pending (WmTileSource *self)
{
  g_return_val_if_fail (WM_IS_TILE_SOURCE (self), 0);
  return self->pending;
}

guint
wm_tile_source_get_drawn (WmTileSource *self)
{
  g_return_val_if_fail (WM_IS_TILE_SOURCE (self), 0);
  return self->drawn;
}
