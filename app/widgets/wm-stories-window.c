/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wm-stories-window.h"

#include <glib/gi18n.h>

struct _WmStoriesWindow
{
  AdwWindow parent_instance;

  GtkDropDown   *story_dropdown;
  GtkStringList *stories;
  GtkWidget     *delete_button;
  GtkWidget     *present_button;
  GtkWidget     *export_button;
  AdwEntryRow   *story_entry;
  AdwEntryRow   *title_entry;
  AdwEntryRow   *caption_entry;
  GtkListBox    *views_list;

  WmWindow  *window; /* weak */
  GPtrArray *views;  /* WmStoryView* of the story shown */
  gboolean   updating;
};

G_DEFINE_FINAL_TYPE (WmStoriesWindow, wm_stories_window, ADW_TYPE_WINDOW)

static char *
shown_story (WmStoriesWindow *self)
{
  GObject *item = gtk_drop_down_get_selected_item (self->story_dropdown);

  return item ? g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item))) : NULL;
}

static void
on_move_clicked (GtkButton *button, WmStoriesWindow *self)
{
  const WmStoryView *view = g_object_get_data (G_OBJECT (button), "view");
  int                delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "delta"));
  g_autofree char   *story = shown_story (self);

  if (self->window == NULL || view == NULL)
    return;
  if (delta == 0)
    wm_window_edit_story_view (self->window, story, view, 0, TRUE);
  else
    wm_window_edit_story_view (self->window, story, view, MAX (view->number + delta, 1), FALSE);
}

static GtkWidget *
row_button (WmStoriesWindow   *self,
            const WmStoryView *view,
            const char        *icon,
            const char        *tip,
            int                delta,
            gboolean           sensitive)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_sensitive (button, sensitive);
  g_object_set_data (G_OBJECT (button), "view", (gpointer) view);
  g_object_set_data (G_OBJECT (button), "delta", GINT_TO_POINTER (delta));
  g_signal_connect (button, "clicked", G_CALLBACK (on_move_clicked), self);
  return button;
}

static void
show_views (WmStoriesWindow *self)
{
  g_autofree char *story = shown_story (self);
  GtkWidget       *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->views_list))) != NULL)
    gtk_list_box_remove (self->views_list, child);
  g_clear_pointer (&self->views, g_ptr_array_unref);
  if (story != NULL && self->window != NULL && wm_window_get_project (self->window) != NULL)
    self->views = wm_project_story_views (wm_window_get_project (self->window), story, NULL);
  for (guint i = 0; self->views && i < self->views->len; i++)
    {
      const WmStoryView *v = g_ptr_array_index (self->views, i);
      GtkWidget         *row = adw_action_row_new ();
      g_autofree char   *title
          = g_markup_printf_escaped ("%d. %s", v->number, v->title ? v->title : story);
      g_autofree char *caption = g_markup_escape_text (v->caption ? v->caption : "", -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), caption);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "view", (gpointer) v);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button (self, v, "go-up-symbolic", _ ("Earlier"), -1, i > 0));
      adw_action_row_add_suffix (
          ADW_ACTION_ROW (row),
          row_button (self, v, "go-down-symbolic", _ ("Later"), 1, i + 1 < self->views->len));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button (self, v, "edit-delete-symbolic",
                                                                   _ ("Remove"), 0, TRUE));
      gtk_list_box_append (self->views_list, row);
    }
  {
    gboolean any = self->views && self->views->len > 0;
    gtk_widget_set_sensitive (self->present_button, any);
    gtk_widget_set_sensitive (self->export_button, any);
    gtk_widget_set_sensitive (self->delete_button, any);
  }
  if (story != NULL && !self->updating)
    gtk_editable_set_text (GTK_EDITABLE (self->story_entry), story);
}

void
wm_stories_window_reload (WmStoriesWindow *self, const char *story)
{
  g_auto (GStrv) names = NULL;
  g_autofree char *keep = story ? g_strdup (story) : shown_story (self);
  guint            selected = 0;

  g_return_if_fail (WM_IS_STORIES_WINDOW (self));
  if (self->window != NULL && wm_window_get_project (self->window) != NULL)
    names = wm_project_list_stories (wm_window_get_project (self->window), NULL);
  self->updating = TRUE;
  gtk_string_list_splice (self->stories, 0, g_list_model_get_n_items (G_LIST_MODEL (self->stories)),
                          (const char *const *) names);
  for (guint i = 0; names && names[i]; i++)
    if (g_strcmp0 (names[i], keep) == 0)
      selected = i;
  gtk_drop_down_set_selected (self->story_dropdown, selected);
  self->updating = FALSE;
  show_views (self);
}

static void
on_story_selected (WmStoriesWindow *self)
{
  if (!self->updating)
    show_views (self);
}

static void
on_add_clicked (WmStoriesWindow *self)
{
  g_autofree char *story
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->story_entry))));

  if (self->window == NULL)
    return;
  if (*story == '\0')
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->story_entry), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->story_entry));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->story_entry), "error");
  wm_window_add_view_to_story (self->window, story,
                               gtk_editable_get_text (GTK_EDITABLE (self->title_entry)),
                               gtk_editable_get_text (GTK_EDITABLE (self->caption_entry)));
  gtk_editable_set_text (GTK_EDITABLE (self->title_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->caption_entry), "");
}

