/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spend lines behind a figure: supplier, £, date, anchor, place and the source file and
 * line of each, largest first. */
#pragma once

#include <adwaita.h>

#include "app/core/wealthmap-core.h"

G_BEGIN_DECLS

#define WM_TYPE_LINES_WINDOW (wm_lines_window_get_type ())
G_DECLARE_FINAL_TYPE (WmLinesWindow, wm_lines_window, WM, LINES_WINDOW, AdwWindow)

/* Reads the lines on a worker thread; @query is copied. */
WmLinesWindow *wm_lines_window_new (GtkWindow         *parent,
                                    WmProject         *project,
                                    const WmLineQuery *query,
                                    const char        *what);
/* For tests: the lines shown once loaded (NULL before), and their totals. */
GPtrArray          *wm_lines_window_get_lines (WmLinesWindow *self);
const WmLineTotals *wm_lines_window_get_totals (WmLinesWindow *self);

G_END_DECLS
