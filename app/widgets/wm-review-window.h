/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unplaced suppliers, largest £ first: per payee its suggested matches (accept), a search of
 * the supplier directory as you type (use), and a postcode field (place). Accepting or placing
 * ties every line of that payee at once; the core stores it so later imports keep it. All
 * reading and writing runs on worker threads; "project-changed" tells the main window. */
#pragma once

#include <adwaita.h>

#include "app/core/wealthmap-core.h"

G_BEGIN_DECLS

#define WM_TYPE_REVIEW_WINDOW (wm_review_window_get_type ())
G_DECLARE_FINAL_TYPE (WmReviewWindow, wm_review_window, WM, REVIEW_WINDOW, AdwWindow)

WmReviewWindow *wm_review_window_new (GtkWindow *parent, WmProject *project);

/* What the buttons do, also for tests. */
void wm_review_window_accept (WmReviewWindow *self, gint64 name_id, gint64 supplier_id);
void wm_review_window_place (WmReviewWindow *self, gint64 supplier_id, const char *postcode);

/* For tests: the review rows shown (WmReviewRow*, NULL while loading), busy while a job runs,
 * the last message. */
GPtrArray *wm_review_window_get_rows (WmReviewWindow *self);
/* The "With Suggestions Only" toggle; the first row shown is expanded. */
void        wm_review_window_show_suggested_only (WmReviewWindow *self, gboolean only);
gboolean    wm_review_window_is_busy (WmReviewWindow *self);
const char *wm_review_window_get_message (WmReviewWindow *self);

G_END_DECLS
