/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stories in the project file: one row per view in story_views (migration 5), ordered by
 * position within their story. Every change is one transaction. */
#include "wm-story.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "wm-error.h"
#include "wm-project-private.h"

static const char *const levels[] = { "ward", "lsoa", NULL };
static const char *const styles[] = { "imd", "received", NULL };
static const char *const domains[]
    = { "imd", "income", "employment", "education", "health", "crime", "barriers", "living", NULL };

WmStoryView *
wm_story_view_new (void)
{
  WmStoryView *view = g_new0 (WmStoryView, 1);

  view->level = g_strdup ("ward");
  view->domain = g_strdup ("imd");
  view->style = g_strdup ("imd");
  view->flows = TRUE;
  return view;
}

WmStoryView *
wm_story_view_copy (const WmStoryView *view)
{
  WmStoryView *copy = g_memdup2 (view, sizeof *view);

  copy->title = g_strdup (view->title);
  copy->caption = g_strdup (view->caption);
  copy->level = g_strdup (view->level);
  copy->domain = g_strdup (view->domain);
  copy->style = g_strdup (view->style);
  copy->anchor = g_strdup (view->anchor);
  copy->sector = g_strdup (view->sector);
  copy->kind = g_strdup (view->kind);
  copy->category = g_strdup (view->category);
  return copy;
}

void
wm_story_view_free (WmStoryView *view)
{
  if (view == NULL)
    return;
  g_free (view->title);
  g_free (view->caption);
  g_free (view->level);
  g_free (view->domain);
  g_free (view->style);
  g_free (view->anchor);
  g_free (view->sector);
  g_free (view->kind);
  g_free (view->category);
  g_free (view);
}

void
wm_story_view_get_filter (const WmStoryView *view, WmMapFilter *filter)
{
  memset (filter, 0, sizeof *filter);
  filter->anchor = view->anchor;
  filter->category = view->category;
  filter->fyear = view->year;
  filter->kind = view->kind;
  filter->level = view->level;
  filter->domain = view->domain;
  filter->sector = view->sector;
}

GStrv
wm_project_list_stories (WmProject *self, GError **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  int rc;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  stmt
      = _wm_db_prepare (db, "SELECT story FROM story_views GROUP BY story ORDER BY min(id)", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (names, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      _wm_db_error (db, error, "reading the stories");
      return NULL;
    }
  return g_strv_builder_end (names);
}

static char *
column_text (sqlite3_stmt *stmt, int i)
{
  const char *text = (const char *) sqlite3_column_text (stmt, i);

  return text && *text ? g_strdup (text) : NULL;
}

GPtrArray *
wm_project_story_views (WmProject *self, const char *story, GError **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) views
      = g_ptr_array_new_with_free_func ((GDestroyNotify) wm_story_view_free);
  int rc;

  g_return_val_if_fail (WM_IS_PROJECT (self) && story != NULL, NULL);
  stmt = _wm_db_prepare (db,
                         "SELECT id, title, caption, west, south, east, north, level, domain,"
                         " style, flows, anchor, sector, kind, category, year, min_flow"
                         " FROM story_views WHERE story = ? ORDER BY position, id",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, story, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WmStoryView *v = g_new0 (WmStoryView, 1);

      v->id = sqlite3_column_int64 (stmt, 0);
      v->number = (int) views->len + 1;
      v->title = column_text (stmt, 1);
      v->caption = column_text (stmt, 2);
      v->west = sqlite3_column_double (stmt, 3);
      v->south = sqlite3_column_double (stmt, 4);
      v->east = sqlite3_column_double (stmt, 5);
      v->north = sqlite3_column_double (stmt, 6);
      v->level = column_text (stmt, 7);
      v->domain = column_text (stmt, 8);
      v->style = column_text (stmt, 9);
      v->flows = sqlite3_column_int (stmt, 10) != 0;
      v->anchor = column_text (stmt, 11);
      v->sector = column_text (stmt, 12);
      v->kind = column_text (stmt, 13);
      v->category = column_text (stmt, 14);
      v->year = sqlite3_column_int (stmt, 15);
      v->min_flow = sqlite3_column_int64 (stmt, 16);
      g_ptr_array_add (views, v);
    }
  if (rc != SQLITE_DONE)
    {
      _wm_db_error (db, error, "reading a story");
      return NULL;
    }
  if (views->len == 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE, "no story is called “%s”", story);
      return NULL;
    }
  return g_steal_pointer (&views);
}

