/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Importing the English Indices of Deprivation (ranks, deciles and scores per LSOA and domain,
 * and the population denominators) and the LSOA -> ward lookup that lets the analysis weigh
 * a ward's deprivation by its LSOAs. */
#pragma once

#include "wm-project.h"

G_BEGIN_DECLS

/* Reads an IoD CSV (File_1, File_2, File_5, File_7 or File_6, recognised by their headers);
 * @population_file, if given, is a second file read in the same transaction (usually File_6).
 * Values a file lacks are kept from earlier imports. */
gboolean wm_project_import_deprivation (WmProject       *self,
                                        const char      *file,
                                        const char      *population_file,
                                        WmProgressFunc   progress,
                                        gpointer         progress_data,
                                        GCancellable    *cancellable,
                                        WmImportReport **report,
                                        GError         **error);

/* Reads an LSOA -> ward lookup (LSOA11CD, WD13CD and optional LSOA11NM, WD13NM columns). */
gboolean wm_project_import_lookup (WmProject       *self,
                                   const char      *file,
                                   WmProgressFunc   progress,
                                   gpointer         progress_data,
                                   GCancellable    *cancellable,
                                   WmImportReport **report,
                                   GError         **error);

G_END_DECLS
