/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lists the lines from wm_project_spend_lines(); at most 5,000 are shown, with the count and
 * total of all of them in the subtitle. */
#include "wm-lines-window.h"

#include <glib/gi18n.h>

#define MAX_SHOWN 5000

/* One line, boxed for the list model. */
#define WM_TYPE_LINE_ITEM (wm_line_item_get_type ())
G_DECLARE_FINAL_TYPE (WmLineItem, wm_line_item, WM, LINE_ITEM, GObject)

struct _WmLineItem
{
  GObject            parent_instance;
  const WmSpendLine *line; /* owned by the window's array */
};

G_DEFINE_FINAL_TYPE (WmLineItem, wm_line_item, G_TYPE_OBJECT)

static void
wm_line_item_class_init (WmLineItemClass *klass)
{
}

static void
wm_line_item_init (WmLineItem *self)
{
}

struct _WmLinesWindow
{
  AdwWindow parent_instance;

  AdwWindowTitle *title;
  GtkStack       *stack;
  GtkColumnView  *view;
  AdwStatusPage  *error_page;

  GPtrArray    *lines;
  WmLineTotals  totals;
  GListStore   *store;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (WmLinesWindow, wm_lines_window, ADW_TYPE_WINDOW)

enum
{
  COL_SUPPLIER,
  COL_AMOUNT,
  COL_DATE,
  COL_ANCHOR,
  COL_PLACE,
  COL_CATEGORY,
  COL_SOURCE,
};

typedef struct
{
  WmProject   *project;
  WmLineQuery  query;
  char        *strings[7];
  WmLineTotals totals;
} LoadData;

static void
load_data_free (LoadData *d)
{
  g_object_unref (d->project);
  for (guint i = 0; i < G_N_ELEMENTS (d->strings); i++)
    g_free (d->strings[i]);
  g_free (d);
}

static void
load_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  LoadData  *d = data;
  GError    *error = NULL;
  GPtrArray *lines = wm_project_spend_lines (d->project, &d->query, MAX_SHOWN, &d->totals, &error);

  if (lines == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, lines, (GDestroyNotify) g_ptr_array_unref);
}

