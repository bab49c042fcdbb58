/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzy suggestions and the review round trip. The score of a payee against a directory name
 * is the IDF-weighted Jaccard similarity of their firm words (wm_name_tokens): shared words
 * count by how rare they are in the directory, so "H&M BUILDING & JOINERY LIMITED" ~ "H & M
 * BUILDING AND JOINERY" scores 1 while two firms sharing only "SERVICES" score low. Candidates
 * come from an inverted index of the words the unplaced payees use, built in one pass over the
 * directory's keys. */
#include "wm-review.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "wm-error.h"
#include "wm-geocoder.h"
#include "wm-match.h"
#include "wm-project-private.h"
#include "wm-table-reader.h"
#include "wm-text.h"

void
wm_suggestion_free (WmSuggestion *s)
{
  if (s == NULL)
    return;
  g_free (s->name);
  g_free (s->company_number);
  g_free (s->postcode);
  g_free (s->status);
  g_free (s);
}

void
wm_review_row_free (WmReviewRow *row)
{
  if (row == NULL)
    return;
  g_free (row->payee);
  g_free (row->supplier);
  g_free (row->anchors);
  g_free (row->why);
  g_ptr_array_unref (row->suggestions);
  g_free (row);
}

static char *
column_dup (sqlite3_stmt *stmt, int i)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

/* ---- suggestions ------------------------------------------------------------------------ */

typedef struct
{
  gint64   supplier_id;
  guint   *ids; /* its words as ids into the word table, in order, repeats kept */
  guint    n_ids;
  double   weight;  /* the sum of the IDF of its words */
  double   penalty; /* 1, or less for a company that is dissolved or being wound up */
  char    *number;  /* company number or NULL */
  gboolean located;
} Candidate;

typedef struct
{
  guint candidate;
  guint repeats; /* how many times the word is in the candidate */
} Posting;

/* Two directory entries for one firm (the Lancashire list has "FCC RECYCLING (UK) LTD" with
 * its number and "FCC RECYCLING UK LTD" without): the same words and no conflicting number. */
static gboolean
same_firm (const Candidate *a, const Candidate *b)
{
  if (a->n_ids != b->n_ids)
    return FALSE;
  for (guint i = 0; i < a->n_ids; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < b->n_ids && !found; j++)
        found = a->ids[i] == b->ids[j];
      if (!found)
        return FALSE;
    }
  return a->number == NULL || b->number == NULL || strcmp (a->number, b->number) == 0;
}

/* Of two entries for one firm, the one that places the payee, then the one with a number. */
static gboolean
better_entry (const Candidate *a, const Candidate *b)
{
  if (a->located != b->located)
    return a->located;
  return a->number != NULL && b->number == NULL;
}

static double
status_penalty (const char *status)
{
  g_autofree char *s = g_ascii_strdown (status ? status : "", -1);

  if (strstr (s, "dissolved") || strstr (s, "liquidation") || strstr (s, "receiver")
      || strstr (s, "strike off") || strstr (s, "closed") || strstr (s, "ceased"))
    return 0.9;
  return 1.0;
}

typedef struct
{
  gint64           supplier_id;
  double           score;
  const Candidate *c;
} Scored;

static int
scored_cmp (gconstpointer a, gconstpointer b)
{
  const Scored *x = a, *y = b;

  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;
  /* equal scores: the older entry first, so the choice does not depend on hashing */
  return x->supplier_id < y->supplier_id ? -1 : x->supplier_id > y->supplier_id;
}

static void
postings_free (gpointer list)
{
  if (list != NULL)
    g_array_unref (list);
}

/* The words of the names, as ids: the unplaced payees' words come first, so a word is
 * wanted when its id is below the count of the payees' words. */
typedef struct
{
  GHashTable *ids; /* word -> id + 1 */
  GArray     *df;  /* guint per id: directory keys using the word */
} Words;

static guint
word_id (Words *w, const char *word)
{
  gpointer value = g_hash_table_lookup (w->ids, word);
  guint    zero = 0;

  if (value != NULL)
    return GPOINTER_TO_UINT (value) - 1;
  g_hash_table_insert (w->ids, g_strdup (word), GUINT_TO_POINTER (w->df->len + 1));
  g_array_append_val (w->df, zero);
  return w->df->len - 1;
}

static guint *
word_ids (Words *w, GStrv tokens, guint *n)
{
  guint *ids;

  *n = g_strv_length (tokens);
  ids = g_new (guint, MAX (*n, 1));
  for (guint i = 0; i < *n; i++)
    ids[i] = word_id (w, tokens[i]);
  return ids;
}

/* How many times word @i of @ids occurs in it, and whether @i is its first occurrence. */
static guint
word_repeats (const guint *ids, guint n, guint i, gboolean *first)
{
  guint repeats = 0;

  *first = TRUE;
  for (guint j = 0; j < n; j++)
    {
      repeats += ids[j] == ids[i];
      *first = *first && !(j < i && ids[j] == ids[i]);
    }
  return repeats;
}