static gboolean
check_view (const char *story, const WmStoryView *v, GError **error)
{
  const char      *problem = NULL;
  g_autofree char *name = story ? g_strstrip (g_strdup (story)) : NULL;

  if (name == NULL || *name == '\0')
    problem = "a story needs a name";
  else if (!(isfinite (v->west) && isfinite (v->east) && isfinite (v->south) && isfinite (v->north)
             && v->west >= -180 && v->east <= 180 && v->west < v->east && v->south >= -85.06
             && v->north <= 85.06 && v->south < v->north))
    problem = "its extent is not a box in degrees (west < east, south < north, within the map)";
  else if (v->level && !g_strv_contains (levels, v->level))
    problem = "its level is not ward or lsoa";
  else if (v->style && !g_strv_contains (styles, v->style))
    problem = "its style is not imd or received";
  else if (v->domain && !g_strv_contains (domains, v->domain))
    problem = "its deprivation domain is not one of imd, income, employment, education, "
              "health, crime, barriers, living";
  else if (v->min_flow < 0 || v->year < 0)
    problem = "a negative year or minimum flow";
  else if ((v->caption && strlen (v->caption) > 2000) || (v->title && strlen (v->title) > 200))
    problem = "its title (200) or caption (2000 characters) is too long";
  if (problem == NULL)
    return TRUE;
  g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE, "story “%s”: %s", story ? story : "", problem);
  return FALSE;
}

gint64
wm_project_add_story_view (WmProject         *self,
                           const char        *story,
                           const WmStoryView *view,
                           GError           **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64   id = 0;
  gboolean ok;

  g_return_val_if_fail (WM_IS_PROJECT (self) && view != NULL, 0);
  if (!check_view (story, view, error) || !_wm_project_begin (self, error))
    return 0;
  stmt = _wm_db_prepare (
      db,
      "INSERT INTO story_views (story, position, title, caption, west, south, east, north,"
      " level, domain, style, flows, anchor, sector, kind, category, year, min_flow)"
      " VALUES (?1, (SELECT coalesce(max(position), 0) + 1 FROM story_views WHERE story = ?1),"
      " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
      error);
  ok = stmt != NULL;
  if (ok)
    {
      g_autofree char *name = g_strstrip (g_strdup (story));

      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      _wm_bind_text_or_null (stmt, 2, view->title);
      _wm_bind_text_or_null (stmt, 3, view->caption);
      sqlite3_bind_double (stmt, 4, view->west);
      sqlite3_bind_double (stmt, 5, view->south);
      sqlite3_bind_double (stmt, 6, view->east);
      sqlite3_bind_double (stmt, 7, view->north);
      sqlite3_bind_text (stmt, 8, view->level ? view->level : "ward", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 9, view->domain ? view->domain : "imd", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 10, view->style ? view->style : "imd", -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 11, view->flows ? 1 : 0);
      _wm_bind_text_or_null (stmt, 12, view->anchor);
      _wm_bind_text_or_null (stmt, 13, view->sector);
      _wm_bind_text_or_null (stmt, 14, view->kind);
      _wm_bind_text_or_null (stmt, 15, view->category);
      sqlite3_bind_int (stmt, 16, view->year);
      sqlite3_bind_int64 (stmt, 17, view->min_flow);
      ok = _wm_db_step_done (stmt, error);
      id = sqlite3_last_insert_rowid (db);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  return _wm_project_end (self, ok, error) ? id : 0;
}

/* Runs @sql with its ?1 bound to @id (and ?2 to @text, ?3 to @text2 when given): one change. */
static gboolean
change_view (WmProject  *self,
             const char *sql,
             gint64      id,
             const char *text,
             const char *text2,
             GError    **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;

  if (!_wm_project_begin (self, error))
    return FALSE;
  stmt = _wm_db_prepare (db, sql, error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_bind_parameter_count (stmt) >= 2)
        _wm_bind_text_or_null (stmt, 2, text);
      if (sqlite3_bind_parameter_count (stmt) >= 3)
        _wm_bind_text_or_null (stmt, 3, text2);
      ok = _wm_db_step_done (stmt, error);
      if (ok && sqlite3_changes (db) == 0)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                       "no story view %" G_GINT64_FORMAT " (it was removed?)", id);
          ok = FALSE;
        }
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  return _wm_project_end (self, ok, error);
}

