/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application: one window per launch, opening the files it is given, else the last
 * project, else the bundled demo. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WM_TYPE_APPLICATION (wm_application_get_type ())
G_DECLARE_FINAL_TYPE (WmApplication, wm_application, WM, APPLICATION, AdwApplication)

WmApplication *wm_application_new (void);

/* The About window: credits, and the licences of the data a project is built from. */
GtkWindow *wm_about_window_new (GtkWindow *parent);

/* The file: URI of the user guide the Help menu (F1) opens. */
char *wm_application_guide_uri (void);

G_END_DECLS