/* A payee's best three firms, and whether the first two tie. */
typedef struct
{
  gint64   supplier_id[3];
  double   score[3];
  guint    n;
  gboolean tie;
} Suggested;

/* Suggestions for one payee. The score is the IDF-weighted Jaccard similarity with every
 * repeat of a word counted, as
 *   shared / (payee weight + candidate weight - candidate's weight of the shared words),
 * summed over the postings of the payee's words rather than by comparing word lists. */
static void
suggest_one (const guint  *ids,
             guint         n_ids,
             const double *idf,
             GPtrArray    *postings,
             const GArray *candidates,
             double        n_keys,
             double       *shared,
             double       *inter,
             guint        *stamp,
             guint         pass,
             Suggested    *out)
{
  g_autoptr (GArray) touched = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) common = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GHashTable) best = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  g_autoptr (GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Scored));
  g_autoptr (GArray) firms = g_array_new (FALSE, FALSE, sizeof (Scored));
  double         weight = 0;
  GHashTableIter iter;
  gpointer       value;

  for (guint i = 0; i < n_ids; i++)
    weight += idf[ids[i]];
  for (guint i = 0; i < n_ids; i++)
    {
      GArray  *list = g_ptr_array_index (postings, ids[i]);
      double   w = idf[ids[i]];
      gboolean first;
      guint    repeats = word_repeats (ids, n_ids, i, &first);

      if (!first || list == NULL)
        continue;
      /* A word used by a tenth of the directory ("SERVICES") finds nothing on its own, but
       * still counts for the candidates the other words find. */
      if (list->len > 2000 && list->len > n_keys / 10)
        {
          g_array_append_val (common, ids[i]);
          continue;
        }
      for (guint k = 0; k < list->len; k++)
        {
          const Posting *post = &g_array_index (list, Posting, k);

          if (stamp[post->candidate] != pass)
            {
              stamp[post->candidate] = pass;
              shared[post->candidate] = inter[post->candidate] = 0;
              g_array_append_val (touched, post->candidate);
            }
          shared[post->candidate] += repeats * w;
          inter[post->candidate] += post->repeats * w;
        }
    }
  for (guint t = 0; t < touched->len; t++)
    {
      guint            index = g_array_index (touched, guint, t);
      const Candidate *c = &g_array_index (candidates, Candidate, index);
      Scored          *old;
      double           sc;

      for (guint m = 0; m < common->len; m++)
        {
          guint id = g_array_index (common, guint, m), in_payee = 0, in_candidate = 0;

          for (guint j = 0; j < n_ids; j++)
            in_payee += ids[j] == id;
          for (guint j = 0; j < c->n_ids; j++)
            in_candidate += c->ids[j] == id;
          if (in_candidate > 0)
            {
              shared[index] += in_payee * idf[id];
              inter[index] += in_candidate * idf[id];
            }
        }
      sc = weight + c->weight - inter[index];
      sc = (sc > 0 ? shared[index] / sc : 0) * c->penalty;
      if (sc < WM_SUGGEST_MIN_SCORE)
        continue;
      old = g_hash_table_lookup (best, &c->supplier_id);
      if (old == NULL)
        {
          Scored *v = g_new (Scored, 1);
          *v = (Scored){ c->supplier_id, sc, c };
          g_hash_table_insert (best, &v->supplier_id, v);
        }
      else if (sc > old->score)
        {
          old->score = sc;
          old->c = c;
        }
    }
  g_hash_table_iter_init (&iter, best);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_array_append_val (ranked, *(Scored *) value);
  g_array_sort (ranked, scored_cmp);
  /* One suggestion per firm: duplicates of a firm fold into its best entry. */
  for (guint r = 0; r < ranked->len; r++)
    {
      Scored  *s = &g_array_index (ranked, Scored, r);
      gboolean folded = FALSE;

      for (guint f = 0; f < firms->len && !folded; f++)
        {
          Scored *firm = &g_array_index (firms, Scored, f);

          if (same_firm (firm->c, s->c))
            {
              if (better_entry (s->c, firm->c))
                {
                  firm->supplier_id = s->supplier_id;
                  firm->c = s->c;
                }
              folded = TRUE;
            }
        }
      if (!folded)
        g_array_append_val (firms, *s);
    }
  out->n = MIN (firms->len, 3);
  out->tie = firms->len > 1
             && g_array_index (firms, Scored, 1).score
                    >= g_array_index (firms, Scored, 0).score - WM_SUGGEST_TIE;
  for (guint r = 0; r < out->n; r++)
    {
      out->supplier_id[r] = g_array_index (firms, Scored, r).supplier_id;
      out->score[r] = g_array_index (firms, Scored, r).score;
    }
}

/* Below this many payees one thread does it all. */
#define SUGGEST_THREADS_FROM 256

