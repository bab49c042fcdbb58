/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wm-rules-window.h"

#include <glib/gi18n.h>

/* One rule, boxed for a list model. */
#define WM_TYPE_RULE_ITEM (wm_rule_item_get_type ())
G_DECLARE_FINAL_TYPE (WmRuleItem, wm_rule_item, WM, RULE_ITEM, GObject)

struct _WmRuleItem
{
  GObject parent_instance;
  char   *source;
  char   *pattern;
  char   *value;
};

G_DEFINE_FINAL_TYPE (WmRuleItem, wm_rule_item, G_TYPE_OBJECT)

static void
wm_rule_item_finalize (GObject *object)
{
  WmRuleItem *self = WM_RULE_ITEM (object);

  g_free (self->source);
  g_free (self->pattern);
  g_free (self->value);
  G_OBJECT_CLASS (wm_rule_item_parent_class)->finalize (object);
}

static void
wm_rule_item_class_init (WmRuleItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wm_rule_item_finalize;
}

static void
wm_rule_item_init (WmRuleItem *self)
{
}

static WmRuleItem *
rule_item_new (const char *source, const char *pattern, const char *value)
{
  WmRuleItem *item = g_object_new (WM_TYPE_RULE_ITEM, NULL);

  item->source = g_strdup (source);
  item->pattern = g_strdup (pattern);
  item->value = g_strdup (value);
  return item;
}

typedef struct _WmRulesWindow WmRulesWindow;

/* One of the two lists. */
typedef struct
{
  WmRulesWindow      *window;
  gboolean            exclusions;
  GListStore         *store;
  GtkCustomFilter    *filter;
  GtkSingleSelection *selection;
  GtkSearchEntry     *search;
  GtkLabel           *count;
  GtkColumnView      *view;
  GtkStringList      *sources;
  char               *query; /* case-folded search text */
} Page;

struct _WmRulesWindow
{
  AdwWindow parent_instance;

  GtkWidget    *apply_button;
  GtkRevealer  *message_revealer;
  GtkLabel     *message;
  AdwViewStack *stack;

  Page           pages[2]; /* sector rules, exclusions */
  GtkStringList *sectors;  /* the sector names a rule can give, then "-" */
  char          *message_text;
  gboolean       binding; /* filling a row's widgets: not an edit */
};

G_DEFINE_FINAL_TYPE (WmRulesWindow, wm_rules_window, ADW_TYPE_WINDOW)

enum
{
  APPLY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const sector_sources[] = { "sic", "expense", "supplier", NULL };
static const char *const exclusion_sources[] = { "sector", "expense", "supplier", NULL };

static void
show_message (WmRulesWindow *self, const char *text, gboolean error)
{
  g_free (self->message_text);
  self->message_text = g_strdup (text);
  gtk_label_set_text (self->message, text ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message), "error");
  gtk_revealer_set_reveal_child (self->message_revealer, text != NULL);
}

static void
set_dirty (WmRulesWindow *self, gboolean dirty)
{
  gtk_widget_set_sensitive (self->apply_button, dirty);
}

static void
update_count (Page *page)
{
  guint            all = g_list_model_get_n_items (G_LIST_MODEL (page->store));
  guint            shown = g_list_model_get_n_items (G_LIST_MODEL (page->selection));
  g_autofree char *text = shown == all ? g_strdup_printf (_ ("%u rules"), all)
                                       : g_strdup_printf (_ ("%u of %u rules"), shown, all);

  gtk_label_set_text (page->count, text);
}

/* ---- cells ------------------------------------------------------------------------------ */

enum
{
  COL_SOURCE,
  COL_PATTERN,
  COL_VALUE,
};

typedef struct
{
  Page *page;
  int   column;
} Column;

static WmRuleItem *
cell_item (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "item");
}

