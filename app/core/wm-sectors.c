/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sector and exclusion rules. Word patterns are kept normalised (lower-case ASCII words) in
 * hash tables, so a text of w words is checked by looking up its runs of at most MAX_WORDS
 * words, longest first, instead of scanning every rule. SIC rules are prefixes, looked up from
 * the longest (5 digits) down. Results are memoised per distinct text while a project's lines
 * are classified, so a million lines with a few thousand distinct texts cost little. */
#include "wm-sectors.h"

#include <cpl_vsi.h>
#include <string.h>

#include "wm-error.h"
#include "wm-project-private.h"
#include "wm-table-reader.h"
#include "wm-text.h"

#define MAX_WORDS 8
#define MEMO_LIMIT 65536
#define SKIP "-"

extern GResource *wm_core_get_resource (void);

typedef struct
{
  const char *value; /* interned */
  guint       order;
} Rule;

typedef struct
{
  GHashTable *table;  /* normalised pattern -> Rule* */
  GHashTable *firsts; /* a pattern's first word -> most words of a pattern starting with it */
  GHashTable *memo;   /* text -> value (interned) or NULL: what each text seen so far gave */
} WordRules;

typedef WmRuleText RuleText;

struct _WmSectorRules
{
  WordRules   expense, supplier;
  GHashTable *sic;         /* prefix -> value (interned) */
  GHashTable *sic_memo;    /* a supplier's codes -> sector or NULL */
  WordRules   not_expense; /* exclusions */
  WordRules   not_supplier;
  GHashTable *not_sectors; /* sector (case-folded) -> reason (interned) */
  GPtrArray  *texts;       /* RuleText*: the sector rules as given, in order */
  GPtrArray  *exclusions;  /* RuleText*: the exclusions as given */
  GPtrArray  *sectors;     /* names, interned, first-seen order */
  guint       order;
};

static void
rule_text_free (RuleText *t)
{
  g_free (t->source);
  g_free (t->pattern);
  g_free (t->value);
  g_free (t);
}

static void
word_rules_init (WordRules *w)
{
  w->table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w->firsts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w->memo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
word_rules_clear (WordRules *w)
{
  g_hash_table_unref (w->table);
  g_hash_table_unref (w->firsts);
  g_hash_table_unref (w->memo);
}

WmSectorRules *
wm_sector_rules_new (void)
{
  WmSectorRules *rules = g_new0 (WmSectorRules, 1);

  word_rules_init (&rules->expense);
  word_rules_init (&rules->supplier);
  word_rules_init (&rules->not_expense);
  word_rules_init (&rules->not_supplier);
  rules->sic = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rules->sic_memo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rules->not_sectors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rules->texts = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_text_free);
  rules->exclusions = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_text_free);
  rules->sectors = g_ptr_array_new ();
  return rules;
}

void
wm_sector_rules_free (WmSectorRules *rules)
{
  if (rules == NULL)
    return;
  word_rules_clear (&rules->expense);
  word_rules_clear (&rules->supplier);
  word_rules_clear (&rules->not_expense);
  word_rules_clear (&rules->not_supplier);
  g_hash_table_unref (rules->sic);
  g_hash_table_unref (rules->sic_memo);
  g_hash_table_unref (rules->not_sectors);
  g_ptr_array_unref (rules->texts);
  g_ptr_array_unref (rules->exclusions);
  g_ptr_array_unref (rules->sectors);
  g_free (rules);
}

guint
wm_sector_rules_count (WmSectorRules *rules)
{
  return rules->texts->len;
}

guint
wm_sector_rules_count_exclusions (WmSectorRules *rules)
{
  return rules->exclusions->len;
}

GPtrArray *
wm_sector_rules_sectors (WmSectorRules *rules)
{
  return g_ptr_array_ref (rules->sectors);
}

/* Lower-case ASCII words: every character that is not [A-Za-z0-9] separates words. */
static GStrv
text_words (const char *text)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GString) word = g_string_new (NULL);

  for (const char *p = text ? text : "";; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (word, g_ascii_tolower (*p));
      else
        {
          if (word->len > 0)
            {
              g_strv_builder_add (builder, word->str);
              g_string_truncate (word, 0);
            }
          if (*p == '\0')
            break;
        }
    }
  return g_strv_builder_end (builder);
}

static char *
normalise (const char *text, guint *n_words)
{
  g_auto (GStrv) words = text_words (text);

  if (n_words)
    *n_words = g_strv_length (words);
  return g_strjoinv (" ", words);
}

