/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How long the map takes to draw: loading the scene, every 256-px tile over the project's
 * extent at zooms 9-13, and the per-frame overlay (flows, clustered suppliers, anchors) for a
 * 1400x900 view fitted to the extent. Figures go to docs/performance.md.
 *
 * Usage: bench-render PROJECT.wealthmap */
#include <gdal.h>
#include <math.h>

#include "app/map/wm-render.h"

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = NULL;
  g_autoptr (WmScene) scene = NULL;
  WmRenderOptions options;
  double          t, x0, y0, x1, y1;

  if (argc != 2)
    {
      g_printerr ("usage: bench-render PROJECT.wealthmap\n");
      return 2;
    }
  GDALAllRegister ();
  project = wm_project_open (argv[1], &error);
  if (project == NULL)
    g_error ("%s", error->message);
  t = now ();
  scene = wm_scene_load (project, NULL, &error);
  if (scene == NULL)
    g_error ("%s", error->message);
  g_print ("scene load (map data, projection, outlines): %.3f s, %u areas, %u points, %u flows\n",
           now () - t, wm_scene_get_data (scene)->areas->len,
           wm_scene_get_data (scene)->points->len, wm_scene_get_data (scene)->flows->len);
  wm_render_options_init (&options);
  wm_scene_get_extent (scene, &x0, &y0, &x1, &y1);
  for (guint zoom = 9; zoom <= 13; zoom++)
    {
      double           n = ldexp (1.0, (int) zoom);
      guint            tx0 = (guint) floor (x0 * n), tx1 = (guint) floor (x1 * n);
      guint            ty0 = (guint) floor (y0 * n), ty1 = (guint) floor (y1 * n);
      guint            tiles = 0;
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 256, 256);

      t = now ();
      for (guint x = tx0; x <= tx1; x++)
        for (guint y = ty0; y <= ty1; y++)
          {
            cairo_t  *cr = cairo_create (surface);
            WmMapView view;

            wm_map_view_init_tile (&view, x, y, zoom, 256);
            wm_render_tile_layers (cr, scene, &view, &options);
            cairo_destroy (cr);
            tiles++;
          }
      g_print ("tiles at zoom %u: %u tiles, %.2f ms per tile\n", zoom, tiles,
               (now () - t) * 1000 / tiles);
      cairo_surface_destroy (surface);
    }
  {
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1400, 900);
    WmMapView        view;
    WmFlowStats      stats;
    const int        frames = 20;

    wm_map_view_init_fit (&view, x0, y0, x1, y1, 1400, 900, 30);
    t = now ();
    for (int i = 0; i < frames; i++)
      {
        cairo_t *cr = cairo_create (surface);

        /* A pan of 7 px per frame, as a drag would do. */
        view.x0 += 7 / view.scale;
        wm_render_overlay (cr, scene, &view, &options, &stats);
        cairo_destroy (cr);
      }
    g_print ("overlay 1400x900: %.2f ms per frame (%u flow lines drawn, %u summed)\n",
             (now () - t) * 1000 / frames, stats.drawn, stats.rest);
    cairo_surface_destroy (surface);
  }
  return 0;
}
