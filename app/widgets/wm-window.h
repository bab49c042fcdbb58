/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window: header bar, side panel, the map and its legend, a progress strip with
 * Cancel for long work, and toasts for results and errors. */
#pragma once

#include <adwaita.h>

#include "app/map/wm-render.h"
#include "wm-gaps-panel.h"
#include "wm-import-job.h"
#include "wm-review-window.h"
#include "wm-rules-window.h"

G_BEGIN_DECLS

#define WM_TYPE_WINDOW (wm_window_get_type ())
G_DECLARE_FINAL_TYPE (WmWindow, wm_window, WM, WINDOW, AdwApplicationWindow)

WmWindow *wm_window_new (AdwApplication *app);

/* Opens a project on a worker thread; the map and panel follow when it has loaded. */
void wm_window_open_project (WmWindow *self, const char *path);
/* Runs @job (taken) on a worker thread with progress and Cancel, then reloads the map. */
void wm_window_run_import (WmWindow *self, WmImportJob *job);
/* Gives an unlocated supplier a trading postcode, on a worker thread, then reloads. */
void wm_window_locate_supplier (WmWindow *self, gint64 supplier_id, const char *postcode);
/* Cancels the running job, if any. */
void wm_window_cancel_job (WmWindow *self);

/* For tests: the project shown (NULL while none), whether work is running, the last error or
 * result shown in a toast. */
/* Shows only @sector's spend on the map (NULL: all). */
void        wm_window_show_sector (WmWindow *self, const char *sector);
WmProject  *wm_window_get_project (WmWindow *self);
gboolean    wm_window_is_busy (WmWindow *self);
const char *wm_window_get_last_message (WmWindow *self);
/* Sets the local area and region (authority or area codes; @km > 0: the region is every ward
 * within that distance) on a worker thread, then reloads; the Place… dialog calls it. */
void wm_window_set_place (WmWindow          *self,
                          const char *const *local,
                          const char *const *region,
                          double             km);
/* Opens Place… (win.place) and returns the dialog. */
typedef struct _WmPlaceDialog WmPlaceDialog;
WmPlaceDialog                *wm_window_open_place (WmWindow *self);
/* The "Stop and Close?" dialog while it is shown (closing during an import), else NULL. */
GtkWindow       *wm_window_get_close_dialog (WmWindow *self);
GtkWidget       *wm_window_get_map_widget (WmWindow *self);
const WmMapData *wm_window_get_map_data (WmWindow *self);
/* Writes the ward report (docs/reports.md) of ward @code to @path on a worker thread, with
 * progress; a toast says where it went, or why not. */
void wm_window_save_ward_report (WmWindow *self, const char *code, const char *path);
/* The Gaps view (Ctrl+G), shown or hidden. */
void         wm_window_show_gaps (WmWindow *self, gboolean show);
WmGapsPanel *wm_window_get_gaps_panel (WmWindow *self);
/* The editor of the project's sector and influenceable rules (win.rules); NULL without a
 * project. */
WmRulesWindow *wm_window_open_rules (WmWindow *self);
/* The review of unplaced suppliers (win.review, Ctrl+R); NULL without a project. */
WmReviewWindow *wm_window_open_review (WmWindow *self);

/* Stories and presenting (wm-window-present.c; docs/presenting.md). */
/* The map's view now: its extent, colouring, flows and the side panel's filters. */
WmStoryView *wm_window_capture_view (WmWindow *self);
/* Shows @view: its layers and filters, then its extent once the map's size has settled. */
void wm_window_apply_view (WmWindow *self, const WmStoryView *view);
/* Full screen, panels hidden, a large legend; with @story, its first view and caption, stepped
 * with the arrow and Page keys. FALSE (after saying why) for an unknown story. */
gboolean wm_window_present (WmWindow *self, const char *story);
void     wm_window_stop_presenting (WmWindow *self);
gboolean wm_window_is_presenting (WmWindow *self);
/* The view shown (0..), -1 when no story is presented; steps by @delta, kept in range. */
int wm_window_get_story_step (WmWindow *self);
/* For tests: the caption shown while presenting ("" when none). */
const char *wm_window_get_story_caption (WmWindow *self);
void        wm_window_story_step (WmWindow *self, int delta);
/* Saves the view now at the end of @story, on a worker thread. */
void wm_window_add_view_to_story (WmWindow   *self,
                                  const char *story,
                                  const char *title,
                                  const char *caption);
/* Saves @view's title and caption, or moves it to @move_to (1..), or removes it. */
void wm_window_edit_story_view (
    WmWindow *self, const char *story, const WmStoryView *view, int move_to, gboolean remove);
void       wm_window_delete_story (WmWindow *self, const char *story);
GtkWindow *wm_window_open_stories (WmWindow *self);
/* Writes @story as a PDF (A4 landscape, a page a view) on a worker thread. */
void wm_window_export_story (WmWindow *self, const char *story, const char *path);

/* Exports (wm-window-export.c; docs/presenting.md). The map as on screen (its extent, layers
 * and filters) with title, legend, scale bar and credits, at @paper ("a3", "a4-portrait"...;
 * NULL: the map's size on screen) and @dpi (PNG), on a worker thread; FALSE at once for a bad
 * size. */
gboolean wm_window_export_map (WmWindow      *self,
                               const char    *path,
                               WmRenderFormat format,
                               const char    *paper,
                               double         dpi,
                               const char    *title,
                               gboolean       north_arrow,
                               GError       **error);
/* @table: summary (shares by anchor), wards, gaps or unlocated; CSV, UTF-8 with BOM. */
void       wm_window_export_table (WmWindow *self, const char *table, const char *path);
GtkWindow *wm_window_open_export_map (WmWindow *self);

/* The demo project to open on first run: a copy in the user's data folder, so imports into it
 * never touch the bundled file. */
char *wm_window_demo_path (GError **error);

G_END_DECLS
