/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A grid of area bounding boxes over flattened rings. Every ring of an area (outer rings,
 * holes, parts of a multipolygon) goes into one crossing count: an odd count is inside. */
#include "wm-spatial-index.h"

#include <math.h>

typedef struct
{
  gint64 id;
  double min_x, min_y, max_x, max_y;
  guint  first_ring; /* index into ring_starts */
  guint  n_rings;
} Area;

struct _WmSpatialIndex
{
  GArray *areas;       /* Area */
  GArray *coords;      /* double x,y pairs of every ring, closed */
  GArray *ring_starts; /* guint: first coordinate pair of each ring; one extra at the end */

  /* grid */
  double   min_x, min_y, max_x, max_y;
  int      nx, ny;
  double   cell_w, cell_h;
  guint   *cell_starts; /* nx*ny+1 offsets into cell_items */
  guint   *cell_items;  /* area indexes */
  gboolean built;
};

WmSpatialIndex *
wm_spatial_index_new (void)
{
  WmSpatialIndex *self = g_new0 (WmSpatialIndex, 1);

  self->areas = g_array_new (FALSE, FALSE, sizeof (Area));
  self->coords = g_array_new (FALSE, FALSE, sizeof (double));
  self->ring_starts = g_array_new (FALSE, FALSE, sizeof (guint));
  return self;
}

void
wm_spatial_index_free (WmSpatialIndex *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->areas);
  g_array_unref (self->coords);
  g_array_unref (self->ring_starts);
  g_free (self->cell_starts);
  g_free (self->cell_items);
  g_free (self);
}

static void
add_ring (WmSpatialIndex *self, OGRGeometryH ring, Area *area)
{
  int   n = OGR_G_GetPointCount (ring);
  guint start = self->coords->len / 2;

  if (n < 3)
    return;
  for (int i = 0; i < n; i++)
    {
      double xy[2] = { OGR_G_GetX (ring, i), OGR_G_GetY (ring, i) };

      g_array_append_vals (self->coords, xy, 2);
      area->min_x = MIN (area->min_x, xy[0]);
      area->max_x = MAX (area->max_x, xy[0]);
      area->min_y = MIN (area->min_y, xy[1]);
      area->max_y = MAX (area->max_y, xy[1]);
    }
  g_array_append_val (self->ring_starts, start);
  area->n_rings++;
}

static void
add_rings (WmSpatialIndex *self, OGRGeometryH geometry, Area *area)
{
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (geometry));

  if (type == wkbLineString || type == wkbLinearRing)
    add_ring (self, geometry, area);
  else if (type == wkbPolygon || type == wkbMultiPolygon || type == wkbGeometryCollection)
    for (int i = 0, n = OGR_G_GetGeometryCount (geometry); i < n; i++)
      add_rings (self, OGR_G_GetGeometryRef (geometry, i), area);
}

void
wm_spatial_index_add (WmSpatialIndex *self, OGRGeometryH geometry, gint64 id)
{
  Area area = { id, INFINITY, INFINITY, -INFINITY, -INFINITY, self->ring_starts->len, 0 };

  g_return_if_fail (!self->built);
  if (geometry == NULL)
    return;
  add_rings (self, geometry, &area);
  if (area.n_rings > 0)
    g_array_append_val (self->areas, area);
}

guint
wm_spatial_index_size (WmSpatialIndex *self)
{
  return self->areas->len;
}

static int
cell_x (WmSpatialIndex *self, double x)
{
  int c = (int) floor ((x - self->min_x) / self->cell_w);
  return CLAMP (c, 0, self->nx - 1);
}

static int
cell_y (WmSpatialIndex *self, double y)
{
  int c = (int) floor ((y - self->min_y) / self->cell_h);
  return CLAMP (c, 0, self->ny - 1);
}

