/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A Wealthmap project: one .wealthmap file, a SQLite database that is also a GeoPackage.
 * Every import and every change of settings is one transaction, so a failure or a cancel
 * leaves the file as it was. */
#pragma once

#include <glib-object.h>
#include <gio/gio.h>

#include "wm-core-types.h"

G_BEGIN_DECLS

#define WM_TYPE_PROJECT (wm_project_get_type ())

G_DECLARE_FINAL_TYPE (WmProject, wm_project, WM, PROJECT, GObject)

#define WM_PROJECT_SCHEMA_VERSION 8

WmProject  *wm_project_create (const char *path, GError **error);
WmProject  *wm_project_open (const char *path, GError **error);
const char *wm_project_get_path (WmProject *self);

/* TRUE when the file could only be opened for reading (permissions, a read-only medium):
 * everything reads, every change fails with WM_ERROR_READ_ONLY and changes nothing. */
gboolean wm_project_is_read_only (WmProject *self);

/* Settings are text key/values stored in the project (place, weights, ...). */
char *wm_project_get_setting (WmProject *self, const char *key);
gboolean
wm_project_set_setting (WmProject *self, const char *key, const char *value, GError **error);

G_END_DECLS
