/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Filters, shares, wards and unlocated suppliers. The panel only shows what the core computed
 * (WmSummary, WmUnmatchedRow); it never reads the project itself. */
#include "wm-side-panel.h"

#include <glib/gi18n.h>
#include <string.h>

#include "app/map/wm-render.h"

/* One ward of the ward table, as a GObject so GtkColumnView can sort and show it. */
#define WM_TYPE_WARD_ITEM (wm_ward_item_get_type ())
G_DECLARE_FINAL_TYPE (WmWardItem, wm_ward_item, WM, WARD_ITEM, GObject)

struct _WmWardItem
{
  GObject parent_instance;
  char   *code;
  char   *name;
  char   *role;
  gint64  received;
  gint64  suppliers;
  int     decile;
};

G_DEFINE_FINAL_TYPE (WmWardItem, wm_ward_item, G_TYPE_OBJECT)

enum
{
  WARD_PROP_0,
  WARD_PROP_NAME,
  WARD_PROP_RECEIVED,
  WARD_PROP_SUPPLIERS,
  WARD_PROP_DECILE,
  N_WARD_PROPS
};
static GParamSpec *ward_props[N_WARD_PROPS];

static void
wm_ward_item_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  WmWardItem *self = WM_WARD_ITEM (object);

  switch (id)
    {
    case WARD_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case WARD_PROP_RECEIVED:
      g_value_set_int64 (value, self->received);
      break;
    case WARD_PROP_SUPPLIERS:
      g_value_set_int64 (value, self->suppliers);
      break;
    case WARD_PROP_DECILE:
      /* Unknown deciles sort last. */
      g_value_set_int (value, self->decile > 0 ? self->decile : 11);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
wm_ward_item_finalize (GObject *object)
{
  WmWardItem *self = WM_WARD_ITEM (object);

  g_free (self->code);
  g_free (self->name);
  g_free (self->role);
  G_OBJECT_CLASS (wm_ward_item_parent_class)->finalize (object);
}

static void
wm_ward_item_class_init (WmWardItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = wm_ward_item_get_property;
  object_class->finalize = wm_ward_item_finalize;
  ward_props[WARD_PROP_NAME]
      = g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  ward_props[WARD_PROP_RECEIVED] = g_param_spec_int64 (
      "received", NULL, NULL, G_MININT64, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  ward_props[WARD_PROP_SUPPLIERS] = g_param_spec_int64 ("suppliers", NULL, NULL, 0, G_MAXINT64, 0,
                                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  ward_props[WARD_PROP_DECILE] = g_param_spec_int ("decile", NULL, NULL, 0, 11, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_WARD_PROPS, ward_props);
}

static void
wm_ward_item_init (WmWardItem *self)
{
}

struct _WmSidePanel
{
  GtkWidget parent_instance;

  AdwComboRow         *anchor_row;
  AdwComboRow         *year_row;
  AdwComboRow         *kind_row;
  AdwComboRow         *sector_row;
  GtkSpinButton       *min_flow_spin;
  GtkListBox          *anchors_list;
  AdwPreferencesGroup *shares_group;
  char                *shares_description; /* as in the template, for when nothing is filtered */
  GtkDrawingArea      *sector_chart;
  GtkDrawingArea      *kind_chart;
  GtkColumnView       *ward_view;
  GtkListBox          *unlocated_list;
  AdwPreferencesGroup *unlocated_group;

  GListStore    *wards;
  GtkStringList *anchors;
  GtkStringList *sectors;
  char          *sector;
  GtkStringList *years;
  GtkStringList *kinds;
  gboolean       updating;
  char          *anchor;
  char          *kind;
};

G_DEFINE_FINAL_TYPE (WmSidePanel, wm_side_panel, GTK_TYPE_WIDGET)

enum
{
  FILTER_CHANGED,
  WARD_ACTIVATED,
  ANCHOR_ACTIVATED,
  LOCATE_SUPPLIER,
  WARD_REPORT,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* The supplier kind filter: the core's code, and the label (translated when shown). */
static const char *const kinds[][2] = {
  { NULL, N_ ("All kinds") },
  { "sme", N_ ("Small and medium firms") },
  { "vcse", N_ ("Voluntary, community and social enterprises") },
  { "large", N_ ("Large firms") },
  { "public", N_ ("Public bodies") },
  { "unknown", N_ ("Not known") },
};

static void
on_filter_changed (WmSidePanel *self)
{
  if (!self->updating)
    g_signal_emit (self, signals[FILTER_CHANGED], 0);
}

static void
on_ward_activate (WmSidePanel *self, guint position)
{
  GtkSelectionModel *model = gtk_column_view_get_model (self->ward_view);
  g_autoptr (WmWardItem) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  if (item != NULL)
    g_signal_emit (self, signals[WARD_ACTIVATED], 0, item->code);
}

/* The selected ward's report (the first row's when none is selected). */
static void
on_report_clicked (WmSidePanel *self)
{
  GtkSingleSelection *selection
      = GTK_SINGLE_SELECTION (gtk_column_view_get_model (self->ward_view));
  guint position = gtk_single_selection_get_selected (selection);
  g_autoptr (WmWardItem) item = NULL;

  if (position == GTK_INVALID_LIST_POSITION)
    position = 0;
  item = g_list_model_get_item (G_LIST_MODEL (selection), position);
  if (item != NULL)
    g_signal_emit (self, signals[WARD_REPORT], 0, item->code);
}

typedef struct
{
  double local, regional, leaked;
} Shares;

static void
draw_share_bar (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  const Shares *s = data;
  double        total = s->local + s->regional + s->leaked, x = 0;
  const char   *places[] = { "local", "regional", "leaked" };
  double        parts[] = { s->local, s->regional, s->leaked };

  cairo_set_source_rgb (cr, 0.88, 0.88, 0.88);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  if (total <= 0)
    return;
  for (guint i = 0; i < 3; i++)
    {
      double rgb[3], w = width * MAX (parts[i], 0) / total;

      wm_render_place_rgb (places[i], rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_rectangle (cr, x, 0, w, height);
      cairo_fill (cr);
      x += w;
    }
}

static void
on_share_link_clicked (GtkButton *button, WmSidePanel *self)
{
  g_signal_emit (self, signals[ANCHOR_ACTIVATED], 0,
                 g_object_get_data (G_OBJECT (button), "anchor"),
                 g_object_get_data (G_OBJECT (button), "place"));
}

static GtkWidget *
share_row_new (WmSidePanel *panel, const WmShareRow *row, gboolean overall)
{
  GtkWidget       *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget       *title = gtk_label_new (NULL), *bar = gtk_drawing_area_new ();
  GtkWidget       *figures = gtk_label_new (NULL);
  gint64           located = row->local + row->regional + row->leaked;
  g_autofree char *total = wm_format_pounds (row->total);
  g_autofree char *unlocated = wm_format_pounds (row->unlocated);
  g_autofree char *public_bodies = wm_format_pounds (row->public_bodies);
  g_autofree char *local = wm_format_share (row->local, located);
  g_autofree char *regional = wm_format_share (row->regional, located);
  g_autofree char *leaked = wm_format_share (row->leaked, located);
  g_autofree char *markup = NULL, *text = NULL;
  Shares          *shares = g_new (Shares, 1);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  markup
      = g_markup_printf_escaped ("<b>%s</b>  %s", overall ? _ ("All anchors") : row->label, total);
  gtk_label_set_markup (GTK_LABEL (title), markup);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  *shares = (Shares){ row->local, row->regional, row->leaked };
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (bar), 14);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (bar), draw_share_bar, shares, g_free);
  if (row->unclassified > 0 && located == 0)
    text = g_strdup_printf (_ ("No local area chosen yet · unlocated %s"), unlocated);
  else
    text = g_strdup_printf (
        _ ("Local %s · regional %s · leaked %s\nUnlocated %s · public bodies %s"), local, regional,
        leaked, unlocated, public_bodies);
  gtk_label_set_text (GTK_LABEL (figures), text);
  gtk_label_set_xalign (GTK_LABEL (figures), 0);
  gtk_widget_add_css_class (figures, "caption");
  gtk_widget_add_css_class (figures, "share-figures");
  {
    g_autofree char *tip = g_strdup_printf (_ ("%lld lines, %lld suppliers"),
                                            (long long) row->lines, (long long) row->suppliers);
    gtk_widget_set_tooltip_text (box, tip);
  }
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), figures);
  {
    /* Every figure opens the lines behind it. */
    GtkWidget *links = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
    GtkWidget *caption = gtk_label_new (_ ("Lines:"));
    /* Translators: the links after "Lines:" under an anchor's shares, each opening the spend
     * lines of that place. */
    const char *places[][2] = { { NULL, NC_ ("spend lines", "all") },
                                { "local", NC_ ("spend lines", "local") },
                                { "regional", NC_ ("spend lines", "regional") },
                                { "leaked", NC_ ("spend lines", "leaked") },
                                { "unlocated", NC_ ("spend lines", "unlocated") },
                                { "public", NC_ ("spend lines", "public") } };

    gtk_widget_add_css_class (caption, "caption");
    gtk_widget_add_css_class (caption, "dim-label");
    gtk_box_append (GTK_BOX (links), caption);

    for (guint i = 0; i < G_N_ELEMENTS (places); i++)
      {
        GtkWidget *b = gtk_button_new_with_label (g_dpgettext2 (NULL, "spend lines", places[i][1]));

        gtk_widget_add_css_class (b, "flat");
        gtk_widget_add_css_class (b, "share-link");
        g_object_set_data_full (G_OBJECT (b), "anchor", g_strdup (overall ? NULL : row->key),
                                g_free);
        g_object_set_data (G_OBJECT (b), "place", (gpointer) places[i][0]);
        g_signal_connect_object (b, "clicked", G_CALLBACK (on_share_link_clicked), panel, 0);
        gtk_box_append (GTK_BOX (links), b);
      }
    gtk_widget_set_tooltip_text (links, _ ("Open the spend lines behind these figures"));
    gtk_box_append (GTK_BOX (box), links);
  }
  return box;
}

static void
on_locate_activate (GtkWidget *widget, WmSidePanel *self)
{
  GtkEditable     *entry = g_object_get_data (G_OBJECT (widget), "entry");
  gint64           id = *(gint64 *) g_object_get_data (G_OBJECT (widget), "supplier-id");
  g_autofree char *postcode = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  GtkWidget       *popover = gtk_widget_get_ancestor (widget, GTK_TYPE_POPOVER);

  if (postcode[0] == '\0')
    return;
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  g_signal_emit (self, signals[LOCATE_SUPPLIER], 0, id, postcode);
}

/* "Place…": a postcode entry in a popover, the in-place fix for an unlocated supplier. */
static GtkWidget *
locate_button_new (WmSidePanel *self, const WmUnmatchedRow *r)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *place = gtk_button_new_with_mnemonic (_ ("_Place"));
  gint64    *id = g_new (gint64, 1);

  *id = r->supplier_id;
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "mark-location-symbolic");
  gtk_widget_set_tooltip_text (button, _ ("Give this supplier its trading postcode"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ ("Trading postcode"));
  gtk_editable_set_text (GTK_EDITABLE (entry), r->postcode ? r->postcode : "");
  gtk_widget_add_css_class (place, "suggested-action");
  g_object_set_data (G_OBJECT (entry), "entry", entry);
  g_object_set_data (G_OBJECT (place), "entry", entry);
  g_object_set_data_full (G_OBJECT (entry), "supplier-id", id, g_free);
  g_object_set_data (G_OBJECT (place), "supplier-id", id);
  g_signal_connect_object (entry, "activate", G_CALLBACK (on_locate_activate), self, 0);
  g_signal_connect_object (place, "clicked", G_CALLBACK (on_locate_activate), self, 0);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), place);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  return button;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* Replaces a dropdown's strings, keeping the selected one when it is still there. */
