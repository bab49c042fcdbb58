/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Stories window (win.stories): add the map's current view to a story with a caption, see
 * a story's views, reorder or remove them, show one, present the story or export it as PDF. */
#pragma once

#include <adwaita.h>

#include "wm-window.h"

G_BEGIN_DECLS

#define WM_TYPE_STORIES_WINDOW (wm_stories_window_get_type ())
G_DECLARE_FINAL_TYPE (WmStoriesWindow, wm_stories_window, WM, STORIES_WINDOW, AdwWindow)

WmStoriesWindow *wm_stories_window_new (WmWindow *window);
/* Reads the project's stories again and shows @story (NULL: the one shown, else the first). */
void wm_stories_window_reload (WmStoriesWindow *self, const char *story);
/* For tests: the views listed, and the caption field. */
guint        wm_stories_window_get_n_views (WmStoriesWindow *self);
GtkEditable *wm_stories_window_get_caption_entry (WmStoriesWindow *self);
GtkEditable *wm_stories_window_get_title_entry (WmStoriesWindow *self);

G_END_DECLS
