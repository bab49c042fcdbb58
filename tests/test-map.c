/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The map's per-zoom simplification (app/map/wm-simplify.c), on the real Lancashire LSOAs:
 *  - every vertex has one rank, however many areas use it and whichever way round they walk
 *    it, so neighbours keep the same vertices of their border and no slivers open;
 *  - at any tolerance each vertex left out lies within the tolerance of the outline kept
 *    (Douglas-Peucker's bound, checked against the segments drawn, not the ranks);
 *  - an area inside another (a ring shared whole, walked from different vertices the other
 *    way round) ranks the same from both sides;
 *  - a whole project's map drawn simplified differs from the map drawn with every vertex by
 *    no more than anti-aliasing.
 * Usage: test-map --tap LANCASHIRE.wealthmap (the real data found through WM_SHARED_DATA). */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <string.h>

#include "app/map/wm-render.h"
#include "app/map/wm-simplify.h"

static const char *lancashire_path;

typedef struct
{
  GArray *xy;     /* double: Mercator x, y */
  GArray *starts; /* guint */
  float  *rank;
} Area;

static void
area_free (Area *a)
{
  g_array_unref (a->xy);
  g_array_unref (a->starts);
  g_free (a->rank);
  g_free (a);
}

static void
add_rings (Area *a, OGRGeometryH g)
{
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (g));

  if (type == wkbLineString || type == wkbLinearRing)
    {
      guint start = a->xy->len / 2;

      g_array_append_val (a->starts, start);
      for (int i = 0; i < OGR_G_GetPointCount (g); i++)
        {
          double m[2];

          wm_mercator (OGR_G_GetX (g, i), OGR_G_GetY (g, i), &m[0], &m[1]);
          g_array_append_vals (a->xy, m, 2);
        }
      return;
    }
  for (int i = 0; i < OGR_G_GetGeometryCount (g); i++)
    add_rings (a, OGR_G_GetGeometryRef (g, i));
}

/* The 941 LSOAs of the 14 Lancashire districts, ranked together as the map ranks them, with
 * their borders in @arcs when not NULL. */
static GPtrArray *
lancashire_lsoas (GArray *arcs)
{
  GPtrArray       *areas = g_ptr_array_new_with_free_func ((GDestroyNotify) area_free);
  const char      *root = g_getenv ("WM_SHARED_DATA");
  g_autofree char *dir = NULL;
  g_autoptr (GDir) listing = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree WmSimplifyShape *shapes = NULL;
  const char                 *name;

  g_assert_nonnull (root);
  dir = g_build_filename (root, "boundaries", "lsoa_2011_by_lad", NULL);
  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, ==, 14);
  for (guint f = 0; f < names->len; f++)
    {
      GDALDatasetH ds = GDALOpenEx (names->pdata[f], GDAL_OF_VECTOR, NULL, NULL, NULL);
      OGRLayerH    layer;
      OGRFeatureH  feature;

      g_assert_nonnull (ds);
      layer = GDALDatasetGetLayer (ds, 0);
      while ((feature = OGR_L_GetNextFeature (layer)) != NULL)
        {
          Area *a = g_new0 (Area, 1);
          guint end;

          a->xy = g_array_new (FALSE, FALSE, sizeof (double));
          a->starts = g_array_new (FALSE, FALSE, sizeof (guint));
          add_rings (a, OGR_F_GetGeometryRef (feature));
          end = a->xy->len / 2;
          g_array_append_val (a->starts, end);
          a->rank = g_new (float, MAX (end, 1));
          g_ptr_array_add (areas, a);
          OGR_F_Destroy (feature);
        }
      GDALClose (ds);
    }
  g_assert_cmpuint (areas->len, ==, 941);
  shapes = g_new0 (WmSimplifyShape, areas->len);
  for (guint i = 0; i < areas->len; i++)
    {
      Area *a = areas->pdata[i];

      shapes[i] = (WmSimplifyShape){ (const double *) a->xy->data, (const guint *) a->starts->data,
                                     a->starts->len - 1, a->rank };
    }
  wm_simplify_rank (shapes, areas->len, arcs);
  return areas;
}