static void
set_choices (AdwComboRow *row, GtkStringList *list, const char *first, GPtrArray *items)
{
  guint            selected = adw_combo_row_get_selected (row);
  g_autofree char *keep = NULL;
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (list));

  if (selected != GTK_INVALID_LIST_POSITION && selected < n)
    keep = g_strdup (gtk_string_list_get_string (list, selected));
  gtk_string_list_splice (list, 0, n, NULL);
  gtk_string_list_append (list, first);
  selected = 0;
  for (guint i = 0; i < items->len; i++)
    {
      gtk_string_list_append (list, items->pdata[i]);
      if (g_strcmp0 (keep, items->pdata[i]) == 0)
        selected = i + 1;
    }
  adw_combo_row_set_selected (row, selected);
}

void
wm_side_panel_set_choices (WmSidePanel *self,
                           GPtrArray   *anchors,
                           GPtrArray   *years,
                           GPtrArray   *sectors)
{
  g_autoptr (GPtrArray) none = g_ptr_array_new ();

  g_return_if_fail (WM_IS_SIDE_PANEL (self));
  self->updating = TRUE;
  set_choices (self->anchor_row, self->anchors, _ ("All anchors"), anchors ? anchors : none);
  set_choices (self->year_row, self->years, _ ("All years"), years ? years : none);
  set_choices (self->sector_row, self->sectors, _ ("All sectors"), sectors ? sectors : none);
  self->updating = FALSE;
}

