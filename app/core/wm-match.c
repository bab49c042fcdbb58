/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Payee names -> suppliers. The cascade, in order: a directory supplier's own normalised
 * name, one of its known aliases, the company number on the spend line, the name without
 * company suffixes; a name that leads to several directory suppliers is never auto-picked.
 * Whatever is left gets a supplier made from the spend, with its kind guessed from the name. */
#include "wm-match.h"

#include "wm-error.h"
#include "wm-geocoder.h"
#include "wm-project-private.h"
#include "wm-review.h"
#include "wm-text.h"

struct _WmNameTable
{
  sqlite3      *db;
  GHashTable   *ids;    /* norm -> gint64 id (as pointer-sized int) */
  GHashTable   *by_raw; /* the text as written -> id: a payee is normalised once per import */
  GHashTable   *links;  /* id -> WmNameLink*, filled as asked */
  sqlite3_stmt *insert;
  sqlite3_stmt *by_key;
  sqlite3_stmt *link;
};

/* every way a normalised name leads to suppliers */
#define KEYS_SQL "SELECT how, supplier_id FROM supplier_keys WHERE key = ?"

static gint64 resolve_by_keys (sqlite3_stmt *keys, const char *norm, const char **method);

static void
name_link_free (WmNameLink *link)
{
  g_free (link->display);
  g_free (link->sic);
  g_free (link);
}

WmNameTable *
wm_name_table_new (sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  WmNameTable *table;

  stmt = _wm_db_prepare (db, "SELECT id, norm FROM names", error);
  if (stmt == NULL)
    return NULL;
  table = g_new0 (WmNameTable, 1);
  table->db = db;
  table->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  table->by_raw = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  table->links = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify) name_link_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (table->ids, g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
                         GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 0)));
  table->insert = _wm_db_prepare (db,
                                  "INSERT INTO names (norm, display, supplier_id, method) VALUES"
                                  " (?, ?, ?, ?)",
                                  error);
  table->by_key = table->insert ? _wm_db_prepare (db, KEYS_SQL, error) : NULL;
  table->link = table->by_key ? _wm_db_prepare (db,
                                                "SELECT n.display, p.sic, p.kind = 'public' FROM"
                                                " names n LEFT JOIN suppliers p ON p.fid ="
                                                " n.supplier_id WHERE n.id = ?",
                                                error)
                              : NULL;
  if (table->link == NULL)
    {
      wm_name_table_free (table);
      return NULL;
    }
  return table;
}

void
wm_name_table_free (WmNameTable *table)
{
  if (table == NULL)
    return;
  g_hash_table_unref (table->ids);
  g_hash_table_unref (table->by_raw);
  g_hash_table_unref (table->links);
  sqlite3_finalize (table->insert);
  sqlite3_finalize (table->by_key);
  sqlite3_finalize (table->link);
  g_free (table);
}

gint64
wm_name_table_lookup (WmNameTable *table, const char *raw, GError **error)
{
  g_autofree char *norm = NULL;
  gpointer         value;
  gint64           id, supplier;
  const char      *method = NULL;

  if (g_hash_table_lookup_extended (table->by_raw, raw, NULL, &value))
    return (gint64) GPOINTER_TO_SIZE (value);
  norm = wm_normalize_name (raw);
  if (g_hash_table_lookup_extended (table->ids, norm, NULL, &value))
    {
      g_hash_table_insert (table->by_raw, g_strdup (raw), value);
      return (gint64) GPOINTER_TO_SIZE (value);
    }
  /* The steps of the cascade that depend on the name alone are taken now, so the new name's
   * lines are classified by the right supplier as they are stored and the relink after the
   * import has only the rest to do (company numbers on the lines, spend-made suppliers). */
  supplier = resolve_by_keys (table->by_key, norm, &method);
  sqlite3_bind_text (table->insert, 1, norm, -1, SQLITE_STATIC);
  sqlite3_bind_text (table->insert, 2, raw, -1, SQLITE_STATIC);
  if (supplier > 0)
    {
      sqlite3_bind_int64 (table->insert, 3, supplier);
      sqlite3_bind_text (table->insert, 4, method, -1, SQLITE_STATIC);
    }
  else
    {
      sqlite3_bind_null (table->insert, 3);
      sqlite3_bind_null (table->insert, 4);
    }
  if (!_wm_db_step_done (table->insert, error))
    return 0;
  id = sqlite3_last_insert_rowid (table->db);
  g_hash_table_insert (table->by_raw, g_strdup (raw), GSIZE_TO_POINTER ((gsize) id));
  g_hash_table_insert (table->ids, g_steal_pointer (&norm), GSIZE_TO_POINTER ((gsize) id));
  return id;
}