/* The payees from..to-1, scored in one thread: the index is only read. */
typedef struct
{
  GPtrArray    *payee_words;
  const GArray *payee_n;
  const double *idf;
  GPtrArray    *postings;
  const GArray *candidates;
  double        n_keys;
  Suggested    *out;
  guint         from, to;
  GCancellable *cancellable;
} SuggestRange;

static gpointer
suggest_range (gpointer data)
{
  SuggestRange *r = data;
  guint         n = MAX (r->candidates->len, 1);
  double       *shared = g_new (double, n);
  double       *inter = g_new (double, n);
  guint        *stamp = g_new0 (guint, n);

  for (guint p = r->from; p < r->to; p++)
    {
      if ((p & 255) == 0 && g_cancellable_is_cancelled (r->cancellable))
        break;
      suggest_one (g_ptr_array_index (r->payee_words, p), g_array_index (r->payee_n, guint, p),
                   r->idf, r->postings, r->candidates, r->n_keys, shared, inter, stamp,
                   p - r->from + 1, &r->out[p]);
    }
  g_free (shared);
  g_free (inter);
  g_free (stamp);
  return NULL;
}

gboolean
_wm_project_suggest (WmProject *self, GCancellable *cancellable, GError **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  g_autoptr (sqlite3_stmt) payees = NULL;
  g_autoptr (sqlite3_stmt) keys = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (GArray) payee_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) payee_words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) payee_n = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) postings = NULL; /* per wanted word id: GArray of Posting */
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autofree double    *idf = NULL;
  g_autofree Suggested *suggested = NULL;
  Words                 words = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
                                  g_array_new (FALSE, FALSE, sizeof (guint)) };
  guint                 n_wanted;
  double                n_keys = 0;
  gboolean              ok = FALSE;

  if (!_wm_db_exec (db, "DELETE FROM suggestions", error))
    goto out;
  payees = _wm_db_prepare (db,
                           "SELECT n.id, n.display FROM names n JOIN suppliers p"
                           " ON p.fid = n.supplier_id WHERE n.method IN ('spend', 'ambiguous')"
                           " AND p.geom IS NULL AND p.kind <> 'public'",
                           error);
  if (payees == NULL)
    goto out;
  while (sqlite3_step (payees) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (payees, 0);
      g_auto (GStrv) tokens = wm_name_tokens ((const char *) sqlite3_column_text (payees, 1));
      guint n;

      if (tokens[0] == NULL)
        continue;
      g_array_append_val (payee_ids, id);
      g_ptr_array_add (payee_words, word_ids (&words, tokens, &n));
      g_array_append_val (payee_n, n);
    }
  if (payee_ids->len == 0)
    {
      ok = TRUE;
      goto out;
    }
  n_wanted = words.df->len;
  postings = g_ptr_array_new_with_free_func (postings_free);
  g_ptr_array_set_size (postings, n_wanted);

  /* One pass over the directory: document frequencies of every word, and the keys that share
   * a word with some unplaced payee. */
  keys = _wm_db_prepare (db,
                         "SELECT k.key, k.supplier_id, p.status, p.company_number,"
                         " p.geom IS NOT NULL FROM supplier_keys k"
                         " JOIN suppliers p ON p.fid = k.supplier_id"
                         " WHERE k.how IN ('name', 'alias') AND p.source <> 'spend'"
                         " AND p.kind <> 'public'",
                         error);
  if (keys == NULL)
    goto out;
  while (sqlite3_step (keys) == SQLITE_ROW)
    {
      g_auto (GStrv) tokens = wm_name_tokens ((const char *) sqlite3_column_text (keys, 0));
      guint    n;
      guint   *ids = word_ids (&words, tokens, &n);
      gboolean useful = FALSE;

      n_keys++;
      if (((guint64) n_keys & 65535) == 0 && _wm_check_cancelled (cancellable, "matching", error))
        {
          g_free (ids);
          goto out;
        }
      for (guint i = 0; i < n; i++)
        {
          gboolean first;

          word_repeats (ids, n, i, &first);
          if (first)
            g_array_index (words.df, guint, ids[i])++;
          useful = useful || ids[i] < n_wanted;
        }
      if (!useful)
        {
          g_free (ids);
          continue;
        }
      {
        Candidate c = { sqlite3_column_int64 (keys, 1),
                        ids,
                        n,
                        0,
                        status_penalty ((const char *) sqlite3_column_text (keys, 2)),
                        g_strdup ((const char *) sqlite3_column_text (keys, 3)),
                        sqlite3_column_int (keys, 4) };
        guint     index = candidates->len;

        g_array_append_val (candidates, c);
        for (guint i = 0; i < n; i++)
          {
            GArray  *list;
            Posting  post = { index, 0 };
            gboolean first;

            if (ids[i] >= n_wanted)
              continue;
            post.repeats = word_repeats (ids, n, i, &first);
            if (!first)
              continue;
            list = g_ptr_array_index (postings, ids[i]);
            if (list == NULL)
              {
                list = g_array_new (FALSE, FALSE, sizeof (Posting));
                g_ptr_array_index (postings, ids[i]) = list;
              }
            g_array_append_val (list, post);
          }
      }
    }

  /* The weight of a word is how rare it is in the directory. */
  idf = g_new (double, MAX (words.df->len, 1));
  for (guint i = 0; i < words.df->len; i++)
    idf[i] = log ((n_keys + 1) / (g_array_index (words.df, guint, i) + 0.5));
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);

      for (guint j = 0; j < c->n_ids; j++)
        c->weight += idf[c->ids[j]];
    }

  insert = _wm_db_prepare (db,
                           "INSERT OR REPLACE INTO suggestions (name_id, supplier_id, score,"
                           " ambiguous) VALUES (?, ?, ?, ?)",
                           error);
  if (insert == NULL)
    goto out;
  /* The payees are scored in two threads (halves of the list) when there are enough of them
   * to pay for a thread, then stored in order. */
  suggested = g_new0 (Suggested, payee_ids->len);
  {
    guint half = payee_ids->len >= SUGGEST_THREADS_FROM ? payee_ids->len / 2 : payee_ids->len;
    SuggestRange ranges[2] = {
      { payee_words, payee_n, idf, postings, candidates, n_keys, suggested, 0, half, cancellable },
      { payee_words, payee_n, idf, postings, candidates, n_keys, suggested, half, payee_ids->len,
        cancellable },
    };
    GThread *other
        = half < payee_ids->len ? g_thread_new ("wm-suggest", suggest_range, &ranges[1]) : NULL;

    suggest_range (&ranges[0]);
    if (other != NULL)
      g_thread_join (other);
  }
  if (_wm_check_cancelled (cancellable, "matching", error))
    goto out;
  for (guint p = 0; p < payee_ids->len; p++)
    for (guint r = 0; r < suggested[p].n; r++)
      {
        sqlite3_bind_int64 (insert, 1, g_array_index (payee_ids, gint64, p));
        sqlite3_bind_int64 (insert, 2, suggested[p].supplier_id[r]);
        sqlite3_bind_double (insert, 3, suggested[p].score[r]);
        sqlite3_bind_int (insert, 4, suggested[p].tie);
        if (!_wm_db_step_done (insert, error))
          goto out;
      }
  ok = TRUE;