/* The tolerance of 0.4 px (the map's) at a zoom level. */
static double
tolerance_at (int zoom)
{
  return 0.4 / (256 * ldexp (1.0, zoom));
}

/* One vertex: a position to 2^-32 of the Mercator square (under 1 cm), as wm-simplify.h
 * matches vertices between rings. */
static char *
key_of (const double *xy, guint k)
{
  return g_strdup_printf ("%.0f %.0f", round (xy[2 * k] * 4294967295.0),
                          round (xy[2 * k + 1] * 4294967295.0));
}

static void
test_shared_ranks (void)
{
  g_autoptr (GPtrArray) areas = lancashire_lsoas (NULL);
  g_autoptr (GHashTable) rank_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint shared = 0, junctions = 0, vertices = 0;

  for (guint i = 0; i < areas->len; i++)
    {
      Area         *a = areas->pdata[i];
      const double *xy = (const double *) a->xy->data;

      const guint *starts = (const guint *) a->starts->data;

      for (guint r = 0; r + 1 < a->starts->len; r++)
        for (guint k = starts[r]; k < starts[r + 1]; k++)
          {
            char  *key = key_of (xy, k);
            float *seen = g_hash_table_lookup (rank_of, key);

            vertices++;
            g_assert_false (isnan (a->rank[k]));
            g_assert_cmpfloat (a->rank[k], >=, 0);
            if (seen == NULL)
              {
                g_hash_table_insert (rank_of, key, g_memdup2 (&a->rank[k], sizeof (float)));
                continue;
              }
            g_free (key);
            /* the closing repeat of a ring's first vertex ranks as that vertex */
            if (k + 1 == starts[r + 1] && xy[2 * k] == xy[2 * starts[r]]
                && xy[2 * k + 1] == xy[2 * starts[r] + 1])
              {
                g_assert_cmpfloat (a->rank[k], ==, a->rank[starts[r]]);
                continue;
              }
            shared++;
            junctions += isinf (a->rank[k]);
            if (*seen != a->rank[k])
              g_error ("vertex %u of area %u ranked %g, and %g in another ring", k, i, a->rank[k],
                       *seen);
          }
    }
  /* LSOAs share most of their borders: a test that saw none would prove nothing */
  g_test_message ("%u vertices, %u uses of a vertex seen before, %u of them ends of arcs", vertices,
                  shared, junctions);
  g_assert_cmpuint (shared, >, vertices / 3);
  g_assert_cmpuint (junctions, >, 0);
  g_assert_cmpuint (junctions, <, shared / 2);
}