const WmNameLink *
wm_name_table_link (WmNameTable *table, gint64 id, GError **error)
{
  WmNameLink *link = g_hash_table_lookup (table->links, &id);
  gint64     *key;
  int         rc;

  if (link != NULL)
    return link;
  sqlite3_bind_int64 (table->link, 1, id);
  rc = sqlite3_step (table->link);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, WM_ERROR, WM_ERROR_DATABASE, "no payee name %" G_GINT64_FORMAT, id);
      else
        _wm_db_error (table->db, error, "reading a payee name");
      sqlite3_reset (table->link);
      return NULL;
    }
  link = g_new0 (WmNameLink, 1);
  link->display = g_strdup ((const char *) sqlite3_column_text (table->link, 0));
  link->sic = g_strdup ((const char *) sqlite3_column_text (table->link, 1));
  link->is_public = sqlite3_column_int (table->link, 2);
  sqlite3_reset (table->link);
  key = g_new (gint64, 1);
  *key = id;
  g_hash_table_insert (table->links, key, link);
  return link;
}

/* ---- relink ----------------------------------------------------------------------------- */

typedef struct
{
  sqlite3_stmt *by_key;    /* directory suppliers with this key and way */
  sqlite3_stmt *keys;      /* KEYS_SQL */
  sqlite3_stmt *by_number; /* directory suppliers with a company number on this name's lines */
  sqlite3_stmt *set;
  sqlite3_stmt *make;
  sqlite3_stmt *current; /* the spend-made supplier a name already has */
} Relink;

/* Returns the one supplier behind @key, 0 if none, -1 if several. */
static gint64
unique_supplier (sqlite3_stmt *stmt)
{
  gint64 found = 0;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (found == 0)
        found = id;
      else if (found != id)
        {
          found = -1;
          break;
        }
    }
  sqlite3_reset (stmt);
  return found;
}

static gint64
find_by_key (sqlite3_stmt *by_key, const char *key, const char *how)
{
  sqlite3_bind_text (by_key, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (by_key, 2, how, -1, SQLITE_STATIC);
  return unique_supplier (by_key);
}

/* The steps of the cascade that look at the name alone: an officer's decision first, then a
 * fuzzy match accepted in bulk, then the directory's names and aliases, from one query of
 * @keys (KEYS_SQL). The supplier (and in @method how), 0 if none, -1 if the first step that
 * found any found several. */
static gint64
resolve_by_keys (sqlite3_stmt *keys, const char *norm, const char **method)
{
  static const char *const steps[] = { "review", "fuzzy", "name", "alias" };
  gint64                   found[G_N_ELEMENTS (steps)] = { 0 };

  sqlite3_bind_text (keys, 1, norm, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (keys) == SQLITE_ROW)
    {
      const char *how = (const char *) sqlite3_column_text (keys, 0);
      gint64      id = sqlite3_column_int64 (keys, 1);

      for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
        if (g_strcmp0 (how, steps[i]) == 0)
          {
            if (found[i] == 0)
              found[i] = id;
            else if (found[i] != id)
              found[i] = -1;
            break;
          }
    }
  sqlite3_reset (keys);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      *method = steps[i];
      if (found[i] != 0)
        return found[i];
    }
  return 0;
}

