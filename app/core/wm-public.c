/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Public-body rules: patterns normalised like payee names and kept in hash tables, so that a
 * name is checked by looking up each run of its words (a name of w words has w(w+1)/2 runs,
 * at most MAX_WORDS long) instead of scanning every rule. */
#include "wm-public.h"

#include <cpl_vsi.h>
#include <string.h>

#include "wm-error.h"
#include "wm-match.h"
#include "wm-project-private.h"
#include "wm-table-reader.h"
#include "wm-text.h"

#define MAX_WORDS 8

extern GResource *wm_core_get_resource (void);

typedef enum
{
  RULE_WORDS,
  RULE_EXACT,
  RULE_NOT,
  RULE_ALWAYS,
  N_RULE_KINDS
} RuleKind;

static const char *const rule_kind_names[N_RULE_KINDS] = { "words", "exact", "not", "always" };

struct _WmPublicRules
{
  GHashTable *tables[N_RULE_KINDS]; /* normalised pattern -> body (interned) */
  guint       count;
};

WmPublicRules *
wm_public_rules_new (void)
{
  WmPublicRules *rules = g_new0 (WmPublicRules, 1);

  for (int k = 0; k < N_RULE_KINDS; k++)
    rules->tables[k] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return rules;
}

void
wm_public_rules_free (WmPublicRules *rules)
{
  if (rules == NULL)
    return;
  for (int k = 0; k < N_RULE_KINDS; k++)
    g_hash_table_unref (rules->tables[k]);
  g_free (rules);
}

guint
wm_public_rules_count (WmPublicRules *rules)
{
  return rules->count;
}

gboolean
wm_public_rules_add (
    WmPublicRules *rules, const char *pattern, const char *match, const char *body, GError **error)
{
  g_autofree char *key = wm_normalize_name (pattern);
  int              kind = -1;
  guint            words = 1;

  for (int k = 0; k < N_RULE_KINDS; k++)
    if (g_strcmp0 (match, rule_kind_names[k]) == 0)
      kind = k;
  if (kind < 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "match \"%s\" is not one of words, exact, not, always", match ? match : "");
      return FALSE;
    }
  if (*key == '\0')
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "empty pattern");
      return FALSE;
    }
  for (const char *p = key; *p; p++)
    words += *p == ' ';
  if (kind != RULE_EXACT && words > MAX_WORDS)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "pattern \"%s\" has more than %d words; use match \"exact\"", pattern,
                   MAX_WORDS);
      return FALSE;
    }
  if (body == NULL || *body == '\0')
    body = kind == RULE_NOT ? "" : "public body";
  if (!g_hash_table_contains (rules->tables[kind], key))
    rules->count++;
  g_hash_table_replace (rules->tables[kind], g_steal_pointer (&key),
                        (gpointer) g_intern_string (body));
  return TRUE;
}

static gboolean
add_public_rule (
    gpointer rules, const char *pattern, const char *match, const char *body, GError **error)
{
  return wm_public_rules_add (rules, pattern, match, body, error);
}

WmPublicRules *
wm_public_rules_load (const char *path, GError **error)
{
  static const char *const columns[3] = { "pattern", "match", "body" };
  g_autoptr (WmPublicRules) rules = wm_public_rules_new ();

  if (!wm_table_read_rules (path, columns, TRUE, add_public_rule, rules, error))
    return NULL;
  return g_steal_pointer (&rules);
}

/* The shipped CSV files live in the core's GResource; the table reader reads them through
 * GDAL's /vsimem/. */
