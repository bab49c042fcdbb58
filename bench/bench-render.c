/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How long the map takes to draw, through the app's drawing code, offscreen:
 *  - loading the scene (map data under no filter, projected to Web Mercator once), and ranking
 *    its vertices for the per-zoom simplification;
 *  - at zooms 6 (England) to 14 (streets), centred on the project's extent, a 1400x900 view:
 *    a full frame drawn from nothing (area layers + flows + suppliers + anchors), the 256-px
 *    tiles that view needs as the app's tile threads draw them, and the per-frame overlay
 *    (flows, clustered suppliers, anchors) while panning 7 px a frame;
 * each the median of N frames. Figures go to docs/performance.md.
 *
 * Usage: bench-render PROJECT.wealthmap [--level ward|lsoa] [--flows N] [--frames N]
 *                     [--png-dir DIR] */
#include <gdal.h>
#include <math.h>
#include <stdlib.h>

#include "app/map/wm-render.h"

static double
now (void)
{
  return g_get_monotonic_time () / 1e3;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof *v, (int (*) (const void *, const void *)) cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
view_at (WmMapView *view, double cx, double cy, guint zoom, double w, double h)
{
  view->scale = 256 * ldexp (1.0, (int) zoom);
  view->width = w;
  view->height = h;
  view->x0 = cx - w / 2 / view->scale;
  view->y0 = cy - h / 2 / view->scale;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmScene) scene = NULL;
  g_autofree char *level = NULL;
  g_autofree char *png_dir = NULL;
  int              flows = 10000, frames = 15;
  GOptionEntry     entries[] = {
        { "level", 0, 0, G_OPTION_ARG_STRING, &level, "Areas drawn: ward (default) or lsoa", "L" },
        { "flows", 0, 0, G_OPTION_ARG_INT, &flows, "Flow lines drawn at most (10000)", "N" },
        { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Frames per figure (15)", "N" },
        { "png-dir", 0, 0, G_OPTION_ARG_FILENAME, &png_dir,
          "Save each zoom's full frame here, to look at", "DIR" },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT.wealthmap");
  WmMapFilter        filter = { 0 };
  WmRenderOptions    options;
  WmFlowStats        stats = { 0 };
  double             t, x0, y0, x1, y1, cx, cy;
  g_autofree double *ms = NULL;
  const WmMapData   *data;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("usage: bench-render PROJECT.wealthmap [--level ward|lsoa] [--flows N] "
                  "[--frames N]\n");
      return 2;
    }
  frames = MAX (frames, 1);
  ms = g_new (double, frames);
  GDALAllRegister ();
  project = wm_project_open (argv[1], &error);
  if (project == NULL)
    g_error ("%s", error->message);
  filter.level = level;
  t = now ();
  scene = wm_scene_load (project, &filter, &error);
  if (scene == NULL)
    g_error ("%s", error->message);
  data = wm_scene_get_data (scene);
  g_print ("scene load (map data, projection, outlines): %.0f ms, %u %s areas, %u points, %u "
           "flows\n",
           now () - t, data->areas->len, data->level, data->points->len, data->flows->len);
  /* as the app does in a thread of its own once the first view is drawn */
  t = now ();
  wm_scene_simplify (scene);
  g_print ("simplification (every vertex ranked, borders kept shared): %.0f ms\n", now () - t);
  wm_render_options_init (&options);
  options.max_flows = (guint) flows;
  wm_scene_get_extent (scene, &x0, &y0, &x1, &y1);
  cx = (x0 + x1) / 2;
  cy = (y0 + y1) / 2;
  g_print ("%-5s %12s %12s %8s %14s %10s\n", "zoom", "full frame", "ms per tile", "tiles",
           "overlay/frame", "flows");
  for (guint zoom = 6; zoom <= 14; zoom += 2)
    {
      cairo_surface_t *frame = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1400, 900);
      cairo_surface_t *tile = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 256, 256);
      WmMapView        view;
      double           full, per_tile, overlay;
      guint            n_tiles = 0;
      int              tx0, tx1, ty0, ty1;

      view_at (&view, cx, cy, zoom, 1400, 900);
      for (int i = 0; i < frames; i++)
        {
          cairo_t *cr = cairo_create (frame);

          t = now ();
          wm_render_tile_layers (cr, scene, &view, &options);
          wm_render_overlay (cr, scene, &view, &options, &stats);
          ms[i] = now () - t;
          cairo_destroy (cr);
        }
      full = median (ms, (guint) frames);
      if (png_dir)
        {
          g_autofree char *name = g_strdup_printf ("zoom-%u.png", zoom);
          g_autofree char *path = g_build_filename (png_dir, name, NULL);

          cairo_surface_write_to_png (frame, path);
        }

      /* the tiles covering the view, as the app's tile threads draw them */
      tx0 = (int) floor (view.x0 * view.scale / 256);
      tx1 = (int) floor ((view.x0 + view.width / view.scale) * view.scale / 256);
      ty0 = (int) floor (view.y0 * view.scale / 256);
      ty1 = (int) floor ((view.y0 + view.height / view.scale) * view.scale / 256);
      t = now ();
      for (int x = tx0; x <= tx1; x++)
        for (int y = ty0; y <= ty1; y++)
          {
            cairo_t  *cr = cairo_create (tile);
            WmMapView tv;

            wm_map_view_init_tile (&tv, (guint) x, (guint) y, zoom, 256);
            wm_render_tile_layers (cr, scene, &tv, &options);
            cairo_destroy (cr);
            n_tiles++;
          }
      per_tile = (now () - t) / n_tiles;

      for (int i = 0; i < frames; i++)
        {
          cairo_t *cr = cairo_create (frame);

          view.x0 += 7 / view.scale; /* a drag of 7 px per frame */
          t = now ();
          wm_render_overlay (cr, scene, &view, &options, &stats);
          ms[i] = now () - t;
          cairo_destroy (cr);
        }
      overlay = median (ms, (guint) frames);
      g_print ("%-5u %9.1f ms %9.2f ms %8u %11.1f ms %10u\n", zoom, full, per_tile, n_tiles,
               overlay, stats.drawn);
      cairo_surface_destroy (frame);
      cairo_surface_destroy (tile);
    }
  return 0;
}
