/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drawing a story's views (app/core/wm-story.h): the render options a view stands for, and the
 * whole story as a multi-page PDF, shared by the CLI and the app. */
#pragma once

#include "app/core/wm-story.h"
#include "wm-render.h"

G_BEGIN_DECLS

/* Sets @options (all layers, legend included) for @view: its extent, style, flows, minimum flow,
 * title (@story's name when the view has none) and caption. The strings stay @view's. */
void
wm_story_view_render_options (const WmStoryView *view, const char *story, WmRenderOptions *options);

/* Writes @story to @path as a PDF of @size, one page per view, each under its own filter (a
 * scene is loaded once per distinct filter); cancelled, it leaves what was at @path. */
gboolean wm_story_write_pdf (WmProject        *project,
                             const char       *story,
                             const char       *path,
                             const WmPageSize *size,
                             GCancellable     *cancellable,
                             GError          **error);

G_END_DECLS
