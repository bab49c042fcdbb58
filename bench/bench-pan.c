/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Frame times of the running app while the map pans, from the GdkFrameClock.
 *
 *   GSETTINGS_SCHEMA_DIR=_build/resources tests/run-ui.sh _build/bench/bench-pan PROJECT \
 *       [--level ward|lsoa] [--zoom Z,...] [--frames N]
 *
 * (tests/run-ui.sh: its own Xvfb, session bus and the cairo renderer, as the UI tests)
 *
 * Opens the app's window (1400x900) on PROJECT, times how long until the project is loaded
 * and the map's first tiles are on screen, then at each zoom pans the map 8 px a frame for N
 * frames (default 240: four seconds at 60 fps) from a tick callback, as a drag would, and
 * prints per zoom:
 *
 *   PAN zoom Z frames N interval median/p95/max MS  work median/p95/max MS  under16 P%
 *
 * "interval" is the time between successive frames (frame clock frame times): what the eye
 * sees. "work" is from the start of a frame (the clock's update phase) to the end of its
 * paint: the time the UI thread spent on it. Tiles are drawn by the tile source's worker
 * threads and appear when ready; they do not block a frame. Under Xvfb the cairo renderer
 * paints into an X image; a real display with the GL renderer is faster, not slower. */
#include <adwaita.h>
#include <gdal.h>
#include <math.h>
#include <shumate/shumate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/map/wm-tile-source.h"
#include "app/widgets/wm-window.h"

#define STEP_PX 8.0

typedef struct
{
  ShumateMap *map;
  guint       frames, done;
  gint64      last_frame_time, update_start;
  GArray     *intervals; /* double ms */
  GArray     *work;      /* double ms */
  gboolean    finished;
} Pan;

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
quantile (GArray *values, double q)
{
  if (values->len == 0)
    return NAN;
  g_array_sort (values, compare_double);
  return g_array_index (values, double, MIN (values->len - 1, (guint) (q * values->len)));
}

static void
spin_until (gboolean (*done) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
window_ready (gpointer data)
{
  return !wm_window_is_busy (data) && wm_window_get_project (data) != NULL;
}

/* The map's data is in the window (the side panel's figures may still be on their way). */
static gboolean
map_ready (gpointer data)
{
  return wm_window_get_project (data) != NULL && wm_window_get_map_data (data) != NULL;
}

static void
on_painted (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

/* The first view's area tiles all drawn (the choropleth and land under the overlay). */
static gboolean
tiles_drawn (gpointer data)
{
  ShumateMapSource *source = shumate_simple_map_get_map_source (SHUMATE_SIMPLE_MAP (data));

  return WM_IS_TILE_SOURCE (source) && wm_tile_source_get_drawn (WM_TILE_SOURCE (source)) > 0
         && wm_tile_source_get_pending (WM_TILE_SOURCE (source)) == 0;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_update (GdkFrameClock *clock, Pan *pan)
{
  pan->update_start = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock, Pan *pan)
{
  if (pan->update_start > 0 && pan->done > 0 && !pan->finished)
    {
      double ms = (double) (g_get_monotonic_time () - pan->update_start) / 1000.0;
      g_array_append_val (pan->work, ms);
    }
}

static gboolean
tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  Pan             *pan = data;
  gint64           now = gdk_frame_clock_get_frame_time (clock);
  ShumateViewport *viewport = shumate_map_get_viewport (pan->map);
  double           lat, lon;
  int              w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (pan->last_frame_time > 0)
    {
      double ms = (double) (now - pan->last_frame_time) / 1000.0;
      g_array_append_val (pan->intervals, ms);
    }
  pan->last_frame_time = now;
  if (pan->done++ >= pan->frames)
    {
      pan->finished = TRUE;
      return G_SOURCE_REMOVE;
    }
  /* the centre moves by STEP_PX to the east: the map slides left, as when dragged */
  shumate_viewport_widget_coords_to_location (viewport, widget, w / 2.0 + STEP_PX, h / 2.0, &lat,
                                              &lon);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), lat, lon);
  return G_SOURCE_CONTINUE;
}

static gboolean
pan_finished (gpointer data)
{
  return ((Pan *) data)->finished;
}

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Saves what @widget shows as PNG at @dir/@name, when @dir is set: what a user sees then. */
static void
save_shot (GtkWidget *widget, const char *dir, const char *name)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    {
      g_object_unref (snapshot);
      return;
    }
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  /* A widget with a redraw queued has no render node until its next frame. */
  for (int i = 0; i < 100 && node == NULL; i++)
    {
      settle (10);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  if (node == NULL)
    {
      g_printerr ("bench-pan: %s: the window was not drawn\n", name);
      return;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_build_filename (dir, name, NULL);
  if (!gdk_texture_save_to_png (texture, path))
    g_printerr ("bench-pan: could not write %s\n", path);
}

int
main (int argc, char **argv)
{
  g_autofree char *level = NULL;
  g_autofree char *zooms_text = NULL;
  g_autofree char *shots = NULL;
  int              frames = 240;
  GOptionEntry     entries[] = {
        { "level", 0, 0, G_OPTION_ARG_STRING, &level, "Areas drawn: ward or lsoa", "LEVEL" },
        { "zoom", 0, 0, G_OPTION_ARG_STRING, &zooms_text, "Zoom levels (default 8,10,12)", "Z,..." },
        { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Frames panned per zoom (default 240)", "N" },
        { "shots", 0, 0, G_OPTION_ARG_FILENAME, &shots,
          "Save the window at MAP and TILES as map.png and tiles.png here", "DIR" },
        { NULL }
  };
  g_autoptr (GOptionContext) options = g_option_context_new ("PROJECT");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) zooms = NULL;
  g_autoptr (GSettings) settings = NULL;
  WmWindow      *window;
  GtkWidget     *map_widget;
  GdkFrameClock *clock;
  gint64         t0;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 2 || frames < 2)
    {
      g_printerr ("%s\n", error ? error->message : g_option_context_get_help (options, TRUE, NULL));
      return 2;
    }
  zooms = g_strsplit (zooms_text ? zooms_text : "8,10,12", ",", -1);
  GDALAllRegister ();
  adw_init ();
  settings = g_settings_new ("org.wealthmap.Wealthmap");
  g_settings_set_enum (settings, "area-level", g_strcmp0 (level, "lsoa") == 0 ? 1 : 0);

  window = wm_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  t0 = g_get_monotonic_time ();
  wm_window_open_project (window, argv[1]);
  spin_until (map_ready, window, 120000);
  if (map_ready (window))
    {
      GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (wm_window_get_map_widget (window));
      gboolean       painted = FALSE;
      gulong id = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (on_painted), &painted);

      gtk_widget_queue_draw (wm_window_get_map_widget (window));
      spin_until (is_true, &painted, 10000);
      g_signal_handler_disconnect (frame_clock, id);
      printf ("MAP %.2f s (map data in the window and a frame painted)\n",
              (double) (g_get_monotonic_time () - t0) / 1e6);
      save_shot (GTK_WIDGET (window), shots, "map.png");
      spin_until (tiles_drawn, wm_window_get_map_widget (window), 60000);
      printf ("TILES %.2f s (the first view's %u area tiles drawn)\n",
              (double) (g_get_monotonic_time () - t0) / 1e6,
              wm_tile_source_get_drawn (WM_TILE_SOURCE (shumate_simple_map_get_map_source (
                  SHUMATE_SIMPLE_MAP (wm_window_get_map_widget (window))))));
      save_shot (GTK_WIDGET (window), shots, "tiles.png");
    }
  spin_until (window_ready, window, 120000);
  if (!window_ready (window))
    {
      g_printerr ("bench-pan: %s did not open: %s\n", argv[1], wm_window_get_last_message (window));
      return 1;
    }
  printf ("OPEN %.2f s (the side panel's figures too; %u areas)\n",
          (double) (g_get_monotonic_time () - t0) / 1e6,
          wm_window_get_map_data (window)->areas->len);

  map_widget = wm_window_get_map_widget (window);
  clock = gtk_widget_get_frame_clock (map_widget);
  for (guint z = 0; zooms[z]; z++)
    {
      Pan         pan = { 0 };
      ShumateMap *map = shumate_simple_map_get_map (SHUMATE_SIMPLE_MAP (map_widget));
      gulong      update_id, paint_id;

      pan.map = map;
      pan.frames = (guint) frames;
      pan.intervals = g_array_new (FALSE, FALSE, sizeof (double));
      pan.work = g_array_new (FALSE, FALSE, sizeof (double));
      shumate_viewport_set_zoom_level (shumate_map_get_viewport (map),
                                       g_ascii_strtod (zooms[z], NULL));
      settle (3000); /* the view's tiles drawn and cached, as when a user stops to look */
      update_id = g_signal_connect (clock, "update", G_CALLBACK (on_update), &pan);
      paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &pan);
      gtk_widget_add_tick_callback (GTK_WIDGET (map), tick, &pan, NULL);
      spin_until (pan_finished, &pan, 120000);
      g_signal_handler_disconnect (clock, update_id);
      g_signal_handler_disconnect (clock, paint_id);
      {
        guint under = 0;

        for (guint i = 0; i < pan.intervals->len; i++)
          under += g_array_index (pan.intervals, double, i) <= 16.7 + 0.5;
        printf ("PAN zoom %s frames %u interval median/p95/max %.1f/%.1f/%.1f ms"
                "  work median/p95/max %.1f/%.1f/%.1f ms  under16 %.0f%%\n",
                zooms[z], pan.intervals->len, quantile (pan.intervals, 0.5),
                quantile (pan.intervals, 0.95), quantile (pan.intervals, 1.0),
                quantile (pan.work, 0.5), quantile (pan.work, 0.95), quantile (pan.work, 1.0),
                pan.intervals->len ? 100.0 * under / pan.intervals->len : 0.0);
        fflush (stdout);
      }
      g_array_unref (pan.intervals);
      g_array_unref (pan.work);
    }
  g_settings_reset (settings, "area-level");
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
