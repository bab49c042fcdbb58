/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a map of the project draws, as plain data: ward rings in lon/lat with their IMD decile
 * and role, suppliers and anchors as points, and the flows of £ from anchors to suppliers.
 * The drawing code (app/map) takes this and never touches the database. */
#pragma once

#include "wm-project.h"

G_BEGIN_DECLS

typedef struct
{
  char   *code;
  char   *name;
  char   *role;        /* "local", "region" or NULL */
  int     imd_decile;  /* decile of the filter's domain (IMD unless asked), 0 when unknown */
  gint64  received;    /* pence, under the filter */
  GArray *ring_starts; /* guint: first point of each ring, plus one past the end */
  GArray *xy;          /* double lon, lat pairs */
} WmMapArea;

typedef struct
{
  gint64   id; /* supplier or anchor fid */
  char    *name;
  double   lon;
  double   lat;
  char    *place;  /* local, regional, leaked, unset */
  char    *kind;   /* supplier kind (sme, vcse, large, public, unknown) or anchor kind */
  char    *ward;   /* ward code or NULL */
  char    *lsoa;   /* LSOA code or NULL */
  gint64   amount; /* pence received from the anchors under the filter */
  gboolean anchor;
} WmMapPoint;

/* £ from one anchor to one supplier, both indexes into WmMapData.points. */
typedef struct
{
  guint  from;
  guint  to;
  gint64 amount; /* pence, net; flows that net to zero or less are left out */
} WmMapFlow;

/* Which spend the map shows; NULL or 0 fields mean "all". */
typedef struct
{
  const char *anchor;   /* anchor name */
  const char *category; /* spend category as published */
  int         fyear;    /* financial year starting in April of this year */
  const char *kind;     /* supplier kind */
  const char *level;    /* areas drawn: "ward" (NULL) or "lsoa" */
  const char *domain;   /* deprivation colouring them: "imd" (NULL), income, employment, ... */
  const char *sector;   /* sector (wm-sectors.h) */
} WmMapFilter;

typedef struct
{
  GPtrArray *areas;         /* WmMapArea* */
  GPtrArray *points;        /* WmMapPoint*, suppliers by £ descending, then anchors */
  GArray    *flows;         /* WmMapFlow, by £ descending */
  gboolean   place_set;     /* a local area has been chosen */
  gint64     unlocated;     /* pence under the filter that no map can show */
  gint64     public_bodies; /* pence paid to public bodies, not drawn (unless filtered for) */
  char      *level;         /* "ward" or "lsoa" */
  char      *domain;        /* "imd", "income", ... */
  char      *title;
} WmMapData;

WmMapData *wm_project_load_map_data (WmProject *self, const WmMapFilter *filter, GError **error);
void       wm_map_data_free (WmMapData *data);

/* Land polygons (e.g. Natural Earth countries) for the offline basemap, as WmMapArea rings
 * with only ring_starts and xy set. Any OGR source, WGS84 or reprojected to it. */
GPtrArray *wm_load_land (const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmMapData, wm_map_data_free)

G_END_DECLS
