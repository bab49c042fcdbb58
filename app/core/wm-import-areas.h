/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Importing ward, LSOA and local-authority boundaries from any OGR vector source. */
#pragma once

#include "wm-project.h"

G_BEGIN_DECLS

typedef struct
{
  const char *level;      /* ward, lsoa, lad; NULL: from the code field's name */
  const char *code_field; /* NULL: detected (WD13CD, LSOA11CD, LAD13CD, code) */
  const char *name_field; /* NULL: the code field's NM twin, or name */
  const char *crs;        /* for sources without one, e.g. "EPSG:27700" */
} WmAreaOptions;

gboolean wm_project_import_areas (WmProject           *self,
                                  const char          *file,
                                  const WmAreaOptions *options,
                                  WmProgressFunc       progress,
                                  gpointer             progress_data,
                                  GCancellable        *cancellable,
                                  WmImportReport     **report,
                                  GError             **error);

G_END_DECLS
