/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the window writes to files: the map as it is on screen (PNG, SVG, PDF at a paper size
 * and density), the tables behind the panels as CSV, and a story as a multi-page PDF. Each is
 * written on a worker thread from the core's and app/map's functions, with a toast saying
 * where it went or why not. */
#include <glib/gi18n.h>
#include <math.h>

#include "app/map/wm-story-render.h"
#include "wm-export-dialog.h"
#include "wm-window-private.h"

typedef enum
{
  EXPORT_MAP,
  EXPORT_TABLE,
  EXPORT_STORY,
} ExportKind;

typedef struct
{
  ExportKind      kind;
  WmProject      *project;
  char           *path;
  char           *what; /* the table, or the story */
  WmScene        *scene;
  WmRenderOptions options;
  char           *title;
  WmRenderFormat  format;
  WmPageSize      size;
  WmWindow       *self; /* for progress, main thread only */
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_object_unref (job->project);
  g_free (job->path);
  g_free (job->what);
  g_clear_pointer (&job->scene, wm_scene_unref);
  g_clear_pointer (&job->options.basemap, wm_basemap_unref);
  g_free (job->title);
  g_free (job);
}

static char *
table_csv (WmProject *project, const char *table, GError **error)
{
  if (g_strcmp0 (table, "summary") == 0 || g_strcmp0 (table, "wards") == 0)
    {
      g_autoptr (WmSummary) summary = wm_project_summary (project, WM_SUMMARY_BY_ANCHOR, error);

      if (summary == NULL)
        return NULL;
      return g_strcmp0 (table, "summary") == 0 ? wm_summary_to_csv (summary)
                                               : wm_summary_wards_to_csv (summary);
    }
  if (g_strcmp0 (table, "gaps") == 0)
    {
      WmGaps *gaps = wm_project_gaps (project, NULL, error);
      char   *text;

      if (gaps == NULL)
        return NULL;
      text = wm_gaps_to_csv (gaps);
      wm_gaps_free (gaps);
      return text;
    }
  {
    g_autoptr (GPtrArray) rows = wm_project_unmatched (project, error);
    return rows ? wm_unmatched_to_csv (rows) : NULL;
  }
}

static void
export_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ExportJob *job = data;
  GError    *error = NULL;
  gboolean   ok = FALSE;

  switch (job->kind)
    {
    case EXPORT_MAP:
      ok = wm_render_to_file (job->scene, &job->options, job->path, job->format, &job->size,
                              &error);
      break;
    case EXPORT_TABLE:
      {
        g_autofree char *text = table_csv (job->project, job->what, &error);
        ok = text != NULL && g_file_set_contents (job->path, text, -1, &error);
      }
      break;
    case EXPORT_STORY:
      ok = wm_story_write_pdf (job->project, job->what, job->path, &job->size, cancellable, &error);
      break;
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  WmWindow  *self = WM_WINDOW (object);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  _wm_window_job_ended (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    _wm_window_show_error (self, error);
  else
    {
      g_autofree char *text = g_strdup_printf (_ ("Saved %s"), job->path);
      _wm_window_show_toast (self, text, 6);
    }
}

static void
run_export (WmWindow *self, ExportJob *job, const char *what)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, export_done, NULL);

  job->project = g_object_ref (self->project);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  _wm_window_job_started (self, what);
  g_task_run_in_thread (task, export_thread);
}

