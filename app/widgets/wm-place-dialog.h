/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Place… : which local authorities are the local area and which the region (or every ward
 * within a distance). The list is read through the core on a worker thread; "Set Place" hands
 * the choice to the window, which sets it (wm_window_set_place) on its own worker thread. */
#pragma once

#include <adwaita.h>

#include "wm-window.h"

G_BEGIN_DECLS

#define WM_TYPE_PLACE_DIALOG (wm_place_dialog_get_type ())
G_DECLARE_FINAL_TYPE (WmPlaceDialog, wm_place_dialog, WM, PLACE_DIALOG, AdwWindow)

WmPlaceDialog *wm_place_dialog_new (WmWindow *window);

/* For tests: TRUE once the list is shown (or the empty page); the number of authorities. */
gboolean wm_place_dialog_is_ready (WmPlaceDialog *self);
guint    wm_place_dialog_get_n_authorities (WmPlaceDialog *self);
/* Sets an authority's part as its drop-down would: "local", "region" or NULL. */
gboolean wm_place_dialog_set_role (WmPlaceDialog *self, const char *code, const char *role);
void     wm_place_dialog_set_region_km (WmPlaceDialog *self, double km);
/* "Set Place": what the button does. */
void wm_place_dialog_apply (WmPlaceDialog *self);

G_END_DECLS
