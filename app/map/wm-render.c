/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pure cairo drawing of a project's map in Web Mercator. The scene projects the data once;
 * every drawing call then takes a view (scale + origin), so one code path draws 256-pixel
 * tiles in worker threads, the app's per-frame overlay and whole-map PNG/SVG/PDF exports.
 * Wards are filled by IMD decile with viridis (colour-blind safe, decile 1 = most deprived =
 * darkest); suppliers and flows use Okabe-Ito colours for local / regional / leaked. */
#include "wm-render.h"

#include "wm-basemap.h"
#include "wm-simplify.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <png.h>
#include <string.h>

#include "app/core/wm-error.h"
#include "app/core/wm-text.h"

#define LEGEND_WIDTH 300.0
#define MARGIN 24.0
#define CELL 44.0 /* pixels: suppliers closer than this at the current zoom are one cluster */
#define DEFAULT_MAX_FLOWS 150

static const double viridis[10][3] = {
  { 0x44, 0x01, 0x54 }, { 0x48, 0x28, 0x78 }, { 0x3e, 0x49, 0x89 }, { 0x31, 0x68, 0x8e },
  { 0x26, 0x82, 0x8e }, { 0x1f, 0x9e, 0x89 }, { 0x35, 0xb7, 0x79 }, { 0x6e, 0xce, 0x58 },
  { 0xb5, 0xde, 0x2b }, { 0xfd, 0xe7, 0x25 },
};

/* £ received: ColorBrewer YlOrRd (sequential, colour-blind safe), one class per power of ten
 * from £1k; no spend is pale grey. */
static const double received_colours[6][3] = {
  { 0xff, 0xff, 0xb2 }, { 0xfe, 0xd9, 0x76 }, { 0xfe, 0xb2, 0x4c },
  { 0xfd, 0x8d, 0x3c }, { 0xf0, 0x3b, 0x20 }, { 0xbd, 0x00, 0x26 },
};
static const char *const received_labels[6]
    = { "under £1k", "£1k–£10k", "£10k–£100k", "£100k–£1m", "£1m–£10m", "£10m and over" };

enum
{
  PLACE_LOCAL,
  PLACE_REGIONAL,
  PLACE_LEAKED,
  PLACE_UNSET,
  N_PLACES
};

typedef struct
{
  const char *place;
  const char *label;
  double      rgb[3];
} PlaceStyle;

/* Okabe-Ito colours: distinct for the common colour-vision deficiencies. */
static const PlaceStyle place_styles[N_PLACES] = {
  { "local", "Local", { 0.0, 0.62, 0.45 } },
  { "regional", "Rest of the region", { 0.90, 0.62, 0.0 } },
  { "leaked", "Outside the region (leaked)", { 0.80, 0.47, 0.65 } },
  { "unset", "Located, no place set", { 0.45, 0.45, 0.45 } },
};

typedef struct
{
  double       *mxy; /* projected x, y pairs */
  const GArray *ring_starts;
  float        *rank;   /* per vertex: the tolerance up to which it is drawn (wm-simplify.h) */
  const gint   *ranked; /* whether rank is filled in yet (read atomically) */
  double        bbox[4];
} Shape;

struct _WmScene
{
  WmMapData *data;
  GPtrArray *land_src;
  Shape     *areas;
  float     *area_ranks;  /* the areas' Shape.rank, filled in by wm_scene_simplify */
  GArray    *arcs;        /* WmSimplifyArc: the areas' borders, each once, by shape */
  guint     *arc_first;   /* per area: its first arc, and one past the end */
  guint     *other_first; /* per area: where its list of arcs read from another area starts */
  guint     *other_arcs;
  gint       simplified; /* atomic: area_ranks and arcs are filled in */
  GMutex     simplify_lock;
  Shape     *land;
  float     *land_ranks;
  guint      n_land;
  double    *points;       /* projected x, y per point */
  int       *point_place;  /* PLACE_* per point */
  GArray    *local_edges;  /* x1, y1, x2, y2: the local area's outer boundary */
  GArray    *region_edges; /* and the region's (local area included) */
  double     extent[4];
  gint64     max_supplier; /* pence: the largest supplier, for circle sizes */
};

void
wm_mercator (double lon, double lat, double *mx, double *my)
{
  double phi = CLAMP (lat, -85.05112878, 85.05112878) * G_PI / 180;

  *mx = (lon + 180) / 360;
  *my = 0.5 - log (tan (G_PI / 4 + phi / 2)) / (2 * G_PI);
}

void
wm_mercator_inverse (double mx, double my, double *lon, double *lat)
{
  *lon = mx * 360 - 180;
  *lat = (2 * atan (exp ((0.5 - my) * 2 * G_PI)) - G_PI / 2) * 180 / G_PI;
}

static int
place_index (const char *place)
{
  for (int i = 0; i < N_PLACES; i++)
    if (g_strcmp0 (place, place_styles[i].place) == 0)
      return i;
  return PLACE_UNSET;
}

void
wm_render_place_rgb (const char *place, double rgb[3])
{
  memcpy (rgb, place_styles[place_index (place)].rgb, 3 * sizeof (double));
}

/* @ranks: where the shape's vertex ranks go, and @ranked: whether they are there. */
static void
shape_init (Shape *shape, const WmMapArea *a, float *ranks, const gint *ranked)
{
  const double *xy = (const double *) a->xy->data;
  guint         n = a->xy->len / 2;

  shape->mxy = g_new (double, 2 * MAX (n, 1));
  shape->rank = ranks;
  shape->ranked = ranked;
  shape->ring_starts = a->ring_starts;
  shape->bbox[0] = shape->bbox[1] = INFINITY;
  shape->bbox[2] = shape->bbox[3] = -INFINITY;
  for (guint k = 0; k < n; k++)
    {
      wm_mercator (xy[2 * k], xy[2 * k + 1], &shape->mxy[2 * k], &shape->mxy[2 * k + 1]);
      shape->bbox[0] = MIN (shape->bbox[0], shape->mxy[2 * k]);
      shape->bbox[1] = MIN (shape->bbox[1], shape->mxy[2 * k + 1]);
      shape->bbox[2] = MAX (shape->bbox[2], shape->mxy[2 * k]);
      shape->bbox[3] = MAX (shape->bbox[3], shape->mxy[2 * k + 1]);
    }
}

/* An edge as its two end points in a canonical order, exact to ~1 cm, so that the same edge
 * of two neighbouring wards (the boundaries share their vertices) compares equal. */
typedef struct
{
  gint64 v[4];
} EdgeKey;

static guint
edge_hash (gconstpointer p)
{
  const EdgeKey *k = p;
  guint64        h = 1469598103934665603ull;

  for (int i = 0; i < 4; i++)
    h = (h ^ (guint64) k->v[i]) * 1099511628211ull;
  return (guint) (h ^ (h >> 32));
}

static gboolean
edge_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (EdgeKey)) == 0;
}

/* The outer boundary of a set of areas: the edges that belong to exactly one of them. */
static GArray *
outer_edges (WmScene *scene, gboolean (*member) (const WmMapArea *))
{
  g_autoptr (GHashTable) count = g_hash_table_new_full (edge_hash, edge_equal, g_free, NULL);
  GArray        *edges = g_array_new (FALSE, FALSE, sizeof (double));
  GHashTableIter iter;
  gpointer       key, value;

  for (guint i = 0; i < scene->data->areas->len; i++)
    {
      const WmMapArea *a = g_ptr_array_index (scene->data->areas, i);
      const double    *xy = scene->areas[i].mxy;
      const guint     *starts = (const guint *) a->ring_starts->data;

      if (!member (a))
        continue;
      for (guint r = 0; r + 1 < a->ring_starts->len; r++)
        for (guint k = starts[r]; k + 1 < starts[r + 1]; k++)
          {
            gint64   p[4] = { llround (xy[2 * k] * 4e9), llround (xy[2 * k + 1] * 4e9),
                              llround (xy[2 * k + 2] * 4e9), llround (xy[2 * k + 3] * 4e9) };
            EdgeKey *e = g_new (EdgeKey, 1);

            if (p[0] > p[2] || (p[0] == p[2] && p[1] > p[3]))
              {
                e->v[0] = p[2], e->v[1] = p[3], e->v[2] = p[0], e->v[3] = p[1];
              }
            else
              memcpy (e->v, p, sizeof p);
            if (e->v[0] == e->v[2] && e->v[1] == e->v[3])
              {
                g_free (e);
                continue;
              }
            value = g_hash_table_lookup (count, e);
            g_hash_table_replace (count, e, GINT_TO_POINTER (GPOINTER_TO_INT (value) + 1));
          }
    }
  g_hash_table_iter_init (&iter, count);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_INT (value) == 1)
      {
        const EdgeKey *e = key;
        double         d[4] = { e->v[0] / 4e9, e->v[1] / 4e9, e->v[2] / 4e9, e->v[3] / 4e9 };

        g_array_append_vals (edges, d, 4);
      }
  return edges;
}

/* Ranks the vertices of @shapes for drawing at every zoom, borders shared (wm-simplify.h). */
static void
shapes_rank (Shape *shapes, guint n, GArray *arcs)
{
  g_autofree WmSimplifyShape *s = g_new0 (WmSimplifyShape, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      s[i].xy = shapes[i].mxy;
      s[i].starts = (const guint *) shapes[i].ring_starts->data;
      s[i].n_rings = shapes[i].ring_starts->len > 0 ? shapes[i].ring_starts->len - 1 : 0;
      s[i].rank = shapes[i].rank;
    }
  wm_simplify_rank (s, n, arcs);
}

static gboolean
is_local (const WmMapArea *a)
{
  return g_strcmp0 (a->role, "local") == 0;
}

static gboolean
in_region (const WmMapArea *a)
{
  return a->role != NULL;
}

static void
extend (double *box, double x0, double y0, double x1, double y1)
{
  box[0] = MIN (box[0], x0);
  box[1] = MIN (box[1], y0);
  box[2] = MAX (box[2], x1);
  box[3] = MAX (box[3], y1);
}

/* The vertices of @areas' rings, for a buffer of one rank each. */
static gsize
count_vertices (GPtrArray *areas)
{
  gsize n = 0;

  for (guint i = 0; i < areas->len; i++)
    n += ((WmMapArea *) g_ptr_array_index (areas, i))->xy->len / 2;
  return n;
}

