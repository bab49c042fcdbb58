/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The review of unplaced payees: the list comes from wm_project_review(), searches from
 * wm_project_search_directory() and changes go through wm_project_accept_match() and
 * wm_project_locate_supplier(), each on a worker thread. At most MAX_SHOWN payees are listed
 * (the largest); the CLI's `matches --export` gives them all as a spreadsheet. */
#include "wm-review-window.h"

#include <glib/gi18n.h>

#define MAX_SHOWN 300

struct _WmReviewWindow
{
  AdwWindow        parent_instance;
  AdwWindowTitle  *title;
  GtkSpinner      *spinner;
  AdwToastOverlay *toasts;
  GtkStack        *stack;
  GtkLabel        *intro;
  GtkListBox      *list;
  AdwStatusPage   *error_page;
  GtkToggleButton *suggested_only;

  WmProject    *project;
  GPtrArray    *rows; /* WmReviewRow* */
  GCancellable *cancellable;
  guint         busy;
  char         *message;
};

G_DEFINE_FINAL_TYPE (WmReviewWindow, wm_review_window, ADW_TYPE_WINDOW)

enum
{
  PROJECT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void reload (WmReviewWindow *self);

static void
say (WmReviewWindow *self, const char *text)
{
  g_free (self->message);
  self->message = g_strdup (text);
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

static void
set_busy (WmReviewWindow *self, gboolean busy)
{
  self->busy += busy ? 1 : -1;
  gtk_spinner_set_spinning (self->spinner, self->busy > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->list), self->busy == 0);
}

/* ---- changes ---------------------------------------------------------------------------- */

typedef struct
{
  WmProject *project;
  gint64     name_id, supplier_id;
  char      *place; /* a postcode or "lat, lon"; NULL: accept a match */
  char      *what;
} Change;

static void
change_free (Change *c)
{
  g_object_unref (c->project);
  g_free (c->place);
  g_free (c->what);
  g_free (c);
}

static void
change_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Change  *c = data;
  GError  *error = NULL;
  double   lat, lon;
  gboolean ok;

  if (c->place == NULL)
    ok = wm_project_accept_match (c->project, c->name_id, c->supplier_id, &error);
  else if (wm_parse_lat_lon (c->place, &lat, &lon))
    ok = wm_project_locate_supplier_at (c->project, c->supplier_id, lat, lon, &error);
  else
    ok = wm_project_locate_supplier (c->project, c->supplier_id, c->place, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
change_done (GObject *object, GAsyncResult *result, gpointer data)
{
  WmReviewWindow *self = WM_REVIEW_WINDOW (object);
  Change         *c = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      say (self, error->message);
      return;
    }
  say (self, c->what);
  g_signal_emit (self, signals[PROJECT_CHANGED], 0);
  reload (self);
}

static void
run_change (WmReviewWindow *self, Change *c)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, change_done, NULL);

  c->project = g_object_ref (self->project);
  g_task_set_task_data (task, c, (GDestroyNotify) change_free);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, change_thread);
}

void
wm_review_window_accept (WmReviewWindow *self, gint64 name_id, gint64 supplier_id)
{
  Change *c = g_new0 (Change, 1);

  g_return_if_fail (WM_IS_REVIEW_WINDOW (self));
  c->name_id = name_id;
  c->supplier_id = supplier_id;
  c->what = g_strdup (_ ("Match accepted: every line of that payee is placed with it"));
  run_change (self, c);
}

void
wm_review_window_place (WmReviewWindow *self, gint64 supplier_id, const char *postcode)
{
  Change *c = g_new0 (Change, 1);

  g_return_if_fail (WM_IS_REVIEW_WINDOW (self));
  c->supplier_id = supplier_id;
  c->place = g_strstrip (g_strdup (postcode));
  c->what = g_strdup_printf (_ ("Placed at %s"), c->place);
  run_change (self, c);
}

/* ---- rows ------------------------------------------------------------------------------- */

static void
on_accept_clicked (GtkButton *button, WmReviewWindow *self)
{
  gint64 *ids = g_object_get_data (G_OBJECT (button), "ids");

  wm_review_window_accept (self, ids[0], ids[1]);
}

