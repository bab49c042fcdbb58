/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Place… (win.place): which authorities are the local area and the region. The dialog
 * chooses; setting it places every supplier again, so it runs on a worker thread like an
 * import, and the map and panels reload when it is done. */
#include "wm-window-private.h"

#include <glib/gi18n.h>

#include "wm-place-dialog.h"

typedef struct
{
  WmProject *project;
  char     **local;
  char     **region;
  double     km;
} PlaceTask;

static void
place_task_free (PlaceTask *t)
{
  g_object_unref (t->project);
  g_strfreev (t->local);
  g_strfreev (t->region);
  g_free (t);
}

static void
place_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PlaceTask *t = data;
  GError    *error = NULL;

  if (wm_project_set_place (t->project, (const char *const *) t->local,
                            (const char *const *) t->region, t->km, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
place_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  WmWindow  *self = WM_WINDOW (object);
  PlaceTask *t = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (_wm_window_end_write_job (self))
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _wm_window_show_error (self, error);
      return;
    }
  {
    guint            n_local = g_strv_length (t->local);
    guint            n_region = t->region ? g_strv_length (t->region) : 0;
    g_autofree char *text = NULL;

    if (t->km > 0)
      text = g_strdup_printf (g_dngettext (NULL,
                                           "Place set: %u local authority, the region within "
                                           "%g km",
                                           "Place set: %u local authorities, the region within "
                                           "%g km",
                                           n_local),
                              n_local, t->km);
    else
      text = g_strdup_printf (g_dngettext (NULL, "Place set: %u local authority, %u in the region",
                                           "Place set: %u local authorities, %u in the region",
                                           n_local),
                              n_local, n_region);
    _wm_window_show_toast (self, text, 5);
  }
  _wm_window_reload (self);
}

void
wm_window_set_place (WmWindow *self, const char *const *local, const char *const *region, double km)
{
  g_autoptr (GTask) task = NULL;
  PlaceTask *t;

  g_return_if_fail (WM_IS_WINDOW (self) && local != NULL);
  if (self->project == NULL || self->job_cancellable != NULL)
    {
      _wm_window_show_toast (self,
                             self->project
                                 ? _ ("Another import is running; wait for it or cancel it")
                                 : _ ("Open or create a project first"),
                             5);
      return;
    }
  t = g_new0 (PlaceTask, 1);
  t->project = g_object_ref (self->project);
  t->local = g_strdupv ((char **) local);
  t->region = region ? g_strdupv ((char **) region) : NULL;
  t->km = km;
  /* Placing writes the project: closing the window waits for it like for an import. */
  self->job_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->job_cancellable, place_done, NULL);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, t, (GDestroyNotify) place_task_free);
  _wm_window_job_started (self, _ ("Placing every supplier in the new local area and region…"));
  g_task_run_in_thread (task, place_thread);
}

WmPlaceDialog *
wm_window_open_place (WmWindow *self)
{
  WmPlaceDialog *dialog;

  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  dialog = wm_place_dialog_new (self);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
place_action (GtkWidget *widget, const char *action, GVariant *param)
{
  wm_window_open_place (WM_WINDOW (widget));
}

void
_wm_window_place_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.place", NULL, place_action);
}
