/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wm-gaps-panel.h"

#include <glib/gi18n.h>
#include <math.h>

#include "app/map/wm-render.h"

#define CHART_ROWS 10
#define CHART_ROW_HEIGHT 24
#define SITES_SHOWN 5

/* One gap, boxed for the table's model; the row belongs to the panel's WmGaps. */
#define WM_TYPE_GAP_ITEM (wm_gap_item_get_type ())
G_DECLARE_FINAL_TYPE (WmGapItem, wm_gap_item, WM, GAP_ITEM, GObject)

struct _WmGapItem
{
  GObject         parent_instance;
  const WmGapRow *row;
};

G_DEFINE_FINAL_TYPE (WmGapItem, wm_gap_item, G_TYPE_OBJECT)

static void
wm_gap_item_class_init (WmGapItemClass *klass)
{
}

static void
wm_gap_item_init (WmGapItem *self)
{
}

struct _WmGapsPanel
{
  GtkWidget parent_instance;

  AdwViewStack        *stack;
  GtkStack            *gaps_state;
  AdwStatusPage       *gaps_status;
  GtkLabel            *gaps_summary;
  GtkDrawingArea      *chart;
  GtkColumnView       *table;
  AdwPreferencesGroup *sector_group;
  GtkListBox          *leakers;
  AdwPreferencesGroup *sites_group;
  GtkListBox          *sites_list;
  GtkSpinButton       *anchor_weight;
  GtkSpinButton       *local_weight;
  AdwComboRow         *scenario_sector;
  GtkScale            *shift_scale;
  GtkScale            *respend2_scale;
  GtkScale            *respend3_scale;
  GtkSpinButton       *per_job_spin;
  GtkLabel            *scenario_headline;
  GtkLabel            *scenario_detail;
  GtkLabel            *round1_label;
  GtkLabel            *round2_label;
  GtkLabel            *round3_label;
  GtkLabel            *lm3_label;
  GtkLabel            *jobs_label;
  GtkDrawingArea      *share_chart;

  WmProject          *project;
  char               *domain;
  WmGaps             *gaps;
  WmScenarioBase     *base;
  WmSites            *sites;
  WmScenario         *scenario;
  GListStore         *store;
  GtkSingleSelection *selection;
  GtkStringList      *scenario_sectors;
  GCancellable       *load_cancellable;
  GCancellable       *sites_cancellable;
  char               *sector; /* selected, or NULL */
  gboolean            loading;
  gboolean            sites_loading;
  gboolean            updating; /* setting widgets from code: no feedback loops */
};

G_DEFINE_FINAL_TYPE (WmGapsPanel, wm_gaps_panel, GTK_TYPE_WIDGET)

enum
{
  SECTOR_SELECTED,
  SITES_CHANGED,
  SHOW_LINES,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  COL_RANK,
  COL_SECTOR,
  COL_LEAKED,
  COL_SHARE,
  COL_ANCHORS,
  COL_LOCAL,
  COL_SCORE,
};

static void load (WmGapsPanel *self);
static void load_sites (WmGapsPanel *self);
static void update_scenario (WmGapsPanel *self);

/* ---- gaps: loading ---------------------------------------------------------------------- */

typedef struct
{
  WmGaps         *gaps;
  WmScenarioBase *base;
} Loaded;

static void
loaded_free (Loaded *l)
{
  g_clear_pointer (&l->gaps, wm_gaps_free);
  g_clear_pointer (&l->base, wm_scenario_base_free);
  g_free (l);
}

static void
load_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  WmProject *project = data;
  Loaded    *l = g_new0 (Loaded, 1);
  GError    *error = NULL;

  l->gaps = wm_project_gaps (project, NULL, &error);
  if (l->gaps != NULL)
    l->base = wm_project_scenario_base (project, &error);
  if (l->base == NULL)
    {
      loaded_free (l);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, l, (GDestroyNotify) loaded_free);
}

static char *
pounds_short (gint64 pence)
{
  return wm_format_pounds_short (pence);
}

