/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Point-in-polygon over many areas: rings flattened to arrays of doubles, a uniform grid of
 * bounding boxes, and an exact crossing-number test with a half-open rule so a point on an
 * edge shared by two areas lands in exactly one of them. */
#pragma once

#include <glib.h>
#include <ogr_api.h>

G_BEGIN_DECLS

typedef struct _WmSpatialIndex WmSpatialIndex;

WmSpatialIndex *wm_spatial_index_new (void);
void            wm_spatial_index_free (WmSpatialIndex *index);

/* Adds a Polygon or MultiPolygon (any nesting of holes); @id is returned by find(). */
void wm_spatial_index_add (WmSpatialIndex *index, OGRGeometryH geometry, gint64 id);
/* Must be called after the last add() and before find(). */
void  wm_spatial_index_build (WmSpatialIndex *index);
guint wm_spatial_index_size (WmSpatialIndex *index);

/* The id of the first area (in order of adding) containing (x, y), or -1. */
gint64 wm_spatial_index_find (WmSpatialIndex *index, double x, double y);

/* Exact test against one area. */
gboolean wm_spatial_index_area_contains (WmSpatialIndex *self, guint index, double px, double py);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmSpatialIndex, wm_spatial_index_free)

G_END_DECLS