/* The shares group says which spend its figures are of when the filters leave some out. */
static void
set_filter_note (WmSidePanel *self, const WmSummary *summary)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL, *escaped = NULL, *text = NULL;

  if (summary != NULL && summary->filter.anchor != NULL)
    g_ptr_array_add (parts, g_strdup (summary->filter.anchor));
  if (summary != NULL && summary->filter.fyear != 0)
    g_ptr_array_add (parts, g_strdup_printf ("%d/%02d", summary->filter.fyear,
                                             (summary->filter.fyear + 1) % 100));
  if (summary != NULL && summary->filter.sector != NULL)
    g_ptr_array_add (parts, g_strdup (summary->filter.sector));
  if (summary != NULL && summary->filter.kind != NULL)
    /* Translators: a filter in the side panel's note, e.g. "suppliers: sme" */
    g_ptr_array_add (parts, g_strdup_printf (_ ("suppliers: %s"), summary->filter.kind));
  if (parts->len == 0)
    {
      adw_preferences_group_set_description (self->shares_group, self->shares_description);
      return;
    }
  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv (" · ", (char **) parts->pdata);
  escaped = g_markup_escape_text (joined, -1); /* the description is markup */
  /* Translators: the side panel's figures follow the filters; %s lists them, e.g. "2023/24 ·
   * ICT & telecoms" */
  text = g_strdup_printf (_ ("Only the spend of %s (the filters above). %s"), escaped,
                          self->shares_description);
  adw_preferences_group_set_description (self->shares_group, text);
}