static void
fill_table (WmGapsPanel *self)
{
  g_autofree char *keep = g_strdup (self->sector);
  guint            selected = GTK_INVALID_LIST_POSITION;

  self->updating = TRUE;
  g_list_store_remove_all (self->store);
  for (guint i = 0; self->gaps && i < self->gaps->rows->len; i++)
    {
      WmGapItem *item = g_object_new (WM_TYPE_GAP_ITEM, NULL);

      item->row = self->gaps->rows->pdata[i];
      if (keep && g_strcmp0 (item->row->sector, keep) == 0)
        selected = i;
      g_list_store_append (self->store, item);
      g_object_unref (item);
    }
  gtk_single_selection_set_selected (self->selection, selected);
  self->updating = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

static void
fill_summary (WmGapsPanel *self)
{
  g_autofree char *infl = pounds_short (self->gaps->influenceable);
  g_autofree char *leaked = pounds_short (self->gaps->leaked);
  g_autofree char *text = NULL;
  gint64           excluded = 0;

  for (guint i = 0; i < self->gaps->excluded->len; i++)
    excluded += ((WmExcludedRow *) self->gaps->excluded->pdata[i])->amount;
  {
    g_autofree char *not_infl = pounds_short (excluded);

    /* Translators: the £ influenceable, the £ leaked, the leaked share and the £ left out.
     * Keep the <b> markup. */
    text = g_strdup_printf (
        _ ("%s of influenceable spend; <b>%s leaked</b> out of the region (%.0f%%)."
           " %s is not influenceable (public bodies, tax, grants, pay, national"
           " contracts) and is left out."),
        infl, leaked,
        self->gaps->influenceable > 0 ? 100.0 * self->gaps->leaked / self->gaps->influenceable
                                      : 0.0,
        not_infl);
  }
  gtk_label_set_markup (self->gaps_summary, text);
}

static void
fill_scenario_sectors (WmGapsPanel *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->scenario_sectors));

  self->updating = TRUE;
  gtk_string_list_splice (self->scenario_sectors, 1, n - 1, NULL);
  for (guint i = 0; self->gaps && i < self->gaps->rows->len; i++)
    {
      const WmGapRow *r = self->gaps->rows->pdata[i];

      if (r->leaked > 0)
        gtk_string_list_append (self->scenario_sectors, r->sector);
    }
  adw_combo_row_set_selected (self->scenario_sector, 0);
  self->updating = FALSE;
}

static void
load_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  WmGapsPanel *self;
  g_autoptr (GError) error = NULL;
  Loaded *l = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WM_GAPS_PANEL (object);
  self->loading = FALSE;
  g_clear_pointer (&self->gaps, wm_gaps_free);
  g_clear_pointer (&self->base, wm_scenario_base_free);
  if (l == NULL)
    {
      adw_status_page_set_title (self->gaps_status, _ ("Gaps Unavailable"));
      adw_status_page_set_description (self->gaps_status, error->message);
      gtk_stack_set_visible_child_name (self->gaps_state, "empty");
      fill_table (self);
      return;
    }
  self->gaps = g_steal_pointer (&l->gaps);
  self->base = g_steal_pointer (&l->base);
  loaded_free (l);
  self->updating = TRUE;
  gtk_spin_button_set_value (self->anchor_weight, self->gaps->weights.anchor_weight);
  gtk_spin_button_set_value (self->local_weight, self->gaps->weights.local_weight);
  self->updating = FALSE;
  if (self->gaps->rows->len == 0 || !self->gaps->place_set)
    {
      adw_status_page_set_title (self->gaps_status, _ ("No Gaps Yet"));
      adw_status_page_set_description (
          self->gaps_status,
          self->gaps->place_set
              ? _ ("The project has no influenceable spend: import anchors' spend files.")
              : _ ("Choose the local area and the region first (Place…): a gap is spend that leaks"
                   " out of the region."));
      gtk_stack_set_visible_child_name (self->gaps_state, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->gaps_state, "gaps");
  fill_summary (self);
  fill_scenario_sectors (self);
  fill_table (self);
  update_scenario (self);
  if (self->sector != NULL)
    load_sites (self);
}