static gboolean
word_rules_add (WordRules *w, const char *pattern, const char *value, guint order, GError **error)
{
  guint            n;
  g_autofree char *key = normalise (pattern, &n);
  g_autofree char *first = NULL;
  Rule            *rule;

  if (n == 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "empty pattern");
      return FALSE;
    }
  if (n > MAX_WORDS)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "pattern \"%s\" has more than %d words",
                   pattern, MAX_WORDS);
      return FALSE;
    }
  /* A pattern given twice: the first one stays (earlier rules win ties). */
  if (g_hash_table_contains (w->table, key))
    return TRUE;
  g_hash_table_remove_all (w->memo);
  rule = g_new (Rule, 1);
  rule->value = g_intern_string (value);
  rule->order = order;
  first = g_strndup (key, strcspn (key, " "));
  if (GPOINTER_TO_UINT (g_hash_table_lookup (w->firsts, first)) < n)
    g_hash_table_insert (w->firsts, g_steal_pointer (&first), GUINT_TO_POINTER (n));
  g_hash_table_insert (w->table, g_steal_pointer (&key), rule);
  return TRUE;
}

/* The rule with the most words among the runs of words of @text found in @w; ties: the earlier
 * rule. The text is normalised as patterns are (lower-case words, one space apart) into one
 * buffer, and a run is looked up in place by ending the buffer after it for the lookup, so no
 * run is copied; runs whose first word starts no pattern, or that are longer than any pattern
 * starting with it, are not looked up at all. */
static const Rule *
word_rules_match (WordRules *w, const char *text)
{
  gsize             size = strlen (text) + 1;
  g_autofree char  *buf = g_malloc (size);
  g_autofree guint *starts = g_new0 (guint, size / 2 + 1);
  g_autofree guint *ends = g_new0 (guint, size / 2 + 1);
  g_autofree guint *reach = g_new0 (guint, size / 2 + 1);
  guint             n = 0, len = 0, longest = 0;

  if (g_hash_table_size (w->table) == 0)
    return NULL;
  for (const char *p = text;; p++)
    {
      if (g_ascii_isalnum (*p))
        {
          if (len == 0 || buf[len - 1] == ' ')
            starts[n] = len;
          buf[len++] = g_ascii_tolower (*p);
          ends[n] = len;
        }
      if (!g_ascii_isalnum (*p) && len > 0 && buf[len - 1] != ' ')
        {
          n++;
          buf[len++] = ' ';
        }
      if (*p == '\0')
        break;
    }
  if (n == 0)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      char saved = buf[ends[i]];

      buf[ends[i]] = '\0';
      reach[i] = MIN (GPOINTER_TO_UINT (g_hash_table_lookup (w->firsts, buf + starts[i])), n - i);
      buf[ends[i]] = saved;
      longest = MAX (longest, reach[i]);
    }
  for (guint words = longest; words >= 1; words--)
    {
      const Rule *best = NULL;

      for (guint i = 0; i + words <= n; i++)
        {
          guint       end = ends[i + words - 1];
          char        saved = buf[end];
          const Rule *rule;

          if (reach[i] < words)
            continue;
          buf[end] = '\0';
          rule = g_hash_table_lookup (w->table, buf + starts[i]);
          buf[end] = saved;
          if (rule != NULL && (best == NULL || rule->order < best->order))
            best = rule;
        }
      if (best != NULL)
        return best;
    }
  return NULL;
}

/* Memoised: a project's million lines have a few thousand distinct texts. */
static const char *
word_rules_value (WordRules *w, const char *text)
{
  const Rule *rule;
  gpointer    value;

  if (text == NULL || *text == '\0')
    return NULL;
  if (g_hash_table_lookup_extended (w->memo, text, NULL, &value))
    return value;
  /* Most lines have a description of their own: the memo helps with the repeated ones, and
   * must not grow into a copy of every text of a million-line file. */
  if (g_hash_table_size (w->memo) >= MEMO_LIMIT)
    g_hash_table_remove_all (w->memo);
  rule = word_rules_match (w, text);
  g_hash_table_insert (w->memo, g_strdup (text), rule ? (gpointer) rule->value : NULL);
  return rule ? rule->value : NULL;
}

static void
note_sector (WmSectorRules *rules, const char *sector)
{
  sector = g_intern_string (sector);
  if (strcmp (sector, SKIP) == 0)
    return;
  for (guint i = 0; i < rules->sectors->len; i++)
    if (g_ptr_array_index (rules->sectors, i) == sector)
      return;
  g_ptr_array_add (rules->sectors, (gpointer) sector);
}

static void
add_text (GPtrArray *texts, const char *source, const char *pattern, const char *value)
{
  RuleText *t = g_new (RuleText, 1);

  t->source = g_strdup (source);
  t->pattern = g_strdup (pattern);
  t->value = g_strdup (value);
  g_ptr_array_add (texts, t);
}