WmScene *
wm_scene_new (WmMapData *data, GPtrArray *land)
{
  static const gint always = TRUE;
  WmScene          *scene = g_atomic_rc_box_new0 (WmScene);
  guint             n_points = data->points->len;
  gsize             at = 0;

  scene->data = data;
  scene->land_src = land;
  scene->arcs = g_array_new (FALSE, FALSE, sizeof (WmSimplifyArc));
  scene->area_ranks = g_new (float, MAX (count_vertices (data->areas), 1));
  scene->areas = g_new0 (Shape, MAX (data->areas->len, 1));
  for (guint i = 0; i < data->areas->len; i++)
    {
      WmMapArea *a = g_ptr_array_index (data->areas, i);

      shape_init (&scene->areas[i], a, scene->area_ranks + at, &scene->simplified);
      at += a->xy->len / 2;
    }
  /* The land is a few thousand vertices: ranked at once. */
  scene->n_land = land ? land->len : 0;
  scene->land = g_new0 (Shape, MAX (scene->n_land, 1));
  scene->land_ranks = g_new (float, MAX (land ? count_vertices (land) : 0, 1));
  at = 0;
  for (guint i = 0; i < scene->n_land; i++)
    {
      WmMapArea *a = g_ptr_array_index (land, i);

      shape_init (&scene->land[i], a, scene->land_ranks + at, &always);
      at += a->xy->len / 2;
    }
  shapes_rank (scene->land, scene->n_land, NULL);
  scene->points = g_new (double, 2 * MAX (n_points, 1));
  scene->point_place = g_new (int, MAX (n_points, 1));
  for (guint i = 0; i < n_points; i++)
    {
      const WmMapPoint *p = g_ptr_array_index (data->points, i);

      wm_mercator (p->lon, p->lat, &scene->points[2 * i], &scene->points[2 * i + 1]);
      scene->point_place[i] = place_index (p->place);
      if (!p->anchor)
        scene->max_supplier = MAX (scene->max_supplier, p->amount);
    }
  scene->local_edges = outer_edges (scene, is_local);
  scene->region_edges = outer_edges (scene, in_region);
  g_mutex_init (&scene->simplify_lock);

  /* The first view: the local area and region (with the anchors) when a place is set. */
  scene->extent[0] = scene->extent[1] = INFINITY;
  scene->extent[2] = scene->extent[3] = -INFINITY;
  for (guint i = 0; i < data->areas->len; i++)
    if (!data->place_set || in_region (g_ptr_array_index (data->areas, i)))
      extend (scene->extent, scene->areas[i].bbox[0], scene->areas[i].bbox[1],
              scene->areas[i].bbox[2], scene->areas[i].bbox[3]);
  for (guint i = 0; i < n_points; i++)
    if (((WmMapPoint *) g_ptr_array_index (data->points, i))->anchor
        || !isfinite (scene->extent[0]))
      extend (scene->extent, scene->points[2 * i], scene->points[2 * i + 1], scene->points[2 * i],
              scene->points[2 * i + 1]);
  if (!isfinite (scene->extent[0]))
    {
      /* Nothing imported yet: Great Britain. */
      wm_mercator (-8.0, 59.0, &scene->extent[0], &scene->extent[1]);
      wm_mercator (2.0, 49.8, &scene->extent[2], &scene->extent[3]);
    }
  return scene;
}

static void
scene_clear (WmScene *scene)
{
  for (guint i = 0; i < scene->data->areas->len; i++)
    g_free (scene->areas[i].mxy);
  for (guint i = 0; i < scene->n_land; i++)
    g_free (scene->land[i].mxy);
  g_free (scene->area_ranks);
  g_free (scene->land_ranks);
  g_array_unref (scene->arcs);
  g_free (scene->arc_first);
  g_free (scene->other_first);
  g_free (scene->other_arcs);
  g_mutex_clear (&scene->simplify_lock);
  g_free (scene->areas);
  g_free (scene->land);
  g_free (scene->points);
  g_free (scene->point_place);
  g_array_unref (scene->local_edges);
  g_array_unref (scene->region_edges);
  wm_map_data_free (scene->data);
  g_clear_pointer (&scene->land_src, g_ptr_array_unref);
}

WmScene *
wm_scene_ref (WmScene *scene)
{
  return g_atomic_rc_box_acquire (scene);
}

void
wm_scene_unref (WmScene *scene)
{
  g_atomic_rc_box_release_full (scene, (GDestroyNotify) scene_clear);
}

/* Natural Earth's land, read once per process: WM_LAND_PATH is set at build time (Debian ships
 * the file with python3-geopandas) and WM_LAND overrides it. Without it the sea-coloured
 * background and the imported boundaries are the basemap. */
static GPtrArray *
shared_land (void)
{
  static GPtrArray *land;
  static gsize      once;

  if (g_once_init_enter (&once))
    {
      const char *path = g_getenv ("WM_LAND") ? g_getenv ("WM_LAND") : WM_LAND_PATH;
      g_autoptr (GError) error = NULL;

      if (path[0] != '\0' && g_file_test (path, G_FILE_TEST_EXISTS))
        land = wm_load_land (path, &error);
      if (error != NULL)
        g_warning ("basemap: %s", error->message);
      g_once_init_leave (&once, 1);
    }
  return land;
}

WmScene *
wm_scene_load (WmProject *project, const WmMapFilter *filter, GError **error)
{
  WmMapData *data = wm_project_load_map_data (project, filter, error);
  GPtrArray *land;

  if (data == NULL)
    return NULL;
  land = shared_land ();
  return wm_scene_new (data, land ? g_ptr_array_ref (land) : NULL);
}

void
wm_scene_simplify (WmScene *scene)
{
  g_mutex_lock (&scene->simplify_lock);
  if (!g_atomic_int_get (&scene->simplified))
    {
      guint n = scene->data->areas->len;

      shapes_rank (scene->areas, n, scene->arcs);
      /* Each area's arcs: those read from its rings (the arcs come by area) and those it
       * shares with an area before it, for drawing the borders of the areas in view. */
      scene->arc_first = g_new0 (guint, n + 1);
      scene->other_first = g_new0 (guint, n + 2);
      scene->other_arcs = g_new (guint, MAX (scene->arcs->len, 1));
      for (guint j = 0; j < scene->arcs->len; j++)
        {
          const WmSimplifyArc *arc = &g_array_index (scene->arcs, WmSimplifyArc, j);

          scene->arc_first[arc->shape + 1] = j + 1;
          if (arc->other != G_MAXUINT)
            scene->other_first[arc->other + 2]++;
        }
      for (guint i = 0; i < n; i++)
        {
          scene->arc_first[i + 1] = MAX (scene->arc_first[i + 1], scene->arc_first[i]);
          scene->other_first[i + 2] += scene->other_first[i + 1];
        }
      for (guint j = 0; j < scene->arcs->len; j++)
        {
          const WmSimplifyArc *arc = &g_array_index (scene->arcs, WmSimplifyArc, j);

          if (arc->other != G_MAXUINT)
            scene->other_arcs[scene->other_first[arc->other + 1]++] = j;
        }
      g_atomic_int_set (&scene->simplified, TRUE);
    }
  g_mutex_unlock (&scene->simplify_lock);
}

const WmMapData *
wm_scene_get_data (const WmScene *scene)
{
  return scene->data;
}

void
wm_scene_get_extent (const WmScene *scene, double *x0, double *y0, double *x1, double *y1)
{
  *x0 = scene->extent[0];
  *y0 = scene->extent[1];
  *x1 = scene->extent[2];
  *y1 = scene->extent[3];
}

gboolean
wm_scene_get_area_extent (
    const WmScene *scene, guint area, double *x0, double *y0, double *x1, double *y1)
{
  if (area >= scene->data->areas->len)
    return FALSE;
  *x0 = scene->areas[area].bbox[0];
  *y0 = scene->areas[area].bbox[1];
  *x1 = scene->areas[area].bbox[2];
  *y1 = scene->areas[area].bbox[3];
  return TRUE;
}

void
wm_map_view_init_tile (WmMapView *view, guint x, guint y, guint zoom, guint tile_size)
{
  double n = ldexp (1.0, (int) zoom);

  view->scale = tile_size * n;
  view->x0 = x / n;
  view->y0 = y / n;
  view->width = view->height = tile_size;
}

void
wm_map_view_init_fit (WmMapView *view,
                      double     x0,
                      double     y0,
                      double     x1,
                      double     y1,
                      double     width,
                      double     height,
                      double     margin)
{
  double w = MAX (width - 2 * margin, 10), h = MAX (height - 2 * margin, 10);

  view->width = width;
  view->height = height;
  view->scale = MIN (w / MAX (x1 - x0, 1e-12), h / MAX (y1 - y0, 1e-12));
  view->x0 = (x0 + x1) / 2 - width / 2 / view->scale;
  view->y0 = (y0 + y1) / 2 - height / 2 / view->scale;
}

void
wm_render_options_init (WmRenderOptions *options)
{
  memset (options, 0, sizeof *options);
  options->layers = WM_LAYER_ALL;
  options->style = WM_AREA_STYLE_IMD;
  options->max_flows = DEFAULT_MAX_FLOWS;
  options->hover_area = -1;
  options->hover_point = -1;
  for (int i = 0; i < WM_RENDER_MAX_MARKED; i++)
    options->marked_areas[i] = -1;
}

static const char *const layer_names[]
    = { "base", "areas", "outlines", "flows", "suppliers", "anchors", "legend" };

gboolean
wm_layers_parse (const char *text, WmLayers *layers, GError **error)
{
  g_auto (GStrv) names = g_strsplit (text, ",", -1);

  *layers = 0;
  for (guint i = 0; names[i] != NULL; i++)
    {
      guint k;

      for (k = 0; k < G_N_ELEMENTS (layer_names); k++)
        if (g_strcmp0 (g_strstrip (names[i]), layer_names[k]) == 0)
          break;
      if (k == G_N_ELEMENTS (layer_names))
        {
          g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                       "unknown layer '%s' (known: base, areas, outlines, flows, suppliers, "
                       "anchors, legend)",
                       names[i]);
          return FALSE;
        }
      *layers |= 1 << k;
    }
  return TRUE;
}