/* A bar chart of share rows: one bar per row, its length the row's total against the largest,
 * split into local / regional / leaked / unlocated. Rows beyond @max_rows are summed. */
typedef struct
{
  char    *label;
  gint64   parts[5]; /* local, regional, leaked, unlocated (with unset), public bodies */
  gint64   total;
  gboolean rest;
} ChartRow;

static void
chart_rows_free (GArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    g_free (g_array_index (rows, ChartRow, i).label);
  g_array_unref (rows);
}

/* Public bodies: Okabe-Ito sky blue, beside the place colours (green, orange, purple). */
static const double public_rgb[3] = { 0.34, 0.71, 0.91 };

static void
draw_chart (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  GArray     *rows = data;
  const char *places[] = { "local", "regional", "leaked" };
  double      label_w = MIN (150, width * 0.42), bar_w = width - label_w - 80, max = 1;
  GtkWidget  *widget = GTK_WIDGET (area);

  /* The last row may be the sum of the rest: it is given as a figure, not drawn to scale, so
   * that it does not flatten every other bar. */
  for (guint i = 0; i < rows->len; i++)
    if (!g_array_index (rows, ChartRow, i).rest)
      max = MAX (max, (double) g_array_index (rows, ChartRow, i).total);
  for (guint i = 0; i < rows->len; i++)
    {
      const ChartRow *r = &g_array_index (rows, ChartRow, i);
      double          y = 8 + i * 24, x = label_w + 8;
      g_autoptr (PangoLayout) name = gtk_widget_create_pango_layout (widget, r->label);
      g_autofree char *amount = wm_format_pounds_short (r->total);
      g_autoptr (PangoLayout) figure = gtk_widget_create_pango_layout (widget, amount);

      pango_layout_set_width (name, (int) (label_w - 12) * PANGO_SCALE);
      pango_layout_set_ellipsize (name, PANGO_ELLIPSIZE_END);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      cairo_move_to (cr, 10, y);
      pango_cairo_show_layout (cr, name);
      for (guint k = 0; k < 5 && !r->rest; k++)
        {
          double rgb[3] = { 0.72, 0.72, 0.72 };
          double w = bar_w * MAX (r->parts[k], 0) / max;

          if (k < 3)
            wm_render_place_rgb (places[k], rgb);
          else if (k == 4)
            memcpy (rgb, public_rgb, sizeof rgb);
          cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
          cairo_rectangle (cr, x, y + 2, w, 14);
          cairo_fill (cr);
          x += w;
        }
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      cairo_move_to (cr, x + 6, y);
      pango_cairo_show_layout (cr, figure);
    }
}