gboolean
wm_window_export_map (WmWindow      *self,
                      const char    *path,
                      WmRenderFormat format,
                      const char    *paper,
                      double         dpi,
                      const char    *title,
                      gboolean       north_arrow,
                      GError       **error)
{
  ExportJob *job;
  WmPageSize size;
  double     x0, y0, x1, y1;

  g_return_val_if_fail (WM_IS_WINDOW (self) && path != NULL, FALSE);
  if (self->project == NULL || self->scene == NULL)
    {
      g_set_error_literal (error, WM_ERROR, WM_ERROR_BAD_VALUE, _ ("no map to export yet"));
      return FALSE;
    }
  /* No paper: the map's size on screen, its legend beside it. */
  if (paper
          ? !wm_page_size_for_paper (paper, format, dpi, &size, error)
          : !wm_page_size_for_pixels (
              (int) round ((gtk_widget_get_width (GTK_WIDGET (self->map)) + 300) * dpi / 96.0),
              (int) round (MAX (gtk_widget_get_height (GTK_WIDGET (self->map)), 300) * dpi / 96.0),
              format, dpi, &size, error))
    return FALSE;
  job = g_new0 (ExportJob, 1);
  job->kind = EXPORT_MAP;
  job->path = g_strdup (path);
  job->scene = wm_scene_ref (self->scene);
  job->format = format;
  job->size = size;
  _wm_window_render_options (self, &job->options);
  if (job->options.basemap != NULL)
    wm_basemap_ref (job->options.basemap); /* drawn in the export's thread */
  job->options.layers |= WM_LAYER_LEGEND;
  job->options.hover_area = job->options.hover_point = -1;
  _wm_window_visible_extent (self, &x0, &y0, &x1, &y1);
  job->options.extent[0] = x0, job->options.extent[1] = y0;
  job->options.extent[2] = x1, job->options.extent[3] = y1;
  job->options.has_extent = TRUE;
  job->title = title && *title ? g_strdup (title) : NULL;
  job->options.title = job->title;
  job->options.north_arrow = north_arrow;
  run_export (self, job, _ ("Exporting the map…"));
  return TRUE;
}

void
wm_window_export_table (WmWindow *self, const char *table, const char *path)
{
  ExportJob *job;

  g_return_if_fail (WM_IS_WINDOW (self) && table != NULL && path != NULL);
  if (self->project == NULL)
    return;
  job = g_new0 (ExportJob, 1);
  job->kind = EXPORT_TABLE;
  job->what = g_strdup (table);
  job->path = g_strdup (path);
  run_export (self, job, _ ("Exporting the table…"));
}

void
wm_window_export_story (WmWindow *self, const char *story, const char *path)
{
  ExportJob *job;

  g_return_if_fail (WM_IS_WINDOW (self) && story != NULL && path != NULL);
  if (self->project == NULL)
    return;
  job = g_new0 (ExportJob, 1);
  job->kind = EXPORT_STORY;
  job->what = g_strdup (story);
  job->path = g_strdup (path);
  wm_page_size_for_paper ("a4", WM_RENDER_PDF, 72, &job->size, NULL);
  run_export (self, job, _ ("Exporting the story…"));
}

static void
table_response (GtkNativeDialog *chooser, int response, WmWindow *self)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  const char *table = g_object_get_data (G_OBJECT (chooser), "table");

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    wm_window_export_table (self, table, g_file_peek_path (file));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
export_table_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WmWindow             *self = WM_WINDOW (widget);
  const char           *table = g_variant_get_string (param, NULL);
  GtkFileChooserNative *chooser;
  g_autofree char      *file = NULL;

  if (self->project == NULL)
    return;
  file = g_strdup_printf ("%s.csv", g_strcmp0 (table, "summary") == 0 ? "shares-by-anchor"
                                    : g_strcmp0 (table, "wards") == 0 ? "wards"
                                    : g_strcmp0 (table, "gaps") == 0  ? "gaps"
                                                                      : "unlocated-suppliers");
  chooser
      = gtk_file_chooser_native_new (_ ("Export the Table as CSV"), GTK_WINDOW (self),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file);
  g_object_set_data_full (G_OBJECT (chooser), "table", g_strdup (table), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (table_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

GtkWindow *
wm_window_open_export_map (WmWindow *self)
{
  WmExportDialog *dialog;

  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  if (self->scene == NULL)
    return NULL;
  dialog = wm_export_dialog_new (self, wm_scene_get_data (self->scene)->title);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
export_map_action (GtkWidget *widget, const char *name, GVariant *param)
{
  wm_window_open_export_map (WM_WINDOW (widget));
}

void
_wm_window_export_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export-map", NULL, export_map_action);
  gtk_widget_class_install_action (widget_class, "win.export-table", "s", export_table_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export-map",
                                       NULL);
}