static gboolean
visible (const WmMapView *view, const double *bbox, double pad)
{
  double p = pad / view->scale;

  return bbox[2] >= view->x0 - p && bbox[0] <= view->x0 + view->width / view->scale + p
         && bbox[3] >= view->y0 - p && bbox[1] <= view->y0 + view->height / view->scale + p;
}

static inline void
to_px (const WmMapView *view, double mx, double my, double *px, double *py)
{
  *px = (mx - view->x0) * view->scale;
  *py = (my - view->y0) * view->scale;
}

/* Outlines are simplified to this many pixels on screen and in PNGs, and to a tenth of a
 * point in vector exports, which are printed and zoomed into. */
#define SIMPLIFY_PX 0.4
#define SIMPLIFY_VECTOR 0.1

/* Rings with the vertices their rank drops at this scale left out (the per-zoom
 * simplification, which keeps shared borders shared), the rest snapped to 1/@grid of a pixel
 * and repeats dropped. */
static float
simplify_tolerance (cairo_t *cr, const WmMapView *view)
{
  gboolean raster = cairo_surface_get_type (cairo_get_target (cr)) == CAIRO_SURFACE_TYPE_IMAGE;

  return (float) ((raster ? SIMPLIFY_PX : SIMPLIFY_VECTOR) / view->scale);
}

/* A path's vertices snapped to 1/grid of a pixel, repeats dropped. */
typedef struct
{
  double last_x, last_y;
  double grid;
  guint  n; /* vertices drawn */
} Pen;

static inline void
pen_to (cairo_t *cr, Pen *pen, const WmMapView *view, const double *mxy)
{
  double x, y;

  to_px (view, mxy[0], mxy[1], &x, &y);
  x = round (x * pen->grid) / pen->grid;
  y = round (y * pen->grid) / pen->grid;
  if (x == pen->last_x && y == pen->last_y)
    return;
  if (pen->n++ == 0)
    cairo_move_to (cr, x, y);
  else
    cairo_line_to (cr, x, y);
  pen->last_x = x, pen->last_y = y;
}

static void
shape_path_snapped (cairo_t *cr, const Shape *shape, const WmMapView *view, double grid)
{
  const guint *starts = (const guint *) shape->ring_starts->data;
  /* before wm_scene_simplify: every vertex (the ranks are not written yet) */
  const float *rank = g_atomic_int_get ((gint *) shape->ranked) ? shape->rank : NULL;
  float        tolerance = simplify_tolerance (cr, view);

  for (guint r = 0; r + 1 < shape->ring_starts->len; r++)
    {
      Pen pen = { NAN, NAN, grid, 0 };

      for (guint k = starts[r]; k < starts[r + 1]; k++)
        if (rank == NULL || rank[k] >= tolerance)
          pen_to (cr, &pen, view, &shape->mxy[2 * k]);
      if (pen.n > 0)
        cairo_close_path (cr);
    }
}

static void
shape_path (cairo_t *cr, const Shape *shape, const WmMapView *view)
{
  shape_path_snapped (cr, shape, view, 4);
}

/* One border (after wm_scene_simplify), as shape_path_snapped draws it from either side. */
static void
arc_path (cairo_t             *cr,
          const Shape         *shape,
          const WmSimplifyArc *arc,
          const WmMapView     *view,
          double               grid,
          float                tolerance)
{
  Pen pen = { NAN, NAN, grid, 0 };

  for (guint i = 0; i < arc->n; i++)
    {
      guint k = arc->ring_start + (arc->from + i) % arc->ring_length;

      if (shape->rank[k] >= tolerance)
        pen_to (cr, &pen, view, &shape->mxy[2 * k]);
    }
}

static void
set_rgb255 (cairo_t *cr, const double rgb[3], double alpha)
{
  cairo_set_source_rgba (cr, rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, alpha);
}

static int
received_class (gint64 pence)
{
  if (pence <= 0)
    return -1;
  return CLAMP ((int) floor (log10 ((double) pence / 100.0)) - 2, 0, 5);
}

static void
set_area_fill (cairo_t *cr, const WmMapArea *a, WmAreaStyle style)
{
  if (style == WM_AREA_STYLE_RECEIVED)
    {
      int c = received_class (a->received);

      if (c < 0)
        cairo_set_source_rgb (cr, 0.90, 0.90, 0.89);
      else
        set_rgb255 (cr, received_colours[c], 1);
    }
  else if (a->imd_decile >= 1 && a->imd_decile <= 10)
    set_rgb255 (cr, viridis[a->imd_decile - 1], 1);
  else
    cairo_set_source_rgb (cr, 0.86, 0.86, 0.85);
}

static void
stroke_edges (cairo_t *cr, const GArray *edges, const WmMapView *view)
{
  const double *e = (const double *) edges->data;
  double        w = view->width / view->scale, h = view->height / view->scale;

  for (guint i = 0; i + 3 < edges->len; i += 4)
    {
      double x1, y1, x2, y2;

      if (MAX (e[i], e[i + 2]) < view->x0 || MIN (e[i], e[i + 2]) > view->x0 + w
          || MAX (e[i + 1], e[i + 3]) < view->y0 || MIN (e[i + 1], e[i + 3]) > view->y0 + h)
        continue;
      to_px (view, e[i], e[i + 1], &x1, &y1);
      to_px (view, e[i + 2], e[i + 3], &x2, &y2);
      cairo_move_to (cr, x1, y1);
      cairo_line_to (cr, x2, y2);
    }
  cairo_stroke (cr);
}

/* Areas under this many pixels across are drawn as their bounding box, and borders are left
 * off areas under BORDER_MIN_PX: at national zooms most LSOAs are a pixel or two across. */
#define TINY_AREA_PX 2.0
#define BORDER_MIN_PX 8.0

/* The fill colour class of an area: the IMD decile (0 unknown) or received class + 1. */
static int
fill_class (const WmMapArea *a, WmAreaStyle style)
{
  if (style == WM_AREA_STYLE_RECEIVED)
    return received_class (a->received) + 1;
  return a->imd_decile >= 1 && a->imd_decile <= 10 ? a->imd_decile : 0;
}

static double
px_across (const Shape *shape, const WmMapView *view)
{
  return MAX (shape->bbox[2] - shape->bbox[0], shape->bbox[3] - shape->bbox[1]) * view->scale;
}

/* Fills are batched by colour (a few cairo calls instead of one per area; areas with several
 * rings are filled on their own, so a hole never cancels a neighbour inside it), then every
 * border is stroked in one path. */
/* How much larger the map's own labels are drawn (presenting: read from the back of a room). */
static double
label_scale (const WmRenderOptions *options)
{
  return options->label_scale > 0 ? options->label_scale : 1.0;
}

static void
draw_areas (cairo_t               *cr,
            const WmScene         *scene,
            const WmMapView       *view,
            const WmRenderOptions *options,
            double                 border)
{
  const WmMapData   *data = scene->data;
  guint              n = data->areas->len;
  g_autofree guint8 *show = g_new0 (guint8, MAX (n, 1)); /* 0 hidden, 1 tiny, 2 batched, 3 alone */
  gboolean           fill = (options->layers & WM_LAYER_AREAS) != 0;

  for (guint i = 0; i < n; i++)
    {
      const Shape *s = &scene->areas[i];

      if (!visible (view, s->bbox, 2))
        continue;
      show[i] = px_across (s, view) < TINY_AREA_PX ? 1 : s->ring_starts->len > 2 ? 3 : 2;
    }
  if (fill)
    {
      for (int k = 0; k <= 10; k++)
        {
          const WmMapArea *first = NULL;

          for (guint i = 0; i < n; i++)
            {
              const WmMapArea *a = g_ptr_array_index (data->areas, i);
              const Shape     *s = &scene->areas[i];

              if (show[i] == 0 || show[i] == 3 || fill_class (a, options->style) != k)
                continue;
              first = first ? first : a;
              if (show[i] == 1)
                {
                  double x0, y0, x1, y1;

                  to_px (view, s->bbox[0], s->bbox[1], &x0, &y0);
                  to_px (view, s->bbox[2], s->bbox[3], &x1, &y1);
                  cairo_rectangle (cr, x0, y0, MAX (x1 - x0, 0.5), MAX (y1 - y0, 0.5));
                }
              else
                shape_path (cr, s, view);
            }
          if (first)
            {
              set_area_fill (cr, first, options->style);
              cairo_fill (cr);
            }
        }
      for (guint i = 0; i < n; i++)
        if (show[i] == 3)
          {
            shape_path (cr, &scene->areas[i], view);
            set_area_fill (cr, g_ptr_array_index (data->areas, i), options->style);
            cairo_fill (cr);
          }
      cairo_set_source_rgba (cr, 1, 1, 1, 0.75);
    }
  else
    cairo_set_source_rgba (cr, 0.35, 0.35, 0.35, 0.6);
  /* From here on, show[i] >= 2 says that the area's borders are drawn. */
  for (guint i = 0; i < n; i++)
    if (show[i] >= 2 && px_across (&scene->areas[i], view) < BORDER_MIN_PX)
      show[i] = 1;
  /* a border a pixel or less wide: whole pixels are enough, and far fewer segments */
  if (g_atomic_int_get ((gint *) &scene->simplified))
    {
      /* each border once, where either of its areas has borders drawn */
      float tolerance = simplify_tolerance (cr, view);

      for (guint i = 0; i < n; i++)
        {
          if (show[i] < 2)
            continue;
          for (guint j = scene->arc_first[i]; j < scene->arc_first[i + 1]; j++)
            {
              const WmSimplifyArc *arc = &g_array_index (scene->arcs, WmSimplifyArc, j);

              if (visible (view, arc->bbox, 2))
                arc_path (cr, &scene->areas[i], arc, view, border < 1 ? 1 : 4, tolerance);
            }
          for (guint j = scene->other_first[i]; j < scene->other_first[i + 1]; j++)
            {
              const WmSimplifyArc *arc
                  = &g_array_index (scene->arcs, WmSimplifyArc, scene->other_arcs[j]);

              /* drawn with the area it was read from when that one has borders */
              if (show[arc->shape] < 2 && visible (view, arc->bbox, 2))
                arc_path (cr, &scene->areas[arc->shape], arc, view, border < 1 ? 1 : 4, tolerance);
            }
        }
    }
  else
    for (guint i = 0; i < n; i++)
      if (show[i] >= 2)
        shape_path_snapped (cr, &scene->areas[i], view, border < 1 ? 1 : 4);
  cairo_set_line_width (cr, border);
  /* joins of hairline borders cannot be seen; round ones made this stroke most of a frame */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  cairo_stroke (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
}

void
wm_render_tile_layers (cairo_t               *cr,
                       const WmScene         *scene,
                       const WmMapView       *view,
                       const WmRenderOptions *options)
{
  double border = CLAMP (view->scale / 2e5, 0.25, 1.0);

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  if ((options->layers & WM_LAYER_BASE) && options->basemap != NULL)
    {
      /* the raster tiles are the base; sea colour where they have no data */
      cairo_set_source_rgb (cr, 0.80, 0.87, 0.91);
      cairo_paint (cr);
      wm_basemap_draw (options->basemap, cr, view);
    }
  else if (options->layers & WM_LAYER_BASE)
    {
      cairo_set_source_rgb (cr, 0.80, 0.87, 0.91);
      cairo_paint (cr);
      cairo_set_source_rgb (cr, 0.95, 0.94, 0.91);
      for (guint i = 0; i < scene->n_land; i++)
        if (visible (view, scene->land[i].bbox, 2))
          shape_path (cr, &scene->land[i], view);
      cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
      cairo_fill (cr);
    }
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  if (options->layers & (WM_LAYER_AREAS | WM_LAYER_BASE))
    draw_areas (cr, scene, view, options, border);
  if (options->layers & WM_LAYER_OUTLINES)
    {
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_source_rgba (cr, 0.25, 0.25, 0.25, 0.9);
      cairo_set_line_width (cr, 1.6);
      stroke_edges (cr, scene->region_edges, view);
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
      cairo_set_line_width (cr, 2.8);
      stroke_edges (cr, scene->local_edges, view);
    }
  cairo_restore (cr);
}

static PangoLayout *
make_layout (cairo_t *cr, const char *markup, double size, double max_width)
{
  PangoLayout          *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_markup (layout, markup, -1);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
    }
  pango_font_description_free (font);
  return layout;
}