static void
on_entry_changed (GtkEditable *entry, Column *col)
{
  WmRuleItem *item = cell_item (GTK_WIDGET (entry));
  char      **field;

  if (item == NULL || col->page->window->binding)
    return;
  field = col->column == COL_PATTERN ? &item->pattern : &item->value;
  g_free (*field);
  *field = g_strdup (gtk_editable_get_text (entry));
  set_dirty (col->page->window, TRUE);
}

static void
on_dropdown_changed (GtkDropDown *dropdown, GParamSpec *pspec, Column *col)
{
  WmRuleItem    *item = cell_item (GTK_WIDGET (dropdown));
  GtkStringList *model = GTK_STRING_LIST (gtk_drop_down_get_model (dropdown));
  guint          i = gtk_drop_down_get_selected (dropdown);
  char         **field;

  if (item == NULL || col->page->window->binding || i == GTK_INVALID_LIST_POSITION)
    return;
  field = col->column == COL_SOURCE ? &item->source : &item->value;
  g_free (*field);
  *field = g_strdup (gtk_string_list_get_string (model, i));
  set_dirty (col->page->window, TRUE);
}

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, Column *col)
{
  GtkWidget *widget;

  if (col->column == COL_SOURCE || (col->column == COL_VALUE && !col->page->exclusions))
    {
      GListModel *model = col->column == COL_SOURCE ? G_LIST_MODEL (col->page->sources)
                                                    : G_LIST_MODEL (col->page->window->sectors);

      widget = gtk_drop_down_new (g_object_ref (model), NULL);
      gtk_drop_down_set_enable_search (GTK_DROP_DOWN (widget), col->column == COL_VALUE);
      if (col->column == COL_VALUE)
        gtk_drop_down_set_expression (
            GTK_DROP_DOWN (widget),
            gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
      gtk_widget_add_css_class (widget, "flat");
      g_signal_connect (widget, "notify::selected", G_CALLBACK (on_dropdown_changed), col);
    }
  else
    {
      widget = gtk_entry_new ();
      gtk_entry_set_has_frame (GTK_ENTRY (widget), FALSE);
      g_signal_connect (widget, "changed", G_CALLBACK (on_entry_changed), col);
    }
  gtk_list_item_set_child (list_item, widget);
}

static guint
string_index (GtkStringList *list, const char *text)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (list, i), text) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, Column *col)
{
  WmRuleItem *item = gtk_list_item_get_item (list_item);
  GtkWidget  *widget = gtk_list_item_get_child (list_item);

  col->page->window->binding = TRUE;
  g_object_set_data (G_OBJECT (widget), "item", item);
  if (GTK_IS_DROP_DOWN (widget))
    {
      GtkStringList *model = GTK_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (widget)));
      const char    *text = col->column == COL_SOURCE ? item->source : item->value;
      guint          i = string_index (model, text);

      /* A sector an imported file brought in joins the choices. */
      if (i == GTK_INVALID_LIST_POSITION && text != NULL)
        {
          gtk_string_list_append (model, text);
          i = g_list_model_get_n_items (G_LIST_MODEL (model)) - 1;
        }
      gtk_drop_down_set_selected (GTK_DROP_DOWN (widget), i);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (widget),
                           (col->column == COL_PATTERN ? item->pattern : item->value) ?: "");
  col->page->window->binding = FALSE;
}

static void
unbind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, Column *col)
{
  g_object_set_data (G_OBJECT (gtk_list_item_get_child (list_item)), "item", NULL);
}

static void
add_column (GtkColumnView *view, Page *page, const char *title, int column, gboolean expand)
{
  GtkListItemFactory  *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *c;
  Column              *col = g_new (Column, 1);

  col->page = page;
  col->column = column;
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), col);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), col);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), col);
  g_object_set_data_full (G_OBJECT (factory), "column", col, g_free);
  c = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (c, expand);
  gtk_column_view_column_set_resizable (c, TRUE);
  if (!expand)
    gtk_column_view_column_set_fixed_width (c, column == COL_SOURCE ? 130 : 260);
  gtk_column_view_append_column (view, c);
  g_object_unref (c);
}