out:
  for (guint i = 0; i < candidates->len; i++)
    {
      g_free (g_array_index (candidates, Candidate, i).ids);
      g_free (g_array_index (candidates, Candidate, i).number);
    }
  g_hash_table_unref (words.ids);
  g_array_unref (words.df);
  return ok;
}

/* ---- the review ------------------------------------------------------------------------- */

/* A suggestion from columns supplier_id, name, company_number, postcode, status, score,
 * ambiguous. */
static WmSuggestion *
suggestion_from_row (sqlite3_stmt *stmt)
{
  WmSuggestion *s = g_new0 (WmSuggestion, 1);

  s->supplier_id = sqlite3_column_int64 (stmt, 0);
  s->name = column_dup (stmt, 1);
  s->company_number = column_dup (stmt, 2);
  s->postcode = column_dup (stmt, 3);
  s->status = column_dup (stmt, 4);
  s->score = sqlite3_column_double (stmt, 5);
  s->ambiguous = sqlite3_column_int (stmt, 6);
  return s;
}

static GPtrArray *
load_suggestions (sqlite3_stmt *stmt, gint64 name_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) wm_suggestion_free);

  sqlite3_bind_int64 (stmt, 1, name_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, suggestion_from_row (stmt));
  sqlite3_reset (stmt);
  return list;
}

#define SUGGESTIONS_SQL                                                                            \
  "SELECT g.supplier_id, p.name, p.company_number, coalesce(p.trading_postcode, p.postcode),"      \
  " p.status, g.score, g.ambiguous FROM suggestions g JOIN suppliers p ON p.fid = g.supplier_id"   \
  " WHERE g.name_id = ? ORDER BY g.score DESC, p.name"