gboolean
wm_sector_rules_add (WmSectorRules *rules,
                     const char    *source,
                     const char    *pattern,
                     const char    *sector,
                     GError       **error)
{
  g_autofree char *value = g_strstrip (g_strdup (sector ? sector : ""));
  g_autofree char *pat = g_strstrip (g_strdup (pattern ? pattern : ""));
  guint            order = rules->order++;

  if (*value == '\0')
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "no sector for \"%s\"", pat);
      return FALSE;
    }
  if (g_strcmp0 (source, "sic") == 0)
    {
      gsize len = strlen (pat);

      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isdigit (pat[i]))
          len = 0;
      if (len < 2 || len > 5)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                       "SIC pattern \"%s\" is not a code prefix of 2 to 5 digits", pat);
          return FALSE;
        }
      if (!g_hash_table_contains (rules->sic, pat))
        g_hash_table_insert (rules->sic, g_strdup (pat), (gpointer) g_intern_string (value));
      g_hash_table_remove_all (rules->sic_memo);
    }
  else if (g_strcmp0 (source, "expense") == 0)
    {
      if (!word_rules_add (&rules->expense, pat, value, order, error))
        return FALSE;
    }
  else if (g_strcmp0 (source, "supplier") == 0)
    {
      if (!word_rules_add (&rules->supplier, pat, value, order, error))
        return FALSE;
    }
  else
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "source \"%s\" is not one of sic, expense, supplier", source ? source : "");
      return FALSE;
    }
  note_sector (rules, value);
  add_text (rules->texts, source, pat, value);
  return TRUE;
}

gboolean
wm_sector_rules_add_exclusion (WmSectorRules *rules,
                               const char    *source,
                               const char    *pattern,
                               const char    *reason,
                               GError       **error)
{
  g_autofree char *why = g_strstrip (g_strdup (reason && *reason ? reason : "not influenceable"));
  g_autofree char *pat = g_strstrip (g_strdup (pattern ? pattern : ""));
  guint            order = rules->order++;

  if (g_strcmp0 (source, "sector") == 0)
    {
      if (*pat == '\0')
        {
          g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "empty sector name");
          return FALSE;
        }
      g_hash_table_replace (rules->not_sectors, g_utf8_casefold (pat, -1),
                            (gpointer) g_intern_string (why));
    }
  else if (g_strcmp0 (source, "expense") == 0)
    {
      if (!word_rules_add (&rules->not_expense, pat, why, order, error))
        return FALSE;
    }
  else if (g_strcmp0 (source, "supplier") == 0)
    {
      if (!word_rules_add (&rules->not_supplier, pat, why, order, error))
        return FALSE;
    }
  else
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "source \"%s\" is not one of sector, expense, supplier", source ? source : "");
      return FALSE;
    }
  add_text (rules->exclusions, source, pat, why);
  return TRUE;
}

static const char *
sic_lookup (WmSectorRules *rules, const char *sic)
{
  g_auto (GStrv) codes = NULL;

  codes = g_strsplit_set (sic, " ,;", -1);
  for (guint i = 0; codes[i]; i++)
    {
      char  code[6];
      gsize len = strlen (codes[i]);

      if (len < 2)
        continue;
      /* Companies House writes "62020 - Information technology consultancy activities" in
       * some files: the code is the leading digits. */
      len = MIN (len, 5);
      memcpy (code, codes[i], len);
      code[len] = '\0';
      for (gsize l = len; l >= 2; l--)
        {
          const char *value;

          code[l] = '\0';
          value = g_hash_table_lookup (rules->sic, code);
          if (value == NULL)
            continue;
          if (strcmp (value, SKIP) != 0)
            return value;
          break; /* an uninformative code: the next code */
        }
    }
  return NULL;
}

const char *
wm_sector_rules_sic_sector (WmSectorRules *rules, const char *sic)
{
  gpointer value;

  if (sic == NULL || g_hash_table_size (rules->sic) == 0)
    return NULL;
  if (!g_hash_table_lookup_extended (rules->sic_memo, sic, NULL, &value))
    {
      value = (gpointer) sic_lookup (rules, sic);
      g_hash_table_insert (rules->sic_memo, g_strdup (sic), value);
    }
  return value;
}

/* Why spend in @sector is not influenceable, given what the line's fields said. */
static const char *
exclusion_judged (WmSectorRules *rules, const char *sector, const char *not_why, const char *payee)
{
  const char *why = NULL;

  if (sector != NULL && g_hash_table_size (rules->not_sectors) > 0)
    {
      g_autofree char *key = g_utf8_casefold (sector, -1);
      why = g_hash_table_lookup (rules->not_sectors, key);
    }
  if (why == NULL)
    why = not_why;
  if (why == NULL)
    why = word_rules_value (&rules->not_supplier, payee);
  return why;
}

