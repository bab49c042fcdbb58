/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a map of the project draws, as plain data: ward rings in lon/lat with their IMD decile
 * and role, and suppliers and anchors as points. The drawing code (app/map) takes this and
 * never touches the database. */
#pragma once

#include "wm-project.h"

G_BEGIN_DECLS

typedef struct
{
  char   *code;
  char   *name;
  char   *role;        /* "local", "region" or NULL */
  int     imd_decile;  /* 0 when unknown */
  gint64  received;    /* pence */
  GArray *ring_starts; /* guint: first point of each ring, plus one past the end */
  GArray *xy;          /* double lon, lat pairs */
} WmMapArea;

typedef struct
{
  char    *name;
  double   lon;
  double   lat;
  char    *place;  /* local, regional, leaked, unset */
  gint64   amount; /* pence received from all anchors */
  gboolean anchor;
} WmMapPoint;

typedef struct
{
  GPtrArray *areas;  /* WmMapArea* */
  GPtrArray *points; /* WmMapPoint*, anchors last */
  char      *title;
} WmMapData;

WmMapData *wm_project_load_map_data (WmProject *self, GError **error);
void       wm_map_data_free (WmMapData *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmMapData, wm_map_data_free)

G_END_DECLS
