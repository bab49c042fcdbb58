/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wm-place.h"

#include <string.h>

#include "wm-gpkg.h"
#include "wm-project-private.h"
#include "wm-public.h"
#include "wm-spatial-index.h"

void
wm_authority_free (WmAuthority *authority)
{
  if (authority == NULL)
    return;
  g_free (authority->code);
  g_free (authority->name);
  g_free (authority);
}

static WmAuthority *
ensure (GHashTable *table, const char *code)
{
  WmAuthority *a = g_hash_table_lookup (table, code);

  if (a == NULL)
    {
      a = g_new0 (WmAuthority, 1);
      a->code = g_strdup (code);
      g_hash_table_insert (table, a->code, a);
    }
  return a;
}

/* Wards inside imported authority boundaries, by their label points (as the place does). */
static gboolean
count_by_boundaries (sqlite3 *db, GHashTable *table, GError **error)
{
  g_autoptr (sqlite3_stmt) lads = NULL;
  g_autoptr (sqlite3_stmt) wards = NULL;
  g_autoptr (WmSpatialIndex) index = wm_spatial_index_new ();
  g_autoptr (GPtrArray) order = g_ptr_array_new ();

  lads = _wm_db_prepare (db, "SELECT code, name, geom FROM areas WHERE level = 'lad'", error);
  if (lads == NULL)
    return FALSE;
  while (sqlite3_step (lads) == SQLITE_ROW)
    {
      WmAuthority *a = ensure (table, (const char *) sqlite3_column_text (lads, 0));
      OGRGeometryH g = wm_gpkg_geometry_from_blob (sqlite3_column_blob (lads, 2),
                                                   (gsize) sqlite3_column_bytes (lads, 2));

      if (a->name == NULL && sqlite3_column_text (lads, 1) != NULL)
        a->name = g_strdup ((const char *) sqlite3_column_text (lads, 1));
      if (g != NULL)
        {
          wm_spatial_index_add (index, g, order->len);
          g_ptr_array_add (order, a);
          OGR_G_DestroyGeometry (g);
        }
    }
  if (order->len == 0)
    return TRUE;
  wm_spatial_index_build (index);
  wards = _wm_db_prepare (db, "SELECT label_x, label_y FROM areas WHERE level = 'ward'", error);
  if (wards == NULL)
    return FALSE;
  while (sqlite3_step (wards) == SQLITE_ROW)
    {
      gint64 i = wm_spatial_index_find (index, sqlite3_column_double (wards, 0),
                                        sqlite3_column_double (wards, 1));
      if (i >= 0)
        ((WmAuthority *) order->pdata[i])->n_wards++;
    }
  return TRUE;
}

/* Wards by the district the postcode table gives them, for authorities without boundaries. */
static gboolean
count_by_postcodes (sqlite3 *db, GHashTable *table, GError **error)
{
  g_autoptr (sqlite3_stmt) districts = _wm_db_prepare (
      db,
      "SELECT p.district, count(DISTINCT p.ward) FROM postcodes p JOIN areas a ON a.level ="
      " 'ward' AND a.code = p.ward WHERE p.district IS NOT NULL GROUP BY p.district",
      error);

  if (districts == NULL)
    return FALSE;
  while (sqlite3_step (districts) == SQLITE_ROW)
    {
      WmAuthority *a = ensure (table, (const char *) sqlite3_column_text (districts, 0));

      if (a->n_wards == 0)
        a->n_wards = (guint) sqlite3_column_int (districts, 1);
    }
  return TRUE;
}

static void
set_roles (WmProject *self, GHashTable *table, const char *key, WmPlaceRole role)
{
  g_autofree char *value = wm_project_get_setting (self, key);
  g_auto (GStrv) codes = value ? g_strsplit (value, ",", -1) : NULL;

  for (guint i = 0; codes && codes[i]; i++)
    {
      WmAuthority *a = g_hash_table_lookup (table, g_strstrip (codes[i]));

      if (a != NULL && a->role == WM_PLACE_ROLE_NONE)
        a->role = role;
    }
}

static int
compare_names (gconstpointer pa, gconstpointer pb)
{
  const WmAuthority *a = *(WmAuthority *const *) pa;
  const WmAuthority *b = *(WmAuthority *const *) pb;
  int                c = g_utf8_collate (a->name, b->name);

  return c != 0 ? c : strcmp (a->code, b->code);
}

GPtrArray *
wm_project_list_authorities (WmProject *self, GError **error)
{
  sqlite3 *db;
  g_autoptr (GHashTable) table = NULL;
  GPtrArray     *list;
  GHashTableIter iter;
  gpointer       value;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  db = _wm_project_get_db (self);
  table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) wm_authority_free);
  if (!count_by_boundaries (db, table, error) || !count_by_postcodes (db, table, error))
    {
      g_hash_table_iter_init (&iter, table);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        wm_authority_free (value);
      g_ptr_array_unref (list);
      return NULL;
    }
  set_roles (self, table, "place_local", WM_PLACE_ROLE_LOCAL);
  set_roles (self, table, "place_region", WM_PLACE_ROLE_REGION);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      WmAuthority *a = value;

      if (a->n_wards == 0)
        {
          wm_authority_free (a);
          continue;
        }
      if (a->name == NULL)
        {
          const char *known = wm_local_authority_name (a->code);
          a->name = g_strdup (known ? known : a->code);
        }
      g_ptr_array_add (list, a);
    }
  g_ptr_array_sort (list, compare_names);
  return list;
}

void
wm_project_get_region_km (WmProject *self, double *region_km)
{
  g_autofree char *km = wm_project_get_setting (self, "region_km");

  *region_km = km ? g_ascii_strtod (km, NULL) : 0;
}