static void
set_chart (GtkDrawingArea *area, const WmSummary *summary, guint max_rows)
{
  GArray  *rows = g_array_new (FALSE, TRUE, sizeof (ChartRow));
  ChartRow other = { 0 };
  guint    n_other = 0;

  for (guint i = 0; summary != NULL && i < summary->rows->len; i++)
    {
      const WmShareRow *s = summary->rows->pdata[i];
      ChartRow          r = { NULL,
                              { s->local, s->regional, s->leaked, s->unlocated + s->unclassified,
                                s->public_bodies },
                              s->total };

      if (i < max_rows)
        {
          g_array_append_val (rows, r);
          g_array_index (rows, ChartRow, rows->len - 1).label
              = g_strdup (s->label ? s->label : s->key);
          continue;
        }
      for (guint k = 0; k < 5; k++)
        other.parts[k] += r.parts[k];
      other.total += r.total;
      n_other++;
    }
  if (n_other > 0)
    {
      /* Translators: the last row of a bar chart, summing the rows not drawn. */
      other.label = g_strdup_printf (_ ("and %u more"), n_other);
      other.rest = TRUE;
      g_array_append_val (rows, other);
    }
  gtk_drawing_area_set_content_height (area, (int) (16 + rows->len * 24));
  gtk_drawing_area_set_draw_func (area, draw_chart, rows, (GDestroyNotify) chart_rows_free);
  /* cppcheck-suppress memleak ; other.label belongs to rows, freed by chart_rows_free */
}

void
wm_side_panel_set_data (WmSidePanel     *self,
                        const WmSummary *by_anchor,
                        const WmSummary *by_year,
                        const WmSummary *by_sector,
                        const WmSummary *by_kind,
                        GPtrArray       *unmatched)
{
  g_return_if_fail (WM_IS_SIDE_PANEL (self));
  set_filter_note (self, by_anchor);
  clear_list (self->anchors_list);
  if (by_anchor != NULL)
    {
      gtk_list_box_append (self->anchors_list, share_row_new (self, &by_anchor->overall, TRUE));
      for (guint i = 0; i < by_anchor->rows->len; i++)
        gtk_list_box_append (self->anchors_list,
                             share_row_new (self, by_anchor->rows->pdata[i], FALSE));
    }

  set_chart (self->sector_chart, by_sector, 12);
  set_chart (self->kind_chart, by_kind, 8);

  g_list_store_remove_all (self->wards);
  for (guint i = 0; by_anchor && i < by_anchor->wards->len; i++)
    {
      const WmWardRow *w = by_anchor->wards->pdata[i];
      WmWardItem      *item = g_object_new (WM_TYPE_WARD_ITEM, NULL);

      item->code = g_strdup (w->code);
      item->name = g_strdup (w->name ? w->name : w->code);
      item->role = g_strdup (w->role);
      item->received = w->received;
      item->suppliers = w->suppliers;
      item->decile = w->imd_decile;
      g_list_store_append (self->wards, item);
      g_object_unref (item);
    }

  clear_list (self->unlocated_list);
  for (guint i = 0; unmatched && i < MIN (unmatched->len, 40); i++)
    {
      const WmUnmatchedRow *r = unmatched->pdata[i];
      GtkWidget            *row = adw_action_row_new ();
      GtkWidget            *amount = gtk_label_new (NULL);
      g_autofree char      *pounds = wm_format_pounds (r->amount);
      g_autofree char      *subtitle = NULL;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->name);
      /* Translators: why the supplier is not placed, then its number of spend lines. */
      subtitle = g_strdup_printf (_ ("%s · %lld lines"), r->why, (long long) r->lines);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_label_set_text (GTK_LABEL (amount), pounds);
      gtk_widget_add_css_class (amount, "share-figures");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), amount);
      if (r->supplier_id > 0)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), locate_button_new (self, r));
      gtk_list_box_append (self->unlocated_list, row);
    }
  if (unmatched != NULL)
    {
      g_autofree char *title
          = g_strdup_printf (_ ("Unlocated suppliers (%u, largest first)"), unmatched->len);
      adw_preferences_group_set_title (self->unlocated_group, title);
    }
}

