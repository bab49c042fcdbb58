/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stories and the presentation mode: the map's view captured into a story (extent, layers,
 * filters, a caption), put back, and stepped through full screen with the keys a clicker
 * sends. Story changes are written on a worker thread, like every other change. */
#include <glib/gi18n.h>
#include <math.h>

#include "wm-stories-window.h"
#include "wm-window-private.h"

/* ---- a view: captured and put back ------------------------------------------------------ */

WmStoryView *
wm_window_capture_view (WmWindow *self)
{
  WmStoryView *view;
  WmMapFilter  filter;
  double       x0, y0, x1, y1;

  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  view = wm_story_view_new ();
  _wm_window_visible_extent (self, &x0, &y0, &x1, &y1);
  wm_mercator_inverse (x0, y1, &view->west, &view->south);
  wm_mercator_inverse (x1, y0, &view->east, &view->north);
  view->south = MAX (view->south, -85.0), view->north = MIN (view->north, 85.0);
  g_free (view->level);
  view->level
      = g_strdup (g_settings_get_enum (self->settings, "area-level") == 1 ? "lsoa" : "ward");
  g_free (view->domain);
  view->domain = g_settings_get_string (self->settings, "deprivation-domain");
  g_free (view->style);
  view->style
      = g_strdup (g_settings_get_enum (self->settings, "area-style") == 1 ? "received" : "imd");
  view->flows = g_settings_get_boolean (self->settings, "show-flows");
  wm_side_panel_get_filter (self->side_panel, &filter);
  view->anchor = g_strdup (filter.anchor);
  view->sector = g_strdup (filter.sector);
  view->kind = g_strdup (filter.kind);
  view->year = filter.fyear;
  view->min_flow = wm_side_panel_get_min_flow (self->side_panel);
  return view;
}

/* Fits the box again while the map's size settles (going full screen takes a few frames). */
static gboolean
fit_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  WmWindow *self = data;
  int       w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (w != self->fit_width || h != self->fit_height)
    {
      self->fit_width = w, self->fit_height = h, self->fit_stable = 0;
      _wm_window_fit_box (self, self->fit_extent[0], self->fit_extent[1], self->fit_extent[2],
                          self->fit_extent[3]);
      return G_SOURCE_CONTINUE;
    }
  if (++self->fit_stable < 10)
    return G_SOURCE_CONTINUE;
  self->fit_tick = 0;
  return G_SOURCE_REMOVE;
}

void
wm_window_apply_view (WmWindow *self, const WmStoryView *view)
{
  WmMapFilter filter;

  g_return_if_fail (WM_IS_WINDOW (self) && view != NULL);
  g_settings_set_enum (self->settings, "area-style",
                       g_strcmp0 (view->style, "received") == 0 ? 1 : 0);
  g_settings_set_boolean (self->settings, "show-flows", view->flows);
  g_settings_set_enum (self->settings, "area-level", g_strcmp0 (view->level, "lsoa") == 0 ? 1 : 0);
  g_settings_set_string (self->settings, "deprivation-domain", view->domain ? view->domain : "imd");
  wm_story_view_get_filter (view, &filter);
  wm_side_panel_set_filter (self->side_panel, &filter, view->min_flow);
  wm_mercator (view->west, view->north, &self->fit_extent[0], &self->fit_extent[1]);
  wm_mercator (view->east, view->south, &self->fit_extent[2], &self->fit_extent[3]);
  self->fit_width = self->fit_height = -1;
  self->fit_stable = 0;
  if (self->fit_tick == 0)
    self->fit_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->map), fit_tick, self, NULL);
}

/* ---- presenting ------------------------------------------------------------------------- */