GPtrArray *
wm_project_review (WmProject *self, GError **error)
{
  sqlite3 *db;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) sugg = NULL;
  GPtrArray *rows;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  db = _wm_project_get_db (self);
  stmt = _wm_db_prepare (
      db,
      "SELECT n.id, n.display, p.name, p.fid, sum(s.amount_pence), count(*),"
      " group_concat(DISTINCT a.name),"
      " CASE WHEN coalesce(p.trading_postcode, p.postcode) IS NULL THEN"
      "   CASE WHEN p.source = 'spend' THEN 'no exact match in a supplier directory'"
      "   ELSE 'no postcode in the directory' END"
      " ELSE 'postcode not in the postcode table' END"
      " FROM spend s JOIN names n ON n.id = s.name_id AND NOT s.redacted"
      " JOIN suppliers p ON p.fid = n.supplier_id JOIN anchors a ON a.fid = s.anchor_id"
      " WHERE p.geom IS NULL AND p.kind <> 'public' GROUP BY n.id ORDER BY 5 DESC, n.display",
      error);
  sugg = stmt ? _wm_db_prepare (db, SUGGESTIONS_SQL, error) : NULL;
  if (sugg == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) wm_review_row_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      WmReviewRow *r = g_new0 (WmReviewRow, 1);

      r->name_id = sqlite3_column_int64 (stmt, 0);
      r->payee = column_dup (stmt, 1);
      r->supplier = column_dup (stmt, 2);
      r->supplier_id = sqlite3_column_int64 (stmt, 3);
      r->amount = sqlite3_column_int64 (stmt, 4);
      r->lines = sqlite3_column_int64 (stmt, 5);
      r->anchors = column_dup (stmt, 6);
      r->why = column_dup (stmt, 7);
      r->suggestions = load_suggestions (sugg, r->name_id);
      g_ptr_array_add (rows, r);
    }
  return rows;
}

GPtrArray *
wm_project_search_directory (WmProject *self, const char *text, guint limit, GError **error)
{
  g_autofree char *key = wm_normalize_name (text);
  g_autofree char *upper = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *list;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) wm_suggestion_free);
  if (strlen (key) < 2)
    return list;
  /* A prefix range on the key index: KEY <= k < KEY + U+10FFFF. */
  upper = g_strconcat (key, "\xf4\x8f\xbf\xbf", NULL);
  stmt = _wm_db_prepare (_wm_project_get_db (self),
                         "SELECT p.fid, p.name, p.company_number,"
                         " coalesce(p.trading_postcode, p.postcode), p.status, 0.0, 0"
                         " FROM suppliers p"
                         " WHERE p.fid IN (SELECT k.supplier_id FROM supplier_keys k"
                         "  WHERE k.key >= ?1 AND k.key < ?2 AND k.how IN ('name', 'alias',"
                         "  'nosuffix'))"
                         " AND p.source <> 'spend' ORDER BY p.geom IS NULL, p.name LIMIT ?3",
                         error);
  if (stmt == NULL)
    {
      g_ptr_array_unref (list);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, (int) limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, suggestion_from_row (stmt));
  return list;
}

/* The payee's own key leads to @supplier_id from now on; an earlier review of it is replaced. */
static gboolean
store_match (sqlite3 *db, gint64 name_id, gint64 supplier_id, const char *how, GError **error)
{
  g_autoptr (sqlite3_stmt) drop = NULL;
  g_autoptr (sqlite3_stmt) add = NULL;
  g_autoptr (sqlite3_stmt) check = NULL;

  check = _wm_db_prepare (db, "SELECT 1 FROM suppliers WHERE fid = ? AND source <> 'spend'", error);
  if (check == NULL)
    return FALSE;
  sqlite3_bind_int64 (check, 1, supplier_id);
  if (sqlite3_step (check) != SQLITE_ROW)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                   "no directory supplier with id %" G_GINT64_FORMAT, supplier_id);
      return FALSE;
    }
  drop = _wm_db_prepare (db,
                         "DELETE FROM supplier_keys WHERE how IN ('review', 'fuzzy') AND key ="
                         " (SELECT norm FROM names WHERE id = ?)",
                         error);
  add = drop ? _wm_db_prepare (db,
                               "INSERT INTO supplier_keys (key, supplier_id, how)"
                               " SELECT norm, ?2, ?3 FROM names WHERE id = ?1",
                               error)
             : NULL;
  if (add == NULL)
    return FALSE;
  sqlite3_bind_int64 (drop, 1, name_id);
  sqlite3_bind_int64 (add, 1, name_id);
  sqlite3_bind_int64 (add, 2, supplier_id);
  sqlite3_bind_text (add, 3, how, -1, SQLITE_STATIC);
  if (!_wm_db_step_done (drop, error) || !_wm_db_step_done (add, error))
    return FALSE;
  if (sqlite3_changes (db) != 1)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE, "no payee with id %" G_GINT64_FORMAT,
                   name_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish (WmProject *self, gboolean ok, GError **error)
{
  ok = ok && _wm_project_relink (self, NULL, error);
  if (!_wm_project_end (self, ok, ok ? error : NULL))
    return FALSE;
  if (ok)
    _wm_project_touch (self);
  return ok;
}

gboolean
wm_project_accept_match (WmProject *self, gint64 name_id, gint64 supplier_id, GError **error)
{
  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  if (!_wm_project_begin (self, error))
    return FALSE;
  return finish (
      self, store_match (_wm_project_get_db (self), name_id, supplier_id, "review", error), error);
}

