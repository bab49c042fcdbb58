/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Import reports: the counters every importer fills, and their one-line text form. */
#include "wm-core-types.h"

#define WM_REPORT_MAX_MESSAGES 20

WmImportReport *
wm_import_report_new (const char *file)
{
  WmImportReport *report = g_new0 (WmImportReport, 1);

  report->file = g_strdup (file);
  report->messages = g_ptr_array_new_with_free_func (g_free);
  return report;
}

void
wm_import_report_free (WmImportReport *report)
{
  if (report == NULL)
    return;
  g_free (report->file);
  g_ptr_array_unref (report->messages);
  g_free (report);
}

void
wm_import_report_add_message (WmImportReport *report, const char *format, ...)
{
  va_list args;

  if (report->messages->len >= WM_REPORT_MAX_MESSAGES)
    {
      report->n_messages_dropped++;
      return;
    }
  va_start (args, format);
  g_ptr_array_add (report->messages, g_strdup_vprintf (format, args));
  va_end (args);
}

/* ", 2 malformed rows skipped": a counter with its noun in the singular or plural. */
static void
append_count (
    GString *s, const char *sep, guint64 n, const char *one, const char *many, const char *what)
{
  g_string_append_printf (s, "%s%" G_GUINT64_FORMAT " %s%s", sep, n, n == 1 ? one : many, what);
}

char *
wm_import_report_to_string (const WmImportReport *report)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s: ", report->file);
  append_count (s, "", report->imported, "row", "rows", " imported");
  if (report->total_pence != 0)
    g_string_append_printf (s, " (£%.2f)", report->total_pence / 100.0);
  if (report->redacted)
    append_count (s, ", ", report->redacted, "redacted or blank supplier",
                  "redacted or blank suppliers", "");
  if (report->malformed)
    append_count (s, ", ", report->malformed, "malformed row", "malformed rows", " skipped");
  if (report->unknown)
    append_count (s, ", ", report->unknown, "row", "rows", " with an unknown code or postcode");
  if (report->blank)
    append_count (s, ", ", report->blank, "blank row", "blank rows", " skipped");
  if (report->preamble)
    append_count (s, ", ", report->preamble, "line", "lines", " before the header");
  if (report->skipped)
    append_count (s, ", ", report->skipped, "row", "rows", " skipped");
  if (report->repaired)
    append_count (s, ", ", report->repaired, "geometry", "geometries", " repaired");
  return g_string_free (s, FALSE);
}
