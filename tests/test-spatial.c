/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Point in polygon: inside, outside, holes, multipolygons, and points on an edge or a vertex
 * shared by two areas, which must land in exactly one of them. */
#include <ogr_api.h>

#include "app/core/wm-spatial-index.h"

static OGRGeometryH
wkt (const char *text)
{
  OGRGeometryH g = NULL;
  char        *p = (char *) text;

  g_assert_cmpint (OGR_G_CreateFromWkt (&p, NULL, &g), ==, OGRERR_NONE);
  return g;
}

static WmSpatialIndex *
two_squares_and_a_donut (void)
{
  WmSpatialIndex *index = wm_spatial_index_new ();
  OGRGeometryH    a = wkt ("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))");
  OGRGeometryH    b = wkt ("POLYGON ((1 0, 2 0, 2 1, 1 1, 1 0))");
  OGRGeometryH    donut = wkt ("MULTIPOLYGON (((10 10, 14 10, 14 14, 10 14, 10 10), (11 11, 13 11,"
                                  " 13 13, 11 13, 11 11)), ((20 20, 21 20, 21 21, 20 21, 20 20)))");

  wm_spatial_index_add (index, a, 0);
  wm_spatial_index_add (index, b, 1);
  wm_spatial_index_add (index, donut, 2);
  wm_spatial_index_build (index);
  OGR_G_DestroyGeometry (a);
  OGR_G_DestroyGeometry (b);
  OGR_G_DestroyGeometry (donut);
  return index;
}

static void
test_inside_outside (void)
{
  g_autoptr (WmSpatialIndex) index = two_squares_and_a_donut ();

  g_assert_cmpint (wm_spatial_index_find (index, 0.5, 0.5), ==, 0);
  g_assert_cmpint (wm_spatial_index_find (index, 1.5, 0.5), ==, 1);
  g_assert_cmpint (wm_spatial_index_find (index, 3, 0.5), ==, -1);
  g_assert_cmpint (wm_spatial_index_find (index, -0.1, 0.5), ==, -1);
  g_assert_cmpint (wm_spatial_index_find (index, 10.5, 12), ==, 2);   /* the ring */
  g_assert_cmpint (wm_spatial_index_find (index, 12, 12), ==, -1);    /* the hole */
  g_assert_cmpint (wm_spatial_index_find (index, 20.5, 20.5), ==, 2); /* second part */
  g_assert_cmpint (wm_spatial_index_size (index), ==, 3);
}

static void
test_shared_edges (void)
{
  g_autoptr (WmSpatialIndex) index = two_squares_and_a_donut ();
  /* On the shared edge x = 1, at its ends (shared vertices) and along it. */
  const double points[][2] = { { 1, 0.5 }, { 1, 0.25 }, { 1, 0 }, { 1, 1 }, { 1, 0.999999 } };

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      double x = points[i][0], y = points[i][1];
      int    hits = wm_spatial_index_area_contains (index, 0, x, y)
                 + wm_spatial_index_area_contains (index, 1, x, y);

      g_test_message ("point (%g, %g)", x, y);
      /* Interior points of the shared edge are in exactly one square; the shared corners on
       * the outer boundary (y = 0 or 1) are in at most one. */
      if (y > 0 && y < 1)
        g_assert_cmpint (hits, ==, 1);
      else
        g_assert_cmpint (hits, <=, 1);
      if (hits == 1)
        g_assert_cmpint (wm_spatial_index_find (index, x, y), >=, 0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wm/spatial/inside-outside", test_inside_outside);
  g_test_add_func ("/wm/spatial/shared-edges", test_shared_edges);
  return g_test_run ();
}