gboolean
wm_project_accept_suggestions (WmProject *self, double min_score, guint *n_accepted, GError **error)
{
  sqlite3 *db;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean ok = TRUE;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  db = _wm_project_get_db (self);
  if (!_wm_project_begin (self, error))
    return FALSE;
  /* The best suggestion of each payee, when it is clear of the others. */
  stmt = _wm_db_prepare (db,
                         "SELECT g.name_id, g.supplier_id FROM suggestions g WHERE g.score >= ?"
                         " AND NOT g.ambiguous AND g.score = (SELECT max(score) FROM suggestions"
                         " h WHERE h.name_id = g.name_id)",
                         error);
  if (stmt == NULL)
    ok = FALSE;
  else
    {
      sqlite3_bind_double (stmt, 1, min_score);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 pair[2] = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };
          g_array_append_vals (pairs, pair, 2);
        }
    }
  for (guint i = 0; ok && i < pairs->len; i += 2)
    ok = store_match (db, g_array_index (pairs, gint64, i), g_array_index (pairs, gint64, i + 1),
                      "fuzzy", error);
  if (n_accepted)
    *n_accepted = ok ? pairs->len / 2 : 0;
  return finish (self, ok, error);
}

/* ---- the review as a spreadsheet -------------------------------------------------------- */