/* Draws text at x, y (top left) and returns its height. */
static double
text (cairo_t *cr, double x, double y, const char *markup, double size, double max_width)
{
  g_autoptr (PangoLayout) layout = make_layout (cr, markup, size, max_width);
  int w, h;

  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_pixel_size (layout, &w, &h);
  return h;
}

PangoLayout *
wm_render_layout (cairo_t *cr, const char *markup, double size, double max_width)
{
  return make_layout (cr, markup, size, max_width);
}

double
wm_render_text (cairo_t *cr, double x, double y, const char *markup, double size, double max_width)
{
  return text (cr, x, y, markup, size, max_width);
}

void
wm_render_decile_rgb (int decile, double rgb[3])
{
  for (int i = 0; i < 3; i++)
    rgb[i] = viridis[CLAMP (decile, 1, 10) - 1][i] / 255.0;
}

/* A label with a white halo, readable over any fill. */
static void
halo_layout (cairo_t *cr, double x, double y, PangoLayout *layout)
{
  cairo_move_to (cr, x, y);
  pango_cairo_layout_path (cr, layout);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  cairo_set_line_width (cr, 3.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* Text centred on x, y in the current colour. */
static void
centred_text (cairo_t *cr, double x, double y, const char *label, double size, gboolean bold)
{
  g_autofree char *markup = g_strdup_printf (bold ? "<b>%s</b>" : "%s", label);
  g_autoptr (PangoLayout) layout = make_layout (cr, markup, size, 0);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w / 2.0, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

/* Candidate sites: a red that none of the choropleths or place colours use. */
static const double marked_rgb[3] = { 0.84, 0.10, 0.11 };

typedef struct
{
  double sx, sy; /* £-weighted sums of pixel positions */
  double weight; /* and the weight (at least 1 per member) */
  double x, y;   /* centroid */
  gint64 amount; /* pence */
  gint64 by_place[N_PLACES];
  guint  count;
  int    first; /* a member point, for a single supplier's name */
} Cluster;

static gint64
cell_key (const WmMapView *view, double mx, double my)
{
  gint64 cx = (gint64) floor (mx * view->scale / CELL);
  gint64 cy = (gint64) floor (my * view->scale / CELL);

  return (cx << 32) ^ (cy & 0xffffffff);
}

/* Suppliers grouped by a grid fixed to the world (so clusters stay put while panning). */
static GHashTable *
cluster_suppliers (const WmScene *scene, const WmMapView *view, const char *only_ward)
{
  GHashTable *cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  double      pad = 2 * CELL / view->scale;

  for (guint i = 0; i < scene->data->points->len; i++)
    {
      const WmMapPoint *p = g_ptr_array_index (scene->data->points, i);
      double            mx = scene->points[2 * i], my = scene->points[2 * i + 1];
      gint64            key;
      Cluster          *c;
      double            x, y, w;

      if (p->anchor || (only_ward && g_strcmp0 (p->ward, only_ward) != 0))
        continue;
      if (mx < view->x0 - pad || mx > view->x0 + view->width / view->scale + pad
          || my < view->y0 - pad || my > view->y0 + view->height / view->scale + pad)
        continue;
      key = cell_key (view, mx, my);
      c = g_hash_table_lookup (cells, &key);
      if (c == NULL)
        {
          c = g_new0 (Cluster, 1);
          c->first = (int) i;
          g_hash_table_insert (cells, g_memdup2 (&key, sizeof key), c);
        }
      to_px (view, mx, my, &x, &y);
      w = 1 + MAX ((double) p->amount, 0) / 100.0;
      c->sx += x * w;
      c->sy += y * w;
      c->weight += w;
      c->amount += p->amount;
      c->by_place[scene->point_place[i]] += p->amount;
      c->count++;
    }
  {
    GHashTableIter iter;
    Cluster       *c;

    g_hash_table_iter_init (&iter, cells);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &c))
      {
        c->x = c->sx / c->weight;
        c->y = c->sy / c->weight;
      }
  }
  return cells;
}

static int
dominant_place (const gint64 *by_place)
{
  int best = PLACE_UNSET;

  for (int i = 0; i < N_PLACES; i++)
    if (by_place[i] > by_place[best])
      best = i;
  return best;
}

static double
supplier_radius (const WmScene *scene, gint64 amount)
{
  return MIN (2.5 + 15 * sqrt ((double) MAX (amount, 0) / MAX (scene->max_supplier, 1)), 30);
}

/* The flows from one anchor to one place's suppliers in one cluster, or leaving the view in
 * one direction: (from, place, edge, cell) is the key. */
typedef struct
{
  guint  from;
  int    place;
  int    edge; /* -1, or the octant for flows that leave the view */
  gint64 cell; /* the cluster's cell (cell_key), or 0 for flows that leave the view */
  double sx, sy, weight;
  double x, y; /* where the line ends */
  gint64 amount;
} FlowGroup;

static guint
group_hash (gconstpointer p)
{
  const FlowGroup *g = p;
  guint64 h = ((guint64) g->from << 8) ^ ((guint64) g->place << 4) ^ (guint64) (g->edge + 1);

  h = (h ^ (guint64) g->cell) * 0x9e3779b97f4a7c15ull;
  return (guint) (h ^ (h >> 29));
}

static gboolean
group_equal (gconstpointer a, gconstpointer b)
{
  const FlowGroup *x = a, *y = b;

  return x->from == y->from && x->place == y->place && x->edge == y->edge && x->cell == y->cell;
}

/* Largest first; equal amounts by their key, so the order never depends on hashing. */
static int
compare_groups (gconstpointer a, gconstpointer b)
{
  const FlowGroup *x = *(FlowGroup *const *) a, *y = *(FlowGroup *const *) b;

  if (x->amount != y->amount)
    return x->amount < y->amount ? 1 : -1;
  if (x->from != y->from)
    return x->from < y->from ? -1 : 1;
  if (x->place != y->place)
    return x->place < y->place ? -1 : 1;
  if (x->edge != y->edge)
    return x->edge < y->edge ? -1 : 1;
  return x->cell < y->cell ? -1 : x->cell > y->cell;
}

/* Where the ray from (ax, ay) towards (bx, by) leaves the rectangle inset by @inset. */
static void
exit_point (const WmMapView *view,
            double           inset,
            double           ax,
            double           ay,
            double           bx,
            double           by,
            double          *x,
            double          *y)
{
  double dx = bx - ax, dy = by - ay, t = INFINITY;

  if (dx > 0)
    t = MIN (t, (view->width - inset - ax) / dx);
  if (dx < 0)
    t = MIN (t, (inset - ax) / dx);
  if (dy > 0)
    t = MIN (t, (view->height - inset - ay) / dy);
  if (dy < 0)
    t = MIN (t, (inset - ay) / dy);
  if (!isfinite (t) || t < 0)
    t = 0;
  *x = ax + dx * t;
  *y = ay + dy * t;
}

static void
arrow_head (cairo_t *cr, double ax, double ay, double x, double y, double size)
{
  double len = hypot (x - ax, y - ay), ux, uy;

  if (len < 1)
    return;
  ux = (x - ax) / len;
  uy = (y - ay) / len;
  cairo_move_to (cr, x + ux * size, y + uy * size);
  cairo_line_to (cr, x - uy * size * 0.6, y + ux * size * 0.6);
  cairo_line_to (cr, x + uy * size * 0.6, y - ux * size * 0.6);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static gboolean
overlaps (const GArray *boxes, const double *box)
{
  for (guint i = 0; i < boxes->len; i += 4)
    {
      const double *b = &g_array_index (boxes, double, i);

      if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1])
        return TRUE;
    }
  return FALSE;
}