static GtkWidget *
suggestion_row (WmReviewWindow *self, gint64 name_id, const WmSuggestion *s, const char *verb)
{
  GtkWidget       *row = adw_action_row_new ();
  GtkWidget       *button = gtk_button_new_with_label (verb);
  g_autofree char *subtitle = NULL;
  g_autofree char *score = s->score > 0 ? g_strdup_printf (_ ("score %.2f"), s->score) : NULL;
  gint64          *ids = g_new (gint64, 2);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), s->name);
  subtitle = g_strdup_printf (
      "%s · %s%s%s%s%s", s->company_number ? s->company_number : _ ("no number"),
      s->postcode ? s->postcode : _ ("no postcode"), s->status && *s->status ? " · " : "",
      s->status ? s->status : "", score ? " · " : "", score ? score : "");
  if (s->ambiguous)
    {
      g_autofree char *more
          = g_strconcat (subtitle, " · ", _ ("another firm scores as high"), NULL);
      g_free (subtitle);
      subtitle = g_steal_pointer (&more);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  ids[0] = name_id;
  ids[1] = s->supplier_id;
  g_object_set_data_full (G_OBJECT (button), "ids", ids, g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_accept_clicked), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

typedef struct
{
  WmReviewWindow *self;
  GtkWidget      *results; /* GtkBox under the search entry */
  gint64          name_id;
} SearchTarget;

typedef struct
{
  WmProject *project;
  char      *text;
} SearchJob;

static void
search_job_free (SearchJob *j)
{
  g_object_unref (j->project);
  g_free (j->text);
  g_free (j);
}

static void
search_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  SearchJob *j = data;
  GError    *error = NULL;
  GPtrArray *found = wm_project_search_directory (j->project, j->text, 8, &error);

  if (found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

/* Where a search's results go: the results box may be gone (the list reloaded) by the time the
 * worker answers, so it is held weakly. */
typedef struct
{
  GWeakRef        results;
  WmReviewWindow *self;
  gint64          name_id;
} SearchReply;

static void
search_done (GObject *object, GAsyncResult *result, gpointer data)
{
  SearchReply *reply = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr (GtkWidget) results = g_weak_ref_get (&reply->results);
  GtkWidget *child;

  if (found != NULL && results != NULL
      && !g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      while ((child = gtk_widget_get_first_child (results)) != NULL)
        gtk_box_remove (GTK_BOX (results), child);
      for (guint i = 0; i < found->len; i++)
        gtk_box_append (
            GTK_BOX (results),
            suggestion_row (reply->self, reply->name_id, g_ptr_array_index (found, i), _ ("Use")));
      if (found->len == 0)
        {
          GtkWidget *none = gtk_label_new (_ ("No directory name starts with that"));
          gtk_widget_add_css_class (none, "dim-label");
          gtk_box_append (GTK_BOX (results), none);
        }
    }
  g_weak_ref_clear (&reply->results);
  g_object_unref (reply->self);
  g_free (reply);
}

static void
on_search_changed (GtkSearchEntry *entry, SearchTarget *t)
{
  GCancellable *old = g_object_get_data (G_OBJECT (entry), "cancellable");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GTask) task = NULL;
  SearchReply *reply = g_new0 (SearchReply, 1);
  SearchJob   *j;

  if (old)
    g_cancellable_cancel (old);
  g_object_set_data_full (G_OBJECT (entry), "cancellable", g_object_ref (cancellable),
                          g_object_unref);
  g_weak_ref_init (&reply->results, t->results);
  reply->self = g_object_ref (t->self);
  reply->name_id = t->name_id;
  j = g_new0 (SearchJob, 1);
  j->project = g_object_ref (t->self->project);
  j->text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  task = g_task_new (NULL, cancellable, search_done, reply);
  g_task_set_task_data (task, j, (GDestroyNotify) search_job_free);
  g_task_run_in_thread (task, search_thread);
}

static void
on_place_activate (GtkWidget *widget, WmReviewWindow *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (widget), "entry");
  gint64       supplier_id = *(gint64 *) g_object_get_data (G_OBJECT (widget), "supplier-id");
  const char  *text = gtk_editable_get_text (entry);

  if (*text)
    wm_review_window_place (self, supplier_id, text);
}

