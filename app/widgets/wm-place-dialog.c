/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wm-place-dialog.h"

#include <glib/gi18n.h>

#include "app/core/wealthmap-core.h"

enum
{
  ROLE_NONE,
  ROLE_LOCAL,
  ROLE_REGION,
};

struct _WmPlaceDialog
{
  AdwWindow parent_instance;

  GtkStack            *stack;
  GtkButton           *set_button;
  GtkSwitch           *distance_switch;
  AdwActionRow        *km_row;
  GtkSpinButton       *km_spin;
  AdwPreferencesGroup *authorities_group;
  GtkListBox          *list;

  WmWindow     *window; /* weak */
  GCancellable *cancellable;
  GPtrArray    *authorities; /* WmAuthority* */
  GPtrArray    *drop_downs;  /* GtkDropDown*, one per authority */
  gboolean      ready;
};

G_DEFINE_FINAL_TYPE (WmPlaceDialog, wm_place_dialog, ADW_TYPE_WINDOW)

static guint
count_role (WmPlaceDialog *self, guint role, const char **first)
{
  guint n = 0;

  for (guint i = 0; self->drop_downs && i < self->drop_downs->len; i++)
    if (gtk_drop_down_get_selected (self->drop_downs->pdata[i]) == role)
      {
        if (n++ == 0 && first)
          *first = ((WmAuthority *) self->authorities->pdata[i])->name;
      }
  return n;
}

static void
on_changed (WmPlaceDialog *self)
{
  gboolean         by_distance = gtk_switch_get_active (self->distance_switch);
  const char      *first_local = NULL;
  guint            n_local = count_role (self, ROLE_LOCAL, &first_local);
  guint            n_region = count_role (self, ROLE_REGION, NULL);
  g_autofree char *summary = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->km_row), by_distance);
  gtk_widget_set_sensitive (GTK_WIDGET (self->set_button),
                            self->ready && n_local > 0 && (by_distance || n_region > 0));
  if (n_local == 0)
    summary = g_strdup (_ ("Mark at least one authority Local."));
  else if (by_distance)
    summary = g_strdup_printf (
        g_dngettext (NULL, "Local: %s. Region: every ward within the distance.",
                     "Local: %s and %u more. Region: every ward within the distance.", n_local),
        first_local, n_local - 1);
  else if (n_region == 0)
    summary = g_strdup (_ ("Mark the authorities of the region, or choose a distance."));
  else
    summary = g_strdup_printf (
        g_dngettext (NULL, "%u local, %u in the region.", "%u local, %u in the region.", n_local),
        n_local, n_region);
  adw_preferences_group_set_description (self->authorities_group, summary);
}

static void
add_row (WmPlaceDialog *self, const WmAuthority *a)
{
  const char *const roles[] = { _ ("—"), _ ("Local"), _ ("Region"), NULL };
  GtkWidget        *row = adw_action_row_new ();
  GtkWidget        *drop = gtk_drop_down_new_from_strings (roles);
  g_autofree char  *subtitle = g_strdup_printf (
       g_dngettext (NULL, "%s · %u ward", "%s · %u wards", a->n_wards), a->code, a->n_wards);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), a->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (drop, GTK_ALIGN_CENTER);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop), a->role == WM_PLACE_ROLE_LOCAL    ? ROLE_LOCAL
                                                    : a->role == WM_PLACE_ROLE_REGION ? ROLE_REGION
                                                                                      : ROLE_NONE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop), GTK_ACCESSIBLE_PROPERTY_LABEL, a->name,
                                  -1);
  g_signal_connect_object (drop, "notify::selected", G_CALLBACK (on_changed), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), drop);
  gtk_list_box_append (self->list, row);
  g_ptr_array_add (self->drop_downs, drop);
}

typedef struct
{
  GPtrArray *authorities;
  double     km;
} Loaded;

static void
loaded_free (Loaded *l)
{
  if (l->authorities)
    g_ptr_array_unref (l->authorities);
  g_free (l);
}

static void
load_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  WmProject *project = data;
  Loaded    *l = g_new0 (Loaded, 1);
  GError    *error = NULL;

  l->authorities = wm_project_list_authorities (project, &error);
  if (l->authorities == NULL)
    {
      loaded_free (l);
      g_task_return_error (task, error);
      return;
    }
  wm_project_get_region_km (project, &l->km);
  g_task_return_pointer (task, l, (GDestroyNotify) loaded_free);
}

static void
load_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  Loaded        *l = g_task_propagate_pointer (G_TASK (result), &error);
  WmPlaceDialog *self;

  if (l == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && user_data != NULL)
        {
          self = WM_PLACE_DIALOG (user_data);
          adw_status_page_set_title (
              ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack, "empty")),
              _ ("Cannot Read the Project"));
          adw_status_page_set_description (
              ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack, "empty")), error->message);
          gtk_stack_set_visible_child_name (self->stack, "empty");
          self->ready = TRUE;
        }
      g_clear_object (&user_data);
      return;
    }
  self = WM_PLACE_DIALOG (user_data);
  self->authorities = g_steal_pointer (&l->authorities);
  for (guint i = 0; i < self->authorities->len; i++)
    add_row (self, self->authorities->pdata[i]);
  gtk_switch_set_active (self->distance_switch, l->km > 0);
  if (l->km > 0)
    gtk_spin_button_set_value (self->km_spin, l->km);
  self->ready = TRUE;
  gtk_stack_set_visible_child_name (self->stack, self->authorities->len ? "list" : "empty");
  on_changed (self);
  loaded_free (l);
  g_object_unref (self);
}