static void
draw_flows (cairo_t               *cr,
            const WmScene         *scene,
            const WmMapView       *view,
            const WmRenderOptions *options,
            GHashTable            *clusters,
            WmFlowStats           *stats)
{
  const WmMapData *data = scene->data;
  /* grouped under integer keys: formatting a string key per flow was a third of a frame */
  g_autoptr (GHashTable) groups = g_hash_table_new_full (group_hash, group_equal, NULL, g_free);
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr (GArray) edge_labels = g_array_new (FALSE, FALSE, sizeof (double));
  const double   inset = 26;
  guint          max_flows = options->max_flows ? options->max_flows : DEFAULT_MAX_FLOWS;
  GHashTableIter iter;
  FlowGroup     *g;

  for (guint i = 0; i < data->flows->len; i++)
    {
      const WmMapFlow *f = &g_array_index (data->flows, WmMapFlow, i);
      double           ax, ay, bx, by;
      gboolean         inside;
      Cluster         *c = NULL;
      FlowGroup        probe = { f->from, scene->point_place[f->to], -1, 0 };

      if (options->only_ward
          && g_strcmp0 (((WmMapPoint *) data->points->pdata[f->to])->ward, options->only_ward) != 0)
        continue;
      if (f->amount < options->min_flow)
        {
          stats->below_min += f->amount;
          continue;
        }
      to_px (view, scene->points[2 * f->from], scene->points[2 * f->from + 1], &ax, &ay);
      to_px (view, scene->points[2 * f->to], scene->points[2 * f->to + 1], &bx, &by);
      inside
          = bx >= inset && bx <= view->width - inset && by >= inset && by <= view->height - inset;
      if (!inside)
        {
          /* Off the view: summed by direction and drawn to the view's edge with an arrow;
           * nothing to draw when the anchor is off the view too. */
          if (ax < 0 || ax > view->width || ay < 0 || ay > view->height)
            continue;
          probe.edge = ((int) floor ((atan2 (by - ay, bx - ax) + G_PI) / (G_PI / 4) + 0.5)) % 8;
        }
      else
        {
          probe.cell = cell_key (view, scene->points[2 * f->to], scene->points[2 * f->to + 1]);
          c = g_hash_table_lookup (clusters, &probe.cell);
        }
      g = g_hash_table_lookup (groups, &probe);
      if (g == NULL)
        {
          g = g_memdup2 (&probe, sizeof probe);
          if (c != NULL)
            g->x = c->x, g->y = c->y;
          else
            g->x = bx, g->y = by;
          g_hash_table_add (groups, g);
        }
      g->sx += bx * (double) f->amount;
      g->sy += by * (double) f->amount;
      g->weight += (double) f->amount;
      g->amount += f->amount;
    }
  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &g))
    g_ptr_array_add (sorted, g);
  g_ptr_array_sort (sorted, compare_groups);
  stats->max_amount = sorted->len > 0 ? ((FlowGroup *) sorted->pdata[0])->amount : 0;

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  /* Widest first, so the thin lines stay visible on top. */
  for (guint i = 0; i < sorted->len; i++)
    {
      double ax, ay, ex, ey, mx, my, nx, ny, len, width;

      g = sorted->pdata[i];
      if (i >= max_flows)
        {
          stats->rest++;
          stats->rest_amount += g->amount;
          continue;
        }
      stats->drawn++;
      to_px (view, scene->points[2 * g->from], scene->points[2 * g->from + 1], &ax, &ay);
      if (g->edge >= 0)
        exit_point (view, inset, ax, ay, g->sx / g->weight, g->sy / g->weight, &ex, &ey);
      else
        ex = g->x, ey = g->y;
      len = hypot (ex - ax, ey - ay);
      if (len < 2)
        continue;
      width = 1.0 + 13.0 * (double) g->amount / (double) MAX (stats->max_amount, 1);
      /* A gentle clockwise curve, so that A -> B and B -> A do not overlap. */
      mx = (ax + ex) / 2, my = (ay + ey) / 2;
      nx = -(ey - ay) / len * 0.18 * len, ny = (ex - ax) / len * 0.18 * len;
      cairo_set_source_rgba (cr, place_styles[g->place].rgb[0], place_styles[g->place].rgb[1],
                             place_styles[g->place].rgb[2], 0.72);
      cairo_set_line_width (cr, width);
      if (g->edge >= 0)
        {
          g_autofree char *amount = wm_format_pounds_short (g->amount);
          g_autoptr (PangoLayout) layout = make_layout (cr, amount, 11 * label_scale (options), 0);
          int lw, lh;

          cairo_move_to (cr, ax, ay);
          cairo_line_to (cr, ex, ey);
          cairo_stroke (cr);
          arrow_head (cr, ax, ay, ex, ey, 6 + width);
          pango_layout_get_pixel_size (layout, &lw, &lh);
          {
            double   box[4];
            gboolean along_x = ey < inset + 1 || ey > view->height - inset - 1;
            double   x = ex - lw / 2.0 - (ex - ax) / len * 14,
                   y = ey - lh / 2.0 - (ey - ay) / len * 14;

            /* Totals at the edge must not print over each other: slide along the edge. */
            for (int k = 0; k < 12; k++)
              {
                /* 0, +1, -1, +2, -2, ... label widths along the edge */
                int    half = (k + 1) / 2;
                double step = half * (k % 2 ? 1 : -1);

                box[0] = CLAMP (x + (along_x ? step * (lw + 6) : 0), 2, view->width - lw - 2);
                box[1] = CLAMP (y + (along_x ? 0 : step * (lh + 2)), 2, view->height - lh - 2);
                box[2] = box[0] + lw, box[3] = box[1] + lh;
                if (!overlaps (edge_labels, box))
                  break;
              }
            g_array_append_vals (edge_labels, box, 4);
            halo_layout (cr, box[0], box[1], layout);
          }
          continue;
        }
      cairo_move_to (cr, ax, ay);
      cairo_curve_to (cr, ax + 2.0 / 3 * (mx + nx - ax), ay + 2.0 / 3 * (my + ny - ay),
                      ex + 2.0 / 3 * (mx + nx - ex), ey + 2.0 / 3 * (my + ny - ey), ex, ey);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static int
compare_clusters (gconstpointer a, gconstpointer b)
{
  const Cluster *x = *(Cluster *const *) a, *y = *(Cluster *const *) b;

  return x->amount < y->amount ? 1 : x->amount > y->amount ? -1 : 0;
}

/* A count with its halo, drawn once per frame into a small image and then painted wherever
 * that count is: stroking the glyphs' outlines for the halo was half the suppliers' cost. */
typedef struct
{
  cairo_surface_t *image;
  int              width, height;
} CountLabel;

#define LABEL_PAD 3 /* pixels round a label for its halo */

static void
count_label_free (CountLabel *label)
{
  cairo_surface_destroy (label->image);
  g_free (label);
}

/* Only where a pixel is a unit (the screen and PNGs, not vector exports or a scaled page). */
static gboolean
labels_as_images (cairo_t *cr)
{
  cairo_matrix_t m;

  cairo_get_matrix (cr, &m);
  return cairo_surface_get_type (cairo_get_target (cr)) == CAIRO_SURFACE_TYPE_IMAGE && m.xx == 1
         && m.yy == 1 && m.xy == 0 && m.yx == 0;
}

static void
draw_count (cairo_t *cr, GHashTable *cache, PangoLayout *layout, double x, double y, guint count)
{
  char        text[16];
  CountLabel *label;
  int         lw, lh;

  g_snprintf (text, sizeof text, "%u", count);
  if (cache == NULL)
    {
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      halo_layout (cr, x - lw / 2.0, y - lh / 2.0, layout);
      return;
    }
  label = g_hash_table_lookup (cache, text);
  if (label == NULL)
    {
      cairo_t *lcr;

      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      label = g_new0 (CountLabel, 1);
      label->width = lw;
      label->height = lh;
      label->image = cairo_surface_create_similar (cairo_get_target (cr), CAIRO_CONTENT_COLOR_ALPHA,
                                                   lw + 2 * LABEL_PAD, lh + 2 * LABEL_PAD);
      lcr = cairo_create (label->image);
      halo_layout (lcr, LABEL_PAD, LABEL_PAD, layout);
      cairo_destroy (lcr);
      g_hash_table_insert (cache, g_strdup (text), label);
    }
  /* on whole pixels, as the text would be hinted */
  cairo_set_source_surface (cr, label->image, round (x - label->width / 2.0) - LABEL_PAD,
                            round (y - label->height / 2.0) - LABEL_PAD);
  cairo_paint (cr);
}

static void
draw_suppliers (cairo_t *cr, const WmScene *scene, GHashTable *clusters, double labels)
{
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  /* one layout for every count label: making a layout (font, context) per cluster cost more
   * than drawing the circles */
  g_autoptr (PangoLayout) layout = make_layout (cr, "0", 10 * labels, 0);
  g_autoptr (GHashTable) cache = labels_as_images (cr)
                                     ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              (GDestroyNotify) count_label_free)
                                     : NULL;
  GHashTableIter iter;
  Cluster       *c;

  g_hash_table_iter_init (&iter, clusters);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &c))
    g_ptr_array_add (order, c);
  /* Largest first, so small circles are not hidden. */
  g_ptr_array_sort (order, compare_clusters);
  for (guint i = 0; i < order->len; i++)
    {
      int    place;
      double r;

      c = order->pdata[i];
      place = dominant_place (c->by_place);
      r = supplier_radius (scene, c->amount);
      cairo_new_path (cr);
      cairo_arc (cr, c->x, c->y, r, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, place_styles[place].rgb[0], place_styles[place].rgb[1],
                             place_styles[place].rgb[2], 0.9);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, c->count > 1 ? 2 : 1);
      cairo_stroke (cr);
      if (c->count > 1)
        draw_count (cr, cache, layout, c->x, c->y, c->count);
    }
}

static void
draw_anchors (cairo_t *cr, const WmScene *scene, const WmMapView *view, double labels)
{
  g_autoptr (GArray) placed = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < scene->data->points->len; i++)
    {
      const WmMapPoint *p = g_ptr_array_index (scene->data->points, i);
      double            x, y;

      if (!p->anchor)
        continue;
      to_px (view, scene->points[2 * i], scene->points[2 * i + 1], &x, &y);
      cairo_new_path (cr);
      cairo_rectangle (cr, x - 7, y - 7, 14, 14);
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
      {
        double box[4] = { x - 7, y - 7, x + 7, y + 7 };
        g_array_append_vals (placed, box, 4);
      }
    }
  /* Labels: the first of four places around the symbol that overlaps no other label. */
  for (guint i = 0; i < scene->data->points->len; i++)
    {
      const WmMapPoint *p = g_ptr_array_index (scene->data->points, i);
      g_autofree char  *markup = NULL;
      g_autoptr (PangoLayout) layout = NULL;
      double x, y;
      int    lw, lh;

      if (!p->anchor)
        continue;
      to_px (view, scene->points[2 * i], scene->points[2 * i + 1], &x, &y);
      markup = g_markup_printf_escaped ("<b>%s</b>", p->name);
      layout = make_layout (cr, markup, 13 * labels, 0);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      {
        double offsets[4][2] = {
          { 11, -lh / 2.0 }, { -11 - lw, -lh / 2.0 }, { -lw / 2.0, -10 - lh }, { -lw / 2.0, 10 }
        };
        for (guint k = 0; k < 4; k++)
          {
            double box[4] = { x + offsets[k][0], y + offsets[k][1], x + offsets[k][0] + lw,
                              y + offsets[k][1] + lh };

            if (k < 3 && overlaps (placed, box))
              continue;
            halo_layout (cr, box[0], box[1], layout);
            g_array_append_vals (placed, box, 4);
            break;
          }
      }
    }
}