static double
segment_distance (const double *xy, guint p, guint a, guint b)
{
  double ax = xy[2 * a], ay = xy[2 * a + 1], dx = xy[2 * b] - ax, dy = xy[2 * b + 1] - ay;
  double px = xy[2 * p] - ax, py = xy[2 * p + 1] - ay, len2 = dx * dx + dy * dy, t;

  t = len2 > 0 ? CLAMP ((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
  return hypot (px - t * dx, py - t * dy);
}

/* An edge between two vertices, either way round. */
static char *
edge_of (const double *xy, guint a, guint b)
{
  g_autofree char *ka = key_of (xy, a);
  g_autofree char *kb = key_of (xy, b);

  return strcmp (ka, kb) < 0 ? g_strconcat (ka, "-", kb, NULL) : g_strconcat (kb, "-", ka, NULL);
}

/* The borders drawn once: the arcs cover every edge of every ring exactly once, and an arc is
 * marked as two areas' border exactly when two areas have its edges. */
static void
test_arcs (void)
{
  g_autoptr (GArray) arcs = g_array_new (FALSE, FALSE, sizeof (WmSimplifyArc));
  g_autoptr (GPtrArray) areas = lancashire_lsoas (arcs);
  g_autoptr (GHashTable) owners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) covered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint shared = 0;

  /* every edge of every ring, and how many areas have it (from the rings themselves) */
  for (guint i = 0; i < areas->len; i++)
    {
      Area         *a = areas->pdata[i];
      const double *xy = (const double *) a->xy->data;
      const guint  *starts = (const guint *) a->starts->data;

      for (guint r = 0; r + 1 < a->starts->len; r++)
        for (guint k = starts[r]; k + 1 < starts[r + 1]; k++)
          {
            char *e = edge_of (xy, k, k + 1);

            g_hash_table_insert (
                owners, e,
                GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (owners, e)) + 1));
          }
    }
  for (guint j = 0; j < arcs->len; j++)
    {
      const WmSimplifyArc *arc = &g_array_index (arcs, WmSimplifyArc, j);
      Area                *a = areas->pdata[arc->shape];
      const double        *xy = (const double *) a->xy->data;

      g_assert_cmpuint (arc->n, >=, 2);
      g_assert_cmpuint (arc->n, <=, arc->ring_length + 1);
      shared += arc->other != G_MAXUINT;
      for (guint i = 0; i + 1 < arc->n; i++)
        {
          guint k = arc->ring_start + (arc->from + i) % arc->ring_length;
          guint l = arc->ring_start + (arc->from + i + 1) % arc->ring_length;
          char *e = edge_of (xy, k, l);
          guint uses = GPOINTER_TO_UINT (g_hash_table_lookup (owners, e));

          g_assert_cmpfloat (xy[2 * k], >=, arc->bbox[0]);
          g_assert_cmpfloat (xy[2 * k], <=, arc->bbox[2]);
          g_assert_cmpfloat (xy[2 * k + 1], >=, arc->bbox[1]);
          g_assert_cmpfloat (xy[2 * k + 1], <=, arc->bbox[3]);
          if (g_hash_table_contains (covered, e))
            g_error ("arc %u covers an edge another arc covers", j);
          g_assert_cmpuint (uses, ==, arc->other != G_MAXUINT ? 2 : 1);
          g_hash_table_add (covered, e);
        }
    }
  g_test_message ("%u arcs, %u of them borders of two areas; %u edges", arcs->len, shared,
                  g_hash_table_size (owners));
  g_assert_cmpuint (g_hash_table_size (covered), ==, g_hash_table_size (owners));
  g_assert_cmpuint (shared, >, arcs->len / 3);
}

static void
test_error_bound (void)
{
  g_autoptr (GPtrArray) areas = lancashire_lsoas (NULL);

  for (int zoom = 6; zoom <= 16; zoom += 2)
    {
      double tol = tolerance_at (zoom);
      guint  kept = 0, total = 0;

      for (guint i = 0; i < areas->len; i++)
        {
          Area         *a = areas->pdata[i];
          const double *xy = (const double *) a->xy->data;
          const guint  *starts = (const guint *) a->starts->data;

          for (guint r = 0; r + 1 < a->starts->len; r++)
            {
              g_autoptr (GArray) keep = g_array_new (FALSE, FALSE, sizeof (guint));
              guint s = starts[r], e = starts[r + 1];

              for (guint k = s; k < e; k++)
                if (a->rank[k] >= (float) tol)
                  g_array_append_val (keep, k);
              total += e - s;
              kept += keep->len;
              /* a ring's ends of arcs are always kept: it never vanishes */
              g_assert_cmpuint (keep->len, >=, 1);
              /* every vertex left out is near the segment between the kept ones around it */
              for (guint j = 0; j < keep->len; j++)
                {
                  guint from = g_array_index (keep, guint, j);
                  guint to = g_array_index (keep, guint, (j + 1) % keep->len);

                  for (guint k = from + 1 < e ? from + 1 : s; k != to; k = k + 1 < e ? k + 1 : s)
                    {
                      double d = segment_distance (xy, k, from, to);

                      /* ranks are worked out on positions rounded to 2^-32 */
                      if (d > tol * (1 + 1e-5) + 1e-9)
                        g_error ("zoom %d: area %u, vertex %u is %.3f px from the outline kept",
                                 zoom, i, k, d / tol * 0.4);
                    }
                }
            }
        }
      g_test_message ("zoom %d: %u of %u vertices kept", zoom, kept, total);
      g_assert_cmpuint (kept, <=, total);
      if (zoom <= 8)
        g_assert_cmpuint (kept, <, total / 3); /* it simplifies at all */
    }
}

