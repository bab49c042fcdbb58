/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window's state, shared by its parts: wm-window.c (loading, imports, the map),
 * wm-window-export.c (map, tables and stories written to files) and wm-window-present.c
 * (stories and the presentation mode). Not for other widgets. */
#pragma once

#include <shumate/shumate.h>

#include "app/map/wm-basemap.h"
#include "app/map/wm-overlay-layer.h"
#include "wm-gaps-panel.h"
#include "wm-side-panel.h"
#include "wm-window.h"

G_BEGIN_DECLS

struct _WmWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay  *toast_overlay;
  AdwWindowTitle   *window_title;
  AdwFlap          *flap;
  WmSidePanel      *side_panel;
  AdwFlap          *gaps_flap;
  WmGapsPanel      *gaps_panel;
  ShumateSimpleMap *map;
  GtkOverlay       *map_overlay;
  GtkDrawingArea   *legend;
  GtkRevealer      *job_revealer;
  GtkLabel         *job_label;
  GtkProgressBar   *job_progress;

  GSettings      *settings;
  WmProject      *project;
  WmScene        *scene;
  WmOverlayLayer *overlay;
  WmBasemap      *basemap; /* the basemap-file setting's tiles, or NULL */
  GCancellable   *job_cancellable;
  GCancellable   *reload_cancellable;
  GCancellable   *figures_cancellable;  /* the side panel's figures after a full load */
  char           *figures_filter;       /* the filter they are read under (filter_key()) */
  gboolean        figures_full_pending; /* a full load's figures (and gaps) not yet shown */
  GTask          *figures_waiting;      /* a full load's figures job waiting for the tiles */
  gpointer        figures_wait_source;  /* (weak) the tile source it waits on */
  guint           figures_wait_timeout;
  guint           busy;
  char           *last_message;
  double          legend_used; /* the legend's last drawn height at scale 1, 0 before */
  GtkPopover     *popover;
  /* The Gaps view's candidate sites for its selected sector, marked on the map. */
  char *marked_codes[WM_RENDER_MAX_MARKED];
  char *marked_sector;

  /* Presentation (wm-window-present.c). */
  GtkWidget   *header_bar;
  GtkWidget   *caption_box;
  GtkLabel    *caption_title;
  GtkLabel    *caption_text;
  GtkLabel    *caption_step;
  gboolean     presenting;
  gboolean     was_panel, was_gaps;
  WmStoryView *before; /* the view to come back to */
  char        *story;
  GPtrArray   *story_views; /* WmStoryView* */
  int          story_step;
  guint        fit_tick;
  double       fit_extent[4];
  int          fit_width, fit_height, fit_stable;
  GtkWindow   *stories_window; /* weak */

  /* Closing during an import (wm-window-close.c). */
  AdwMessageDialog *close_dialog;
  gboolean          close_when_idle;
};

void _wm_window_show_toast (WmWindow *self, const char *message, int timeout);
/* Errors stay until dismissed: they name a file and line the user has to go and fix. */
void _wm_window_show_error (WmWindow *self, const GError *error);
/* The progress strip: shown while any job runs. */
void _wm_window_job_started (WmWindow *self, const char *what);
/* Ends a job whose task returns a boolean: TRUE if it succeeded; else its error is shown
 * (unless it was cancelled) and FALSE returned. */
gboolean _wm_window_job_finish (WmWindow *self, GAsyncResult *result);
void     _wm_window_job_ended (WmWindow *self);
/* Moves the map to show a Mercator box, at a whole zoom level. */
void _wm_window_fit_box (WmWindow *self, double x0, double y0, double x1, double y1);
/* The options the map is drawn with now (layers, style, minimum flow, candidate sites). */
void _wm_window_render_options (WmWindow *self, WmRenderOptions *options);
/* The Mercator box the map shows now. */
void _wm_window_visible_extent (WmWindow *self, double *x0, double *y0, double *x1, double *y1);

/* wm-window-present.c */
void     _wm_window_present_class_init (GtkWidgetClass *widget_class);
void     _wm_window_present_init (WmWindow *self);
void     _wm_window_present_dispose (WmWindow *self);
gboolean _wm_window_legend_scale (WmWindow *self, double *scale);
/* The per-frame layer and the legend drawn again with the current options. */
void _wm_window_update_overlay (WmWindow *self);

/* wm-window-close.c: TRUE when closing must wait (a job writes the project: asks first). */
gboolean _wm_window_hold_close (WmWindow *self);
/* Ends a job that wrote the project (an import, rules, the place): hides the progress strip
 * and, if the user asked to stop and close, closes the window and returns TRUE (the caller
 * then shows nothing more). */
gboolean _wm_window_end_write_job (WmWindow *self);

/* Reloads the map and panels from the project (after a change). */
void _wm_window_reload (WmWindow *self);

/* wm-window-place.c */
void _wm_window_place_class_init (GtkWidgetClass *widget_class);

/* wm-window-export.c */
void _wm_window_export_class_init (GtkWidgetClass *widget_class);

G_END_DECLS
