/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-zoom simplification, computed once: see wm-simplify.h. Vertices are matched between
 * rings by their position rounded to 2^-32 of the Mercator square (under 1 cm), in an open
 * addressing table sized for every vertex, which is dropped before returning. */
#include "wm-simplify.h"

#include <math.h>
#include <string.h>

typedef struct
{
  guint32 x, y;
  guint32 pair; /* hash of the vertex's two neighbours in the first ring seen */
  guint32 uses; /* rings through it; JUNCTION set once it is known to end arcs */
} Slot;

#define JUNCTION 0x80000000u

static inline guint32
quantise (double v)
{
  return (guint32) (CLAMP (v, 0.0, 1.0) * 4294967295.0 + 0.5);
}

static inline guint64
mix64 (guint64 h)
{
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

static inline guint64
vertex_key (const double *xy, guint k)
{
  return ((guint64) quantise (xy[2 * k]) << 32) | quantise (xy[2 * k + 1]);
}

static Slot *
table_find (Slot *slots, guint64 mask, guint64 key, gboolean *is_new)
{
  guint64 i = mix64 (key) & mask;
  guint32 x = (guint32) (key >> 32), y = (guint32) key;

  for (;; i = (i + 1) & mask)
    {
      Slot *s = &slots[i];

      if (s->uses == 0)
        {
          s->x = x, s->y = y;
          *is_new = TRUE;
          return s;
        }
      if (s->x == x && s->y == y)
        {
          *is_new = FALSE;
          return s;
        }
    }
}

/* Vertices in a ring, without the repeat of the first at the end. */
static guint
open_length (const double *xy, guint start, guint end)
{
  guint m = end - start;

  if (m >= 2 && xy[2 * start] == xy[2 * (end - 1)] && xy[2 * start + 1] == xy[2 * (end - 1) + 1])
    m--;
  return m;
}

/* Order-free hash of a vertex's two neighbours, so that a border walked the other way round by
 * the area on its other side gives the same value. */
static inline guint32
pair_hash (guint64 a, guint64 b)
{
  return (guint32) (mix64 (a) + mix64 (b));
}

static inline double
key_x (guint64 key)
{
  return (double) (key >> 32);
}

static inline double
key_y (guint64 key)
{
  return (double) (key & 0xffffffffu);
}

/* The squared distance of vertex @p from the segment @a-@b, in units of 2^-32, from the
 * rounded positions: two rings whose vertices differ in their last bits but round the same
 * rank them the same. */
static inline double
segment_distance2 (guint64 p, guint64 a, guint64 b)
{
  double ax = key_x (a), ay = key_y (a), dx = key_x (b) - ax, dy = key_y (b) - ay;
  double px = key_x (p) - ax, py = key_y (p) - ay, len2 = dx * dx + dy * dy, t;

  t = len2 > 0 ? CLAMP ((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
  px -= t * dx;
  py -= t * dy;
  return px * px + py * py;
}

typedef struct
{
  guint a, b;
  float limit;
} Span;

/* Douglas-Peucker over the vertices @seq[0..n-1] (indexes into the ring's @key and the
 * shape's @rank), whose ends are kept: a vertex's rank is its distance from the chord it
 * splits, capped by the rank of the vertex that made that chord, so that keeping the ranks
 * >= t is the recursion stopped at t. */
static void
rank_arc (const guint64 *key, guint start, const guint *seq, guint n, float *rank, GArray *stack)
{
  Span top = { 0, n - 1, INFINITY };

  g_array_set_size (stack, 0);
  g_array_append_val (stack, top);
  while (stack->len > 0)
    {
      Span   s = g_array_index (stack, Span, stack->len - 1);
      double best = -1;
      guint  split = 0;

      g_array_set_size (stack, stack->len - 1);
      if (s.b - s.a < 2)
        continue;
      for (guint k = s.a + 1; k < s.b; k++)
        {
          double d = segment_distance2 (key[seq[k] - start], key[seq[s.a] - start],
                                        key[seq[s.b] - start]);

          if (d > best)
            best = d, split = k;
        }
      rank[seq[split]] = MIN ((float) (sqrt (best) / 4294967295.0), s.limit);
      {
        Span left = { s.a, split, rank[seq[split]] }, right = { split, s.b, rank[seq[split]] };

        g_array_append_val (stack, left);
        g_array_append_val (stack, right);
      }
    }
}

/* The arcs found so far, each once: signature (its first, second and last vertex, walked
 * from its lower end) -> index into arcs. */
typedef struct
{
  GArray     *arcs; /* WmSimplifyArc, or NULL when not wanted */
  GHashTable *seen;
  guint       shape;
} Arcs;

typedef struct
{
  guint64 v[3];
} Signature;

static guint
signature_hash (gconstpointer p)
{
  const Signature *s = p;

  return (guint) mix64 (s->v[0] ^ mix64 (s->v[1] ^ mix64 (s->v[2])));
}

static gboolean
signature_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (Signature)) == 0;
}

/* Notes the arc of @n vertices from @a round the ring (@start, @m), walked as @idx, unless its
 * other side has been. */
static void
add_arc (Arcs          *arcs,
         const double  *xy,
         const guint64 *key,
         guint          start,
         guint          m,
         guint          a,
         const guint   *idx,
         guint          n)
{
  Signature     sig = { { key[idx[0] - start], key[idx[1] - start], key[idx[n - 1] - start] } };
  gpointer      found;
  WmSimplifyArc arc
      = { arcs->shape, start, m, a, n, G_MAXUINT, { INFINITY, INFINITY, -INFINITY, -INFINITY } };

  if (g_hash_table_lookup_extended (arcs->seen, &sig, NULL, &found))
    {
      WmSimplifyArc *first = &g_array_index (arcs->arcs, WmSimplifyArc, GPOINTER_TO_UINT (found));

      if (first->other == G_MAXUINT && first->shape != arcs->shape)
        first->other = arcs->shape;
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      arc.bbox[0] = MIN (arc.bbox[0], xy[2 * idx[i]]);
      arc.bbox[1] = MIN (arc.bbox[1], xy[2 * idx[i] + 1]);
      arc.bbox[2] = MAX (arc.bbox[2], xy[2 * idx[i]]);
      arc.bbox[3] = MAX (arc.bbox[3], xy[2 * idx[i] + 1]);
    }
  g_hash_table_insert (arcs->seen, g_memdup2 (&sig, sizeof sig),
                       GUINT_TO_POINTER (arcs->arcs->len));
  g_array_append_val (arcs->arcs, arc);
}

/* The arcs of one ring (vertices start..start+m-1, their keys and junction flags from
 * @key and @junction), each ranked from its lower end, and noted in @arcs. */
static void
rank_ring (const double  *xy,
           const guint64 *key,
           const guint8  *junction,
           guint          start,
           guint          m,
           float         *rank,
           Arcs          *arcs,
           GArray        *fixed,
           GArray        *seq,
           GArray        *stack)
{
  g_array_set_size (fixed, 0);
  for (guint i = 0; i < m; i++)
    {
      rank[start + i] = INFINITY;
      if (junction[i])
        g_array_append_val (fixed, i);
    }
  if (fixed->len == 0)
    {
      /* No neighbour changes along it: one arc from the lowest vertex, which the other side of
       * a shared ring (an area inside another) picks too. */
      guint low = 0;

      for (guint i = 1; i < m; i++)
        if (key[i] < key[low])
          low = i;
      g_array_append_val (fixed, low);
    }
  for (guint f = 0; f < fixed->len; f++)
    {
      guint    a = g_array_index (fixed, guint, f);
      guint    b = g_array_index (fixed, guint, (f + 1) % fixed->len);
      guint    n = (b > a ? b - a : b + m - a) + 1; /* both ends; a == b: round the ring */
      guint   *idx;
      guint64  ka, kb;
      gboolean reverse;

      g_array_set_size (seq, n);
      idx = (guint *) seq->data;
      for (guint i = 0; i < n; i++)
        idx[i] = start + (a + i) % m;
      /* The same arc walked from its other end by the neighbour must rank the same: walk
       * every arc from the lower of its ends (of its second vertices, round a whole ring). */
      ka = key[idx[0] - start], kb = key[idx[n - 1] - start];
      if (ka == kb)
        ka = key[idx[1] - start], kb = key[idx[n - 2] - start];
      reverse = kb < ka;
      for (guint i = 0; reverse && i < n / 2; i++)
        {
          guint tmp = idx[i];

          idx[i] = idx[n - 1 - i];
          idx[n - 1 - i] = tmp;
        }
      if (n >= 3)
        rank_arc (key, start, idx, n, rank, stack);
      rank[idx[0]] = rank[idx[n - 1]] = INFINITY;
      if (arcs->arcs != NULL)
        add_arc (arcs, xy, key, start, m, a, idx, n);
    }
}

/* How many vertices ahead to ask for a slot's cache line: the table is far larger than the
 * caches, and with the misses overlapped it is filled several times faster. */
#define AHEAD 16

void
wm_simplify_rank (WmSimplifyShape *shapes, guint n_shapes, GArray *arcs_out)
{
  Arcs                arcs = { arcs_out, NULL, 0 };
  guint64             n = 0, size = 1024, mask, g;
  g_autofree guint64 *offset = g_new (guint64, n_shapes + 1);
  g_autofree guint64 *key = NULL;
  g_autofree guint32 *slot_of = NULL;
  g_autofree guint8  *junction = NULL;
  g_autofree Slot    *slots = NULL;
  g_autoptr (GArray) fixed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) seq = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (Span));

  /* Every vertex in one numbering, with its key. */
  for (guint s = 0; s < n_shapes; s++)
    {
      offset[s] = n;
      if (shapes[s].n_rings > 0)
        n += shapes[s].starts[shapes[s].n_rings];
    }
  offset[n_shapes] = n;
  key = g_new (guint64, MAX (n, 1));
  slot_of = g_new0 (guint32, MAX (n, 1));
  junction = g_new0 (guint8, MAX (n, 1));
  for (guint s = 0; s < n_shapes; s++)
    for (guint64 k = 0; k < offset[s + 1] - offset[s]; k++)
      key[offset[s] + k] = vertex_key (shapes[s].xy, (guint) k);
  while (size < n + n / 3)
    size *= 2;
  mask = size - 1;
  slots = g_new0 (Slot, size);

  /* Which rings go through each vertex, and whether they all come and go the same way. */
  for (guint s = 0; s < n_shapes; s++)
    for (guint r = 0; r < shapes[s].n_rings; r++)
      {
        guint start = shapes[s].starts[r];
        guint m = open_length (shapes[s].xy, start, shapes[s].starts[r + 1]);

        g = offset[s] + start;
        for (guint i = 0; m >= 3 && i < m; i++)
          {
            gboolean is_new;
            Slot    *v;
            guint32  pair = pair_hash (key[g + (i + m - 1) % m], key[g + (i + 1) % m]);

            if (g + i + AHEAD < n)
              __builtin_prefetch (&slots[mix64 (key[g + i + AHEAD]) & mask], 1);
            v = table_find (slots, mask, key[g + i], &is_new);
            slot_of[g + i] = (guint32) (v - slots);
            if (is_new)
              {
                v->uses = 1;
                v->pair = pair;
              }
            else if ((v->uses & ~JUNCTION) >= 2 || v->pair != pair)
              v->uses = (v->uses + 1) | JUNCTION;
            else
              v->uses++;
          }
      }
  /* (a ring's closing repeat, never looked up, reads slot 0: its flag is never used) */
  for (g = 0; g < n; g++)
    {
      if (g + AHEAD < n)
        __builtin_prefetch (&slots[slot_of[g + AHEAD]], 0);
      junction[g] = (slots[slot_of[g]].uses & JUNCTION) != 0;
    }
  g_clear_pointer (&slots, g_free);
  if (arcs_out != NULL)
    arcs.seen = g_hash_table_new_full (signature_hash, signature_equal, g_free, NULL);

  for (guint s = 0; s < n_shapes; s++)
    for (guint r = 0; r < shapes[s].n_rings; r++)
      {
        guint start = shapes[s].starts[r], end = shapes[s].starts[r + 1];
        guint m = open_length (shapes[s].xy, start, end);

        if (m < 3)
          {
            for (guint k = start; k < end; k++)
              shapes[s].rank[k] = INFINITY;
            continue;
          }
        g = offset[s] + start;
        arcs.shape = s;
        rank_ring (shapes[s].xy, key + g, junction + g, start, m, shapes[s].rank, &arcs, fixed, seq,
                   stack);
        if (m < end - start)
          shapes[s].rank[end - 1] = shapes[s].rank[start];
      }
  if (arcs.seen != NULL)
    g_hash_table_destroy (arcs.seen);
}
