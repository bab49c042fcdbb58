/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window: header bar, side panel, the map and its legend, a progress strip with
 * Cancel for long work, and toasts for results and errors. */
#pragma once

#include <adwaita.h>

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
void             wm_window_show_sector (WmWindow *self, const char *sector);
WmProject       *wm_window_get_project (WmWindow *self);
gboolean         wm_window_is_busy (WmWindow *self);
const char      *wm_window_get_last_message (WmWindow *self);
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

/* The demo project to open on first run: a copy in the user's data folder, so imports into it
 * never touch the bundled file. */
char *wm_window_demo_path (GError **error);

G_END_DECLS
