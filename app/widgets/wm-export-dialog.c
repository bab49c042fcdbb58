/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wm-export-dialog.h"

#include <glib/gi18n.h>

struct _WmExportDialog
{
  AdwWindow parent_instance;

  AdwEntryRow *title_entry;
  AdwComboRow *format_row;
  AdwComboRow *size_row;
  AdwComboRow *dpi_row;
  GtkSwitch   *north_switch;

  WmWindow *window; /* weak */
};

G_DEFINE_FINAL_TYPE (WmExportDialog, wm_export_dialog, ADW_TYPE_WINDOW)

static const char *const papers[] = { NULL, "a4", "a4-portrait", "a3", "a3-portrait", "a2", "a1" };
static const double      dpis[] = { 96, 150, 300 };
static const WmRenderFormat formats[] = { WM_RENDER_PNG, WM_RENDER_PDF, WM_RENDER_SVG };
static const char *const    extensions[] = { "png", "pdf", "svg" };

static guint
selected (AdwComboRow *row, guint n)
{
  guint i = adw_combo_row_get_selected (row);

  return i < n ? i : 0;
}

gboolean
wm_export_dialog_export_to (WmExportDialog *self, const char *path, GError **error)
{
  guint format = selected (self->format_row, G_N_ELEMENTS (formats));

  g_return_val_if_fail (WM_IS_EXPORT_DIALOG (self), FALSE);
  if (self->window == NULL)
    return FALSE;
  return wm_window_export_map (self->window, path, formats[format],
                               papers[selected (self->size_row, G_N_ELEMENTS (papers))],
                               dpis[selected (self->dpi_row, G_N_ELEMENTS (dpis))],
                               gtk_editable_get_text (GTK_EDITABLE (self->title_entry)),
                               gtk_switch_get_active (self->north_switch), error);
}

static void
chooser_response (GtkNativeDialog *chooser, int response, WmExportDialog *self)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_autoptr (GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    {
      if (wm_export_dialog_export_to (self, g_file_peek_path (file), &error))
        gtk_window_destroy (GTK_WINDOW (self));
      else if (error != NULL)
        {
          GtkWidget *dialog
              = adw_message_dialog_new (GTK_WINDOW (self), _ ("Cannot Export"), error->message);
          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
on_export_clicked (WmExportDialog *self)
{
  guint                 format = selected (self->format_row, G_N_ELEMENTS (formats));
  g_autofree char      *name = g_strdup_printf ("map.%s", extensions[format]);
  GtkFileChooserNative *chooser
      = gtk_file_chooser_native_new (_ ("Export the Map"), GTK_WINDOW (self),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_format_changed (WmExportDialog *self)
{
  /* Only a PNG has pixels; SVG and PDF are drawn in points. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->dpi_row),
                            selected (self->format_row, G_N_ELEMENTS (formats)) == 0);
}

static void
wm_export_dialog_dispose (GObject *object)
{
  WmExportDialog *self = WM_EXPORT_DIALOG (object);

  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;
  G_OBJECT_CLASS (wm_export_dialog_parent_class)->dispose (object);
}

static void
wm_export_dialog_class_init (WmExportDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wm_export_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wealthmap/Wealthmap/ui/wm-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WmExportDialog, title_entry);
  gtk_widget_class_bind_template_child (widget_class, WmExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, WmExportDialog, size_row);
  gtk_widget_class_bind_template_child (widget_class, WmExportDialog, dpi_row);
  gtk_widget_class_bind_template_child (widget_class, WmExportDialog, north_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
  gtk_widget_class_bind_template_callback_full (widget_class, "gtk_window_destroy",
                                                G_CALLBACK (gtk_window_destroy));
}

static void
wm_export_dialog_init (WmExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->format_row, "notify::selected", G_CALLBACK (on_format_changed),
                            self);
}

WmExportDialog *
wm_export_dialog_new (WmWindow *window, const char *title)
{
  WmExportDialog *self = g_object_new (WM_TYPE_EXPORT_DIALOG, "transient-for", window, NULL);

  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  gtk_editable_set_text (GTK_EDITABLE (self->title_entry), title ? title : "");
  return self;
}