void
wm_side_panel_get_filter (WmSidePanel *self, WmMapFilter *filter)
{
  guint anchor = adw_combo_row_get_selected (self->anchor_row);
  guint year = adw_combo_row_get_selected (self->year_row);
  guint kind = adw_combo_row_get_selected (self->kind_row);
  guint sector = adw_combo_row_get_selected (self->sector_row);

  memset (filter, 0, sizeof *filter);
  g_clear_pointer (&self->sector, g_free);
  if (sector != GTK_INVALID_LIST_POSITION && sector > 0)
    self->sector = g_strdup (gtk_string_list_get_string (self->sectors, sector));
  filter->sector = self->sector;
  g_clear_pointer (&self->anchor, g_free);
  if (anchor != GTK_INVALID_LIST_POSITION && anchor > 0)
    self->anchor = g_strdup (gtk_string_list_get_string (self->anchors, anchor));
  filter->anchor = self->anchor;
  if (year != GTK_INVALID_LIST_POSITION && year > 0)
    filter->fyear = atoi (gtk_string_list_get_string (self->years, year));
  if (kind != GTK_INVALID_LIST_POSITION && kind > 0 && kind < G_N_ELEMENTS (kinds))
    filter->kind = kinds[kind][0];
}

void
wm_side_panel_set_sector (WmSidePanel *self, const char *sector)
{
  guint n, selected = 0;

  g_return_if_fail (WM_IS_SIDE_PANEL (self));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sectors));
  for (guint i = 1; sector && i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->sectors, i), sector) == 0)
      selected = i;
  adw_combo_row_set_selected (self->sector_row, selected);
}

static guint
find_string (GtkStringList *list, const char *value)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 1; value && i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (list, i), value) == 0)
      return i;
  return 0;
}

void
wm_side_panel_set_filter (WmSidePanel *self, const WmMapFilter *filter, gint64 min_flow)
{
  guint kind = 0, year = 0;
  guint n_years = g_list_model_get_n_items (G_LIST_MODEL (self->years));

  g_return_if_fail (WM_IS_SIDE_PANEL (self));
  /* years are listed as "2023/24" */
  for (guint i = 1; filter->fyear && i < n_years; i++)
    if (atoi (gtk_string_list_get_string (self->years, i)) == filter->fyear)
      year = i;
  for (guint i = 1; filter->kind && i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i][0], filter->kind) == 0)
      kind = i;
  self->updating = TRUE;
  adw_combo_row_set_selected (self->anchor_row, find_string (self->anchors, filter->anchor));
  adw_combo_row_set_selected (self->sector_row, find_string (self->sectors, filter->sector));
  adw_combo_row_set_selected (self->year_row, year);
  adw_combo_row_set_selected (self->kind_row, kind);
  gtk_spin_button_set_value (self->min_flow_spin, min_flow / 100.0);
  self->updating = FALSE;
  g_signal_emit (self, signals[FILTER_CHANGED], 0);
}

gint64
wm_side_panel_get_min_flow (WmSidePanel *self)
{
  return (gint64) (gtk_spin_button_get_value (self->min_flow_spin) * 100);
}

static void
setup_label (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer numeric)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1 : 0);
  if (numeric)
    gtk_widget_add_css_class (label, "share-figures");
  else
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer column)
{
  WmWardItem      *item = gtk_list_item_get_item (list_item);
  GtkLabel        *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  g_autofree char *text = NULL;

  switch (GPOINTER_TO_INT (column))
    {
    case WARD_PROP_NAME:
      text = g_strdup_printf ("%s%s", item->name, g_strcmp0 (item->role, "local") == 0 ? " ●" : "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), item->code);
      break;
    case WARD_PROP_RECEIVED:
      text = wm_format_pounds_short (item->received);
      break;
    case WARD_PROP_DECILE:
      text = item->decile > 0 ? g_strdup_printf ("%d", item->decile) : g_strdup ("–");
      break;
    default:
      text = g_strdup_printf ("%" G_GINT64_FORMAT, item->suppliers);
    }
  gtk_label_set_text (label, text);
}

static void
add_column (WmSidePanel *self, const char *title, int prop, gboolean expand)
{
  GtkListItemFactory  *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  GtkSorter           *sorter;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_label),
                    GINT_TO_POINTER (prop != WARD_PROP_NAME));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (prop));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  if (!expand)
    gtk_column_view_column_set_fixed_width (column, prop == WARD_PROP_DECILE ? 56 : 84);
  if (prop == WARD_PROP_NAME)
    sorter = GTK_SORTER (
        gtk_string_sorter_new (gtk_property_expression_new (WM_TYPE_WARD_ITEM, NULL, "name")));
  else
    sorter = GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (
        WM_TYPE_WARD_ITEM, NULL, g_param_spec_get_name (ward_props[prop]))));
  gtk_column_view_column_set_sorter (column, sorter);
  g_object_unref (sorter);
  gtk_column_view_append_column (self->ward_view, column);
  g_object_unref (column);
}