/* ---- a page ----------------------------------------------------------------------------- */

static gboolean
matches (gpointer object, gpointer data)
{
  Page       *page = data;
  WmRuleItem *item = object;

  if (page->query == NULL || *page->query == '\0')
    return TRUE;
  for (int f = 0; f < 3; f++)
    {
      const char      *text = f == 0 ? item->pattern : f == 1 ? item->value : item->source;
      g_autofree char *folded = text ? g_utf8_casefold (text, -1) : NULL;

      if (folded && strstr (folded, page->query))
        return TRUE;
    }
  return FALSE;
}

static void
on_search_changed (GtkSearchEntry *entry, Page *page)
{
  g_free (page->query);
  page->query = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (entry)), -1);
  gtk_filter_changed (GTK_FILTER (page->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_count (page);
}

static void
fill_page (Page *page, WmSectorRules *rules)
{
  const GPtrArray *texts = wm_sector_rules_texts (rules, page->exclusions);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < texts->len; i++)
    {
      const WmRuleText *t = texts->pdata[i];
      g_ptr_array_add (items, rule_item_new (t->source, t->pattern, t->value));
    }
  g_list_store_splice (page->store, 0, g_list_model_get_n_items (G_LIST_MODEL (page->store)),
                       items->pdata, items->len);
  update_count (page);
}

static void
add_rule (Page *page, const char *source, const char *pattern, const char *value)
{
  g_autoptr (WmRuleItem) item = rule_item_new (source, pattern, value);

  /* At the top: the earlier rule wins a tie, so a new rule overrides the shipped ones. */
  gtk_editable_set_text (GTK_EDITABLE (page->search), "");
  g_list_store_insert (page->store, 0, item);
  adw_view_stack_set_visible_child_name (page->window->stack,
                                         page->exclusions ? "exclusions" : "sectors");
  gtk_single_selection_set_selected (page->selection, 0);
  /* The list keeps the row that was first in view, which would hide the new one above it:
   * setting the model again shows the list from its top (GTK 4.8 has no scroll_to). */
  gtk_column_view_set_model (page->view, NULL);
  gtk_column_view_set_model (page->view, GTK_SELECTION_MODEL (page->selection));
  update_count (page);
  set_dirty (page->window, TRUE);
}

static void
on_add_clicked (GtkButton *button, Page *page)
{
  add_rule (page, "expense", "", page->exclusions ? "not influenceable" : "-");
}

static void
on_remove_clicked (GtkButton *button, Page *page)
{
  WmRuleItem *item = gtk_single_selection_get_selected_item (page->selection);
  guint       position;

  if (item != NULL && g_list_store_find (page->store, item, &position))
    {
      g_list_store_remove (page->store, position);
      update_count (page);
      set_dirty (page->window, TRUE);
    }
}