gboolean
wm_project_export_review (WmProject *self, const char *path, GError **error)
{
  g_autoptr (GPtrArray) rows = wm_project_review (self, error);
  g_autoptr (GString) out = g_string_new ("\xef\xbb\xbf"); /* BOM: Excel reads UTF-8 */
  static const char *const header[] = { "payee",
                                        "amount",
                                        "lines",
                                        "anchors",
                                        "why",
                                        "suggestion",
                                        "company_number",
                                        "suggestion_postcode",
                                        "score",
                                        "ambiguous",
                                        "other_suggestions",
                                        "accept",
                                        "postcode" };

  if (rows == NULL)
    return FALSE;
  wm_csv_append_row (out, header, G_N_ELEMENTS (header));
  for (guint i = 0; i < rows->len; i++)
    {
      WmReviewRow     *r = g_ptr_array_index (rows, i);
      WmSuggestion    *best = r->suggestions->len ? g_ptr_array_index (r->suggestions, 0) : NULL;
      g_autofree char *amount = wm_format_pounds_plain (r->amount);
      g_autofree char *lines = g_strdup_printf ("%" G_GINT64_FORMAT, r->lines);
      g_autofree char *score = best ? g_strdup_printf ("%.3f", best->score) : g_strdup ("");
      g_autoptr (GString) others = g_string_new (NULL);
      const char *fields[G_N_ELEMENTS (header)];

      for (guint k = 1; k < r->suggestions->len; k++)
        {
          WmSuggestion *s = g_ptr_array_index (r->suggestions, k);
          g_string_append_printf (others, "%s%s (%s, %.3f)", others->len ? "; " : "", s->name,
                                  s->company_number ? s->company_number : "no number", s->score);
        }
      fields[0] = r->payee;
      fields[1] = amount;
      fields[2] = lines;
      fields[3] = r->anchors;
      fields[4] = r->why;
      fields[5] = best ? best->name : "";
      fields[6] = best && best->company_number ? best->company_number : "";
      fields[7] = best && best->postcode ? best->postcode : "";
      fields[8] = score;
      fields[9] = best && best->ambiguous ? "yes" : "";
      fields[10] = others->str;
      fields[11] = "";
      fields[12] = "";
      wm_csv_append_row (out, fields, G_N_ELEMENTS (header));
    }
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

static gboolean
is_yes (const char *text)
{
  g_autofree char *t = g_ascii_strdown (text, -1);

  g_strstrip (t);
  return strcmp (t, "y") == 0 || strcmp (t, "yes") == 0 || strcmp (t, "x") == 0
         || strcmp (t, "1") == 0 || strcmp (t, "true") == 0;
}

typedef struct
{
  gint64 name_id;
  char  *postcode;
} PendingPlace;

static gboolean
import_rows (WmProject *self, WmTableReader *reader, WmImportReport *rep, GError **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  g_autoptr (sqlite3_stmt) find_name = NULL;
  g_autoptr (sqlite3_stmt) best = NULL;
  g_autoptr (sqlite3_stmt) by_number = NULL;
  g_autoptr (sqlite3_stmt) find_pc = NULL;
  g_autoptr (GArray) places = g_array_new (FALSE, FALSE, sizeof (PendingPlace));
  int         col_payee = -1, col_accept = -1, col_postcode = -1;
  gboolean    header = FALSE, ok = TRUE;
  WmRow       row;
  GError     *read_error = NULL;
  const char *file = rep->file;

  find_name = _wm_db_prepare (db, "SELECT id FROM names WHERE norm = ?", error);
  best = find_name ? _wm_db_prepare (db,
                                     "SELECT supplier_id, ambiguous FROM suggestions WHERE"
                                     " name_id = ? ORDER BY score DESC LIMIT 1",
                                     error)
                   : NULL;
  by_number = best ? _wm_db_prepare (db,
                                     "SELECT fid FROM suppliers WHERE company_number = ? AND"
                                     " source <> 'spend'",
                                     error)
                   : NULL;
  find_pc
      = by_number ? _wm_db_prepare (db, "SELECT 1 FROM postcodes WHERE postcode = ?", error) : NULL;
  if (find_pc == NULL)
    return FALSE;
  while (ok && wm_table_reader_next (reader, &row, &read_error))
    {
      const char      *accept, *postcode_text;
      g_autofree char *norm = NULL;
      gint64           name_id = 0;

      if (wm_row_is_blank (&row))
        continue;
      if (!header)
        {
          for (guint i = 0; i < row.n_fields; i++)
            {
              g_autofree char *h = wm_normalize_header (row.fields[i]);
              if (strcmp (h, "payee") == 0)
                col_payee = (int) i;
              else if (strcmp (h, "accept") == 0)
                col_accept = (int) i;
              else if (strcmp (h, "postcode") == 0)
                col_postcode = (int) i;
            }
          if (col_payee < 0 || (col_accept < 0 && col_postcode < 0))
            {
              g_set_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN,
                           "%s:%" G_GUINT64_FORMAT ": a review needs the columns payee and accept"
                           " or postcode (as 'matches --export' writes them)",
                           file, row.line);
              return FALSE;
            }
          header = TRUE;
          continue;
        }
      rep->rows_read++;
      accept = wm_row_cell (&row, col_accept);
      postcode_text = wm_row_cell (&row, col_postcode);
      if (*g_strstrip ((char *) accept) == '\0' && *g_strstrip ((char *) postcode_text) == '\0')
        {
          rep->skipped++;
          continue;
        }
      norm = wm_normalize_name (wm_row_cell (&row, col_payee));
      sqlite3_bind_text (find_name, 1, norm, -1, SQLITE_STATIC);
      if (sqlite3_step (find_name) == SQLITE_ROW)
        name_id = sqlite3_column_int64 (find_name, 0);
      sqlite3_reset (find_name);
      if (name_id == 0)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                       "%s:%" G_GUINT64_FORMAT ": no payee \"%s\" in this project", file, row.line,
                       wm_row_cell (&row, col_payee));
          return FALSE;
        }
      if (*accept)
        {
          gint64 supplier = 0;

          if (is_yes (accept))
            {
              sqlite3_bind_int64 (best, 1, name_id);
              if (sqlite3_step (best) == SQLITE_ROW)
                supplier = sqlite3_column_int64 (best, 0);
              sqlite3_reset (best);
              if (supplier == 0)
                {
                  g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                               "%s:%" G_GUINT64_FORMAT ": \"%s\" has no suggestion to accept; put"
                               " a company number in accept",
                               file, row.line, wm_row_cell (&row, col_payee));
                  return FALSE;
                }
            }
          else
            {
              sqlite3_bind_text (by_number, 1, accept, -1, SQLITE_STATIC);
              while (sqlite3_step (by_number) == SQLITE_ROW)
                supplier = supplier == 0 ? sqlite3_column_int64 (by_number, 0) : -1;
              sqlite3_reset (by_number);
              if (supplier <= 0)
                {
                  g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                               "%s:%" G_GUINT64_FORMAT ": accept \"%s\": %s", file, row.line,
                               accept,
                               supplier == 0 ? "not yes/no and no directory company has this"
                                               " number"
                                             : "several directory entries have this number");
                  return FALSE;
                }
            }
          if (!store_match (db, name_id, supplier, "review", error))
            return FALSE;
        }
      if (*postcode_text)
        {
          PendingPlace pp = { name_id, wm_normalize_postcode (postcode_text) };

          if (pp.postcode == NULL)
            {
              g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                           "%s:%" G_GUINT64_FORMAT ": \"%s\" is not a UK postcode", file, row.line,
                           postcode_text);
              return FALSE;
            }
          sqlite3_bind_text (find_pc, 1, pp.postcode, -1, SQLITE_STATIC);
          ok = sqlite3_step (find_pc) == SQLITE_ROW;
          sqlite3_reset (find_pc);
          if (!ok)
            {
              g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                           "%s:%" G_GUINT64_FORMAT ": %s is not in the imported postcode table",
                           file, row.line, pp.postcode);
              g_free (pp.postcode);
              return FALSE;
            }
          g_array_append_val (places, pp);
        }
      rep->imported++;
    }
  if (read_error)
    {
      g_propagate_error (error, read_error);
      ok = FALSE;
    }
  /* Matches first (relink), then the postcodes on whatever supplier each payee now leads to. */
  ok = ok && _wm_project_relink (self, NULL, error);
  if (ok && places->len > 0)
    {
      g_autoptr (sqlite3_stmt) set = _wm_db_prepare (
          db,
          "UPDATE suppliers SET trading_postcode = ?1, placed_by = 'hand' WHERE fid ="
          " (SELECT supplier_id FROM names WHERE id = ?2)",
          error);
      ok = set != NULL;
      for (guint i = 0; ok && i < places->len; i++)
        {
          PendingPlace *pp = &g_array_index (places, PendingPlace, i);
          sqlite3_bind_text (set, 1, pp->postcode, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (set, 2, pp->name_id);
          ok = _wm_db_step_done (set, error);
        }
      ok = ok && _wm_project_locate (self, NULL, error);
    }
  for (guint i = 0; i < places->len; i++)
    g_free (g_array_index (places, PendingPlace, i).postcode);
  return ok;
}