static WmPublicRules *
load_resource_rules (const char *resource, GError **error)
{
  g_autoptr (GBytes) bytes = g_resource_lookup_data (wm_core_get_resource (), resource,
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  g_autofree char *vsi = NULL;
  WmPublicRules   *rules;
  gsize            size;
  gconstpointer    data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  vsi = g_strdup_printf ("/vsimem/wealthmap-%p-public-bodies.csv", (void *) g_thread_self ());
  VSIFCloseL (VSIFileFromMemBuffer (vsi, (GByte *) data, size, FALSE));
  rules = wm_public_rules_load (vsi, error);
  VSIUnlink (vsi);
  return rules;
}

WmPublicRules *
wm_public_rules_default (void)
{
  g_autoptr (GError) error = NULL;
  WmPublicRules *rules = load_resource_rules ("/org/wealthmap/core/public-bodies.csv", &error);

  /* The list is built into the library: failing to read it is a packaging bug. */
  if (rules == NULL)
    g_error ("the built-in public-body list is unreadable: %s", error->message);
  return rules;
}

/* The body of the longest run of @words that is in @table. */
static const char *
lookup_runs (GHashTable *table, char **words, guint n_words)
{
  if (g_hash_table_size (table) == 0)
    return NULL;
  for (guint len = MIN (n_words, MAX_WORDS); len >= 1; len--)
    {
      for (guint start = 0; start + len <= n_words; start++)
        {
          g_autofree char *run = NULL;
          const char      *body;
          char            *saved = words[start + len];

          words[start + len] = NULL;
          run = g_strjoinv (" ", words + start);
          words[start + len] = saved;
          body = g_hash_table_lookup (table, run);
          if (body != NULL)
            return body;
        }
    }
  return NULL;
}

static const char *
match_key (WmPublicRules *rules, const char *key)
{
  g_auto (GStrv) words = NULL;
  const char *body;
  guint       n;

  if (*key == '\0')
    return NULL;
  body = g_hash_table_lookup (rules->tables[RULE_EXACT], key);
  if (body != NULL)
    return body;
  words = g_strsplit (key, " ", -1);
  n = g_strv_length (words);
  body = lookup_runs (rules->tables[RULE_ALWAYS], words, n);
  if (body != NULL)
    return body;
  if (lookup_runs (rules->tables[RULE_NOT], words, n) != NULL)
    return NULL;
  /* Runs are tried longest first, so the most specific pattern decides the body. */
  return lookup_runs (rules->tables[RULE_WORDS], words, n);
}

const char *
wm_public_rules_match (WmPublicRules *rules, const char *name)
{
  g_autofree char *key = wm_normalize_name (name);
  g_autofree char *clean = NULL;
  const char      *body = match_key (rules, key);

  if (body != NULL)
    return body;
  /* "ICO 110723 2", a card payment: the name without the payment system's references. */
  clean = wm_normalize_name_clean (name);
  return strcmp (clean, key) != 0 ? match_key (rules, clean) : NULL;
}

/* ---- local authority names -------------------------------------------------------------- */

static GHashTable *
local_authorities (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_autoptr (GBytes) bytes = g_resource_lookup_data (
          wm_core_get_resource (), "/org/wealthmap/core/local-authorities.csv",
          G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_auto (GStrv) lines = NULL;

      if (bytes != NULL)
        {
          g_autofree char *text
              = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
          lines = g_strsplit (text, "\n", -1);
        }
      /* code,name: codes never need quoting; names with a comma are quoted */
      for (guint i = 1; lines && lines[i]; i++)
        {
          char *comma = strchr (lines[i], ',');
          char *name;

          if (comma == NULL)
            continue;
          *comma = '\0';
          name = g_strdup (comma + 1);
          if (name[0] == '"')
            {
              memmove (name, name + 1, strlen (name));
              if (*name && name[strlen (name) - 1] == '"')
                name[strlen (name) - 1] = '\0';
            }
          g_hash_table_insert (t, g_strdup (lines[i]), name);
        }
      g_once_init_leave (&table, t);
    }
  return table;
}

const char *
wm_local_authority_name (const char *code)
{
  return code ? g_hash_table_lookup (local_authorities (), code) : NULL;
}

/* ---- the project's list ----------------------------------------------------------------- */

static gboolean
store_rules (sqlite3 *db, WmPublicRules *rules, GError **error)
{
  g_autoptr (sqlite3_stmt) insert = NULL;

  if (!_wm_db_exec (db, "DELETE FROM public_rules", error))
    return FALSE;
  insert = _wm_db_prepare (db, "INSERT INTO public_rules (pattern, match, body) VALUES (?, ?, ?)",
                           error);
  if (insert == NULL)
    return FALSE;
  for (int k = 0; k < N_RULE_KINDS; k++)
    {
      GHashTableIter iter;
      gpointer       key, body;

      g_hash_table_iter_init (&iter, rules->tables[k]);
      while (g_hash_table_iter_next (&iter, &key, &body))
        {
          sqlite3_bind_text (insert, 1, key, -1, SQLITE_STATIC);
          sqlite3_bind_text (insert, 2, rule_kind_names[k], -1, SQLITE_STATIC);
          _wm_bind_text_or_null (insert, 3, body);
          if (!_wm_db_step_done (insert, error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
_wm_project_seed_public_rules (sqlite3 *db, GError **error)
{
  g_autoptr (WmPublicRules) rules = wm_public_rules_default ();

  return store_rules (db, rules, error);
}

static WmPublicRules *
project_rules (sqlite3 *db, GError **error)
{
  g_autoptr (WmPublicRules) rules = wm_public_rules_new ();

  if (!_wm_db_read_rules (db, "SELECT pattern, match, body FROM public_rules", add_public_rule,
                          rules, error))
    return NULL;
  return g_steal_pointer (&rules);
}

WmPublicRules *
wm_project_public_rules (WmProject *self, GError **error)
{
  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  return project_rules (_wm_project_get_db (self), error);
}

/* A supplier to check: its name and payee spellings, and what the rules say. */
typedef struct
{
  gint64      id;
  char       *name;
  char       *kind;
  char       *old_body;
  char       *spellings; /* separated by char(31), or NULL */
  const char *body;      /* the rules' verdict */
} Candidate;

typedef struct
{
  WmPublicRules *rules;
  Candidate     *items;
  guint          from, to;
} MatchRange;

static gpointer
match_range (gpointer data)
{
  MatchRange *r = data;

  for (guint i = r->from; i < r->to; i++)
    {
      Candidate *c = &r->items[i];

      c->body = wm_public_rules_match (r->rules, c->name);
      if (c->body == NULL && c->spellings != NULL)
        {
          g_auto (GStrv) spellings = g_strsplit (c->spellings, "\x1f", -1);

          for (int k = 0; spellings[k] && c->body == NULL; k++)
            c->body = wm_public_rules_match (r->rules, spellings[k]);
        }
    }
  return NULL;
}

/* Every supplier that a payee name leads to (and every supplier already public) is checked
 * against the rules by its own name and by each payee spelling that leads to it. The checks
 * (names normalised, every run of words looked up) are split between two threads: the rules
 * are only read. */
static gboolean
classify_public (sqlite3 *db, const char *scope, GError **error)
{
  g_autoptr (WmPublicRules) rules = project_rules (db, error);
  g_autoptr (sqlite3_stmt) todo = NULL;
  g_autoptr (sqlite3_stmt) set = NULL;
  g_autoptr (GArray) items = g_array_new (FALSE, TRUE, sizeof (Candidate));
  g_autofree char *sql = NULL;
  gboolean         ok = TRUE;

  if (rules == NULL)
    return FALSE;
  sql = g_strconcat ("SELECT p.fid, p.name, p.kind, p.public_body,"
                     " (SELECT group_concat(n.display, char(31)) FROM names n"
                     "  WHERE n.supplier_id = p.fid)"
                     " FROM suppliers p WHERE (p.kind = 'public' OR p.fid IN"
                     " (SELECT supplier_id FROM names WHERE supplier_id IS NOT NULL))",
                     scope, NULL);
  todo = _wm_db_prepare (db, sql, error);
  set = todo ? _wm_db_prepare (db,
                               "UPDATE suppliers SET kind = ?, public_body = ?, kind_inferred ="
                               " CASE WHEN ?1 = 'public' THEN kind_inferred ELSE 1 END"
                               " WHERE fid = ?3",
                               error)
             : NULL;
  if (set == NULL)
    return FALSE;
  while (sqlite3_step (todo) == SQLITE_ROW)
    {
      Candidate *c;

      g_array_set_size (items, items->len + 1); /* zeroed */
      c = &g_array_index (items, Candidate, items->len - 1);
      c->id = sqlite3_column_int64 (todo, 0);
      c->name = g_strdup ((const char *) sqlite3_column_text (todo, 1));
      c->kind = g_strdup ((const char *) sqlite3_column_text (todo, 2));
      c->old_body = g_strdup ((const char *) sqlite3_column_text (todo, 3));
      c->spellings = g_strdup ((const char *) sqlite3_column_text (todo, 4));
    }
  {
    Candidate *all = (Candidate *) (void *) items->data;
    MatchRange halves[2]
        = { { rules, all, 0, items->len / 2 }, { rules, all, items->len / 2, items->len } };

    if (items->len >= 2000)
      {
        GThread *other = g_thread_new ("wm-public", match_range, &halves[1]);

        match_range (&halves[0]);
        g_thread_join (other);
      }
    else
      {
        halves[0].to = items->len;
        match_range (&halves[0]);
      }
  }
  for (guint i = 0; i < items->len; i++)
    {
      Candidate  *c = &g_array_index (items, Candidate, i);
      const char *kind = NULL;

      if (c->body != NULL
          && (g_strcmp0 (c->kind, "public") != 0 || g_strcmp0 (c->old_body, c->body) != 0))
        kind = "public";
      else if (c->body == NULL && g_strcmp0 (c->kind, "public") == 0)
        kind = wm_kind_to_string (wm_infer_kind (c->name));
      if (kind != NULL && ok)
        {
          sqlite3_bind_text (set, 1, kind, -1, SQLITE_STATIC);
          _wm_bind_text_or_null (set, 2, c->body);
          sqlite3_bind_int64 (set, 3, c->id);
          ok = _wm_db_step_done (set, error);
        }
      g_free (c->name);
      g_free (c->kind);
      g_free (c->old_body);
      g_free (c->spellings);
    }
  return ok;
}

gboolean
_wm_project_classify_public (sqlite3 *db, GError **error)
{
  return classify_public (db, "", error);
}

gboolean
_wm_project_classify_public_tracked (sqlite3 *db, GError **error)
{
  return classify_public (db, " AND p.fid IN (SELECT fid FROM temp.touched_suppliers)", error);
}

gboolean
wm_project_import_public_rules (WmProject       *self,
                                const char      *path,
                                WmImportReport **report,
                                GError         **error)
{
  g_autoptr (WmPublicRules) rules = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr (WmImportReport) rep = wm_import_report_new (base);
  sqlite3 *db = _wm_project_get_db (self);
  gboolean ok;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  rules = wm_public_rules_load (path, error);
  if (rules == NULL)
    return FALSE;
  rep->rows_read = rep->imported = wm_public_rules_count (rules);
  if (!_wm_project_begin (self, error))
    return FALSE;
  ok = store_rules (db, rules, error) && _wm_project_classify_public (db, error)
       && _wm_project_classify_sectors (db, NULL, error);
  return _wm_project_end_import (self, ok, &rep, NULL, NULL, report, error);
}

gboolean
wm_project_export_public_rules (WmProject *self, const char *path, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  static const char *const header[] = { "pattern", "match", "body" };

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  stmt = _wm_db_prepare (_wm_project_get_db (self),
                         "SELECT pattern, match, coalesce(body, '') FROM public_rules ORDER BY"
                         " match = 'not', body, pattern",
                         error);
  if (stmt == NULL)
    return FALSE;
  wm_csv_append_row (out, header, 3);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *fields[3];

      for (int i = 0; i < 3; i++)
        fields[i] = (const char *) sqlite3_column_text (stmt, i);
      wm_csv_append_row (out, fields, 3);
    }
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

static void
public_payee_free (WmPublicPayee *p)
{
  g_free (p->name);
  g_free (p->body);
  g_free (p);
}

GPtrArray *
wm_project_public_payees (WmProject *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *rows;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  stmt = _wm_db_prepare (_wm_project_get_db (self),
                         "SELECT p.name, coalesce(p.public_body, 'public body'),"
                         " sum(s.amount_pence), count(*) FROM spend s JOIN names n"
                         " ON n.id = s.name_id AND NOT s.redacted JOIN suppliers p"
                         " ON p.fid = n.supplier_id WHERE p.kind = 'public' GROUP BY p.fid"
                         " ORDER BY 3 DESC, 1",
                         error);
  if (stmt == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) public_payee_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      WmPublicPayee *p = g_new0 (WmPublicPayee, 1);

      p->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      p->body = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      p->amount = sqlite3_column_int64 (stmt, 2);
      p->lines = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (rows, p);
    }
  return rows;
}