static GtkWidget *
build_page (WmRulesWindow *self, Page *page, gboolean exclusions)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *about, *add, *remove, *scrolled, *view;
  g_autoptr (GtkFilterListModel) filtered = NULL;

  page->window = self;
  page->exclusions = exclusions;
  page->store = g_list_store_new (WM_TYPE_RULE_ITEM);
  page->sources = gtk_string_list_new (exclusions ? exclusion_sources : sector_sources);
  page->filter = gtk_custom_filter_new (matches, page, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (page->store)),
                                        GTK_FILTER (g_object_ref (page->filter)));
  page->selection = gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&filtered)));
  gtk_single_selection_set_autoselect (page->selection, FALSE);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  /* Translators: "sector", "expense", "supplier", "sic" and "-" are values typed in the rules:
   * keep them as they are. */
  about = gtk_label_new (
      exclusions
          ? _ ("Spend a local firm could not win: tax, grants, pay, national contracts. Source "
               "\"sector\" excludes a whole sector; \"expense\" and \"supplier\" match words, in "
               "order and whole, in a line's expense fields or in the payee's name. Payments to "
               "public bodies are never influenceable.")
          : _ ("Which sector a line is in. The supplier's SIC codes decide first (source \"sic\": "
               "a code prefix of 2 to 5 digits, the longest wins), then the line's expense fields "
               "(\"expense\": words, in order and whole), then the payee's name (\"supplier\"). "
               "The rule with the most words wins; a tie goes to the rule higher up. Sector \"-\" "
               "skips a code or field that says nothing."));
  gtk_label_set_wrap (GTK_LABEL (about), TRUE);
  gtk_label_set_xalign (GTK_LABEL (about), 0);
  gtk_widget_add_css_class (about, "dim-label");
  gtk_box_append (GTK_BOX (box), about);

  page->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (page->search), TRUE);
  g_object_set (page->search, "placeholder-text", _ ("Search patterns and sectors"), NULL);
  g_signal_connect (page->search, "search-changed", G_CALLBACK (on_search_changed), page);
  add = gtk_button_new_with_mnemonic (_ ("_Add Rule"));
  g_signal_connect (add, "clicked", G_CALLBACK (on_add_clicked), page);
  remove = gtk_button_new_with_mnemonic (_ ("_Remove"));
  gtk_widget_set_tooltip_text (remove, _ ("Remove the selected rule"));
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), page);
  page->count = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (page->count), "dim-label");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (page->search));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (page->count));
  gtk_box_append (GTK_BOX (bar), add);
  gtk_box_append (GTK_BOX (bar), remove);
  gtk_box_append (GTK_BOX (box), bar);

  view = gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (page->selection)));
  gtk_column_view_set_show_row_separators (GTK_COLUMN_VIEW (view), TRUE);
  add_column (GTK_COLUMN_VIEW (view), page, _ ("Source"), COL_SOURCE, FALSE);
  add_column (GTK_COLUMN_VIEW (view), page, _ ("Pattern"), COL_PATTERN, TRUE);
  add_column (GTK_COLUMN_VIEW (view), page, exclusions ? _ ("Reason") : _ ("Sector"), COL_VALUE,
              exclusions);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_add_css_class (scrolled, "card");
  page->view = GTK_COLUMN_VIEW (view);
  gtk_box_append (GTK_BOX (box), scrolled);
  return box;
}

/* ---- the lists as rules ----------------------------------------------------------------- */

/* Every rule checked by the core; an error names the list, the rule's row and its pattern. */
static WmSectorRules *
collect (WmRulesWindow *self, GError **error)
{
  g_autoptr (WmSectorRules) rules = wm_sector_rules_new ();

  for (int p = 0; p < 2; p++)
    {
      Page *page = &self->pages[p];
      guint n = g_list_model_get_n_items (G_LIST_MODEL (page->store));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (WmRuleItem) item = g_list_model_get_item (G_LIST_MODEL (page->store), i);
          GError  *local = NULL;
          gboolean ok
              = page->exclusions
                    ? wm_sector_rules_add_exclusion (rules, item->source, item->pattern,
                                                     item->value, &local)
                    : wm_sector_rules_add (rules, item->source, item->pattern, item->value, &local);

          if (!ok)
            {
              /* Translators: the list ("Sectors" or "Not influenceable"), the rule's number,
               * its source and pattern, and what is wrong with it. */
              g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, _ ("%s, rule %u (%s \"%s\"): %s"),
                           page->exclusions ? _ ("Not influenceable") : _ ("Sectors"), i + 1,
                           item->source, item->pattern ? item->pattern : "", local->message);
              g_error_free (local);
              gtk_editable_set_text (GTK_EDITABLE (page->search), "");
              gtk_single_selection_set_selected (page->selection, i);
              adw_view_stack_set_visible_child_name (self->stack,
                                                     page->exclusions ? "exclusions" : "sectors");
              return NULL;
            }
        }
    }
  return g_steal_pointer (&rules);
}