/* The sector: the payee's SIC codes, then the line's fields, then the payee's name. */
static const char *
classify_judged (WmSectorRules         *rules,
                 const char            *sic,
                 const WmFieldsVerdict *verdict,
                 const char            *payee,
                 const char           **source)
{
  const char *sector = wm_sector_rules_sic_sector (rules, sic);

  if (sector != NULL)
    {
      *source = "sic";
      return sector;
    }
  if (verdict->sector != NULL)
    {
      *source = "expense";
      return verdict->sector;
    }
  sector = word_rules_value (&rules->supplier, payee);
  if (sector != NULL && strcmp (sector, SKIP) != 0)
    {
      *source = "supplier";
      return sector;
    }
  *source = NULL;
  return WM_SECTOR_UNCLASSIFIED;
}

void
wm_sector_rules_judge_fields (WmSectorRules    *rules,
                              const char *const fields[4],
                              WmFieldsVerdict  *verdict)
{
  verdict->sector = NULL;
  verdict->not_why = NULL;
  for (int f = 0; f < 4 && verdict->sector == NULL; f++)
    {
      const char *sector = word_rules_value (&rules->expense, fields[f]);

      if (sector != NULL && strcmp (sector, SKIP) != 0)
        verdict->sector = sector;
    }
  for (int f = 0; verdict->not_why == NULL && f < 4; f++)
    verdict->not_why = word_rules_value (&rules->not_expense, fields[f]);
}

const char *
wm_sector_rules_classify (WmSectorRules    *rules,
                          const char       *sic,
                          const char *const fields[4],
                          const char       *payee,
                          const char      **source)
{
  WmFieldsVerdict verdict;

  wm_sector_rules_judge_fields (rules, fields, &verdict);
  return classify_judged (rules, sic, &verdict, payee, source);
}

const char *
wm_sector_rules_exclusion (WmSectorRules    *rules,
                           const char       *sector,
                           const char *const fields[4],
                           const char       *payee)
{
  WmFieldsVerdict verdict;

  wm_sector_rules_judge_fields (rules, fields, &verdict);
  return exclusion_judged (rules, sector, verdict.not_why, payee);
}

const char *
wm_sector_rules_decide_judged (WmSectorRules         *rules,
                               const char            *sic,
                               gboolean               is_public,
                               const WmFieldsVerdict *verdict,
                               const char            *payee,
                               const char           **source,
                               const char           **why)
{
  const char *sector = classify_judged (rules, sic, verdict, payee, source);

  *why = is_public ? WM_EXCLUDED_PUBLIC : exclusion_judged (rules, sector, verdict->not_why, payee);
  return sector;
}

const char *
wm_sector_rules_decide (WmSectorRules    *rules,
                        const char       *sic,
                        gboolean          is_public,
                        const char *const fields[4],
                        const char       *payee,
                        const char      **source,
                        const char      **why)
{
  WmFieldsVerdict verdict;

  wm_sector_rules_judge_fields (rules, fields, &verdict);
  return wm_sector_rules_decide_judged (rules, sic, is_public, &verdict, payee, source, why);
}

/* "ICT & telecoms" -> "ict-telecoms" */
static char *
slug (const char *name)
{
  g_auto (GStrv) words = text_words (name);
  return g_strjoinv ("-", words);
}

const char *
wm_sector_rules_find (WmSectorRules *rules, const char *name)
{
  g_autofree char *want = slug (name);

  if (*want == '\0')
    return NULL;
  if (strcmp (want, "unclassified") == 0)
    return WM_SECTOR_UNCLASSIFIED;
  for (guint i = 0; i < rules->sectors->len; i++)
    {
      const char      *sector = g_ptr_array_index (rules->sectors, i);
      g_autofree char *s = slug (sector);

      if (strcmp (s, want) == 0)
        return sector;
    }
  return NULL;
}

/* ---- files ------------------------------------------------------------------------------ */

static gboolean
add_sector_rule (gpointer rules, const char *a, const char *b, const char *c, GError **error)
{
  return wm_sector_rules_add (rules, a, b, c, error);
}

static gboolean
add_exclusion (gpointer rules, const char *a, const char *b, const char *c, GError **error)
{
  return wm_sector_rules_add_exclusion (rules, a, b, c, error);
}

gboolean
wm_sector_rules_load_sectors (WmSectorRules *rules, const char *path, GError **error)
{
  static const char *const columns[3] = { "source", "pattern", "sector" };

  return path == NULL || wm_table_read_rules (path, columns, FALSE, add_sector_rule, rules, error);
}

gboolean
wm_sector_rules_load_exclusions (WmSectorRules *rules, const char *path, GError **error)
{
  static const char *const columns[3] = { "source", "pattern", "reason" };

  return path == NULL || wm_table_read_rules (path, columns, FALSE, add_exclusion, rules, error);
}

