/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small types shared by every part of the core: progress callbacks and import reports. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called from the thread doing the work. @fraction is 0..1, or negative when unknown. */
typedef void (*WmProgressFunc) (double fraction, const char *message, gpointer user_data);

/* What an import did, for the CLI's one-line summary and the app's toast. Nothing is dropped
 * silently: every line read ends up in exactly one of the counters. */
typedef struct
{
  char      *file;        /* display name of the input */
  guint64    rows_read;   /* data rows after the header (or all rows for headerless files) */
  guint64    imported;    /* rows stored */
  guint64    blank;       /* empty rows (all fields empty), skipped */
  guint64    preamble;    /* title/blank lines before the header row */
  guint64    skipped;     /* rows of sheets without a recognisable header */
  guint64    redacted;    /* stored rows whose supplier is redacted or blank */
  guint64    malformed;   /* rows not stored: unparseable amount, date, code, ... */
  guint64    unknown;     /* rows stored but referring to something unknown (postcode, area) */
  guint64    repaired;    /* geometries repaired */
  gint64     total_pence; /* sum of imported amounts, where amounts apply */
  GPtrArray *messages;    /* first problems, "FILE:LINE: message" */
  guint      n_messages_dropped;
} WmImportReport;

WmImportReport *wm_import_report_new (const char *file);
void            wm_import_report_free (WmImportReport *report);
void            wm_import_report_add_message (WmImportReport *report, const char *format, ...)
    G_GNUC_PRINTF (2, 3);
char *wm_import_report_to_string (const WmImportReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmImportReport, wm_import_report_free)

G_END_DECLS
