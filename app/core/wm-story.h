/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stories: named sequences of saved map views (an extent, the layers and the filters, and a
 * caption) kept in the project file, stepped through in the app's presentation mode and
 * exported as a multi-page PDF (app/map/wm-story-render.h). */
#pragma once

#include "wm-map-data.h"
#include "wm-project.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 id;      /* 0 until stored */
  int    number;  /* 1.. within its story */
  char  *title;   /* the slide's heading; NULL: the project's title */
  char  *caption; /* what the room is told about it; NULL: none */
  /* The extent shown, in degrees (WGS84). */
  double west, south, east, north;
  /* What is drawn. */
  char    *level;  /* "ward" or "lsoa" */
  char    *domain; /* deprivation domain: imd, income, employment, ... */
  char    *style;  /* "imd" (deprivation) or "received" (£ received) */
  gboolean flows;  /* flows shown */
  char    *anchor; /* filters; NULL: all */
  char    *sector;
  char    *kind;
  char    *category;
  int      year;     /* financial year starting then; 0: all */
  gint64   min_flow; /* pence */
} WmStoryView;

WmStoryView *wm_story_view_new (void);
WmStoryView *wm_story_view_copy (const WmStoryView *view);
void         wm_story_view_free (WmStoryView *view);
/* The view's filter; its strings belong to @view. */
void wm_story_view_get_filter (const WmStoryView *view, WmMapFilter *filter);

/* The stories' names, in the order they were begun. */
GStrv wm_project_list_stories (WmProject *self, GError **error);
/* A story's views (WmStoryView*), numbered in order; an unknown story is an error. */
GPtrArray *wm_project_story_views (WmProject *self, const char *story, GError **error);
/* Appends @view to @story (begun when new); returns its id, 0 after saying why (a bad extent,
 * level, domain or style, an empty name). */
gint64 wm_project_add_story_view (WmProject         *self,
                                  const char        *story,
                                  const WmStoryView *view,
                                  GError           **error);
/* Replaces the title and caption of the stored view @view->id. */
gboolean wm_project_update_story_view (WmProject *self, const WmStoryView *view, GError **error);
/* Removes a view; the others keep their order. */
gboolean wm_project_remove_story_view (WmProject *self, gint64 id, GError **error);
/* Moves a view to @number (1..) in its story. */
gboolean wm_project_move_story_view (WmProject *self, gint64 id, int number, GError **error);
/* Removes a whole story. */
gboolean wm_project_delete_story (WmProject *self, const char *story, GError **error);
/* {story, views: [{number, title, caption, bbox: [w, s, e, n], level, domain, style, flows,
 * anchor, sector, kind, category, year, min_flow}]} */
char *wm_story_to_json (const char *story, GPtrArray *views);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmStoryView, wm_story_view_free)

G_END_DECLS