/* The shipped files are in the core's GResource; the table reader reads them through /vsimem/. */
static gboolean
load_resource (WmSectorRules *rules,
               const char    *name,
               gboolean (*load) (WmSectorRules *, const char *, GError **),
               GError **error)
{
  g_autofree char *resource = g_strconcat ("/org/wealthmap/core/", name, NULL);
  g_autoptr (GBytes) bytes = g_resource_lookup_data (wm_core_get_resource (), resource,
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  g_autofree char *vsi = NULL;
  gsize            size;
  gconstpointer    data;
  gboolean         ok;

  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  vsi = g_strdup_printf ("/vsimem/wealthmap-%p-%s", (void *) g_thread_self (), name);
  VSIFCloseL (VSIFileFromMemBuffer (vsi, (GByte *) data, size, FALSE));
  ok = load (rules, vsi, error);
  VSIUnlink (vsi);
  return ok;
}

WmSectorRules *
wm_sector_rules_default (void)
{
  g_autoptr (GError) error = NULL;
  WmSectorRules *rules = wm_sector_rules_new ();

  /* The lists are built into the library: failing to read them is a packaging bug. */
  if (!load_resource (rules, "sectors.csv", wm_sector_rules_load_sectors, &error)
      || !load_resource (rules, "non-influenceable.csv", wm_sector_rules_load_exclusions, &error))
    g_error ("the built-in sector lists are unreadable: %s", error->message);
  return rules;
}

/* ---- the project's lists ---------------------------------------------------------------- */

static gboolean
store_texts (sqlite3 *db, const char *table, GPtrArray *texts, GError **error)
{
  g_autofree char *del = g_strdup_printf ("DELETE FROM %s", table);
  g_autofree char *ins
      = g_strdup_printf ("INSERT INTO %s (ord, source, pattern, value) VALUES (?, ?, ?, ?)", table);
  g_autoptr (sqlite3_stmt) insert = NULL;

  if (!_wm_db_exec (db, del, error))
    return FALSE;
  insert = _wm_db_prepare (db, ins, error);
  if (insert == NULL)
    return FALSE;
  for (guint i = 0; i < texts->len; i++)
    {
      RuleText *t = g_ptr_array_index (texts, i);

      sqlite3_bind_int64 (insert, 1, i);
      sqlite3_bind_text (insert, 2, t->source, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 3, t->pattern, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 4, t->value, -1, SQLITE_STATIC);
      if (!_wm_db_step_done (insert, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
store_rules (
    sqlite3 *db, WmSectorRules *rules, gboolean sectors, gboolean exclusions, GError **error)
{
  return (!sectors || store_texts (db, "sector_rules", rules->texts, error))
         && (!exclusions || store_texts (db, "influence_rules", rules->exclusions, error));
}

static WmSectorRules *
project_rules (sqlite3 *db, GError **error)
{
  g_autoptr (WmSectorRules) rules = wm_sector_rules_new ();

  if (!_wm_db_read_rules (db, "SELECT source, pattern, value FROM sector_rules ORDER BY ord",
                          add_sector_rule, rules, error)
      || !_wm_db_read_rules (db, "SELECT source, pattern, value FROM influence_rules ORDER BY ord",
                             add_exclusion, rules, error))
    return NULL;
  return g_steal_pointer (&rules);
}

WmSectorRules *
wm_project_sector_rules (WmProject *self, GError **error)
{
  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  return project_rules (_wm_project_get_db (self), error);
}

gboolean
_wm_project_seed_sector_rules (sqlite3 *db, GError **error)
{
  g_autoptr (WmSectorRules) rules = wm_sector_rules_default ();

  return store_rules (db, rules, TRUE, TRUE, error);
}

/* Decides the sector of the lines @scope selects (a WHERE clause on spend s, or "") and writes
 * what changed. */
static gboolean
classify_lines (sqlite3 *db, const char *scope, GCancellable *cancellable, GError **error)
{
  g_autoptr (WmSectorRules) rules = project_rules (db, error);
  g_autoptr (sqlite3_stmt) lines = NULL;
  g_autoptr (sqlite3_stmt) set = NULL;
  g_autoptr (GHashTable) moves = NULL;
  g_autofree char *sql = NULL;
  guint64          n = 0;

  if (rules == NULL)
    return FALSE;
  /* The cache of spend by anchor, payee, sector and year (migration 8; classifying in
   * migration 4 comes before it, and the cache is filled from the lines after it). */
  if (_wm_db_query_int (db,
                        "SELECT count(*) FROM pragma_table_info('spend_pairs') WHERE name ="
                        " 'fyear'",
                        0)
      > 0)
    moves = _wm_spend_cells_new ();
  sql = g_strconcat ("SELECT s.id, s.category, s.classification, s.description, s.service,"
                     " CASE WHEN s.redacted THEN NULL ELSE coalesce(n.display,"
                     " s.supplier_text) END, p.sic, p.kind = 'public' AND NOT s.redacted,"
                     " s.sector, s.sector_source, s.excluded, s.anchor_id, s.name_id,"
                     " s.amount_pence, s.redacted, s.fyear FROM spend s LEFT JOIN names n ON"
                     " n.id = s.name_id LEFT JOIN suppliers p ON p.fid = n.supplier_id",
                     scope, NULL);
  lines = _wm_db_prepare (db, sql, error);
  set = lines ? _wm_db_prepare (db,
                                "UPDATE spend SET sector = ?, sector_source = ?, excluded = ?"
                                " WHERE id = ?",
                                error)
              : NULL;
  if (set == NULL)
    return FALSE;
  while (sqlite3_step (lines) == SQLITE_ROW)
    {
      const char *fields[4];
      const char *payee = (const char *) sqlite3_column_text (lines, 5);
      const char *sic = (const char *) sqlite3_column_text (lines, 6);
      const char *sector, *source, *why;

      if ((++n & 0xffff) == 0 && _wm_check_cancelled (cancellable, "sectors", error))
        return FALSE;
      for (int f = 0; f < 4; f++)
        fields[f] = (const char *) sqlite3_column_text (lines, 1 + f);
      sector = wm_sector_rules_decide (rules, sic, sqlite3_column_int (lines, 7), fields, payee,
                                       &source, &why);
      /* written only when it changed: a relink after a small import touches few lines */
      if (g_strcmp0 (sector, (const char *) sqlite3_column_text (lines, 8)) == 0
          && g_strcmp0 (source, (const char *) sqlite3_column_text (lines, 9)) == 0
          && g_strcmp0 (why, (const char *) sqlite3_column_text (lines, 10)) == 0)
        continue;
      if (moves != NULL)
        {
          /* out of the cell it was in, into the one it is in now */
          gint64      pence = sqlite3_column_int64 (lines, 13);
          const char *old_sector = (const char *) sqlite3_column_text (lines, 8);
          const char *old_why = (const char *) sqlite3_column_text (lines, 10);
          WmSpendCell cell = {
            .anchor_id = sqlite3_column_int64 (lines, 11),
            .name_id = sqlite3_column_int64 (lines, 12),
            .redacted = sqlite3_column_int64 (lines, 14) ? 1 : 0,
            .sector = old_sector ? g_intern_string (old_sector) : NULL,
            .fyear = sqlite3_column_int64 (lines, 15),
            .excluded = old_why ? g_intern_string (old_why) : NULL,
            .pence = -pence,
            .lines = -1,
            .open = old_why == NULL ? -pence : 0,
            .positive = -(pence > 0),
          };

          _wm_spend_cells_add (moves, &cell);
          cell.sector = g_intern_string (sector);
          cell.excluded = why ? g_intern_string (why) : NULL;
          cell.pence = pence;
          cell.lines = 1;
          cell.open = why == NULL ? pence : 0;
          cell.positive = pence > 0;
          _wm_spend_cells_add (moves, &cell);
        }
      sqlite3_bind_text (set, 1, sector, -1, SQLITE_STATIC);
      _wm_bind_text_or_null (set, 2, source);
      _wm_bind_text_or_null (set, 3, why);
      sqlite3_bind_int64 (set, 4, sqlite3_column_int64 (lines, 0));
      if (!_wm_db_step_done (set, error))
        return FALSE;
    }
  return moves == NULL || _wm_project_add_spend_cells (db, moves, error);
}

gboolean
_wm_project_classify_sectors (sqlite3 *db, GCancellable *cancellable, GError **error)
{
  return classify_lines (db, "", cancellable, error);
}

/* What can change a stored line's sector without a change to the line or to the rules: the
 * supplier its payee leads to, and that supplier's SIC codes and kind. Temporary triggers note
 * each such change while a spend import relinks, so only the lines behind them are decided
 * again (the new lines were decided as they were stored). */
gboolean
_wm_project_track_links (sqlite3 *db, GError **error)
{
  return _wm_db_exec (db,
                      "CREATE TEMP TABLE IF NOT EXISTS relinked_names (id INTEGER PRIMARY KEY);"
                      " CREATE TEMP TABLE IF NOT EXISTS changed_suppliers"
                      " (fid INTEGER PRIMARY KEY);"
                      " CREATE TEMP TABLE IF NOT EXISTS touched_suppliers"
                      " (fid INTEGER PRIMARY KEY);"
                      " DELETE FROM temp.relinked_names; DELETE FROM temp.changed_suppliers;"
                      " DELETE FROM temp.touched_suppliers;"
                      " CREATE TEMP TRIGGER IF NOT EXISTS wm_track_names AFTER UPDATE OF"
                      " supplier_id ON main.names WHEN old.supplier_id IS NOT new.supplier_id"
                      " BEGIN INSERT OR IGNORE INTO relinked_names VALUES (new.id);"
                      " INSERT OR IGNORE INTO touched_suppliers SELECT old.supplier_id WHERE"
                      " old.supplier_id IS NOT NULL;"
                      " INSERT OR IGNORE INTO touched_suppliers SELECT new.supplier_id WHERE"
                      " new.supplier_id IS NOT NULL; END;"
                      " CREATE TEMP TRIGGER IF NOT EXISTS wm_track_new_names AFTER INSERT ON"
                      " main.names WHEN new.supplier_id IS NOT NULL BEGIN INSERT OR IGNORE INTO"
                      " touched_suppliers VALUES (new.supplier_id); END;"
                      " CREATE TEMP TRIGGER IF NOT EXISTS wm_track_suppliers AFTER UPDATE OF"
                      " kind, sic ON main.suppliers WHEN old.kind IS NOT new.kind OR old.sic"
                      " IS NOT new.sic BEGIN INSERT OR IGNORE INTO changed_suppliers VALUES"
                      " (new.fid); END;"
                      " CREATE TEMP TRIGGER IF NOT EXISTS wm_track_gone AFTER DELETE ON"
                      " main.suppliers BEGIN INSERT OR IGNORE INTO changed_suppliers VALUES"
                      " (old.fid); END;",
                      error);
}

gboolean
_wm_project_classify_tracked (sqlite3 *db, GCancellable *cancellable, GError **error)
{
  return classify_lines (db,
                         " WHERE s.name_id IN (SELECT id FROM temp.relinked_names UNION SELECT"
                         " id FROM names WHERE supplier_id IN (SELECT fid FROM"
                         " temp.changed_suppliers))",
                         cancellable, error);
}

void
_wm_project_untrack_links (sqlite3 *db)
{
  _wm_db_exec (db,
               "DROP TRIGGER IF EXISTS temp.wm_track_names;"
               " DROP TRIGGER IF EXISTS temp.wm_track_new_names;"
               " DROP TABLE IF EXISTS temp.touched_suppliers;"
               " DROP TRIGGER IF EXISTS temp.wm_track_suppliers;"
               " DROP TRIGGER IF EXISTS temp.wm_track_gone;"
               " DROP TABLE IF EXISTS temp.relinked_names;"
               " DROP TABLE IF EXISTS temp.changed_suppliers;",
               NULL);
}

gboolean
wm_project_import_sector_rules (WmProject  *self,
                                const char *sectors_path,
                                const char *exclusions_path,
                                GError    **error)
{
  g_autoptr (WmSectorRules) rules = wm_sector_rules_new ();

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  /* The file read first, so a bad one changes nothing. */
  if (!wm_sector_rules_load_sectors (rules, sectors_path, error)
      || !wm_sector_rules_load_exclusions (rules, exclusions_path, error))
    return FALSE;
  return wm_project_set_sector_rules (self, rules, sectors_path != NULL, exclusions_path != NULL,
                                      NULL, error);
}

gboolean
wm_project_set_sector_rules (WmProject     *self,
                             WmSectorRules *rules,
                             gboolean       sectors,
                             gboolean       exclusions,
                             GCancellable  *cancellable,
                             GError       **error)
{
  sqlite3 *db;
  gboolean ok;

  g_return_val_if_fail (WM_IS_PROJECT (self) && rules != NULL, FALSE);
  db = _wm_project_get_db (self);
  if (!_wm_project_begin (self, error))
    return FALSE;
  ok = store_rules (db, rules, sectors, exclusions, error)
       && _wm_project_classify_sectors (db, cancellable, error);
  if (!_wm_project_end (self, ok, error))
    return FALSE;
  _wm_project_touch (self);
  return ok;
}

static gboolean
save_texts (const GPtrArray *texts, const char *value_name, const char *path, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  const char *header[3] = { "source", "pattern", value_name };

  wm_csv_append_row (out, header, 3);
  for (guint i = 0; i < texts->len; i++)
    {
      const RuleText *t = g_ptr_array_index (texts, i);
      const char     *fields[3] = { t->source, t->pattern, t->value };

      wm_csv_append_row (out, fields, 3);
    }
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

const GPtrArray *
wm_sector_rules_texts (WmSectorRules *rules, gboolean exclusions)
{
  return exclusions ? rules->exclusions : rules->texts;
}

gboolean
wm_sector_rules_save (WmSectorRules *rules,
                      const char    *sectors_path,
                      const char    *exclusions_path,
                      GError       **error)
{
  return (sectors_path == NULL || save_texts (rules->texts, "sector", sectors_path, error))
         && (exclusions_path == NULL
             || save_texts (rules->exclusions, "reason", exclusions_path, error));
}

gboolean
wm_project_export_sector_rules (WmProject  *self,
                                const char *sectors_path,
                                const char *exclusions_path,
                                GError    **error)
{
  g_autoptr (WmSectorRules) rules = NULL;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  rules = project_rules (_wm_project_get_db (self), error);
  return rules != NULL && wm_sector_rules_save (rules, sectors_path, exclusions_path, error);
}

/* ---- coverage --------------------------------------------------------------------------- */

static void
coverage_free (WmSectorCoverage *c)
{
  g_free (c->file);
  g_free (c->anchor);
  g_free (c);
}

GPtrArray *
wm_project_sector_coverage (WmProject *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *rows;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  stmt = _wm_db_prepare (_wm_project_get_db (self),
                         "SELECT f.name, a.name, count(*), sum(abs(s.amount_pence)),"
                         " sum(CASE WHEN s.sector_source = 'sic' THEN abs(s.amount_pence) END),"
                         " sum(CASE WHEN s.sector_source = 'expense' THEN abs(s.amount_pence)"
                         " END),"
                         " sum(CASE WHEN s.sector_source = 'supplier' THEN abs(s.amount_pence)"
                         " END),"
                         " sum(CASE WHEN s.sector_source IS NULL THEN abs(s.amount_pence) END)"
                         " FROM spend s JOIN spend_files f ON f.id = s.file_id"
                         " JOIN anchors a ON a.fid = s.anchor_id GROUP BY f.id ORDER BY a.name,"
                         " f.id",
                         error);
  if (stmt == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) coverage_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      WmSectorCoverage *c = g_new0 (WmSectorCoverage, 1);

      c->file = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      c->anchor = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      c->lines = sqlite3_column_int64 (stmt, 2);
      c->gross = sqlite3_column_int64 (stmt, 3);
      c->by_sic = sqlite3_column_int64 (stmt, 4);
      c->by_expense = sqlite3_column_int64 (stmt, 5);
      c->by_supplier = sqlite3_column_int64 (stmt, 6);
      c->unclassified = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (rows, c);
    }
  return rows;
}

static void
unclassified_free (WmUnclassified *u)
{
  g_free (u->text);
  g_free (u);
}

GPtrArray *
wm_project_unclassified (WmProject *self, guint limit, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GPtrArray *rows;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  stmt = _wm_db_prepare (_wm_project_get_db (self),
                         "SELECT coalesce(nullif(s.category, ''), nullif(s.classification, ''),"
                         " nullif(s.description, ''), nullif(s.service, ''), s.supplier_text,"
                         " '(nothing)') AS t, sum(abs(s.amount_pence)), count(*)"
                         " FROM spend s WHERE s.sector_source IS NULL GROUP BY t"
                         " ORDER BY 2 DESC, t LIMIT ?",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit ? limit : G_MAXINT64);
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) unclassified_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      WmUnclassified *u = g_new0 (WmUnclassified, 1);

      u->text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      u->amount = sqlite3_column_int64 (stmt, 1);
      u->lines = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (rows, u);
    }
  return rows;
}

char *
wm_sector_coverage_to_json (GPtrArray *coverage, GPtrArray *unclassified)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < coverage->len; i++)
    {
      WmSectorCoverage *c = g_ptr_array_index (coverage, i);
      const struct
      {
        const char *name;
        gint64      pence;
      } amounts[] = { { "gross", c->gross },
                      { "by_sic", c->by_sic },
                      { "by_expense", c->by_expense },
                      { "by_supplier", c->by_supplier },
                      { "unclassified", c->unclassified } };

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, c->file);
      json_builder_set_member_name (b, "anchor");
      json_builder_add_string_value (b, c->anchor);
      json_builder_set_member_name (b, "lines");
      json_builder_add_int_value (b, c->lines);
      for (guint k = 0; k < G_N_ELEMENTS (amounts); k++)
        {
          json_builder_set_member_name (b, amounts[k].name);
          json_builder_add_double_value (b, amounts[k].pence / 100.0);
        }
      json_builder_set_member_name (b, "covered_share");
      json_builder_add_double_value (
          b, c->gross ? (double) (c->gross - c->unclassified) / (double) c->gross : 0);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "unclassified");
  json_builder_begin_array (b);
  for (guint i = 0; i < unclassified->len; i++)
    {
      WmUnclassified *u = g_ptr_array_index (unclassified, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, u->text);
      json_builder_set_member_name (b, "amount");
      json_builder_add_double_value (b, u->amount / 100.0);
      json_builder_set_member_name (b, "lines");
      json_builder_add_int_value (b, u->lines);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return _wm_json_builder_to_string (b);
}