static void
on_row_activated (WmStoriesWindow *self, GtkListBoxRow *row)
{
  const WmStoryView *view = g_object_get_data (G_OBJECT (row), "view");

  if (self->window != NULL && view != NULL)
    wm_window_apply_view (self->window, view);
}

static void
on_present_clicked (WmStoriesWindow *self)
{
  g_autofree char *story = shown_story (self);
  WmWindow        *window = self->window;

  if (window == NULL || story == NULL)
    return;
  /* Out of the way of the full-screen map. */
  gtk_window_close (GTK_WINDOW (self));
  wm_window_present (window, story);
}

static void
export_response (GtkNativeDialog *chooser, int response, WmStoriesWindow *self)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  const char *story = g_object_get_data (G_OBJECT (chooser), "story");

  if (response == GTK_RESPONSE_ACCEPT && file != NULL && self->window != NULL)
    wm_window_export_story (self->window, story, g_file_peek_path (file));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
on_export_clicked (WmStoriesWindow *self)
{
  g_autofree char      *story = shown_story (self);
  g_autofree char      *name = NULL;
  GtkFileChooserNative *chooser;

  if (story == NULL)
    return;
  name = g_strdup_printf ("%s.pdf", story);
  g_strdelimit (name, "/\\:", '-');
  chooser
      = gtk_file_chooser_native_new (_ ("Export the Story as PDF"), GTK_WINDOW (self),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "story", g_steal_pointer (&story), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
delete_response (AdwMessageDialog *dialog, const char *response, WmStoriesWindow *self)
{
  const char *story = g_object_get_data (G_OBJECT (dialog), "story");

  if (g_strcmp0 (response, "delete") == 0 && self->window != NULL)
    wm_window_delete_story (self->window, story);
}

static void
on_delete_clicked (WmStoriesWindow *self)
{
  g_autofree char *story = shown_story (self);
  GtkWidget       *dialog;

  if (story == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Delete the Story?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _ ("“%s” and its %u views will be removed from the project."),
                                  story, self->views ? self->views->len : 0);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "delete",
                                    _ ("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "story", g_steal_pointer (&story), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

guint
wm_stories_window_get_n_views (WmStoriesWindow *self)
{
  g_return_val_if_fail (WM_IS_STORIES_WINDOW (self), 0);
  return self->views ? self->views->len : 0;
}

GtkEditable *
wm_stories_window_get_caption_entry (WmStoriesWindow *self)
{
  return GTK_EDITABLE (self->caption_entry);
}

GtkEditable *
wm_stories_window_get_title_entry (WmStoriesWindow *self)
{
  return GTK_EDITABLE (self->title_entry);
}

static void
wm_stories_window_dispose (GObject *object)
{
  WmStoriesWindow *self = WM_STORIES_WINDOW (object);

  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;
  g_clear_pointer (&self->views, g_ptr_array_unref);
  G_OBJECT_CLASS (wm_stories_window_parent_class)->dispose (object);
}

static void
wm_stories_window_class_init (WmStoriesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wm_stories_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wealthmap/Wealthmap/ui/wm-stories-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WmStoriesWindow, story_dropdown);
  gtk_widget_class_bind_template_child (widget_class, WmStoriesWindow, stories);
  gtk_widget_class_bind_template_child (widget_class, WmStoriesWindow, delete_button);
  gtk_widget_class_bind_template_child (widget_class, WmStoriesWindow, present_button);
  gtk_widget_class_bind_template_child (widget_class, WmStoriesWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, WmStoriesWindow, story_entry);
  gtk_widget_class_bind_template_child (widget_class, WmStoriesWindow, title_entry);
  gtk_widget_class_bind_template_child (widget_class, WmStoriesWindow, caption_entry);
  gtk_widget_class_bind_template_child (widget_class, WmStoriesWindow, views_list);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_present_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_delete_clicked);
}

static void
wm_stories_window_init (WmStoriesWindow *self)
{
  GtkWidget *empty;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Translators: "Add View" is the button above ("_Add View"). */
  empty = gtk_label_new (_ ("No views yet: move the map to what you want to show, write a caption "
                            "and press Add View."));
  gtk_label_set_wrap (GTK_LABEL (empty), TRUE);
  gtk_widget_set_margin_top (empty, 18);
  gtk_widget_set_margin_bottom (empty, 18);
  gtk_widget_set_margin_start (empty, 12);
  gtk_widget_set_margin_end (empty, 12);
  gtk_widget_add_css_class (empty, "dim-label");
  gtk_list_box_set_placeholder (self->views_list, empty);
  g_signal_connect_swapped (self->story_dropdown, "notify::selected",
                            G_CALLBACK (on_story_selected), self);
}

WmStoriesWindow *
wm_stories_window_new (WmWindow *window)
{
  WmStoriesWindow *self = g_object_new (WM_TYPE_STORIES_WINDOW, "transient-for", window, NULL);

  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  return self;
}
