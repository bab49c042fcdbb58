/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reads the project into plain map data: wards (rings, decile, role, £ received), located
 * suppliers with their £ and place, and anchors. */
#include "wm-map-data.h"

#include "wm-analysis.h"
#include "wm-gpkg.h"
#include "wm-project-private.h"

static void
map_area_free (WmMapArea *a)
{
  g_free (a->code);
  g_free (a->name);
  g_free (a->role);
  g_array_unref (a->ring_starts);
  g_array_unref (a->xy);
  g_free (a);
}

static void
map_point_free (WmMapPoint *p)
{
  g_free (p->name);
  g_free (p->place);
  g_free (p);
}

void
wm_map_data_free (WmMapData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref (data->areas);
  g_ptr_array_unref (data->points);
  g_free (data->title);
  g_free (data);
}

static void
add_rings (WmMapArea *area, OGRGeometryH g)
{
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (g));

  if (type == wkbLineString || type == wkbLinearRing)
    {
      guint start = area->xy->len / 2;

      g_array_append_val (area->ring_starts, start);
      for (int i = 0; i < OGR_G_GetPointCount (g); i++)
        {
          double xy[2] = { OGR_G_GetX (g, i), OGR_G_GetY (g, i) };
          g_array_append_vals (area->xy, xy, 2);
        }
    }
  else
    for (int i = 0; i < OGR_G_GetGeometryCount (g); i++)
      add_rings (area, OGR_G_GetGeometryRef (g, i));
}

static gboolean
load_points (sqlite3 *db, WmMapData *data, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _wm_db_prepare (db,
                         "SELECT p.name, p.geom, p.place, sum(s.amount_pence), 0 FROM suppliers p"
                         " JOIN names n ON n.supplier_id = p.fid JOIN spend s ON s.name_id = n.id"
                         " WHERE p.geom IS NOT NULL GROUP BY p.fid"
                         " UNION ALL SELECT name, geom, place, 0, 1 FROM anchors WHERE geom IS NOT"
                         " NULL ORDER BY 5, 4 DESC",
                         error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      OGRGeometryH g = wm_gpkg_geometry_from_blob (sqlite3_column_blob (stmt, 1),
                                                   (gsize) sqlite3_column_bytes (stmt, 1));
      WmMapPoint  *p;

      if (g == NULL)
        continue;
      p = g_new0 (WmMapPoint, 1);
      p->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      p->lon = OGR_G_GetX (g, 0);
      p->lat = OGR_G_GetY (g, 0);
      p->place = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      p->amount = sqlite3_column_int64 (stmt, 3);
      p->anchor = sqlite3_column_int (stmt, 4);
      OGR_G_DestroyGeometry (g);
      g_ptr_array_add (data->points, p);
    }
  return TRUE;
}

WmMapData *
wm_project_load_map_data (WmProject *self, GError **error)
{
  sqlite3 *db;
  g_autoptr (WmMapData) data = NULL;
  g_autoptr (WmSummary) summary = NULL;
  g_autoptr (GHashTable) wards = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *local = NULL;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  db = _wm_project_get_db (self);
  summary = wm_project_summary (self, WM_SUMMARY_BY_ANCHOR, error);
  if (summary == NULL)
    return NULL;
  for (guint i = 0; i < summary->wards->len; i++)
    {
      WmWardRow *w = g_ptr_array_index (summary->wards, i);
      g_hash_table_insert (wards, w->code, w);
    }
  data = g_new0 (WmMapData, 1);
  data->areas = g_ptr_array_new_with_free_func ((GDestroyNotify) map_area_free);
  data->points = g_ptr_array_new_with_free_func ((GDestroyNotify) map_point_free);
  local = wm_project_get_setting (self, "place_local");
  data->title = g_strdup_printf ("Where the money goes%s%s", local ? ": local area " : "",
                                 local ? local : "");

  stmt = _wm_db_prepare (db, "SELECT code, name, geom FROM areas WHERE level = 'ward'", error);
  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char  *code = (const char *) sqlite3_column_text (stmt, 0);
      WmWardRow   *w = g_hash_table_lookup (wards, code);
      OGRGeometryH g;
      WmMapArea   *a;
      guint        end;

      /* With a place set, the map shows the local area and the region. */
      if (summary->place_set && (w == NULL || w->role == NULL))
        continue;
      g = wm_gpkg_geometry_from_blob (sqlite3_column_blob (stmt, 2),
                                      (gsize) sqlite3_column_bytes (stmt, 2));
      if (g == NULL)
        continue;
      a = g_new0 (WmMapArea, 1);
      a->code = g_strdup (code);
      a->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      a->role = g_strdup (w ? w->role : NULL);
      a->imd_decile = w ? w->imd_decile : 0;
      a->received = w ? w->received : 0;
      a->ring_starts = g_array_new (FALSE, FALSE, sizeof (guint));
      a->xy = g_array_new (FALSE, FALSE, sizeof (double));
      add_rings (a, g);
      end = a->xy->len / 2;
      g_array_append_val (a->ring_starts, end);
      OGR_G_DestroyGeometry (g);
      g_ptr_array_add (data->areas, a);
    }
  if (!load_points (db, data, error))
    return NULL;
  return g_steal_pointer (&data);
}