static Page *
current_page (WmRulesWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->stack), "exclusions") == 0
             ? &self->pages[1]
             : &self->pages[0];
}

gboolean
wm_rules_window_apply (WmRulesWindow *self)
{
  g_autoptr (GError) error = NULL;
  WmSectorRules *rules;

  g_return_val_if_fail (WM_IS_RULES_WINDOW (self), FALSE);
  rules = collect (self, &error);
  if (rules == NULL)
    {
      show_message (self, error->message, TRUE);
      return FALSE;
    }
  show_message (self, _ ("Applying the rules to every spend line…"), FALSE);
  gtk_widget_set_sensitive (self->apply_button, FALSE);
  /* The handler takes the rules. */
  g_signal_emit (self, signals[APPLY], 0, rules);
  return TRUE;
}

void
wm_rules_window_applied (WmRulesWindow *self, const GError *error)
{
  g_return_if_fail (WM_IS_RULES_WINDOW (self));
  if (error != NULL)
    {
      g_autofree char *text
          = g_strdup_printf (_ ("The rules were not applied: %s"), error->message);
      show_message (self, text, TRUE);
      set_dirty (self, TRUE);
    }
  else
    show_message (self,
                  _ ("Applied: every spend line has its sector again, and the map, the side"
                     " panel and the gaps follow the new rules."),
                  FALSE);
}

static void
on_apply_clicked (WmRulesWindow *self)
{
  wm_rules_window_apply (self);
}