static void
wm_side_panel_dispose (GObject *object)
{
  WmSidePanel *self = WM_SIDE_PANEL (object);
  GtkWidget   *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), WM_TYPE_SIDE_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->anchors);
  g_clear_object (&self->sectors);
  g_clear_object (&self->years);
  g_clear_object (&self->kinds);
  g_clear_object (&self->wards);
  G_OBJECT_CLASS (wm_side_panel_parent_class)->dispose (object);
}

static void
wm_side_panel_finalize (GObject *object)
{
  WmSidePanel *self = WM_SIDE_PANEL (object);

  g_free (self->anchor);
  g_free (self->sector);
  g_free (self->kind);
  g_free (self->shares_description);
  G_OBJECT_CLASS (wm_side_panel_parent_class)->finalize (object);
}

static void
wm_side_panel_class_init (WmSidePanelClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wm_side_panel_dispose;
  object_class->finalize = wm_side_panel_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wealthmap/Wealthmap/ui/wm-side-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, anchor_row);
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, year_row);
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, kind_row);
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, sector_row);
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, min_flow_spin);
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, anchors_list);
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, shares_group);
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, sector_chart);
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, kind_chart);
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, ward_view);
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, unlocated_list);
  gtk_widget_class_bind_template_child (widget_class, WmSidePanel, unlocated_group);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_report_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_ward_activate);
  signals[FILTER_CHANGED] = g_signal_new ("filter-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[LOCATE_SUPPLIER]
      = g_signal_new ("locate-supplier", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);
  signals[ANCHOR_ACTIVATED]
      = g_signal_new ("anchor-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[WARD_ACTIVATED]
      = g_signal_new ("ward-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The Report button of the ward table: the ward's code. */
  signals[WARD_REPORT] = g_signal_new ("ward-report", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
wm_side_panel_init (WmSidePanel *self)
{
  GtkSortListModel *sorted;
  GtkSorter        *sorter;
  g_autoptr (GtkSelectionModel) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->shares_description = g_strdup (adw_preferences_group_get_description (self->shares_group));
  self->wards = g_list_store_new (WM_TYPE_WARD_ITEM);
  self->anchors = gtk_string_list_new (NULL);
  self->sectors = gtk_string_list_new (NULL);
  gtk_string_list_append (self->sectors, _ ("All sectors"));
  adw_combo_row_set_model (self->sector_row, G_LIST_MODEL (self->sectors));
  self->years = gtk_string_list_new (NULL);
  self->kinds = gtk_string_list_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_string_list_append (self->kinds, _ (kinds[i][1]));
  adw_combo_row_set_model (self->anchor_row, G_LIST_MODEL (self->anchors));
  adw_combo_row_set_model (self->year_row, G_LIST_MODEL (self->years));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (self->kinds));
  g_signal_connect_swapped (self->anchor_row, "notify::selected", G_CALLBACK (on_filter_changed),
                            self);
  g_signal_connect_swapped (self->year_row, "notify::selected", G_CALLBACK (on_filter_changed),
                            self);
  g_signal_connect_swapped (self->sector_row, "notify::selected", G_CALLBACK (on_filter_changed),
                            self);
  g_signal_connect_swapped (self->kind_row, "notify::selected", G_CALLBACK (on_filter_changed),
                            self);

  /* Translators: the ward table's column headings ("IMD": the deprivation decile). */
  add_column (self, _ ("Ward"), WARD_PROP_NAME, TRUE);
  add_column (self, _ ("Received"), WARD_PROP_RECEIVED, FALSE);
  add_column (self, _ ("IMD"), WARD_PROP_DECILE, FALSE);
  add_column (self, _ ("Suppliers"), WARD_PROP_SUPPLIERS, FALSE);
  sorter = gtk_column_view_get_sorter (self->ward_view);
  sorted
      = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->wards)), g_object_ref (sorter));
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (sorted)));
  gtk_column_view_set_model (self->ward_view, selection);
}