static char **
codes_with_role (WmPlaceDialog *self, guint role)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; i < self->drop_downs->len; i++)
    if (gtk_drop_down_get_selected (self->drop_downs->pdata[i]) == role)
      g_strv_builder_add (b, ((WmAuthority *) self->authorities->pdata[i])->code);
  return g_strv_builder_end (b);
}

void
wm_place_dialog_apply (WmPlaceDialog *self)
{
  g_auto (GStrv) local = NULL;
  g_auto (GStrv) region = NULL;
  double km = 0;

  g_return_if_fail (WM_IS_PLACE_DIALOG (self));
  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->set_button)) || self->window == NULL)
    return;
  local = codes_with_role (self, ROLE_LOCAL);
  if (gtk_switch_get_active (self->distance_switch))
    km = gtk_spin_button_get_value (self->km_spin);
  else
    region = codes_with_role (self, ROLE_REGION);
  wm_window_set_place (self->window, (const char *const *) local, (const char *const *) region, km);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_set_clicked (WmPlaceDialog *self)
{
  wm_place_dialog_apply (self);
}

static void
wm_place_dialog_dispose (GObject *object)
{
  WmPlaceDialog *self = WM_PLACE_DIALOG (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->window)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), WM_TYPE_PLACE_DIALOG);
  G_OBJECT_CLASS (wm_place_dialog_parent_class)->dispose (object);
}

static void
wm_place_dialog_finalize (GObject *object)
{
  WmPlaceDialog *self = WM_PLACE_DIALOG (object);

  g_clear_pointer (&self->authorities, g_ptr_array_unref);
  g_clear_pointer (&self->drop_downs, g_ptr_array_unref);
  G_OBJECT_CLASS (wm_place_dialog_parent_class)->finalize (object);
}

static void
wm_place_dialog_class_init (WmPlaceDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wm_place_dialog_dispose;
  object_class->finalize = wm_place_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wealthmap/Wealthmap/ui/wm-place-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WmPlaceDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, WmPlaceDialog, set_button);
  gtk_widget_class_bind_template_child (widget_class, WmPlaceDialog, distance_switch);
  gtk_widget_class_bind_template_child (widget_class, WmPlaceDialog, km_row);
  gtk_widget_class_bind_template_child (widget_class, WmPlaceDialog, km_spin);
  gtk_widget_class_bind_template_child (widget_class, WmPlaceDialog, authorities_group);
  gtk_widget_class_bind_template_child (widget_class, WmPlaceDialog, list);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_set_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
wm_place_dialog_init (WmPlaceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->drop_downs = g_ptr_array_new ();
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

WmPlaceDialog *
wm_place_dialog_new (WmWindow *window)
{
  WmPlaceDialog *self = g_object_new (WM_TYPE_PLACE_DIALOG, "transient-for", window, NULL);
  g_autoptr (GTask) task = NULL;
  WmProject *project = wm_window_get_project (window);

  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->cancellable = g_cancellable_new ();
  if (project == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      self->ready = TRUE;
      return self;
    }
  task = g_task_new (NULL, self->cancellable, load_done, g_object_ref (self));
  g_task_set_task_data (task, g_object_ref (project), g_object_unref);
  g_task_run_in_thread (task, load_thread);
  return self;
}

gboolean
wm_place_dialog_is_ready (WmPlaceDialog *self)
{
  g_return_val_if_fail (WM_IS_PLACE_DIALOG (self), FALSE);
  return self->ready;
}

guint
wm_place_dialog_get_n_authorities (WmPlaceDialog *self)
{
  g_return_val_if_fail (WM_IS_PLACE_DIALOG (self), 0);
  return self->authorities ? self->authorities->len : 0;
}

gboolean
wm_place_dialog_set_role (WmPlaceDialog *self, const char *code, const char *role)
{
  g_return_val_if_fail (WM_IS_PLACE_DIALOG (self), FALSE);
  for (guint i = 0; self->authorities && i < self->authorities->len; i++)
    if (g_strcmp0 (((WmAuthority *) self->authorities->pdata[i])->code, code) == 0)
      {
        gtk_drop_down_set_selected (self->drop_downs->pdata[i],
                                    g_strcmp0 (role, "local") == 0    ? ROLE_LOCAL
                                    : g_strcmp0 (role, "region") == 0 ? ROLE_REGION
                                                                      : ROLE_NONE);
        return TRUE;
      }
  return FALSE;
}

void
wm_place_dialog_set_region_km (WmPlaceDialog *self, double km)
{
  g_return_if_fail (WM_IS_PLACE_DIALOG (self));
  gtk_switch_set_active (self->distance_switch, km > 0);
  if (km > 0)
    gtk_spin_button_set_value (self->km_spin, km);
}