static gboolean
marked (const WmScene *scene, const WmRenderOptions *options, int i)
{
  return options->marked_areas[i] >= 0
         && (guint) options->marked_areas[i] < scene->data->areas->len;
}

/* Candidate sites: a thick outline under the flows, so the flows stay readable over them. */
static void
draw_marked_outlines (cairo_t               *cr,
                      const WmScene         *scene,
                      const WmMapView       *view,
                      const WmRenderOptions *options)
{
  for (int i = 0; i < WM_RENDER_MAX_MARKED; i++)
    if (marked (scene, options, i))
      {
        cairo_new_path (cr);
        shape_path (cr, &scene->areas[options->marked_areas[i]], view);
        cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
        cairo_set_line_width (cr, 7);
        cairo_stroke_preserve (cr);
        cairo_set_source_rgb (cr, marked_rgb[0], marked_rgb[1], marked_rgb[2]);
        cairo_set_line_width (cr, 3.5);
        cairo_stroke (cr);
      }
}

/* And their rank in a disc at the middle of each, over everything else. */
static void
draw_marked_badges (cairo_t               *cr,
                    const WmScene         *scene,
                    const WmMapView       *view,
                    const WmRenderOptions *options)
{
  if (options->marked_plain)
    return;
  for (int i = 0; i < WM_RENDER_MAX_MARKED; i++)
    if (marked (scene, options, i))
      {
        const Shape *shape = &scene->areas[options->marked_areas[i]];
        double       x, y;
        char         label[4];

        to_px (view, (shape->bbox[0] + shape->bbox[2]) / 2, (shape->bbox[1] + shape->bbox[3]) / 2,
               &x, &y);
        cairo_new_path (cr);
        cairo_arc (cr, x, y, 11, 0, 2 * G_PI);
        cairo_set_source_rgb (cr, marked_rgb[0], marked_rgb[1], marked_rgb[2]);
        cairo_fill_preserve (cr);
        cairo_set_source_rgb (cr, 1, 1, 1);
        cairo_set_line_width (cr, 2);
        cairo_stroke (cr);
        g_snprintf (label, sizeof label, "%d", i + 1);
        centred_text (cr, x, y, label, 11, TRUE);
      }
}