static void
import_response (GtkNativeDialog *chooser, int response, WmRulesWindow *self)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  Page *page = g_object_get_data (G_OBJECT (chooser), "page");

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    {
      g_autoptr (WmSectorRules) rules = wm_sector_rules_new ();
      g_autoptr (GError) error = NULL;
      const char *path = g_file_peek_path (file);
      gboolean    ok = page->exclusions ? wm_sector_rules_load_exclusions (rules, path, &error)
                                        : wm_sector_rules_load_sectors (rules, path, &error);

      if (!ok)
        show_message (self, error->message, TRUE);
      else
        {
          g_autofree char *text
              = g_strdup_printf (_ ("Read %u rules from %s: Apply to use them."),
                                 wm_sector_rules_texts (rules, page->exclusions)->len, path);
          fill_page (page, rules);
          show_message (self, text, FALSE);
          set_dirty (self, TRUE);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
on_import_clicked (WmRulesWindow *self)
{
  Page                 *page = current_page (self);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      page->exclusions ? _ ("Import Not-Influenceable Rules") : _ ("Import Sector Rules"),
      GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Import"), _ ("_Cancel"));

  g_object_set_data (G_OBJECT (chooser), "page", page);
  g_signal_connect (chooser, "response", G_CALLBACK (import_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_response (GtkNativeDialog *chooser, int response, WmRulesWindow *self)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  Page *page = g_object_get_data (G_OBJECT (chooser), "page");

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (WmSectorRules) rules = collect (self, &error);
      const char *path = g_file_peek_path (file);

      if (rules == NULL
          || !wm_sector_rules_save (rules, page->exclusions ? NULL : path,
                                    page->exclusions ? path : NULL, &error))
        show_message (self, error ? error->message : _ ("Nothing to save."), TRUE);
      else
        {
          g_autofree char *text = g_strdup_printf (_ ("Saved %s."), path);
          show_message (self, text, FALSE);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
on_export_clicked (WmRulesWindow *self)
{
  Page                 *page = current_page (self);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      page->exclusions ? _ ("Export Not-Influenceable Rules") : _ ("Export Sector Rules"),
      GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser),
                                     page->exclusions ? "non-influenceable.csv" : "sectors.csv");
  g_object_set_data (G_OBJECT (chooser), "page", page);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- the window ------------------------------------------------------------------------- */

static void
wm_rules_window_dispose (GObject *object)
{
  WmRulesWindow *self = WM_RULES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), WM_TYPE_RULES_WINDOW);
  for (int p = 0; p < 2; p++)
    {
      g_clear_object (&self->pages[p].selection);
      g_clear_object (&self->pages[p].filter);
      g_clear_object (&self->pages[p].store);
      g_clear_object (&self->pages[p].sources);
      g_clear_pointer (&self->pages[p].query, g_free);
    }
  g_clear_object (&self->sectors);
  G_OBJECT_CLASS (wm_rules_window_parent_class)->dispose (object);
}

static void
wm_rules_window_finalize (GObject *object)
{
  g_free (WM_RULES_WINDOW (object)->message_text);
  G_OBJECT_CLASS (wm_rules_window_parent_class)->finalize (object);
}

static void
wm_rules_window_class_init (WmRulesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wm_rules_window_dispose;
  object_class->finalize = wm_rules_window_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wealthmap/Wealthmap/ui/wm-rules-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WmRulesWindow, apply_button);
  gtk_widget_class_bind_template_child (widget_class, WmRulesWindow, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, WmRulesWindow, message);
  gtk_widget_class_bind_template_child (widget_class, WmRulesWindow, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_apply_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  /* (WmSectorRules *rules): the checked lists, for the handler to store and free. */
  signals[APPLY] = g_signal_new ("apply", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
wm_rules_window_init (WmRulesWindow *self)
{
  AdwViewStackPage *p;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->sectors = gtk_string_list_new (NULL);
  p = adw_view_stack_add_titled (self->stack, build_page (self, &self->pages[0], FALSE), "sectors",
                                 _ ("_Sectors"));
  adw_view_stack_page_set_use_underline (p, TRUE);
  adw_view_stack_page_set_icon_name (p, "view-list-bullet-symbolic");
  p = adw_view_stack_add_titled (self->stack, build_page (self, &self->pages[1], TRUE),
                                 "exclusions", _ ("_Not Influenceable"));
  adw_view_stack_page_set_use_underline (p, TRUE);
  adw_view_stack_page_set_icon_name (p, "action-unavailable-symbolic");
}

WmRulesWindow *
wm_rules_window_new (GtkWindow *parent, WmProject *project, GError **error)
{
  g_autoptr (WmSectorRules) rules = NULL;
  WmRulesWindow *self;
  GPtrArray     *names;

  g_return_val_if_fail (WM_IS_PROJECT (project), NULL);
  rules = wm_project_sector_rules (project, error);
  if (rules == NULL)
    return NULL;
  self = g_object_new (WM_TYPE_RULES_WINDOW, "transient-for", parent, NULL);
  names = wm_sector_rules_sectors (rules);
  for (guint i = 0; i < names->len; i++)
    gtk_string_list_append (self->sectors, names->pdata[i]);
  gtk_string_list_append (self->sectors, "-");
  fill_page (&self->pages[0], rules);
  fill_page (&self->pages[1], rules);
  return self;
}

guint
wm_rules_window_count (WmRulesWindow *self, gboolean exclusions)
{
  g_return_val_if_fail (WM_IS_RULES_WINDOW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->pages[exclusions ? 1 : 0].store));
}

void
wm_rules_window_add_rule (WmRulesWindow *self,
                          gboolean       exclusions,
                          const char    *source,
                          const char    *pattern,
                          const char    *value)
{
  g_return_if_fail (WM_IS_RULES_WINDOW (self));
  add_rule (&self->pages[exclusions ? 1 : 0], source, pattern, value);
}

const char *
wm_rules_window_get_message (WmRulesWindow *self)
{
  g_return_val_if_fail (WM_IS_RULES_WINDOW (self), NULL);
  return self->message_text;
}
