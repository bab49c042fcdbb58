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

char *
wm_import_report_to_string (const WmImportReport *report)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s: %" G_GUINT64_FORMAT " rows imported", report->file,
                          report->imported);
  if (report->total_pence != 0)
    g_string_append_printf (s, " (£%.2f)", report->total_pence / 100.0);
  if (report->redacted)
    g_string_append_printf (s, ", %" G_GUINT64_FORMAT " redacted or blank supplier",
                            report->redacted);
  if (report->malformed)
    g_string_append_printf (s, ", %" G_GUINT64_FORMAT " malformed rows skipped", report->malformed);
  if (report->unknown)
    g_string_append_printf (s, ", %" G_GUINT64_FORMAT " unknown codes", report->unknown);
  if (report->blank)
    g_string_append_printf (s, ", %" G_GUINT64_FORMAT " blank rows skipped", report->blank);
  if (report->preamble)
    g_string_append_printf (s, ", %" G_GUINT64_FORMAT " lines before the header", report->preamble);
  if (report->skipped)
    g_string_append_printf (s, ", %" G_GUINT64_FORMAT " rows skipped", report->skipped);
  if (report->repaired)
    g_string_append_printf (s, ", %" G_GUINT64_FORMAT " geometries repaired", report->repaired);
  return g_string_free (s, FALSE);
}