static void
load_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  WmLinesWindow *self;
  LoadData      *d = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  GPtrArray       *lines = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *total = NULL, *subtitle = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WM_LINES_WINDOW (object);
  if (lines == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  self->lines = lines;
  self->totals = d->totals;
  for (guint i = 0; i < lines->len; i++)
    {
      WmLineItem *item = g_object_new (WM_TYPE_LINE_ITEM, NULL);

      item->line = lines->pdata[i];
      g_list_store_append (self->store, item);
      g_object_unref (item);
    }
  total = wm_format_pounds (d->totals.total);
  subtitle
      = lines->len < d->totals.lines
            ? g_strdup_printf (_ ("%llu lines, %s; the largest %u shown"),
                               (unsigned long long) d->totals.lines, total, lines->len)
            : g_strdup_printf (_ ("%llu lines, %s"), (unsigned long long) d->totals.lines, total);
  adw_window_title_set_subtitle (self->title, subtitle);
  gtk_stack_set_visible_child_name (self->stack, "lines");
}

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer column)
{
  GtkWidget *label = gtk_label_new (NULL);
  int        c = GPOINTER_TO_INT (column);

  gtk_label_set_xalign (GTK_LABEL (label), c == COL_AMOUNT ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (c == COL_AMOUNT)
    gtk_widget_add_css_class (label, "share-figures");
  if (c == COL_SOURCE)
    gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer column)
{
  WmLineItem        *item = gtk_list_item_get_item (list_item);
  const WmSpendLine *l = item->line;
  GtkLabel          *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  g_autofree char   *text = NULL;

  switch (GPOINTER_TO_INT (column))
    {
    case COL_SUPPLIER:
      text = g_strdup (l->redacted      ? _ ("(redacted)")
                       : l->supplier[0] ? l->supplier
                                        : _ ("(blank)"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), l->matched ? l->matched : _ ("Not matched"));
      break;
    case COL_AMOUNT:
      text = wm_format_pounds (l->amount);
      break;
    case COL_DATE:
      text = g_strdup (l->date ? l->date : "");
      break;
    case COL_ANCHOR:
      text = g_strdup (l->anchor);
      break;
    case COL_PLACE:
      text = g_strdup (l->place ? l->place : "unlocated");
      break;
    case COL_CATEGORY:
      text = g_strdup (l->category ? l->category : "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), l->description);
      break;
    default:
      text = wm_spend_line_source (l);
    }
  gtk_label_set_text (label, text);
}

static void
add_column (WmLinesWindow *self, const char *title, int column, gboolean expand)
{
  GtkListItemFactory  *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *c;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  c = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (c, expand);
  gtk_column_view_column_set_resizable (c, TRUE);
  gtk_column_view_append_column (self->view, c);
  g_object_unref (c);
}

static void
wm_lines_window_dispose (GObject *object)
{
  WmLinesWindow *self = WM_LINES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), WM_TYPE_LINES_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (wm_lines_window_parent_class)->dispose (object);
}

static void
wm_lines_window_finalize (GObject *object)
{
  WmLinesWindow *self = WM_LINES_WINDOW (object);

  g_clear_pointer (&self->lines, g_ptr_array_unref);
  G_OBJECT_CLASS (wm_lines_window_parent_class)->finalize (object);
}

static void
wm_lines_window_class_init (WmLinesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wm_lines_window_dispose;
  object_class->finalize = wm_lines_window_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wealthmap/Wealthmap/ui/wm-lines-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WmLinesWindow, title);
  gtk_widget_class_bind_template_child (widget_class, WmLinesWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, WmLinesWindow, view);
  gtk_widget_class_bind_template_child (widget_class, WmLinesWindow, error_page);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
wm_lines_window_init (WmLinesWindow *self)
{
  g_autoptr (GtkSelectionModel) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->store = g_list_store_new (WM_TYPE_LINE_ITEM);
  selection
      = GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->store))));
  gtk_column_view_set_model (self->view, selection);
  add_column (self, _ ("Supplier (as published)"), COL_SUPPLIER, TRUE);
  add_column (self, _ ("Amount"), COL_AMOUNT, FALSE);
  add_column (self, _ ("Date"), COL_DATE, FALSE);
  add_column (self, _ ("Anchor"), COL_ANCHOR, FALSE);
  /* Translators: a column heading: where the supplier is (local, regional, leaked). */
  add_column (self, _ ("Place"), COL_PLACE, FALSE);
  add_column (self, _ ("Category"), COL_CATEGORY, FALSE);
  add_column (self, _ ("Source (file:line)"), COL_SOURCE, TRUE);
}

WmLinesWindow *
wm_lines_window_new (GtkWindow         *parent,
                     WmProject         *project,
                     const WmLineQuery *query,
                     const char        *what)
{
  WmLinesWindow *self;
  LoadData      *d = g_new0 (LoadData, 1);
  g_autoptr (GTask) task = NULL;
  g_autofree char *title = g_strdup_printf (_ ("Spend Lines: %s"), what);

  g_return_val_if_fail (WM_IS_PROJECT (project) && query != NULL, NULL);
  self = g_object_new (WM_TYPE_LINES_WINDOW, "transient-for", parent, NULL);
  adw_window_title_set_title (self->title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  d->project = g_object_ref (project);
  d->query = *query;
  /* The query's strings are copied: the caller's may go away before the thread runs. */
  d->query.anchor = d->strings[0] = g_strdup (query->anchor);
  d->query.supplier = d->strings[1] = g_strdup (query->supplier);
  d->query.ward = d->strings[2] = g_strdup (query->ward);
  d->query.place = d->strings[3] = g_strdup (query->place);
  d->query.category = d->strings[4] = g_strdup (query->category);
  d->query.kind = d->strings[5] = g_strdup (query->kind);
  d->query.sector = d->strings[6] = g_strdup (query->sector);
  task = g_task_new (self, self->cancellable, load_done, NULL);
  g_task_set_task_data (task, d, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
  return self;
}

GPtrArray *
wm_lines_window_get_lines (WmLinesWindow *self)
{
  return self->lines;
}

const WmLineTotals *
wm_lines_window_get_totals (WmLinesWindow *self)
{
  return &self->totals;
}