/* A ring shared whole: an area with a hole and the area filling it, the shared ring listed
 * from another vertex and the other way round, and a lone triangle. */
static void
test_hole_and_island (void)
{
  /* a wiggly ring of 12 vertices round (0.5, 0.5), radius 0.1 to 0.1003 */
  double ring[12][2];
  double outer[5][2] = { { 0.3, 0.3 }, { 0.7, 0.3 }, { 0.7, 0.7 }, { 0.3, 0.7 }, { 0.3, 0.3 } };
  g_autoptr (GArray) xy_a = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) xy_b = g_array_new (FALSE, FALSE, sizeof (double));
  double          tri[4][2] = { { 0.1, 0.1 }, { 0.2, 0.1 }, { 0.15, 0.2 }, { 0.1, 0.1 } };
  guint           starts_a[3] = { 0, 5, 18 }, starts_b[2] = { 0, 13 }, starts_c[2] = { 0, 4 };
  float           rank_a[18], rank_b[13], rank_c[4];
  WmSimplifyShape shapes[3];

  for (int i = 0; i < 12; i++)
    {
      double r = 0.1 + (i % 3 == 1 ? 0.0003 : 0), t = 2 * G_PI * i / 12;

      ring[i][0] = 0.5 + r * cos (t);
      ring[i][1] = 0.5 + r * sin (t);
    }
  g_array_append_vals (xy_a, outer, 10);
  for (int i = 0; i <= 12; i++) /* the hole: from vertex 5, clockwise, closed */
    g_array_append_vals (xy_a, ring[(5 + 12 - i) % 12], 2);
  for (int i = 0; i <= 12; i++) /* the island: from vertex 0, anticlockwise, closed */
    g_array_append_vals (xy_b, ring[i % 12], 2);
  shapes[0] = (WmSimplifyShape){ (double *) xy_a->data, starts_a, 2, rank_a };
  shapes[1] = (WmSimplifyShape){ (double *) xy_b->data, starts_b, 1, rank_b };
  shapes[2] = (WmSimplifyShape){ &tri[0][0], starts_c, 1, rank_c };
  wm_simplify_rank (shapes, 3, NULL);
  for (int i = 0; i < 12; i++)
    {
      int in_hole = (5 + 12 - i) % 12; /* where vertex i of the ring sits in the hole */

      g_assert_cmpfloat (rank_b[i], ==, rank_a[5 + in_hole]);
    }
  g_assert_cmpfloat (rank_b[12], ==, rank_b[0]);
  /* only the lowest vertex (0.4, 0.5: vertex 6) is an end; the bumps keep distances apart */
  g_assert_true (isinf (rank_b[6]));
  for (int i = 0; i < 12; i++)
    if (i != 6)
      {
        g_assert_cmpfloat (rank_b[i], >, 0);
        g_assert_cmpfloat (rank_b[i], <=, 0.2001); /* the diameter, for the opposite one */
      }
  /* a triangle alone keeps its three corners at a tolerance under its size */
  g_assert_cmpfloat (MIN (rank_c[0], MIN (rank_c[1], rank_c[2])), >, 0.05);
  /* a square's corners are all kept up to half its diagonal from the other corners */
  for (int i = 0; i < 5; i++)
    g_assert_cmpfloat (rank_a[i], >=, 0.28);
}

/* A project's map drawn with and without the simplification, at the zooms where it leaves out
 * most vertices: the same picture but for anti-aliasing along the borders. */