static void
load (WmGapsPanel *self)
{
  g_autoptr (GTask) task = NULL;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->project == NULL)
    {
      g_clear_pointer (&self->gaps, wm_gaps_free);
      g_clear_pointer (&self->base, wm_scenario_base_free);
      fill_table (self);
      gtk_stack_set_visible_child_name (self->gaps_state, "empty");
      return;
    }
  self->loading = TRUE;
  self->load_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->load_cancellable, load_done, NULL);
  g_task_set_task_data (task, g_object_ref (self->project), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

/* ---- the chart -------------------------------------------------------------------------- */

/* A chart label in the widget's font and colour, centred in a row @row_h high at @y: from @x,
 * or ending at @x when @right; ellipsized at @max_w when above 0. */
static void
chart_text (GtkWidget  *widget,
            cairo_t    *cr,
            const char *text,
            double      x,
            double      y,
            double      row_h,
            double      max_w,
            gboolean    bold,
            gboolean    right)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  GdkRGBA fg;
  int     w, h;

  if (bold)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  if (max_w > 0)
    {
      pango_layout_set_width (layout, (int) (max_w * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_move_to (cr, right ? x - w : x, y + (row_h - h) / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_chart (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  WmGapsPanel *self = data;
  GtkWidget   *widget = GTK_WIDGET (area);
  GdkRGBA      fg;
  double       leaked_rgb[3], label_w = MIN (170, width * 0.42), value_w = 58;
  gint64       max = 1;
  guint        n;

  if (self->gaps == NULL)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  wm_render_place_rgb ("leaked", leaked_rgb);
  n = MIN (CHART_ROWS, self->gaps->rows->len);
  for (guint i = 0; i < n; i++)
    max = MAX (max, ((WmGapRow *) self->gaps->rows->pdata[i])->leaked);
  for (guint i = 0; i < n; i++)
    {
      const WmGapRow  *r = self->gaps->rows->pdata[i];
      double           y = i * CHART_ROW_HEIGHT;
      double           bar = MAX (0, (width - label_w - value_w - 8) * r->leaked / (double) max);
      g_autofree char *label = g_strdup_printf ("%d  %s", r->rank, r->sector);
      g_autofree char *value = pounds_short (r->leaked);

      if (g_strcmp0 (r->sector, self->sector) == 0)
        {
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.10);
          cairo_rectangle (cr, 0, y, width, CHART_ROW_HEIGHT);
          cairo_fill (cr);
        }
      chart_text (widget, cr, label, 0, y, CHART_ROW_HEIGHT, label_w - 6, FALSE, FALSE);
      cairo_set_source_rgb (cr, leaked_rgb[0], leaked_rgb[1], leaked_rgb[2]);
      cairo_rectangle (cr, label_w, y + 4, bar, CHART_ROW_HEIGHT - 8);
      cairo_fill (cr);
      chart_text (widget, cr, value, label_w + bar + 6, y, CHART_ROW_HEIGHT, -1, FALSE, FALSE);
    }
  if (gtk_drawing_area_get_content_height (area) != (int) (n * CHART_ROW_HEIGHT))
    gtk_drawing_area_set_content_height (area, (int) (MAX (n, 1) * CHART_ROW_HEIGHT));
}

static void
on_chart_pressed (GtkGestureClick *gesture, int n_press, double x, double y, WmGapsPanel *self)
{
  guint i = (guint) (y / CHART_ROW_HEIGHT);

  if (self->gaps != NULL && y >= 0 && i < MIN (CHART_ROWS, self->gaps->rows->len))
    gtk_single_selection_set_selected (self->selection, i);
}

/* ---- the table -------------------------------------------------------------------------- */

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer column)
{
  GtkWidget *label = gtk_label_new (NULL);
  int        c = GPOINTER_TO_INT (column);

  gtk_label_set_xalign (GTK_LABEL (label), c == COL_SECTOR ? 0 : 1);
  if (c == COL_SECTOR)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  else
    gtk_widget_add_css_class (label, "share-figures");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer column)
{
  WmGapItem       *item = gtk_list_item_get_item (list_item);
  const WmGapRow  *r = item->row;
  GtkLabel        *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  g_autofree char *text = NULL;
  g_autofree char *tip = NULL;

  switch (GPOINTER_TO_INT (column))
    {
    case COL_RANK:
      text = g_strdup_printf ("%d", r->rank);
      break;
    case COL_SECTOR:
      text = g_strdup (r->sector);
      tip = g_strdup_printf (_ ("Bought by: %s"), r->anchors ? r->anchors : _ ("none"));
      break;
    case COL_LEAKED:
      text = pounds_short (r->leaked);
      break;
    case COL_SHARE:
      text = r->total > 0 ? g_strdup_printf ("%.0f%%", 100.0 * r->leaked / r->total)
                          : g_strdup ("–");
      break;
    case COL_ANCHORS:
      text = g_strdup_printf ("%d", r->anchors_buying);
      break;
    case COL_LOCAL:
      text = g_strdup_printf ("%d", r->local_firms);
      tip = g_strdup (_ ("Local suppliers paid in the sector, or in the supplier directory with a "
                         "SIC code of it"));
      break;
    default:
      text = pounds_short ((gint64) llround (r->score * 100));
      break;
    }
  gtk_label_set_text (label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), tip);
}

static void
add_column (WmGapsPanel *self, const char *title, int column, gboolean expand)
{
  GtkListItemFactory  *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *c;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  c = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (c, expand);
  gtk_column_view_append_column (self->table, c);
  g_object_unref (c);
}

/* ---- the selected sector ---------------------------------------------------------------- */

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
figure_row (const char *title, const char *subtitle, const char *figure)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (figure);
  char      *escaped = g_markup_escape_text (title, -1);

  /* An AdwPreferencesRow's title is markup: supplier names carry "&". */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  g_free (escaped);
  if (subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "share-figures");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static const WmGapRow *
selected_row (WmGapsPanel *self)
{
  WmGapItem *item = gtk_single_selection_get_selected_item (self->selection);

  return item ? item->row : NULL;
}

static void
fill_sector (WmGapsPanel *self)
{
  const WmGapRow  *r = selected_row (self);
  g_autofree char *title = NULL, *description = NULL, *leaked = NULL, *total = NULL;
  g_autofree char *anchors = NULL, *bought = NULL, *firms = NULL;
  g_auto (GStrv) split = NULL;

  clear_list (self->leakers);
  gtk_widget_set_visible (GTK_WIDGET (self->sector_group), r != NULL);
  if (r == NULL)
    return;
  leaked = pounds_short (r->leaked);
  total = pounds_short (r->total);
  title = g_markup_escape_text (r->sector, -1);
  split = r->anchors ? g_strsplit (r->anchors, ",", -1) : NULL;
  anchors = split ? g_strjoinv (", ", split) : g_strdup ("");
  /* Translators: part of a sector's description; %s lists the anchors' names. */
  bought = g_strdup_printf (g_dngettext (NULL, "bought by %d anchor (%s)",
                                         "bought by %d anchors (%s)", r->anchors_buying),
                            r->anchors_buying, anchors);
  /* Translators: part of a sector's description. */
  firms = g_strdup_printf (g_dngettext (NULL, "%d local firm in the sector",
                                        "%d local firms in the sector", r->local_firms),
                           r->local_firms);
  /* Translators: a sector's description: the £ leaked, the £ influenceable, "bought by N
   * anchors (…)" and "N local firms in the sector". */
  description
      = g_strdup_printf (_ ("%s leaked of %s influenceable; %s; %s. The largest leaked suppliers:"),
                         leaked, total, bought, firms);
  adw_preferences_group_set_title (self->sector_group, title);
  adw_preferences_group_set_description (self->sector_group, description);
  for (guint i = 0; r->top_leaked && i < r->top_leaked->len; i++)
    {
      const WmNamedAmount *n = r->top_leaked->pdata[i];
      g_autofree char     *amount = wm_format_pounds (n->amount);

      gtk_list_box_append (self->leakers, figure_row (n->name, NULL, amount));
    }
  if (r->top_leaked == NULL || r->top_leaked->len == 0)
    gtk_list_box_append (self->leakers, figure_row (_ ("No leaked supplier"), NULL, ""));
}

static const char *
domain_name (const char *domain)
{
  /* Translators: these follow "wards ranked by". */
  static const char *const names[][2] = {
    { "imd", N_ ("multiple deprivation (IMD)") },    { "income", N_ ("income deprivation") },
    { "employment", N_ ("employment deprivation") }, { "education", N_ ("education deprivation") },
    { "health", N_ ("health deprivation") },         { "crime", N_ ("crime") },
    { "barriers", N_ ("barriers to housing") },      { "living", N_ ("living environment") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (domain, names[i][0]) == 0)
      return _ (names[i][1]);
  return _ ("deprivation");
}

static void
fill_sites (WmGapsPanel *self, const char *error)
{
  clear_list (self->sites_list);
  gtk_widget_set_visible (GTK_WIDGET (self->sites_group), self->sector != NULL);
  if (self->sector == NULL)
    return;
  if (error != NULL)
    {
      adw_preferences_group_set_description (self->sites_group, error);
      return;
    }
  if (self->sites == NULL)
    {
      adw_preferences_group_set_description (self->sites_group, _ ("Ranking the wards…"));
      return;
    }
  {
    /* Translators: %s is a deprivation domain ("income deprivation"…); the figures are the
     * weights of the three criteria. */
    g_autofree char *description = g_strdup_printf (
        self->sites->local_only
            ? _ (
                "The local area's wards ranked by %s (weight %.1f), nearness to the anchors buying "
                "in the sector (%.1f) and the absence of suppliers of it already (%.1f). Marked "
                "on the map with their rank.")
            : _ ("All wards ranked by %s (weight %.1f), nearness to the anchors buying in the "
                 "sector (%.1f) and the absence of suppliers of it already (%.1f). Marked on the "
                 "map with their rank."),
        domain_name (self->sites->domain), self->sites->weights.deprivation_weight,
        self->sites->weights.proximity_weight, self->sites->weights.vacancy_weight);
    adw_preferences_group_set_description (self->sites_group, description);
  }
  for (guint i = 0; i < MIN (SITES_SHOWN, self->sites->rows->len); i++)
    {
      const WmSiteRow *s = self->sites->rows->pdata[i];
      g_autofree char *title = g_strdup_printf ("%u  %s", i + 1, s->name);
      g_autofree char *subtitle = NULL;
      g_autofree char *score = g_strdup_printf ("%.2f", s->score);

      subtitle = g_strdup_printf (
          g_dngettext (
              NULL, "Decile %d of England · %.0f km from the anchors · %d supplier of the sector",
              "Decile %d of England · %.0f km from the anchors · %d suppliers of the sector",
              s->suppliers),
          s->decile, s->distance_km, s->suppliers);
      gtk_list_box_append (self->sites_list, figure_row (title, subtitle, score));
    }
}

static void
sites_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  WmGapsPanel *self = source;
  char       **args = data; /* sector, domain */
  GError      *error = NULL;
  WmSites     *sites = wm_project_sites (self->project, args[0], args[1], NULL, &error);

  if (sites == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sites, (GDestroyNotify) wm_sites_free);
}

static void
sites_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  WmGapsPanel *self;
  g_autoptr (GError) error = NULL;
  WmSites *sites = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WM_GAPS_PANEL (object);
  self->sites_loading = FALSE;
  g_clear_pointer (&self->sites, wm_sites_free);
  self->sites = sites;
  fill_sites (self, error ? error->message : NULL);
  g_signal_emit (self, signals[SITES_CHANGED], 0);
}

static void
load_sites (WmGapsPanel *self)
{
  g_autoptr (GTask) task = NULL;
  char **args;

  g_cancellable_cancel (self->sites_cancellable);
  g_clear_object (&self->sites_cancellable);
  g_clear_pointer (&self->sites, wm_sites_free);
  self->sites_loading = FALSE;
  fill_sites (self, NULL);
  g_signal_emit (self, signals[SITES_CHANGED], 0);
  if (self->sector == NULL || self->project == NULL)
    return;
  args = g_new0 (char *, 3);
  args[0] = g_strdup (self->sector);
  args[1] = g_strdup (self->domain);
  self->sites_cancellable = g_cancellable_new ();
  self->sites_loading = TRUE;
  task = g_task_new (self, self->sites_cancellable, sites_done, NULL);
  g_task_set_task_data (task, args, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, sites_thread);
}

static void
on_selection_changed (WmGapsPanel *self)
{
  const WmGapRow *r = selected_row (self);

  if (self->updating && r != NULL && g_strcmp0 (r->sector, self->sector) == 0)
    {
      fill_sector (self);
      return;
    }
  g_free (self->sector);
  self->sector = r ? g_strdup (r->sector) : NULL;
  fill_sector (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
  /* The scenario follows the sector chosen here. */
  {
    guint n = g_list_model_get_n_items (G_LIST_MODEL (self->scenario_sectors)), pick = 0;

    for (guint i = 1; r && i < n; i++)
      if (g_strcmp0 (gtk_string_list_get_string (self->scenario_sectors, i), r->sector) == 0)
        pick = i;
    adw_combo_row_set_selected (self->scenario_sector, pick);
  }
  load_sites (self);
  g_signal_emit (self, signals[SECTOR_SELECTED], 0, self->sector);
}

static void
on_lines_clicked (WmGapsPanel *self)
{
  if (self->sector != NULL)
    g_signal_emit (self, signals[SHOW_LINES], 0, self->sector);
}

/* ---- weights ---------------------------------------------------------------------------- */

static void
save_weights_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (!wm_project_set_gap_weights (WM_PROJECT (source), data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_weights_changed (WmGapsPanel *self)
{
  WmGapWeights weights;
  g_autoptr (GTask) task = NULL;

  if (self->updating || self->gaps == NULL)
    return;
  weights.anchor_weight = gtk_spin_button_get_value (self->anchor_weight);
  weights.local_weight = gtk_spin_button_get_value (self->local_weight);
  /* Re-ranking is arithmetic on the rows read: no need to read the project again. */
  wm_gaps_rank (self->gaps, &weights);
  fill_table (self);
  /* The weights are the project's settings: saved for the CLI and the next session. */
  task = g_task_new (self->project, NULL, NULL, NULL);
  g_task_set_task_data (task, g_memdup2 (&weights, sizeof weights), g_free);
  g_task_run_in_thread (task, save_weights_thread);
}

/* ---- scenario --------------------------------------------------------------------------- */

static char *
format_value (GtkScale *scale, double value, gpointer data)
{
  return g_strdup_printf ("%.0f%%", value);
}

static void
draw_shares (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  WmGapsPanel *self = data;
  GtkWidget   *widget = GTK_WIDGET (area);
  GdkRGBA      fg;
  double       local_rgb[3], label_w = MIN (150, width * 0.38), y = 0;
  double       max = 0.01;
  int          wanted;

  if (self->scenario == NULL)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  wm_render_place_rgb ("local", local_rgb);
  for (guint i = 0; i < self->scenario->rows->len; i++)
    max = MAX (max, ((WmScenarioRow *) self->scenario->rows->pdata[i])->share_after);
  for (guint i = 0; i < self->scenario->rows->len; i++)
    {
      const WmScenarioRow *r = self->scenario->rows->pdata[i];
      double               bar_w = width - label_w - 110;
      g_autofree char     *figures
          = g_strdup_printf ("%.1f%% → %.1f%%", 100 * r->share_before, 100 * r->share_after);

      chart_text (widget, cr, r->name, 0, y, 28, label_w - 6, i + 1 == self->scenario->rows->len,
                  FALSE);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.35);
      cairo_rectangle (cr, label_w, y + 5, bar_w * r->share_before / max, 8);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, local_rgb[0], local_rgb[1], local_rgb[2]);
      cairo_rectangle (cr, label_w, y + 15, bar_w * r->share_after / max, 8);
      cairo_fill (cr);
      chart_text (widget, cr, figures, width, y, 28, -1, FALSE, TRUE);
      y += 28;
    }
  wanted = (int) MAX (y, 28);
  if (gtk_drawing_area_get_content_height (area) != wanted)
    gtk_drawing_area_set_content_height (area, wanted);
}

static void
update_scenario (WmGapsPanel *self)
{
  g_autoptr (GError) error = NULL;
  double      respend[2];
  guint       picked;
  const char *sectors[2] = { NULL, NULL };

  if (self->updating)
    return;
  g_clear_pointer (&self->scenario, wm_scenario_free);
  if (self->base == NULL)
    {
      gtk_label_set_text (self->scenario_headline, "");
      gtk_label_set_text (self->scenario_detail, "");
      gtk_widget_queue_draw (GTK_WIDGET (self->share_chart));
      return;
    }
  picked = adw_combo_row_get_selected (self->scenario_sector);
  if (picked != GTK_INVALID_LIST_POSITION && picked > 0)
    sectors[0] = gtk_string_list_get_string (self->scenario_sectors, picked);
  respend[0] = gtk_range_get_value (GTK_RANGE (self->respend2_scale)) / 100;
  respend[1] = gtk_range_get_value (GTK_RANGE (self->respend3_scale)) / 100;
  self->scenario
      = wm_scenario_compute (self->base, sectors[0] ? sectors : NULL,
                             gtk_range_get_value (GTK_RANGE (self->shift_scale)) / 100, respend,
                             gtk_spin_button_get_value (self->per_job_spin), &error);
  if (self->scenario == NULL)
    {
      gtk_label_set_text (self->scenario_headline, "");
      gtk_label_set_text (self->scenario_detail, error->message);
      return;
    }
  {
    WmScenario          *sc = self->scenario;
    const WmScenarioRow *all = sc->rows->pdata[sc->rows->len - 1];
    g_autofree char     *effect = wm_format_pounds (sc->round[0] + sc->round[1] + sc->round[2]);
    g_autofree char     *r1 = wm_format_pounds (sc->round[0]);
    g_autofree char     *r2 = wm_format_pounds (sc->round[1]);
    g_autofree char     *r3 = wm_format_pounds (sc->round[2]);
    g_autofree char     *leaked = wm_format_pounds (sc->leaked);
    g_autofree char     *headline = g_strdup_printf (_ ("%s more for the local economy"), effect);
    /* Translators: the share moved, the £ leaked, a sector (or "all sectors") and the local
     * share before and after. Keep the <b> markup. */
    g_autofree char *detail = g_markup_printf_escaped (
        _ ("Moving %.0f%% of the %s leaked from %s to local suppliers: the local share of located"
           " influenceable spend goes from <b>%.1f%% to %.1f%%</b>."),
        100 * sc->shift, leaked, sectors[0] ? sectors[0] : _ ("all sectors"),
        100 * all->share_before, 100 * all->share_after);
    g_autofree char *lm3 = g_strdup_printf ("%.2f", sc->lm3);
    /* Translators: direct jobs / jobs with re-spend, in full-time equivalents. */
    g_autofree char *jobs
        = g_strdup_printf (_ ("%.1f / %.1f FTE"), sc->jobs_direct, sc->jobs_total);

    gtk_label_set_text (self->scenario_headline, headline);
    gtk_label_set_markup (self->scenario_detail, detail);
    gtk_label_set_text (self->round1_label, r1);
    gtk_label_set_text (self->round2_label, r2);
    gtk_label_set_text (self->round3_label, r3);
    gtk_label_set_text (self->lm3_label, lm3);
    gtk_label_set_text (self->jobs_label, jobs);
  }
  gtk_widget_queue_draw (GTK_WIDGET (self->share_chart));
}

/* ---- the widget ------------------------------------------------------------------------- */

static void
wm_gaps_panel_dispose (GObject *object)
{
  WmGapsPanel *self = WM_GAPS_PANEL (object);

  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->sites_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), WM_TYPE_GAPS_PANEL);
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->sites_cancellable);
  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_object (&self->scenario_sectors);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (wm_gaps_panel_parent_class)->dispose (object);
}