static GtkWidget *
payee_row (WmReviewWindow *self, const WmReviewRow *r)
{
  GtkWidget       *row = adw_expander_row_new ();
  g_autofree char *amount = wm_format_pounds (r->amount);
  g_auto (GStrv) split = g_strsplit (r->anchors ? r->anchors : "", ",", -1);
  g_autofree char *anchors = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget       *search_row, *search, *results, *place_row, *entry, *button;
  SearchTarget    *target;
  gint64          *supplier_id = g_new (gint64, 1);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->payee);
  anchors = g_strjoinv (", ", split);
  /* Translators: a payee's £ amount, its number of spend lines, the anchors paying it and why
   * it is not placed. */
  subtitle = g_markup_printf_escaped (r->suggestions->len ? _ ("%s · %lld lines · %s · %s · "
                                                               "suggested match")
                                                          : _ ("%s · %lld lines · %s · %s"),
                                      amount, (long long) r->lines, anchors, r->why);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  for (guint k = 0; k < r->suggestions->len; k++)
    adw_expander_row_add_row (
        ADW_EXPANDER_ROW (row),
        suggestion_row (self, r->name_id, g_ptr_array_index (r->suggestions, k), _ ("Accept")));

  /* Search the directory as you type. */
  search_row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (search_row, 12);
  gtk_widget_set_margin_end (search_row, 12);
  gtk_widget_set_margin_top (search_row, 8);
  gtk_widget_set_margin_bottom (search_row, 8);
  search = gtk_search_entry_new ();
  g_object_set (search, "placeholder-text", _ ("Search the supplier directory by name…"), NULL);
  results = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (results, "boxed-list");
  target = g_new0 (SearchTarget, 1);
  target->self = self;
  target->results = results;
  target->name_id = r->name_id;
  g_signal_connect_data (search, "search-changed", G_CALLBACK (on_search_changed), target,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  gtk_box_append (GTK_BOX (search_row), search);
  gtk_box_append (GTK_BOX (search_row), results);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), search_row);

  /* Or the trading postcode, typed. */
  place_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (place_row), _ ("Where it trades from"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (place_row),
                               _ ("A postcode, or latitude, longitude (e.g. 53.753, -2.364)"));
  entry = gtk_entry_new ();
  /* Translators: an example of a UK postcode. */
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ ("e.g. BB5 1AB"));
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 16);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  button = gtk_button_new_with_label (C_ ("verb: place the supplier", "Place"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  *supplier_id = r->supplier_id;
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *w = i == 0 ? entry : button;
      g_object_set_data (G_OBJECT (w), "entry", entry);
      g_object_set_data_full (G_OBJECT (w), "supplier-id", g_memdup2 (supplier_id, sizeof (gint64)),
                              g_free);
    }
  g_free (supplier_id);
  g_signal_connect_object (entry, "activate", G_CALLBACK (on_place_activate), self, 0);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_place_activate), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (place_row), entry);
  adw_action_row_add_suffix (ADW_ACTION_ROW (place_row), button);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), place_row);
  return row;
}

/* ---- loading ---------------------------------------------------------------------------- */

/* The list from self->rows: the largest MAX_SHOWN payees, or only those with a suggestion. */
static void
fill_list (WmReviewWindow *self)
{
  gboolean         only = gtk_toggle_button_get_active (self->suggested_only);
  GtkWidget       *child;
  gint64           total = 0;
  guint            suggested = 0, shown = 0;
  g_autofree char *pounds = NULL, *subtitle = NULL, *intro = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; self->rows && i < self->rows->len; i++)
    {
      WmReviewRow *r = g_ptr_array_index (self->rows, i);

      total += r->amount;
      suggested += r->suggestions->len > 0;
      if (shown < MAX_SHOWN && (!only || r->suggestions->len > 0))
        {
          gtk_list_box_append (self->list, payee_row (self, r));
          shown++;
        }
    }
  pounds = wm_format_pounds (total);
  /* Translators: the number of payees and their £ total. */
  subtitle = g_strdup_printf (_ ("%u payees, %s"), self->rows ? self->rows->len : 0, pounds);
  adw_window_title_set_subtitle (self->title, subtitle);
  /* Translators: %u is the number of payees with a suggested match. */
  intro = g_strdup_printf (
      self->rows && self->rows->len > MAX_SHOWN && !only
          ? _ ("Payees whose spend cannot go on the map yet, largest first (the largest 300; "
               "'wealthmap-cli matches --export' gives all). %u have a suggested match from the "
               "supplier directory. Accept a match, search the directory, or type the trading "
               "postcode: every line of that payee is placed at once, and later imports keep it. "
               "Payments to public bodies are set apart and not listed.")
          : _ (
              "Payees whose spend cannot go on the map yet, largest first. %u have a suggested "
              "match from the supplier directory. Accept a match, search the directory, or type "
              "the trading postcode: every line of that payee is placed at once, and later imports "
              "keep it. Payments to public bodies are set apart and not listed."),
      suggested);
  gtk_label_set_text (self->intro, intro);
}