static void
show_step (WmWindow *self, int step)
{
  const WmStoryView *view;
  g_autofree char   *counter = NULL;

  if (self->story_views == NULL || self->story_views->len == 0)
    return;
  self->story_step = CLAMP (step, 0, (int) self->story_views->len - 1);
  view = g_ptr_array_index (self->story_views, self->story_step);
  wm_window_apply_view (self, view);
  gtk_label_set_text (self->caption_title, view->title ? view->title : self->story);
  gtk_label_set_text (self->caption_text, view->caption ? view->caption : "");
  gtk_widget_set_visible (GTK_WIDGET (self->caption_text), view->caption != NULL);
  /* Translators: the story's name, then "view N of M", under a presented view's caption. */
  counter = g_strdup_printf (_ ("%s · %d of %u"), self->story, self->story_step + 1,
                             self->story_views->len);
  gtk_label_set_text (self->caption_step, counter);
  gtk_widget_set_visible (self->caption_box, TRUE);
}

gboolean
wm_window_is_presenting (WmWindow *self)
{
  g_return_val_if_fail (WM_IS_WINDOW (self), FALSE);
  return self->presenting;
}

int
wm_window_get_story_step (WmWindow *self)
{
  g_return_val_if_fail (WM_IS_WINDOW (self), -1);
  return self->presenting && self->story_views ? self->story_step : -1;
}

const char *
wm_window_get_story_caption (WmWindow *self)
{
  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  return gtk_widget_get_visible (self->caption_box) ? gtk_label_get_text (self->caption_text) : "";
}

gboolean
wm_window_present (WmWindow *self, const char *story)
{
  g_autoptr (GPtrArray) views = NULL;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (WM_IS_WINDOW (self), FALSE);
  if (story != NULL)
    {
      if (self->project == NULL)
        return FALSE;
      views = wm_project_story_views (self->project, story, &error);
      if (views == NULL)
        {
          _wm_window_show_error (self, error);
          return FALSE;
        }
    }
  if (!self->presenting)
    {
      self->before = wm_window_capture_view (self);
      self->was_panel = adw_flap_get_reveal_flap (self->flap);
      self->was_gaps = adw_flap_get_reveal_flap (self->gaps_flap);
      adw_flap_set_reveal_flap (self->flap, FALSE);
      adw_flap_set_reveal_flap (self->gaps_flap, FALSE);
      gtk_widget_set_visible (self->header_bar, FALSE);
      gtk_window_fullscreen (GTK_WINDOW (self));
      gtk_widget_add_css_class (GTK_WIDGET (self), "presenting");
      self->presenting = TRUE;
      _wm_window_update_overlay (self); /* larger labels, and the legend */
      _wm_window_show_toast (self,
                             story ? _ ("Presenting: → or Page Down for the next view, ← or "
                                        "Page Up for the one before, Esc to stop")
                                   : _ ("Presenting: Esc to stop"),
                             4);
    }
  g_clear_pointer (&self->story, g_free);
  g_clear_pointer (&self->story_views, g_ptr_array_unref);
  gtk_widget_set_visible (self->caption_box, FALSE);
  if (story != NULL)
    {
      self->story = g_strdup (story);
      self->story_views = g_steal_pointer (&views);
      show_step (self, 0);
    }
  return TRUE;
}

void
wm_window_stop_presenting (WmWindow *self)
{
  g_autoptr (WmStoryView) before = NULL;
  gboolean had_story;

  g_return_if_fail (WM_IS_WINDOW (self));
  if (!self->presenting)
    return;
  had_story = self->story_views != NULL;
  self->presenting = FALSE;
  gtk_window_unfullscreen (GTK_WINDOW (self));
  gtk_widget_set_visible (self->header_bar, TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "presenting");
  gtk_widget_set_visible (self->caption_box, FALSE);
  adw_flap_set_reveal_flap (self->flap, self->was_panel);
  adw_flap_set_reveal_flap (self->gaps_flap, self->was_gaps);
  g_clear_pointer (&self->story, g_free);
  g_clear_pointer (&self->story_views, g_ptr_array_unref);
  before = g_steal_pointer (&self->before);
  /* Back to the map as it was before the story changed its layers and filters. */
  if (had_story && before != NULL)
    wm_window_apply_view (self, before);
  _wm_window_update_overlay (self);
}

void
wm_window_story_step (WmWindow *self, int delta)
{
  g_return_if_fail (WM_IS_WINDOW (self));
  if (self->presenting && self->story_views)
    show_step (self, self->story_step + delta);
}

