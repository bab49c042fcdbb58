/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Export Map (win.export-map, Ctrl+E): title, format, paper size, resolution and north arrow,
 * then a file chooser; the window writes the file (wm_window_export_map). */
#pragma once

#include <adwaita.h>

#include "wm-window.h"

G_BEGIN_DECLS

#define WM_TYPE_EXPORT_DIALOG (wm_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (WmExportDialog, wm_export_dialog, WM, EXPORT_DIALOG, AdwWindow)

WmExportDialog *wm_export_dialog_new (WmWindow *window, const char *title);
/* Exports to @path with the choices made, as the Export button does after its file chooser. */
gboolean wm_export_dialog_export_to (WmExportDialog *self, const char *path, GError **error);

G_END_DECLS
