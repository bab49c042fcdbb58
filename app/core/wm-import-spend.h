/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Importing an anchor's published spend: CSV (any of the common council layouts) and
 * XLSX/ODS workbooks (every sheet), and top-supplier summary lists. */
#pragma once

#include "wm-project.h"

G_BEGIN_DECLS

typedef enum
{
  WM_SPEND_FIELD_SUPPLIER,
  WM_SPEND_FIELD_AMOUNT,
  WM_SPEND_FIELD_DATE,
  WM_SPEND_FIELD_CATEGORY,
  WM_SPEND_FIELD_SERVICE,
  WM_SPEND_FIELD_DESCRIPTION,
  WM_SPEND_FIELD_REFERENCE,
  WM_SPEND_FIELD_POSTCODE,
  WM_SPEND_FIELD_COMPANY_NUMBER,
  WM_SPEND_FIELD_CLASSIFICATION,
  WM_SPEND_N_FIELDS
} WmSpendField;

typedef struct
{
  const char *anchor;      /* required */
  const char *anchor_kind; /* council, nhs, police, fire, university, college, housing, other */
  const char *anchor_postcode;
  const char *const *mapping;     /* NULL-terminated "field=Header" overrides */
  gboolean           summary;     /* a top-supplier list: supplier + total, no dates */
  const char        *period_from; /* ISO dates, required with summary */
  const char        *period_to;
} WmSpendOptions;

const char *wm_spend_field_name (WmSpendField field);

gboolean wm_project_import_spend (WmProject            *self,
                                  const char           *file,
                                  const WmSpendOptions *options,
                                  WmProgressFunc        progress,
                                  gpointer              progress_data,
                                  GCancellable         *cancellable,
                                  WmImportReport      **report,
                                  GError              **error);

/* The column mapping the importer would use for @file, for the import dialog's preview:
 * fills @columns[field] with a column index or -1, and returns the header row's line. */
gboolean wm_spend_detect_columns (const char        *file,
                                  const char *const *mapping,
                                  int                columns[WM_SPEND_N_FIELDS],
                                  guint64           *header_line,
                                  GError           **error);

/* What the import dialog previews: the detected mapping, the header row and the first data
 * rows' cells for each field (rows of WM_SPEND_N_FIELDS strings, "" where unmapped). */
typedef struct
{
  int        columns[WM_SPEND_N_FIELDS];
  guint64    header_line;
  char      *sheet;
  char     **headers;
  GPtrArray *rows; /* char ** */
} WmSpendPreview;

WmSpendPreview *
wm_spend_preview (const char *file, const char *const *mapping, guint max_rows, GError **error);
void wm_spend_preview_free (WmSpendPreview *preview);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmSpendPreview, wm_spend_preview_free)

G_END_DECLS