static gboolean
on_key (GtkEventControllerKey *keys, guint keyval, guint code, GdkModifierType mods, WmWindow *self)
{
  if (!self->presenting)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Escape:
      wm_window_stop_presenting (self);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_Down:
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
    case GDK_KEY_space:
    case GDK_KEY_Return:
      wm_window_story_step (self, 1);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_Up:
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
    case GDK_KEY_BackSpace:
      wm_window_story_step (self, -1);
      return TRUE;
    case GDK_KEY_Home:
      wm_window_story_step (self, -1000);
      return TRUE;
    case GDK_KEY_End:
      wm_window_story_step (self, 1000);
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
_wm_window_legend_scale (WmWindow *self, double *scale)
{
  *scale = self->presenting ? 1.6 : 1.0;
  return self->presenting;
}

/* The story presented by win.present: the last one added to or chosen, else the first. */
static char *
default_story (WmWindow *self)
{
  g_autofree char *last = NULL;
  g_auto (GStrv) names = NULL;

  if (self->project == NULL)
    return NULL;
  names = wm_project_list_stories (self->project, NULL);
  if (names == NULL || names[0] == NULL)
    return NULL;
  last = wm_project_get_setting (self->project, "last_story");
  if (last && g_strv_contains ((const char *const *) names, last))
    return g_steal_pointer (&last);
  return g_strdup (names[0]);
}

static void
present_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WmWindow *self = WM_WINDOW (widget);

  if (self->presenting)
    wm_window_stop_presenting (self);
  else
    {
      g_autofree char *story = default_story (self);
      wm_window_present (self, story);
    }
}

/* ---- changing stories, on a worker thread ----------------------------------------------- */

typedef enum
{
  EDIT_ADD,
  EDIT_UPDATE,
  EDIT_REMOVE,
  EDIT_MOVE,
  EDIT_DELETE,
} EditKind;

typedef struct
{
  EditKind     kind;
  WmProject   *project;
  char        *story;
  WmStoryView *view;
  gint64       id;
  int          number;
  int          added; /* the new view's number */
} StoryEdit;

static void
story_edit_free (StoryEdit *edit)
{
  g_object_unref (edit->project);
  g_free (edit->story);
  wm_story_view_free (edit->view);
  g_free (edit);
}

static void
edit_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  StoryEdit *e = data;
  GError    *error = NULL;
  gboolean   ok = FALSE;

  switch (e->kind)
    {
    case EDIT_ADD:
      ok = wm_project_add_story_view (e->project, e->story, e->view, &error) != 0;
      if (ok)
        {
          g_autoptr (GPtrArray) views = wm_project_story_views (e->project, e->story, &error);
          ok = views != NULL && wm_project_set_setting (e->project, "last_story", e->story, &error);
          e->added = views ? (int) views->len : 0;
        }
      break;
    case EDIT_UPDATE:
      ok = wm_project_update_story_view (e->project, e->view, &error);
      break;
    case EDIT_REMOVE:
      ok = wm_project_remove_story_view (e->project, e->id, &error);
      break;
    case EDIT_MOVE:
      ok = wm_project_move_story_view (e->project, e->id, e->number, &error);
      break;
    case EDIT_DELETE:
      ok = wm_project_delete_story (e->project, e->story, &error);
      break;
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
edit_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  WmWindow  *self = WM_WINDOW (object);
  StoryEdit *e = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  _wm_window_job_ended (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _wm_window_show_error (self, error);
      return;
    }
  if (e->kind == EDIT_ADD)
    {
      g_autofree char *text = g_strdup_printf (_ ("View %d added to “%s”"), e->added, e->story);
      _wm_window_show_toast (self, text, 4);
    }
  if (self->stories_window != NULL)
    wm_stories_window_reload (WM_STORIES_WINDOW (self->stories_window), e->story);
}

