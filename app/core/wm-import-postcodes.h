/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Importing postcode tables for offline geocoding. */
#pragma once

#include "wm-project.h"

G_BEGIN_DECLS

/* @layout: "codepoint", "onspd", "simple" or NULL to detect from the first row. */
gboolean wm_project_import_postcodes (WmProject       *self,
                                      const char      *file,
                                      const char      *layout,
                                      WmProgressFunc   progress,
                                      gpointer         progress_data,
                                      GCancellable    *cancellable,
                                      WmImportReport **report,
                                      GError         **error);

G_END_DECLS