static void
wm_gaps_panel_finalize (GObject *object)
{
  WmGapsPanel *self = WM_GAPS_PANEL (object);

  g_clear_pointer (&self->gaps, wm_gaps_free);
  g_clear_pointer (&self->base, wm_scenario_base_free);
  g_clear_pointer (&self->sites, wm_sites_free);
  g_clear_pointer (&self->scenario, wm_scenario_free);
  g_free (self->sector);
  g_free (self->domain);
  G_OBJECT_CLASS (wm_gaps_panel_parent_class)->finalize (object);
}

static void
wm_gaps_panel_class_init (WmGapsPanelClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wm_gaps_panel_dispose;
  object_class->finalize = wm_gaps_panel_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wealthmap/Wealthmap/ui/wm-gaps-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, WmGapsPanel, name)
  BIND (stack);
  BIND (gaps_state);
  BIND (gaps_status);
  BIND (gaps_summary);
  BIND (chart);
  BIND (table);
  BIND (sector_group);
  BIND (leakers);
  BIND (sites_group);
  gtk_widget_class_bind_template_child_full (widget_class, "sites", FALSE,
                                             G_STRUCT_OFFSET (WmGapsPanel, sites_list));
  BIND (anchor_weight);
  BIND (local_weight);
  BIND (scenario_sector);
  BIND (shift_scale);
  BIND (respend2_scale);
  BIND (respend3_scale);
  BIND (per_job_spin);
  BIND (scenario_headline);
  BIND (scenario_detail);
  BIND (round1_label);
  BIND (round2_label);
  BIND (round3_label);
  BIND (lm3_label);
  BIND (jobs_label);
  BIND (share_chart);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_lines_clicked);
  signals[SECTOR_SELECTED]
      = g_signal_new ("sector-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SITES_CHANGED] = g_signal_new ("sites-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SHOW_LINES] = g_signal_new ("show-lines", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
wm_gaps_panel_init (WmGapsPanel *self)
{
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->domain = g_strdup ("imd");
  self->store = g_list_store_new (WM_TYPE_GAP_ITEM);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->store)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (self->selection));
  add_column (self, "#", COL_RANK, FALSE);
  /* Translators: the gaps table's column headings. */
  add_column (self, _ ("Sector"), COL_SECTOR, TRUE);
  add_column (self, _ ("Leaked"), COL_LEAKED, FALSE);
  /* xgettext:no-c-format */
  add_column (self, _ ("% leaked"), COL_SHARE, FALSE);
  add_column (self, _ ("Anchors"), COL_ANCHORS, FALSE);
  add_column (self, _ ("Local"), COL_LOCAL, FALSE);
  add_column (self, _ ("Score"), COL_SCORE, FALSE);
  g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (on_selection_changed),
                            self);

  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_chart_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->chart), GTK_EVENT_CONTROLLER (click));
  g_signal_connect_swapped (self->anchor_weight, "value-changed", G_CALLBACK (on_weights_changed),
                            self);
  g_signal_connect_swapped (self->local_weight, "value-changed", G_CALLBACK (on_weights_changed),
                            self);

  self->scenario_sectors = gtk_string_list_new (NULL);
  gtk_string_list_append (self->scenario_sectors, _ ("All sectors"));
  adw_combo_row_set_model (self->scenario_sector, G_LIST_MODEL (self->scenario_sectors));
  gtk_range_set_value (GTK_RANGE (self->respend2_scale), 100 * WM_RESPEND_2_DEFAULT);
  gtk_range_set_value (GTK_RANGE (self->respend3_scale), 100 * WM_RESPEND_3_DEFAULT);
  gtk_spin_button_set_value (self->per_job_spin, WM_PER_JOB_DEFAULT);
  for (guint i = 0; i < 3; i++)
    {
      GtkScale *scale = i == 0   ? self->shift_scale
                        : i == 1 ? self->respend2_scale
                                 : self->respend3_scale;
      gtk_scale_set_format_value_func (scale, format_value, NULL, NULL);
      g_signal_connect_swapped (scale, "value-changed", G_CALLBACK (update_scenario), self);
    }
  g_signal_connect_swapped (self->per_job_spin, "value-changed", G_CALLBACK (update_scenario),
                            self);
  g_signal_connect_swapped (self->scenario_sector, "notify::selected", G_CALLBACK (update_scenario),
                            self);
  gtk_drawing_area_set_draw_func (self->share_chart, draw_shares, self, NULL);
}