void
wm_spatial_index_build (WmSpatialIndex *self)
{
  guint  n = self->areas->len;
  guint *counts;
  guint  side;

  /* Close the ring list so ring r spans ring_starts[r] .. ring_starts[r+1]. */
  {
    guint end = self->coords->len / 2;
    g_array_append_val (self->ring_starts, end);
  }
  self->built = TRUE;
  if (n == 0)
    return;
  self->min_x = self->min_y = INFINITY;
  self->max_x = self->max_y = -INFINITY;
  for (guint i = 0; i < n; i++)
    {
      Area *a = &g_array_index (self->areas, Area, i);
      self->min_x = MIN (self->min_x, a->min_x);
      self->min_y = MIN (self->min_y, a->min_y);
      self->max_x = MAX (self->max_x, a->max_x);
      self->max_y = MAX (self->max_y, a->max_y);
    }
  /* About two cells per area keeps candidate lists short for ward- and LSOA-sized areas. */
  side = (guint) CLAMP (ceil (sqrt (2.0 * n)), 1, 2048);
  self->nx = self->ny = (int) side;
  self->cell_w = MAX ((self->max_x - self->min_x) / self->nx, 1e-9);
  self->cell_h = MAX ((self->max_y - self->min_y) / self->ny, 1e-9);

  counts = g_new0 (guint, (gsize) self->nx * self->ny + 1);
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < n; i++)
        {
          Area *a = &g_array_index (self->areas, Area, i);
          int   x0 = cell_x (self, a->min_x), x1 = cell_x (self, a->max_x);
          int   y0 = cell_y (self, a->min_y), y1 = cell_y (self, a->max_y);

          for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
              {
                gsize c = (gsize) y * self->nx + x;
                if (pass == 0)
                  counts[c]++;
                else
                  self->cell_items[self->cell_starts[c] + counts[c]++] = i;
              }
        }
      if (pass == 0)
        {
          gsize total = 0;
          self->cell_starts = g_new (guint, (gsize) self->nx * self->ny + 1);
          for (gsize c = 0; c < (gsize) self->nx * self->ny; c++)
            {
              self->cell_starts[c] = (guint) total;
              total += counts[c];
              counts[c] = 0;
            }
          self->cell_starts[(gsize) self->nx * self->ny] = (guint) total;
          self->cell_items = g_new (guint, MAX (total, 1));
        }
    }
  g_free (counts);
}

gboolean
wm_spatial_index_area_contains (WmSpatialIndex *self, guint index, double px, double py)
{
  const Area   *a = &g_array_index (self->areas, Area, index);
  const double *xy = (const double *) self->coords->data;
  const guint  *starts = (const guint *) self->ring_starts->data;
  gboolean      inside = FALSE;

  if (px < a->min_x || px > a->max_x || py < a->min_y || py > a->max_y)
    return FALSE;
  for (guint r = a->first_ring; r < a->first_ring + a->n_rings; r++)
    {
      guint begin = starts[r], end = starts[r + 1];

      /* Half-open in y ((yi > py) != (yj > py)) and strict in x: of two areas sharing an edge
       * exactly one counts a crossing for a point on it. */
      for (guint i = begin, j = end - 1; i < end; j = i++)
        {
          double xi = xy[2 * i], yi = xy[2 * i + 1];
          double xj = xy[2 * j], yj = xy[2 * j + 1];

          if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi)
            inside = !inside;
        }
    }
  return inside;
}

gint64
wm_spatial_index_find (WmSpatialIndex *self, double x, double y)
{
  gsize c;

  g_return_val_if_fail (self->built, -1);
  if (self->areas->len == 0 || x < self->min_x || x > self->max_x || y < self->min_y
      || y > self->max_y)
    return -1;
  c = (gsize) cell_y (self, y) * self->nx + cell_x (self, x);
  for (guint k = self->cell_starts[c]; k < self->cell_starts[c + 1]; k++)
    {
      guint i = self->cell_items[k];
      if (wm_spatial_index_area_contains (self, i, x, y))
        return g_array_index (self->areas, Area, i).id;
    }
  return -1;
}