void
wm_render_overlay (cairo_t               *cr,
                   const WmScene         *scene,
                   const WmMapView       *view,
                   const WmRenderOptions *options,
                   WmFlowStats           *stats)
{
  g_autoptr (GHashTable) clusters = cluster_suppliers (scene, view, options->only_ward);
  WmFlowStats dummy;

  if (stats == NULL)
    stats = &dummy;
  memset (stats, 0, sizeof *stats);
  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  if (options->hover_area >= 0 && (guint) options->hover_area < scene->data->areas->len)
    {
      cairo_new_path (cr);
      shape_path (cr, &scene->areas[options->hover_area], view);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
      cairo_set_line_width (cr, 5);
      cairo_stroke_preserve (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
    }
  draw_marked_outlines (cr, scene, view, options);
  if (options->layers & WM_LAYER_FLOWS)
    draw_flows (cr, scene, view, options, clusters, stats);
  if (options->layers & WM_LAYER_SUPPLIERS)
    draw_suppliers (cr, scene, clusters, label_scale (options));
  if (options->hover_point >= 0 && (guint) options->hover_point < scene->data->points->len)
    {
      double x, y;

      to_px (view, scene->points[2 * options->hover_point],
             scene->points[2 * options->hover_point + 1], &x, &y);
      cairo_new_path (cr);
      cairo_arc (cr, x, y, 11, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_set_line_width (cr, 2.5);
      cairo_stroke (cr);
    }
  if (options->layers & WM_LAYER_ANCHORS)
    draw_anchors (cr, scene, view, label_scale (options));
  draw_marked_badges (cr, scene, view, options);
  cairo_restore (cr);
}

void
wm_render_scale_bar (cairo_t *cr, const WmMapView *view, double x, double y)
{
  double           lon, lat, metres_per_px, metres, nice, px;
  g_autofree char *label = NULL;

  wm_mercator_inverse (view->x0 + view->width / 2 / view->scale,
                       view->y0 + view->height / 2 / view->scale, &lon, &lat);
  metres_per_px = 2 * G_PI * 6378137.0 * cos (lat * G_PI / 180) / view->scale;
  metres = metres_per_px * 120;
  nice = pow (10, floor (log10 (metres)));
  if (metres / nice >= 5)
    nice *= 5;
  else if (metres / nice >= 2)
    nice *= 2;
  px = nice / metres_per_px;
  label = nice >= 1000 ? g_strdup_printf ("%g km", nice / 1000) : g_strdup_printf ("%g m", nice);

  cairo_save (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
  cairo_rectangle (cr, x - 6, y - 20, px + 12, 30);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, x, y - 4);
  cairo_line_to (cr, x, y + 2);
  cairo_line_to (cr, x + px, y + 2);
  cairo_line_to (cr, x + px, y - 4);
  cairo_stroke (cr);
  text (cr, x, y - 19, label, 11, 0);
  cairo_restore (cr);
}

static double
legend_line (cairo_t     *cr,
             double       x,
             double       y,
             const double rgb[3],
             double       width,
             const char  *label,
             double       text_width)
{
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_set_line_width (cr, width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  cairo_move_to (cr, x, y + 9);
  cairo_line_to (cr, x + 34, y + 9);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  return MAX (text (cr, x + 44, y, label, 12, text_width - 44), width) + 6;
}

static const char *
domain_title (const char *domain)
{
  static const char *const titles[][2] = {
    { "imd", "Deprivation: IMD" },
    { "income", "Income deprivation" },
    { "employment", "Employment deprivation" },
    { "education", "Education, skills and training" },
    { "health", "Health deprivation and disability" },
    { "crime", "Crime" },
    { "barriers", "Barriers to housing and services" },
    { "living", "Living environment deprivation" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (domain, titles[i][0]) == 0)
      return titles[i][1];
  return "Deprivation";
}

double
wm_render_legend (cairo_t               *cr,
                  const WmScene         *scene,
                  const WmRenderOptions *options,
                  const WmFlowStats     *stats,
                  double                 x,
                  double                 y,
                  double                 width)
{
  double       y0 = y, tw = width - 8;
  const double dark[3] = { 0.12, 0.12, 0.12 };

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  if ((options->layers & WM_LAYER_AREAS) && options->style == WM_AREA_STYLE_IMD)
    {
      double sw = MIN (26, (width - 8) / 10);

      const WmMapData *d = scene->data;
      g_autofree char *title = g_strdup_printf ("<b>%s (IoD 2019)</b>", domain_title (d->domain));
      g_autofree char *sub
          = g_strdup_printf ("%s decile of England: 1 = the most deprived tenth",
                             g_strcmp0 (d->level, "lsoa") == 0 ? "LSOA (neighbourhood)" : "Ward");

      y += text (cr, x, y, title, 14, tw) + 2;
      y += text (cr, x, y, sub, 11, tw) + 6;
      for (int d = 0; d < 10; d++)
        {
          char label[4];

          set_rgb255 (cr, viridis[d], 1);
          cairo_rectangle (cr, x + d * sw, y, sw - 2, 16);
          cairo_fill (cr);
          cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
          g_snprintf (label, sizeof label, "%d", d + 1);
          text (cr, x + d * sw + sw / 2 - (d == 9 ? 7 : 4), y + 17, label, 10, 0);
        }
      y += 34;
      text (cr, x, y, "most deprived", 10, 0);
      text (cr, x + 10 * sw - 80, y, "least deprived", 10, 0);
      y += 22;
    }
  else if (options->layers & WM_LAYER_AREAS)
    {
      gboolean lsoa = g_strcmp0 (scene->data->level, "lsoa") == 0;

      y += text (cr, x, y, lsoa ? "<b>Spend received by LSOA</b>" : "<b>Spend received by ward</b>",
                 14, tw)
           + 2;
      y += text (cr, x, y,
                 lsoa ? "£ paid to suppliers located in the LSOA"
                      : "£ paid to suppliers located in the ward",
                 11, tw)
           + 6;
      for (int c = -1; c < 6; c++)
        {
          if (c < 0)
            cairo_set_source_rgb (cr, 0.90, 0.90, 0.89);
          else
            set_rgb255 (cr, received_colours[c], 1);
          cairo_rectangle (cr, x, y, 22, 14);
          cairo_fill (cr);
          cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
          text (cr, x + 30, y, c < 0 ? "none" : received_labels[c], 11, 0);
          y += 18;
        }
      y += 8;
    }
  if (options->layers & WM_LAYER_OUTLINES)
    {
      const double grey[3] = { 0.25, 0.25, 0.25 };

      y += legend_line (cr, x, y, dark, 2.8, "Local area", tw);
      y += legend_line (cr, x, y, grey, 1.6, "Region", tw) + 8;
    }
  if ((options->layers & WM_LAYER_FLOWS) && stats != NULL && stats->max_amount > 0)
    {
      g_autofree char *max = wm_format_pounds_short (stats->max_amount);
      g_autofree char *half = wm_format_pounds_short (stats->max_amount / 2);
      g_autofree char *tenth = wm_format_pounds_short (stats->max_amount / 10);
      g_autofree char *l1 = g_strdup_printf ("%s from one anchor", max);
      g_autofree char *l2 = g_strdup_printf ("%s", half);
      g_autofree char *l3 = g_strdup_printf ("%s", tenth);

      y += text (cr, x, y, "<b>Spend flows</b>", 14, tw) + 2;
      y += text (cr, x, y,
                 "Anchor to supplier; line width is proportional to £ (nearby suppliers "
                 "are summed)",
                 11, tw)
           + 6;
      y += legend_line (cr, x, y, dark, 14, l1, tw);
      y += legend_line (cr, x, y, dark, 1 + 6.5, l2, tw);
      y += legend_line (cr, x, y, dark, 1 + 1.3, l3, tw);
      for (int p = PLACE_LOCAL; p <= PLACE_LEAKED; p++)
        y += legend_line (cr, x, y, place_styles[p].rgb, 4, place_styles[p].label, tw);
      if (stats->rest > 0)
        {
          g_autofree char *amount = wm_format_pounds_short (stats->rest_amount);
          g_autofree char *rest
              = g_strdup_printf ("%u smaller flows (%s) not drawn", stats->rest, amount);
          y += text (cr, x, y, rest, 11, tw) + 2;
        }
      y += text (cr, x, y, "An arrow at the edge: £ going out of the view", 11, tw) + 10;
    }
  if (options->layers & WM_LAYER_SUPPLIERS)
    {
      g_autofree char *max = wm_format_pounds_short (scene->max_supplier);
      g_autofree char *size = g_strdup_printf (
          "Circle area grows with £ received (largest %s); a number is a cluster of "
          "suppliers",
          max);

      y += text (cr, x, y, "<b>Suppliers</b>", 14, tw) + 4;
      for (int p = PLACE_LOCAL; p <= PLACE_LEAKED; p++)
        {
          cairo_new_path (cr);
          cairo_arc (cr, x + 8, y + 9, 7, 0, 2 * G_PI);
          cairo_set_source_rgb (cr, place_styles[p].rgb[0], place_styles[p].rgb[1],
                                place_styles[p].rgb[2]);
          cairo_fill (cr);
          cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
          y += text (cr, x + 22, y, place_styles[p].label, 12, tw - 22) + 5;
        }
      y += text (cr, x, y, size, 11, tw) + 10;
    }
  if (options->layers & WM_LAYER_ANCHORS)
    {
      cairo_rectangle (cr, x + 2, y + 2, 13, 13);
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
      cairo_fill (cr);
      y += text (cr, x + 22, y, "Anchor institution", 12, 0) + 8;
    }
  if (options->marked_title[0] != '\0')
    {
      cairo_new_path (cr);
      cairo_arc (cr, x + 9, y + 9, 8, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, marked_rgb[0], marked_rgb[1], marked_rgb[2]);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      centred_text (cr, x + 9, y + 9, "1", 10, TRUE);
      cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
      {
        g_autofree char *title = g_markup_printf_escaped ("<b>%s</b>", options->marked_title);
        y += text (cr, x + 22, y, title, 12, tw - 22) + 2;
      }
      y += text (cr, x + 22, y, "Wards ranked for a new local enterprise (Gaps view)", 11, tw - 22)
           + 8;
    }
  if (scene->data->unlocated != 0 || scene->data->public_bodies != 0)
    {
      g_autofree char *amount = wm_format_pounds_short (scene->data->unlocated);
      g_autofree char *pub = wm_format_pounds_short (scene->data->public_bodies);
      g_autofree char *note = NULL;

      if (scene->data->public_bodies == 0)
        note = g_strdup_printf ("Not on the map: %s paid to unlocated or redacted payees", amount);
      else
        note = g_strdup_printf ("Not on the map: %s paid to unlocated or redacted payees; %s to "
                                "public bodies (councils, government, NHS...)",
                                amount, pub);

      cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
      y += text (cr, x, y, note, 11, tw) + 8;
    }
  cairo_restore (cr);
  return y - y0;
}

static gboolean
ring_contains (const Shape *shape, double mx, double my)
{
  const guint *starts = (const guint *) shape->ring_starts->data;
  gboolean     inside = FALSE;

  for (guint r = 0; r + 1 < shape->ring_starts->len; r++)
    for (guint i = starts[r], j = starts[r + 1] - 1; i < starts[r + 1]; j = i++)
      {
        double xi = shape->mxy[2 * i], yi = shape->mxy[2 * i + 1];
        double xj = shape->mxy[2 * j], yj = shape->mxy[2 * j + 1];

        if ((yi > my) != (yj > my) && mx < (xj - xi) * (my - yi) / (yj - yi) + xi)
          inside = !inside;
      }
  return inside;
}

int
wm_scene_pick_area (const WmScene *scene, const WmMapView *view, double px, double py)
{
  double mx = view->x0 + px / view->scale, my = view->y0 + py / view->scale;

  for (guint i = 0; i < scene->data->areas->len; i++)
    {
      const double *b = scene->areas[i].bbox;

      if (mx >= b[0] && mx <= b[2] && my >= b[1] && my <= b[3]
          && ring_contains (&scene->areas[i], mx, my))
        return (int) i;
    }
  return -1;
}

int
wm_scene_pick_point (const WmScene *scene, const WmMapView *view, double px, double py)
{
  int    best = -1;
  double best_d = INFINITY;

  for (guint i = 0; i < scene->data->points->len; i++)
    {
      const WmMapPoint *p = g_ptr_array_index (scene->data->points, i);
      double            x, y, d, r;

      to_px (view, scene->points[2 * i], scene->points[2 * i + 1], &x, &y);
      d = hypot (x - px, y - py);
      r = p->anchor ? 9 : MAX (supplier_radius (scene, p->amount), 6);
      /* Anchors first: they sit on top. */
      if (d <= r && (d - (p->anchor ? 100 : 0)) < best_d)
        {
          best = (int) i;
          best_d = d - (p->anchor ? 100 : 0);
        }
    }
  return best;
}

/* A north arrow whose tip is at x, y. */
static void
north_arrow (cairo_t *cr, double x, double y)
{
  cairo_save (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
  cairo_arc (cr, x, y + 26, 24, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_move_to (cr, x, y + 6);
  cairo_line_to (cr, x + 9, y + 34);
  cairo_line_to (cr, x, y + 28);
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_set_line_width (cr, 1.2);
  cairo_move_to (cr, x, y + 6);
  cairo_line_to (cr, x - 9, y + 34);
  cairo_line_to (cr, x, y + 28);
  cairo_close_path (cr);
  cairo_stroke (cr);
  centred_text (cr, x, y + 43, "N", 11, TRUE);
  cairo_restore (cr);
}

/* The title, and a story's caption in a box under it; returns the bottom. */
static double
title_block (cairo_t *cr, const WmScene *scene, const WmRenderOptions *options, double width)
{
  g_autofree char *title = g_markup_printf_escaped (
      "<b>%s</b>", options->title && *options->title ? options->title : scene->data->title);
  g_autoptr (PangoLayout) layout = make_layout (cr, title, 22, width);
  int    w, h;
  double y = MARGIN - 10;

  halo_layout (cr, MARGIN, y, layout);
  pango_layout_get_pixel_size (layout, &w, &h);
  y += h + 6;
  if (options->caption && *options->caption)
    {
      g_autofree char *markup = g_markup_escape_text (options->caption, -1);
      g_autoptr (PangoLayout) caption = make_layout (cr, markup, 15, MIN (width, 560));

      pango_layout_get_pixel_size (caption, &w, &h);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.88);
      cairo_rectangle (cr, MARGIN - 8, y - 4, w + 16, h + 8);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_move_to (cr, MARGIN, y);
      pango_cairo_show_layout (cr, caption);
      y += h + 8;
    }
  return y;
}

void
wm_render_map (
    cairo_t *cr, const WmScene *scene, const WmRenderOptions *options, double width, double height)
{
  WmMapView   view;
  WmFlowStats stats;
  /* The legend takes at most a fifth of a narrow page; its text wraps to fit. */
  double legend_width = CLAMP (width * 0.22, 210, LEGEND_WIDTH);
  double map_width = (options->layers & WM_LAYER_LEGEND) ? width - legend_width : width;
  double x0, y0, x1, y1;

  if (options->has_extent)
    x0 = options->extent[0], y0 = options->extent[1], x1 = options->extent[2],
    y1 = options->extent[3];
  else
    wm_scene_get_extent (scene, &x0, &y0, &x1, &y1);
  /* A box the caller chose is shown exactly (centred where its shape differs); the scene's own
   * extent gets a margin. */
  wm_map_view_init_fit (&view, x0, y0, x1, y1, map_width, height,
                        options->has_extent ? 0 : MARGIN + 30);
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, map_width, height);
  cairo_clip (cr);
  wm_render_tile_layers (cr, scene, &view, options);
  wm_render_overlay (cr, scene, &view, options, &stats);
  cairo_restore (cr);
  if (!(options->layers & WM_LAYER_LEGEND))
    return;

  cairo_save (cr);
  wm_render_scale_bar (cr, &view, MARGIN, height - MARGIN);
  title_block (cr, scene, options, map_width - 2 * MARGIN);
  /* Above the scale bar: the map's top and right edges carry the arrows of flows leaving. */
  if (options->north_arrow)
    north_arrow (cr, MARGIN + 24, height - MARGIN - 90);
  cairo_rectangle (cr, map_width, 0, legend_width, height);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  {
    const char *attribution
        = "Contains OS data © Crown copyright and database right; ONS and MHCLG data (English "
          "Indices of Deprivation 2019), Open Government Licence v3.0. Land: Natural Earth.";
    g_autofree char *with_tiles
        = options->basemap ? g_strdup_printf ("%s Basemap: %s.", attribution,
                                              wm_basemap_get_attribution (options->basemap))
                           : NULL;
    g_autofree char *escaped = g_markup_escape_text (with_tiles ? with_tiles : attribution, -1);
    g_autoptr (PangoLayout) credit = make_layout (cr, escaped, 10, legend_width - 32);
    int    w, h;
    double room, used, shrink;

    g_autoptr (PangoLayout) page
        = options->page_label ? make_layout (cr, options->page_label, 11, legend_width - 32) : NULL;
    int page_h = 0;

    pango_layout_get_pixel_size (credit, &w, &h);
    if (page != NULL)
      {
        pango_layout_get_pixel_size (page, &w, &page_h);
        page_h += 8;
      }
    room = height - MARGIN - h - page_h - 12 - MARGIN;
    /* Measured first on a surface that keeps nothing: a legend taller than the page is drawn
     * smaller rather than running into the credits. */
    {
      cairo_surface_t *scratch = cairo_recording_surface_create (CAIRO_CONTENT_COLOR, NULL);
      cairo_t         *measure = cairo_create (scratch);

      used = wm_render_legend (measure, scene, options, &stats, 0, 0, legend_width - 28);
      cairo_destroy (measure);
      cairo_surface_destroy (scratch);
    }
    shrink = used > room && used > 0 ? room / used : 1;
    cairo_save (cr);
    cairo_translate (cr, map_width + 16, MARGIN);
    cairo_scale (cr, shrink, shrink);
    wm_render_legend (cr, scene, options, &stats, 0, 0, (legend_width - 28) / shrink);
    cairo_restore (cr);
    cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
    cairo_move_to (cr, map_width + 16, height - MARGIN - h);
    pango_cairo_show_layout (cr, credit);
    if (page != NULL)
      {
        cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
        cairo_move_to (cr, map_width + 16, height - MARGIN - h - page_h);
        pango_cairo_show_layout (cr, page);
      }
  }
  cairo_restore (cr);
}

static const struct
{
  const char *name;
  double      long_mm, short_mm;
} papers[] = {
  { "a0", 1189, 841 }, { "a1", 841, 594 }, { "a2", 594, 420 },         { "a3", 420, 297 },
  { "a4", 297, 210 },  { "a5", 210, 148 }, { "letter", 279.4, 215.9 },
};

static gboolean
check_page (const WmPageSize *size, WmRenderFormat format, GError **error)
{
  double lw = size->width / size->scale, lh = size->height / size->scale;

  if (lw < 400 || lh < 280 || size->width > 20000 || size->height > 20000
      || (format == WM_RENDER_PNG && (double) size->width * size->height > 200e6))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                   "map size %dx%d at this density: the page must be at least 400x280 at 96 dpi "
                   "(or in points) and at most 20000 on a side and 200 million pixels",
                   size->width, size->height);
      return FALSE;
    }
  return TRUE;
}

gboolean
wm_page_size_for_pixels (
    int width, int height, WmRenderFormat format, double dpi, WmPageSize *size, GError **error)
{
  if (!(dpi >= 36 && dpi <= 1200))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE, "%g dpi: expected 36 to 1200", dpi);
      return FALSE;
    }
  size->width = width;
  size->height = height;
  size->scale = format == WM_RENDER_PNG ? dpi / 96.0 : 1.0;
  size->dpi = format == WM_RENDER_PNG ? dpi : 0;
  return check_page (size, format, error);
}