gboolean
wm_project_import_review (WmProject       *self,
                          const char      *path,
                          WmImportReport **report,
                          GError         **error)
{
  g_autoptr (WmTableReader) reader = NULL;
  g_autoptr (WmImportReport) rep = NULL;
  g_autofree char *base = g_path_get_basename (path);
  gboolean         ok;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  reader = wm_table_reader_open (path, error);
  if (reader == NULL)
    return FALSE;
  rep = wm_import_report_new (base);
  if (!_wm_project_begin (self, error))
    return FALSE;
  ok = import_rows (self, reader, rep, error);
  return _wm_project_end_import (self, ok, &rep, NULL, NULL, report, error);
}

/* ---- knowledge to share ----------------------------------------------------------------- */

gboolean
wm_project_export_knowledge (WmProject *self, const char *path, guint *n_rows, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GString) out = g_string_new ("\xef\xbb\xbf");
  static const char *const header[]
      = { "name", "aliases", "company_number", "postcode", "lat", "lon", "kind", "sic" };
  guint n = 0;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  stmt = _wm_db_prepare (
      _wm_project_get_db (self),
      "SELECT p.name, (SELECT group_concat(n.display, '|') FROM names n WHERE n.supplier_id"
      "  = p.fid AND (n.method IN ('review', 'fuzzy') OR p.placed_by = 'hand')),"
      " p.company_number, coalesce(p.trading_postcode, p.postcode),"
      " CASE WHEN p.placed_by = 'hand' OR p.postcode IS NULL THEN p.lat END,"
      " CASE WHEN p.placed_by = 'hand' OR p.postcode IS NULL THEN p.lon END,"
      " CASE WHEN p.kind_inferred THEN '' ELSE p.kind END, p.sic"
      " FROM suppliers p WHERE p.placed_by = 'hand' OR EXISTS (SELECT 1 FROM names n"
      "  WHERE n.supplier_id = p.fid AND n.method IN ('review', 'fuzzy'))"
      " ORDER BY p.name",
      error);
  if (stmt == NULL)
    return FALSE;
  wm_csv_append_row (out, header, G_N_ELEMENTS (header));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *lat = NULL, *lon = NULL;
      const char      *fields[G_N_ELEMENTS (header)];

      for (guint i = 0; i < G_N_ELEMENTS (header); i++)
        fields[i] = (const char *) sqlite3_column_text (stmt, (int) i);
      if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        {
          lat = g_strdup_printf ("%.6f", sqlite3_column_double (stmt, 4));
          lon = g_strdup_printf ("%.6f", sqlite3_column_double (stmt, 5));
          fields[4] = lat;
          fields[5] = lon;
        }
      wm_csv_append_row (out, fields, G_N_ELEMENTS (header));
      n++;
    }
  if (n_rows)
    *n_rows = n;
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

char *
wm_review_to_json (GPtrArray *rows, guint limit)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len && (limit == 0 || i < limit); i++)
    {
      WmReviewRow *r = g_ptr_array_index (rows, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "payee");
      json_builder_add_string_value (b, r->payee);
      json_builder_set_member_name (b, "amount");
      json_builder_add_double_value (b, r->amount / 100.0);
      json_builder_set_member_name (b, "lines");
      json_builder_add_int_value (b, r->lines);
      json_builder_set_member_name (b, "anchors");
      json_builder_add_string_value (b, r->anchors);
      json_builder_set_member_name (b, "why");
      json_builder_add_string_value (b, r->why);
      json_builder_set_member_name (b, "suggestions");
      json_builder_begin_array (b);
      for (guint k = 0; k < r->suggestions->len; k++)
        {
          WmSuggestion *s = g_ptr_array_index (r->suggestions, k);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, s->name);
          json_builder_set_member_name (b, "company_number");
          json_builder_add_string_value (b, s->company_number);
          json_builder_set_member_name (b, "postcode");
          json_builder_add_string_value (b, s->postcode);
          json_builder_set_member_name (b, "score");
          json_builder_add_double_value (b, s->score);
          json_builder_set_member_name (b, "ambiguous");
          json_builder_add_boolean_value (b, s->ambiguous);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return _wm_json_builder_to_string (b);
}