static void
run_edit (WmWindow *self, StoryEdit *edit, const char *what)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, edit_done, NULL);

  edit->project = g_object_ref (self->project);
  g_task_set_task_data (task, edit, (GDestroyNotify) story_edit_free);
  _wm_window_job_started (self, what);
  g_task_run_in_thread (task, edit_thread);
}

void
wm_window_add_view_to_story (WmWindow   *self,
                             const char *story,
                             const char *title,
                             const char *caption)
{
  StoryEdit *edit;

  g_return_if_fail (WM_IS_WINDOW (self) && story != NULL);
  if (self->project == NULL)
    return;
  edit = g_new0 (StoryEdit, 1);
  edit->kind = EDIT_ADD;
  edit->story = g_strdup (story);
  edit->view = wm_window_capture_view (self);
  edit->view->title = title && *title ? g_strdup (title) : NULL;
  edit->view->caption = caption && *caption ? g_strdup (caption) : NULL;
  run_edit (self, edit, _ ("Saving the view…"));
}

void
wm_window_edit_story_view (
    WmWindow *self, const char *story, const WmStoryView *view, int move_to, gboolean remove)
{
  StoryEdit *edit;

  g_return_if_fail (WM_IS_WINDOW (self) && view != NULL);
  if (self->project == NULL)
    return;
  edit = g_new0 (StoryEdit, 1);
  edit->kind = remove ? EDIT_REMOVE : move_to > 0 ? EDIT_MOVE : EDIT_UPDATE;
  edit->story = g_strdup (story);
  edit->view = wm_story_view_copy (view);
  edit->id = view->id;
  edit->number = move_to;
  run_edit (self, edit, _ ("Saving the story…"));
}

void
wm_window_delete_story (WmWindow *self, const char *story)
{
  StoryEdit *edit;

  g_return_if_fail (WM_IS_WINDOW (self) && story != NULL);
  if (self->project == NULL)
    return;
  edit = g_new0 (StoryEdit, 1);
  edit->kind = EDIT_DELETE;
  edit->story = g_strdup (story);
  run_edit (self, edit, _ ("Deleting the story…"));
}

/* ---- the Stories window ----------------------------------------------------------------- */

GtkWindow *
wm_window_open_stories (WmWindow *self)
{
  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  if (self->project == NULL)
    return NULL;
  if (self->stories_window == NULL)
    {
      g_autofree char *story = default_story (self);

      self->stories_window = GTK_WINDOW (wm_stories_window_new (self));
      g_object_add_weak_pointer (G_OBJECT (self->stories_window),
                                 (gpointer *) &self->stories_window);
      wm_stories_window_reload (WM_STORIES_WINDOW (self->stories_window), story);
    }
  gtk_window_present (self->stories_window);
  return self->stories_window;
}

static void
stories_action (GtkWidget *widget, const char *name, GVariant *param)
{
  wm_window_open_stories (WM_WINDOW (widget));
}

/* Add View to Story: the Stories window, its caption field ready for typing. */
static void
story_add_action (GtkWidget *widget, const char *name, GVariant *param)
{
  GtkWindow *stories = wm_window_open_stories (WM_WINDOW (widget));

  if (stories != NULL)
    gtk_widget_grab_focus (
        GTK_WIDGET (wm_stories_window_get_caption_entry (WM_STORIES_WINDOW (stories))));
}

void
_wm_window_present_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.present", NULL, present_action);
  gtk_widget_class_install_action (widget_class, "win.story-add", NULL, story_add_action);
  gtk_widget_class_install_action (widget_class, "win.stories", NULL, stories_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "win.present", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "win.story-add",
                                       NULL);
}

void
_wm_window_present_init (WmWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  /* Before the map: its arrow keys pan, a presenter's step. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

void
_wm_window_present_dispose (WmWindow *self)
{
  if (self->fit_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->map), self->fit_tick);
      self->fit_tick = 0;
    }
  if (self->stories_window != NULL)
    gtk_window_destroy (self->stories_window);
  g_clear_pointer (&self->before, wm_story_view_free);
  g_clear_pointer (&self->story, g_free);
  g_clear_pointer (&self->story_views, g_ptr_array_unref);
}
