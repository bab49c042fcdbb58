/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Simplifying areas that share their borders (LSOAs, wards) for every zoom at once. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A run of border between two ends of arcs, once for the two areas it separates. */
typedef struct
{
  guint  shape;                   /* the shape whose ring it is read from */
  guint  ring_start, ring_length; /* that ring: its vertices without the closing repeat */
  guint  from, n;                 /* from its from-th vertex, n vertices on round the ring */
  guint  other;                   /* the other shape it is a border of, or G_MAXUINT */
  double bbox[4];
} WmSimplifyArc;

typedef struct
{
  const double *xy;     /* x, y pairs in normalised Web Mercator (0..1) */
  const guint  *starts; /* the first vertex of each ring, plus one past the last ring */
  guint         n_rings;
  float        *rank; /* out, one per vertex (caller's memory): see wm_simplify_rank */
} WmSimplifyShape;

/* Ranks every vertex of @shapes with the largest Douglas-Peucker tolerance (in the units of
 * xy) at which it is still kept; INFINITY for the vertices always kept. A drawing at any
 * scale then keeps the vertices ranked at least its tolerance, and the result is exactly
 * Douglas-Peucker's at that tolerance, arc by arc.
 *
 * Borders stay shared: rings are cut into arcs where their neighbours change (a vertex used
 * by three rings or more, or by two whose next and previous vertices differ), and each arc is
 * ranked in one canonical direction. Two areas that share an arc (the same vertices) thus
 * keep the same vertices of it at every tolerance, and no slivers open between them. A ring
 * that meets no other is one arc from its lowest vertex round to itself. Rings may or may not
 * repeat their first vertex at the end.
 *
 * @arcs, when not NULL, gets every arc once (WmSimplifyArc), so that borders can be drawn once
 * rather than once from each side. */
void wm_simplify_rank (WmSimplifyShape *shapes, guint n_shapes, GArray *arcs);

G_END_DECLS