static void
on_suggested_only_toggled (WmReviewWindow *self)
{
  fill_list (self);
}

static void
load_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError    *error = NULL;
  GPtrArray *rows = wm_project_review (WM_PROJECT (data), &error);

  if (rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

static void
load_done (GObject *object, GAsyncResult *result, gpointer data)
{
  WmReviewWindow *self;
  g_autoptr (GError) error = NULL;
  GPtrArray *rows = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WM_REVIEW_WINDOW (object);
  set_busy (self, FALSE);
  if (rows == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  self->rows = rows;
  fill_list (self);
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
reload (WmReviewWindow *self)
{
  g_autoptr (GTask) task = NULL;

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, load_done, NULL);
  g_task_set_task_data (task, g_object_ref (self->project), g_object_unref);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, load_thread);
}

/* ---- object ----------------------------------------------------------------------------- */

static void
wm_review_window_dispose (GObject *object)
{
  WmReviewWindow *self = WM_REVIEW_WINDOW (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (wm_review_window_parent_class)->dispose (object);
}

static void
wm_review_window_finalize (GObject *object)
{
  WmReviewWindow *self = WM_REVIEW_WINDOW (object);

  g_clear_object (&self->project);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_free (self->message);
  G_OBJECT_CLASS (wm_review_window_parent_class)->finalize (object);
}

static void
wm_review_window_class_init (WmReviewWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wm_review_window_dispose;
  object_class->finalize = wm_review_window_finalize;
  /* A match was accepted or a payee placed: the map and panel are out of date. */
  signals[PROJECT_CHANGED] = g_signal_new ("project-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wealthmap/Wealthmap/ui/wm-review-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WmReviewWindow, title);
  gtk_widget_class_bind_template_child (widget_class, WmReviewWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, WmReviewWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, WmReviewWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, WmReviewWindow, intro);
  gtk_widget_class_bind_template_child (widget_class, WmReviewWindow, list);
  gtk_widget_class_bind_template_child (widget_class, WmReviewWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, WmReviewWindow, suggested_only);
  gtk_widget_class_bind_template_callback (widget_class, on_suggested_only_toggled);
}

static void
wm_review_window_init (WmReviewWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

WmReviewWindow *
wm_review_window_new (GtkWindow *parent, WmProject *project)
{
  WmReviewWindow *self = g_object_new (WM_TYPE_REVIEW_WINDOW, "transient-for", parent, NULL);

  self->project = g_object_ref (project);
  reload (self);
  return self;
}

GPtrArray *
wm_review_window_get_rows (WmReviewWindow *self)
{
  return self->busy ? NULL : self->rows;
}

void
wm_review_window_show_suggested_only (WmReviewWindow *self, gboolean only)
{
  GtkWidget *first;

  gtk_toggle_button_set_active (self->suggested_only, only);
  first = gtk_widget_get_first_child (GTK_WIDGET (self->list));
  if (first != NULL && ADW_IS_EXPANDER_ROW (first))
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (first), TRUE);
}

gboolean
wm_review_window_is_busy (WmReviewWindow *self)
{
  return self->busy > 0;
}

const char *
wm_review_window_get_message (WmReviewWindow *self)
{
  return self->message;
}
