/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The import dialog: a file, the options of its kind (anchor for spend, level and CRS for
 * boundaries, population for deprivation) and, for spend, the column mapping with the first
 * rows as the importer will read them. Emits "import" with a WmImportJob (transfer full). */
#pragma once

#include <adwaita.h>

#include "wm-import-job.h"

G_BEGIN_DECLS

#define WM_TYPE_IMPORT_DIALOG (wm_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (WmImportDialog, wm_import_dialog, WM, IMPORT_DIALOG, AdwWindow)

WmImportDialog *wm_import_dialog_new (GtkWindow *parent, WmImportKind kind);
/* Sets the file and starts its preview (on a worker thread). */
void wm_import_dialog_set_file (WmImportDialog *self, const char *path);
void wm_import_dialog_set_anchor (WmImportDialog *self, const char *name, const char *postcode);
/* The job the Import button would start, or NULL when something required is missing. */
WmImportJob *wm_import_dialog_build_job (WmImportDialog *self);
/* What a dropped file most likely is, from its name. */
WmImportKind wm_import_dialog_guess_kind (const char *path);
/* For tests: whether the preview has finished, and its text (mapping and first values). */
gboolean    wm_import_dialog_preview_ready (WmImportDialog *self);
const char *wm_import_dialog_get_preview_error (WmImportDialog *self);

G_END_DECLS