gboolean
wm_project_update_story_view (WmProject *self, const WmStoryView *view, GError **error)
{
  g_return_val_if_fail (WM_IS_PROJECT (self) && view != NULL, FALSE);
  if ((view->caption && strlen (view->caption) > 2000)
      || (view->title && strlen (view->title) > 200))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                   "a view's title (200) or caption (2000 characters) is too long");
      return FALSE;
    }
  return change_view (self, "UPDATE story_views SET title = ?2, caption = ?3 WHERE id = ?1",
                      view->id, view->title, view->caption, error);
}

gboolean
wm_project_remove_story_view (WmProject *self, gint64 id, GError **error)
{
  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  return change_view (self, "DELETE FROM story_views WHERE id = ?1", id, NULL, NULL, error);
}

gboolean
wm_project_move_story_view (WmProject *self, gint64 id, int number, GError **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  g_autoptr (sqlite3_stmt) read = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean ok;
  int      from = -1;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  if (!_wm_project_begin (self, error))
    return FALSE;
  read = _wm_db_prepare (db,
                         "SELECT id FROM story_views WHERE story ="
                         " (SELECT story FROM story_views WHERE id = ?1) ORDER BY position, id",
                         error);
  ok = read != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (read, 1, id);
      while (sqlite3_step (read) == SQLITE_ROW)
        {
          gint64 v = sqlite3_column_int64 (read, 0);

          if (v == id)
            from = (int) ids->len;
          g_array_append_val (ids, v);
        }
      g_clear_pointer (&read, sqlite3_finalize);
      if (from < 0)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                       "no story view %" G_GINT64_FORMAT " (it was removed?)", id);
          ok = FALSE;
        }
    }
  if (ok)
    {
      int to = CLAMP (number, 1, (int) ids->len) - 1;
      g_autoptr (sqlite3_stmt) write
          = _wm_db_prepare (db, "UPDATE story_views SET position = ?2 WHERE id = ?1", error);

      g_array_remove_index (ids, (guint) from);
      g_array_insert_val (ids, (guint) to, id);
      ok = write != NULL;
      for (guint i = 0; ok && i < ids->len; i++)
        {
          sqlite3_reset (write);
          sqlite3_bind_int64 (write, 1, g_array_index (ids, gint64, i));
          sqlite3_bind_int (write, 2, (int) i + 1);
          ok = _wm_db_step_done (write, error);
        }
    }
  return _wm_project_end (self, ok, error);
}

gboolean
wm_project_delete_story (WmProject *self, const char *story, GError **error)
{
  sqlite3 *db = _wm_project_get_db (self);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (WM_IS_PROJECT (self) && story != NULL, FALSE);
  if (!_wm_project_begin (self, error))
    return FALSE;
  stmt = _wm_db_prepare (db, "DELETE FROM story_views WHERE story = ?", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, story, -1, SQLITE_STATIC);
      ok = _wm_db_step_done (stmt, error);
      if (ok && sqlite3_changes (db) == 0)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE, "no story is called “%s”", story);
          ok = FALSE;
        }
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  return _wm_project_end (self, ok, error);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

char *
wm_story_to_json (const char *story, GPtrArray *views)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_string (b, "story", story);
  json_builder_set_member_name (b, "views");
  json_builder_begin_array (b);
  for (guint i = 0; i < views->len; i++)
    {
      const WmStoryView *v = g_ptr_array_index (views, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "number");
      json_builder_add_int_value (b, v->number);
      add_string (b, "title", v->title);
      add_string (b, "caption", v->caption);
      json_builder_set_member_name (b, "bbox");
      json_builder_begin_array (b);
      json_builder_add_double_value (b, v->west);
      json_builder_add_double_value (b, v->south);
      json_builder_add_double_value (b, v->east);
      json_builder_add_double_value (b, v->north);
      json_builder_end_array (b);
      add_string (b, "level", v->level);
      add_string (b, "domain", v->domain);
      add_string (b, "style", v->style);
      json_builder_set_member_name (b, "flows");
      json_builder_add_boolean_value (b, v->flows);
      add_string (b, "anchor", v->anchor);
      add_string (b, "sector", v->sector);
      add_string (b, "kind", v->kind);
      add_string (b, "category", v->category);
      json_builder_set_member_name (b, "year");
      json_builder_add_int_value (b, v->year);
      json_builder_set_member_name (b, "min_flow");
      json_builder_add_double_value (b, v->min_flow / 100.0);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