/* ---- API -------------------------------------------------------------------------------- */

void
wm_gaps_panel_set_project (WmGapsPanel *self, WmProject *project)
{
  g_return_if_fail (WM_IS_GAPS_PANEL (self));
  if (project != self->project)
    {
      g_set_object (&self->project, project);
      g_clear_pointer (&self->sector, g_free);
    }
  load (self);
}

void
wm_gaps_panel_set_domain (WmGapsPanel *self, const char *domain)
{
  g_return_if_fail (WM_IS_GAPS_PANEL (self));
  if (g_strcmp0 (domain ? domain : "imd", self->domain) == 0)
    return;
  g_free (self->domain);
  self->domain = g_strdup (domain ? domain : "imd");
  if (self->sector != NULL)
    load_sites (self);
}

void
wm_gaps_panel_select_sector (WmGapsPanel *self, const char *sector)
{
  guint n, pick = GTK_INVALID_LIST_POSITION;

  g_return_if_fail (WM_IS_GAPS_PANEL (self));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  for (guint i = 0; sector && i < n; i++)
    {
      g_autoptr (WmGapItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      if (g_strcmp0 (item->row->sector, sector) == 0)
        pick = i;
    }
  gtk_single_selection_set_selected (self->selection, pick);
}

const char *
wm_gaps_panel_get_sector (WmGapsPanel *self)
{
  g_return_val_if_fail (WM_IS_GAPS_PANEL (self), NULL);
  return self->sector;
}

void
wm_gaps_panel_show_page (WmGapsPanel *self, const char *page)
{
  g_return_if_fail (WM_IS_GAPS_PANEL (self));
  adw_view_stack_set_visible_child_name (self->stack, page);
}

void
wm_gaps_panel_set_scenario (WmGapsPanel *self, double shift, double respend2, double respend3)
{
  g_return_if_fail (WM_IS_GAPS_PANEL (self));
  if (shift >= 0)
    gtk_range_set_value (GTK_RANGE (self->shift_scale), shift);
  if (respend2 >= 0)
    gtk_range_set_value (GTK_RANGE (self->respend2_scale), respend2);
  if (respend3 >= 0)
    gtk_range_set_value (GTK_RANGE (self->respend3_scale), respend3);
}

const WmGaps *
wm_gaps_panel_get_gaps (WmGapsPanel *self)
{
  g_return_val_if_fail (WM_IS_GAPS_PANEL (self), NULL);
  return self->gaps;
}

const WmSites *
wm_gaps_panel_get_sites (WmGapsPanel *self)
{
  g_return_val_if_fail (WM_IS_GAPS_PANEL (self), NULL);
  return self->sites;
}

const WmScenario *
wm_gaps_panel_get_scenario (WmGapsPanel *self)
{
  g_return_val_if_fail (WM_IS_GAPS_PANEL (self), NULL);
  return self->scenario;
}

gboolean
wm_gaps_panel_is_loading (WmGapsPanel *self)
{
  g_return_val_if_fail (WM_IS_GAPS_PANEL (self), FALSE);
  return self->loading || self->sites_loading;
}
