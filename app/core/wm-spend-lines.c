/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Spend lines under a query, with their sources. Unlocated means what the summary means: the
 * line's supplier has no location, or the line is redacted. */
#include "wm-spend-lines.h"

#include <json-glib/json-glib.h>

#include "wm-project-private.h"

#define LINES_FROM                                                                                 \
  " FROM spend s JOIN anchors a ON a.fid = s.anchor_id"                                            \
  " JOIN spend_files f ON f.id = s.file_id"                                                        \
  " LEFT JOIN names n ON n.id = s.name_id AND NOT s.redacted"                                      \
  " LEFT JOIN suppliers p ON p.fid = n.supplier_id"                                                \
  " WHERE (?1 IS NULL OR a.name = ?1) AND (?2 = 0 OR p.fid = ?2) AND (?3 IS NULL OR p.name = ?3)"  \
  " AND (?4 IS NULL OR (p.ward_code = ?4 AND p.kind <> 'public'))"                                 \
  " AND (?5 IS NULL OR (?5 = 'public' AND p.kind = 'public') OR (?5 <> 'public'"                   \
  "   AND coalesce(p.kind, '') <> 'public' AND ((?5 = 'unlocated' AND p.place IS NULL)"            \
  "   OR p.place = ?5)))"                                                                          \
  " AND (?6 IS NULL OR s.category = ?6) AND (?7 = 0 OR s.fyear = ?7)"                              \
  " AND (?8 IS NULL OR p.kind = ?8) AND (?9 IS NULL OR s.sector = ?9)"                             \
  " AND (NOT ?10 OR (s.excluded IS NULL AND coalesce(p.kind, '') <> 'public'))"

static void
bind_query (sqlite3_stmt *stmt, const WmLineQuery *q)
{
  _wm_bind_text_or_null (stmt, 1, q->anchor);
  sqlite3_bind_int64 (stmt, 2, q->supplier_id);
  _wm_bind_text_or_null (stmt, 3, q->supplier);
  _wm_bind_text_or_null (stmt, 4, q->ward);
  _wm_bind_text_or_null (stmt, 5, q->place);
  _wm_bind_text_or_null (stmt, 6, q->category);
  sqlite3_bind_int (stmt, 7, q->fyear);
  _wm_bind_text_or_null (stmt, 8, q->kind);
  _wm_bind_text_or_null (stmt, 9, q->sector);
  sqlite3_bind_int (stmt, 10, q->influenceable);
}

void
wm_spend_line_free (WmSpendLine *line)
{
  if (line == NULL)
    return;
  g_free (line->anchor);
  g_free (line->supplier);
  g_free (line->matched);
  g_free (line->date);
  g_free (line->category);
  g_free (line->description);
  g_free (line->place);
  g_free (line->file);
  g_free (line->sheet);
  g_free (line);
}

static char *
column_text (sqlite3_stmt *stmt, int i)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

GPtrArray *
wm_project_spend_lines (
    WmProject *self, const WmLineQuery *query, guint limit, WmLineTotals *totals, GError **error)
{
  static const WmLineQuery any = { 0 };
  sqlite3                 *db;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) sums = NULL;
  g_autoptr (GPtrArray) lines = NULL;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  if (query == NULL)
    query = &any;
  db = _wm_project_get_db (self);
  stmt = _wm_db_prepare (
      db,
      "SELECT a.name, coalesce(s.supplier_text, ''), p.name, s.amount_pence,"
      " s.date, s.category, s.description,"
      " CASE WHEN p.kind = 'public' THEN 'public' ELSE p.place END, f.name, s.sheet, s.line,"
      " s.redacted" LINES_FROM " ORDER BY s.amount_pence DESC, s.file_id, s.line LIMIT ?10",
      error);
  sums = _wm_db_prepare (db, "SELECT count(*), coalesce(sum(s.amount_pence), 0)" LINES_FROM, error);
  if (stmt == NULL || sums == NULL)
    return NULL;
  bind_query (stmt, query);
  sqlite3_bind_int64 (stmt, 10, limit > 0 ? (gint64) limit : -1);
  bind_query (sums, query);
  lines = g_ptr_array_new_with_free_func ((GDestroyNotify) wm_spend_line_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      WmSpendLine *l = g_new0 (WmSpendLine, 1);

      l->anchor = column_text (stmt, 0);
      l->supplier = column_text (stmt, 1);
      l->matched = column_text (stmt, 2);
      l->amount = sqlite3_column_int64 (stmt, 3);
      l->date = column_text (stmt, 4);
      l->category = column_text (stmt, 5);
      l->description = column_text (stmt, 6);
      l->place = column_text (stmt, 7);
      l->file = column_text (stmt, 8);
      l->sheet = column_text (stmt, 9);
      l->line = (guint64) sqlite3_column_int64 (stmt, 10);
      l->redacted = sqlite3_column_int (stmt, 11);
      g_ptr_array_add (lines, l);
    }
  if (!_wm_db_step_done (stmt, error))
    return NULL;
  if (sqlite3_step (sums) == SQLITE_ROW && totals != NULL)
    {
      totals->lines = (guint64) sqlite3_column_int64 (sums, 0);
      totals->total = sqlite3_column_int64 (sums, 1);
    }
  return g_steal_pointer (&lines);
}

char *
wm_spend_line_source (const WmSpendLine *line)
{
  if (line->sheet != NULL)
    return g_strdup_printf ("%s:%s:%" G_GUINT64_FORMAT, line->file, line->sheet, line->line);
  return g_strdup_printf ("%s:%" G_GUINT64_FORMAT, line->file, line->line);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

char *
wm_spend_lines_to_json (GPtrArray *lines, const WmLineTotals *totals)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, (gint64) totals->lines);
  json_builder_set_member_name (b, "total");
  json_builder_add_double_value (b, totals->total / 100.0);
  json_builder_set_member_name (b, "total_pence");
  json_builder_add_int_value (b, totals->total);
  json_builder_set_member_name (b, "lines");
  json_builder_begin_array (b);
  for (guint i = 0; i < lines->len; i++)
    {
      const WmSpendLine *l = lines->pdata[i];
      g_autofree char   *source = wm_spend_line_source (l);

      json_builder_begin_object (b);
      add_string (b, "anchor", l->anchor);
      add_string (b, "supplier", l->supplier);
      add_string (b, "matched", l->matched);
      json_builder_set_member_name (b, "amount");
      json_builder_add_double_value (b, l->amount / 100.0);
      json_builder_set_member_name (b, "amount_pence");
      json_builder_add_int_value (b, l->amount);
      add_string (b, "date", l->date);
      add_string (b, "category", l->category);
      add_string (b, "description", l->description);
      add_string (b, "place", l->place ? l->place : "unlocated");
      add_string (b, "source", source);
      json_builder_set_member_name (b, "redacted");
      json_builder_add_boolean_value (b, l->redacted);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return _wm_json_builder_to_string (b);
}
