/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Importing supplier directories (Companies House BasicCompanyData, simple tables). */
#pragma once

#include "wm-project.h"

G_BEGIN_DECLS

gboolean wm_project_import_suppliers (WmProject       *self,
                                      const char      *file,
                                      WmProgressFunc   progress,
                                      gpointer         progress_data,
                                      GCancellable    *cancellable,
                                      WmImportReport **report,
                                      GError         **error);

G_END_DECLS
