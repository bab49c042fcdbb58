/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Closing the window while an import (or a change of sector rules) is writing the project:
 * ask first; if the user stops it, cancel, keep the window until the core has rolled the
 * transaction back, then close. Without this the app would quit with the worker thread
 * still inside a transaction (the journal would undo it at the next open, but a clean stop
 * is what the user asked for). */
#include "wm-window-private.h"

#include <glib/gi18n.h>

static void
on_close_response (AdwMessageDialog *dialog, const char *response, WmWindow *self)
{
  self->close_dialog = NULL;
  if (g_strcmp0 (response, "stop") != 0)
    return;
  self->close_when_idle = TRUE;
  gtk_label_set_text (self->job_label, _ ("Stopping; the project is put back as it was…"));
  wm_window_cancel_job (self);
}

gboolean
_wm_window_hold_close (WmWindow *self)
{
  AdwMessageDialog *dialog;
  const char       *what;

  if (self->job_cancellable == NULL)
    return FALSE; /* nothing is writing the project */
  if (self->close_when_idle)
    return TRUE; /* already stopping: the window closes when the job has ended */
  if (self->close_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->close_dialog));
      return TRUE;
    }
  what = gtk_label_get_text (self->job_label);
  dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_WINDOW (self), _ ("Stop and Close?"), NULL));
  /* Translators: %s is what the progress bar says, e.g. "Importing Postcodes: codepo.zip". */
  adw_message_dialog_format_body (dialog,
                                  _ ("%s is still running. Stopping it leaves the project as it "
                                     "was before; nothing half-done is kept."),
                                  what);
  adw_message_dialog_add_responses (dialog, "keep", _ ("_Keep Working"), "stop",
                                    _ ("_Stop and Close"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  self->close_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

gboolean
_wm_window_end_write_job (WmWindow *self)
{
  _wm_window_job_ended (self);
  g_clear_object (&self->job_cancellable);
  if (!self->close_when_idle)
    return FALSE;
  self->close_when_idle = FALSE;
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

GtkWindow *
wm_window_get_close_dialog (WmWindow *self)
{
  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  return self->close_dialog ? GTK_WINDOW (self->close_dialog) : NULL;
}