static gboolean
resolve_names (sqlite3 *db, Relink *r, GCancellable *cancellable, GError **error)
{
  g_autoptr (sqlite3_stmt) todo = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) norms = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) displays = g_ptr_array_new_with_free_func (g_free);

  /* Names not yet tied to a directory supplier (new, spend-made or ambiguous) are tried again:
   * a directory imported later may place them. */
  todo = _wm_db_prepare (db,
                         "SELECT id, norm, display FROM names WHERE supplier_id IS NULL OR method"
                         " IN ('spend', 'ambiguous', 'review', 'fuzzy') OR norm IN (SELECT key"
                         " FROM supplier_keys WHERE how IN ('review', 'fuzzy'))",
                         error);
  if (todo == NULL)
    return FALSE;
  while (sqlite3_step (todo) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (todo, 0);
      g_array_append_val (ids, id);
      g_ptr_array_add (norms, g_strdup ((const char *) sqlite3_column_text (todo, 1)));
      g_ptr_array_add (displays, g_strdup ((const char *) sqlite3_column_text (todo, 2)));
    }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64      id = g_array_index (ids, gint64, i);
      const char *norm = g_ptr_array_index (norms, i);
      const char *method = NULL;
      gint64      supplier = 0;
      gboolean    ambiguous = FALSE;

      if ((i & 1023) == 0 && _wm_check_cancelled (cancellable, "matching", error))
        return FALSE;

      supplier = resolve_by_keys (r->keys, norm, &method);
      if (supplier == 0)
        {
          sqlite3_bind_int64 (r->by_number, 1, id);
          supplier = unique_supplier (r->by_number);
          method = "company_number";
        }
      if (supplier == 0)
        {
          g_autofree char *bare = wm_normalize_name_nosuffix (norm);
          supplier = find_by_key (r->by_key, bare, "nosuffix");
          method = "name_nosuffix";
        }
      if (supplier < 0)
        {
          ambiguous = TRUE;
          supplier = 0;
        }

      if (supplier == 0)
        {
          /* Keep an existing spend-made supplier; else make one. */
          gint64 existing;

          sqlite3_bind_int64 (r->current, 1, id);
          existing = unique_supplier (r->current);
          if (existing > 0)
            {
              supplier = existing;
            }
          else
            {
              const char    *display = g_ptr_array_index (displays, i);
              WmSupplierKind kind = wm_infer_kind (display);

              sqlite3_bind_text (r->make, 1, display, -1, SQLITE_STATIC);
              sqlite3_bind_text (r->make, 2, wm_kind_to_string (kind), -1, SQLITE_STATIC);
              if (!_wm_db_step_done (r->make, error))
                return FALSE;
              supplier = sqlite3_last_insert_rowid (db);
            }
          method = ambiguous ? "ambiguous" : "spend";
        }

      sqlite3_bind_int64 (r->set, 1, supplier);
      sqlite3_bind_text (r->set, 2, method, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (r->set, 3, id);
      if (!_wm_db_step_done (r->set, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
relink (WmProject *self, gboolean tracked, GCancellable *cancellable, GError **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  Relink   r = { 0 };
  gboolean ok = FALSE;

  r.by_key = _wm_db_prepare (db,
                             "SELECT DISTINCT k.supplier_id FROM supplier_keys k WHERE k.key = ?"
                             " AND k.how = ?",
                             error);
  r.keys = r.by_key ? _wm_db_prepare (db, KEYS_SQL, error) : NULL;
  r.by_number = r.keys ? _wm_db_prepare (db,
                                         "SELECT DISTINCT p.fid FROM spend s JOIN suppliers p"
                                         " ON p.company_number = s.company_number AND p.source"
                                         " <> 'spend' WHERE s.name_id = ? AND s.company_number"
                                         " IS NOT NULL",
                                         error)
                       : NULL;
  r.set = r.by_number ? _wm_db_prepare (db,
                                        "UPDATE names SET supplier_id = ?, method = ? WHERE"
                                        " id = ?",
                                        error)
                      : NULL;
  r.make = r.set ? _wm_db_prepare (db,
                                   "INSERT INTO suppliers (name, kind, kind_inferred, source)"
                                   " VALUES (?, ?, 1, 'spend')",
                                   error)
                 : NULL;
  r.current = r.make ? _wm_db_prepare (db,
                                       "SELECT supplier_id FROM names WHERE id = ? AND"
                                       " supplier_id IS NOT NULL AND method IN ('spend',"
                                       " 'ambiguous')",
                                       error)
                     : NULL;
  if (r.current == NULL)
    goto out;
  if (!resolve_names (db, &r, cancellable, error))
    goto out;
  /* Spend-made suppliers whose names now lead to a directory entry are gone. */
  if (!_wm_db_exec (db,
                    "DELETE FROM suppliers WHERE source = 'spend' AND fid NOT IN"
                    " (SELECT supplier_id FROM names WHERE supplier_id IS NOT NULL)",
                    error))
    goto out;
  /* A postcode on the spend lines is where the supplier traded with this anchor. */
  if (_wm_db_query_int (db, "SELECT EXISTS (SELECT 1 FROM spend WHERE postcode IS NOT NULL)", 0)
      && !_wm_db_exec (db,
                       "UPDATE suppliers SET trading_postcode = (SELECT s.postcode FROM spend s"
                       " JOIN names n ON n.id = s.name_id WHERE n.supplier_id = suppliers.fid"
                       " AND s.postcode IS NOT NULL GROUP BY s.postcode ORDER BY count(*) DESC"
                       " LIMIT 1) WHERE trading_postcode IS NULL",
                       error))
    goto out;
  ok = (tracked ? _wm_project_classify_public_tracked (db, error)
                : _wm_project_classify_public (db, error))
       && _wm_project_locate (self, cancellable, error)
       && _wm_project_suggest (self, cancellable, error)
       && (tracked ? _wm_project_classify_tracked (db, cancellable, error)
                   : _wm_project_classify_sectors (db, cancellable, error));

out:
  g_clear_pointer (&r.by_key, sqlite3_finalize);
  g_clear_pointer (&r.keys, sqlite3_finalize);
  g_clear_pointer (&r.by_number, sqlite3_finalize);
  g_clear_pointer (&r.set, sqlite3_finalize);
  g_clear_pointer (&r.make, sqlite3_finalize);
  g_clear_pointer (&r.current, sqlite3_finalize);
  return ok;
}

gboolean
_wm_project_relink (WmProject *self, GCancellable *cancellable, GError **error)
{
  return relink (self, FALSE, cancellable, error);
}

gboolean
_wm_project_relink_new_lines (WmProject *self, GCancellable *cancellable, GError **error)
{
  return relink (self, TRUE, cancellable, error);
}