gboolean
wm_page_size_for_paper (
    const char *paper, WmRenderFormat format, double dpi, WmPageSize *size, GError **error)
{
  g_autofree char *name = g_ascii_strdown (paper, -1);
  gboolean         portrait = g_str_has_suffix (name, "-portrait");
  double           units = format == WM_RENDER_PNG ? dpi : 72.0; /* per inch */

  if (portrait)
    name[strlen (name) - strlen ("-portrait")] = '\0';
  else if (g_str_has_suffix (name, "-landscape"))
    name[strlen (name) - strlen ("-landscape")] = '\0';
  if (!(dpi >= 36 && dpi <= 1200))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE, "%g dpi: expected 36 to 1200", dpi);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (papers); i++)
    if (strcmp (papers[i].name, name) == 0)
      {
        int w = (int) round (papers[i].long_mm / 25.4 * units);
        int h = (int) round (papers[i].short_mm / 25.4 * units);

        size->width = portrait ? h : w;
        size->height = portrait ? w : h;
        size->scale = units / 72.0;
        size->dpi = format == WM_RENDER_PNG ? dpi : 0;
        return check_page (size, format, error);
      }
  g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
               "paper %s: expected a0, a1, a2, a3, a4, a5 or letter, with -portrait for upright",
               paper);
  return FALSE;
}

struct _WmRenderDoc
{
  cairo_surface_t *surface;
  WmRenderFormat   format;
  WmPageSize       size;
  char            *path, *part;
  guint            pages;
};

/* cairo writes no pHYs chunk, so a print shop would see a 300 dpi A3 as 72 dpi: the PNG is
 * written with libpng itself, with its dpi when known. @surface is CAIRO_FORMAT_RGB24. */
static cairo_status_t
write_png (cairo_surface_t *surface, const char *path, double dpi)
{
  int           w = cairo_image_surface_get_width (surface);
  int           h = cairo_image_surface_get_height (surface);
  int           stride = cairo_image_surface_get_stride (surface);
  const guint8 *data;
  FILE *volatile file = NULL;
  guint8 *volatile row = NULL;
  png_structp       png;
  png_infop         info = NULL;
  volatile gboolean ok = FALSE;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  if (png == NULL || (info = png_create_info_struct (png)) == NULL)
    goto out;
  if (setjmp (png_jmpbuf (png)))
    goto out; /* libpng failed (a full disk): it longjmps here */
  file = g_fopen (path, "wb");
  if (file == NULL)
    goto out;
  row = g_malloc ((gsize) w * 3);
  png_init_io (png, file);
  png_set_IHDR (png, info, (png_uint_32) w, (png_uint_32) h, 8, PNG_COLOR_TYPE_RGB,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (dpi > 0)
    {
      png_uint_32 per_metre = (png_uint_32) lround (dpi / 0.0254);

      png_set_pHYs (png, info, per_metre, per_metre, PNG_RESOLUTION_METER);
    }
  png_write_info (png, info);
  for (int y = 0; y < h; y++)
    {
      const guint32 *px = (const guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < w; x++)
        {
          row[3 * x] = (guint8) (px[x] >> 16);
          row[3 * x + 1] = (guint8) (px[x] >> 8);
          row[3 * x + 2] = (guint8) px[x];
        }
      png_write_row (png, row);
    }
  png_write_end (png, info);
  ok = TRUE;
out:
  png_destroy_write_struct (&png, &info);
  g_free (row);
  if (file != NULL && fclose (file) != 0)
    ok = FALSE;
  return ok ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

WmRenderDoc *
wm_render_doc_new (const char *path, WmRenderFormat format, const WmPageSize *size, GError **error)
{
  WmRenderDoc *doc;

  g_return_val_if_fail (path != NULL && size != NULL, NULL);
  if (!check_page (size, format, error))
    return NULL;
  doc = g_new0 (WmRenderDoc, 1);
  doc->format = format;
  doc->size = *size;
  doc->path = g_strdup (path);
  /* Written beside and renamed at the end: a failed export never leaves half a file where an
   * earlier one was. */
  doc->part = g_strdup_printf ("%s.part", path);
  if (format == WM_RENDER_SVG)
    doc->surface = cairo_svg_surface_create (doc->part, size->width, size->height);
  else if (format == WM_RENDER_PDF)
    doc->surface = cairo_pdf_surface_create (doc->part, size->width, size->height);
  else
    doc->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, size->width, size->height);
  if (cairo_surface_status (doc->surface) != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *folder = g_path_get_dirname (path);

      g_set_error (error, WM_ERROR, WM_ERROR_IO, "%s: cannot write the map (%s)", path,
                   !g_file_test (folder, G_FILE_TEST_IS_DIR)
                       ? "its folder does not exist"
                       : cairo_status_to_string (cairo_surface_status (doc->surface)));
      cairo_surface_destroy (doc->surface);
      g_unlink (doc->part);
      g_free (doc->path);
      g_free (doc->part);
      g_free (doc);
      return NULL;
    }
  if (format == WM_RENDER_PDF)
    cairo_pdf_surface_set_metadata (doc->surface, CAIRO_PDF_METADATA_CREATOR, "Wealthmap");
  return doc;
}

void
wm_render_doc_add_page (WmRenderDoc *doc, const WmScene *scene, const WmRenderOptions *options)
{
  cairo_t *cr;

  g_return_if_fail (doc != NULL && scene != NULL && options != NULL);
  g_return_if_fail (doc->pages == 0 || doc->format == WM_RENDER_PDF);
  cr = cairo_create (doc->surface);
  cairo_scale (cr, doc->size.scale, doc->size.scale);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  wm_render_map (cr, scene, options, doc->size.width / doc->size.scale,
                 doc->size.height / doc->size.scale);
  if (doc->format == WM_RENDER_PDF)
    cairo_show_page (cr);
  cairo_destroy (cr);
  doc->pages++;
}

gboolean
wm_render_doc_finish (WmRenderDoc *doc, GError **error)
{
  cairo_status_t status;
  gboolean       ok;

  g_return_val_if_fail (doc != NULL, FALSE);
  if (doc->format == WM_RENDER_PNG)
    status = write_png (doc->surface, doc->part, doc->size.dpi);
  else
    {
      cairo_surface_finish (doc->surface);
      status = cairo_surface_status (doc->surface);
    }
  cairo_surface_destroy (doc->surface);
  ok = status == CAIRO_STATUS_SUCCESS && doc->pages > 0;
  if (!ok)
    g_set_error (error, WM_ERROR, WM_ERROR_IO, "%s: cannot write the map (%s)", doc->path,
                 doc->pages ? cairo_status_to_string (status) : "no page drawn");
  else if (g_rename (doc->part, doc->path) != 0)
    {
      int saved = errno;

      g_set_error (error, WM_ERROR, WM_ERROR_IO, "%s: cannot write the map (%s)", doc->path,
                   g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (doc->part);
  g_free (doc->path);
  g_free (doc->part);
  g_free (doc);
  return ok;
}

void
wm_render_doc_abandon (WmRenderDoc *doc)
{
  g_return_if_fail (doc != NULL);
  cairo_surface_finish (doc->surface);
  cairo_surface_destroy (doc->surface);
  g_unlink (doc->part);
  g_free (doc->path);
  g_free (doc->part);
  g_free (doc);
}

gboolean
wm_render_to_file (const WmScene         *scene,
                   const WmRenderOptions *options,
                   const char            *path,
                   WmRenderFormat         format,
                   const WmPageSize      *size,
                   GError               **error)
{
  WmRenderDoc *doc;

  g_return_val_if_fail (scene != NULL && options != NULL && path != NULL, FALSE);
  doc = wm_render_doc_new (path, format, size, error);
  if (doc == NULL)
    return FALSE;
  wm_render_doc_add_page (doc, scene, options);
  return wm_render_doc_finish (doc, error);
}