static void
test_render_unchanged (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = wm_project_open (lancashire_path, &error);
  WmMapFilter filter = { .level = "ward" };
  g_autoptr (WmScene) plain = NULL;
  g_autoptr (WmScene) simple = NULL;
  WmRenderOptions options;
  double          x0, y0, x1, y1;

  g_assert_no_error (error);
  plain = wm_scene_load (project, &filter, &error);
  g_assert_no_error (error);
  simple = wm_scene_load (project, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (wm_scene_get_data (plain)->areas->len, >, 100);
  wm_scene_simplify (simple);
  wm_scene_simplify (simple); /* a second call changes nothing */
  wm_render_options_init (&options);
  options.layers = WM_LAYER_BASE | WM_LAYER_AREAS;
  wm_scene_get_extent (plain, &x0, &y0, &x1, &y1);
  for (guint zoom = 8; zoom <= 12; zoom += 2)
    {
      cairo_surface_t *a = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 800, 600);
      cairo_surface_t *b = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 800, 600);
      WmMapView        view = { 256 * ldexp (1.0, (int) zoom), 0, 0, 800, 600 };
      cairo_t         *cr;
      guint            differ = 0, worst = 0;
      g_autoptr (GHashTable) colours = g_hash_table_new (NULL, NULL);

      view.x0 = (x0 + x1) / 2 - 400 / view.scale;
      view.y0 = (y0 + y1) / 2 - 300 / view.scale;
      cr = cairo_create (a);
      wm_render_tile_layers (cr, plain, &view, &options);
      cairo_destroy (cr);
      cr = cairo_create (b);
      wm_render_tile_layers (cr, simple, &view, &options);
      cairo_destroy (cr);
      cairo_surface_flush (a);
      cairo_surface_flush (b);
      for (int y = 0; y < 600; y++)
        {
          const guint8 *pa
              = cairo_image_surface_get_data (a) + y * cairo_image_surface_get_stride (a);
          const guint8 *pb
              = cairo_image_surface_get_data (b) + y * cairo_image_surface_get_stride (b);

          for (int x = 0; x < 800; x++)
            g_hash_table_add (colours, GUINT_TO_POINTER (((const guint32 *) pb)[x] & 0xffffff));
          for (int x = 0; x < 800; x++)
            {
              guint d = 0;

              for (int c = 0; c < 3; c++)
                d = MAX (d, (guint) ABS (pa[4 * x + c] - pb[4 * x + c]));
              worst = MAX (worst, d);
              differ += d > 40;
            }
        }
      if (g_getenv ("WM_TEST_PNG"))
        {
          g_autofree char *pa = g_strdup_printf ("%s/plain-%u.png", g_getenv ("WM_TEST_PNG"), zoom);
          g_autofree char *pb
              = g_strdup_printf ("%s/simple-%u.png", g_getenv ("WM_TEST_PNG"), zoom);
          cairo_surface_write_to_png (a, pa);
          cairo_surface_write_to_png (b, pb);
        }
      g_test_message ("zoom %u: %u colours, %u pixels differ by more than 40 of 255, at most by %u",
                      zoom, g_hash_table_size (colours), differ, worst);
      /* the wards are drawn: IMD deciles, borders and their anti-aliasing */
      g_assert_cmpuint (g_hash_table_size (colours), >, 20);
      /* Thin borders move by a pixel where a vertex is left out, so single pixels differ by up
       * to half the scale (slivers are ruled out by the shared ranks, above): under 1% of the
       * picture may differ by more than 40 in 255. */
      g_assert_cmpuint (differ, <, 800 * 600 / 100);
      cairo_surface_destroy (a);
      cairo_surface_destroy (b);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test-map --tap LANCASHIRE.wealthmap");
  lancashire_path = argv[1];
  GDALAllRegister ();
  g_test_add_func ("/wm/map/simplify/shared-ranks", test_shared_ranks);
  g_test_add_func ("/wm/map/simplify/arcs", test_arcs);
  g_test_add_func ("/wm/map/simplify/error-bound", test_error_bound);
  g_test_add_func ("/wm/map/simplify/hole-and-island", test_hole_and_island);
  g_test_add_func ("/wm/map/simplify/render-unchanged", test_render_unchanged);
  return g_test_run ();
}
