/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wm-report-pdf.h"

#include <cairo-pdf.h>
#include <math.h>

#include "app/core/wm-error.h"
#include "app/core/wm-text.h"

#define MARGIN 36.0
#define INK 0.12, 0.12, 0.12
#define GREY 0.40, 0.40, 0.40

static double
heading (cairo_t *cr, double x, double y, const char *title, double width)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", title);

  cairo_set_source_rgb (cr, INK);
  y += wm_render_text (cr, x, y, markup, 11, width) + 2;
  cairo_set_source_rgb (cr, 0.80, 0.80, 0.80);
  cairo_rectangle (cr, x, y, width, 0.8);
  cairo_fill (cr);
  return y + 5;
}

#define AMOUNT_WIDTH 64.0

/* A row of a table @total wide: cells at the given x offsets; when @right, the last is an
 * amount, right-aligned at @total. Returns the y below it. */
static double
row (cairo_t           *cr,
     double             x,
     double             y,
     double             total,
     const double      *xs,
     const char *const *cells,
     int                n,
     double             size,
     gboolean           right)
{
  double h = 0;

  cairo_set_source_rgb (cr, INK);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *escaped = g_markup_escape_text (cells[i] ? cells[i] : "", -1);
      double           w = (i + 1 < n ? xs[i + 1] : total) - xs[i] - 6;

      if (right && i == n - 2)
        w = total - AMOUNT_WIDTH - xs[i] - 6;

      if (right && i == n - 1)
        {
          g_autofree char *markup
              = g_strdup_printf ("<span font_features='tnum'>%s</span>", escaped);
          g_autoptr (PangoLayout) layout = wm_render_layout (cr, markup, size, 0);
          int lw, lh;

          pango_layout_get_pixel_size (layout, &lw, &lh);
          cairo_move_to (cr, x + total - lw, y);
          pango_cairo_show_layout (cr, layout);
          h = MAX (h, lh);
        }
      else
        h = MAX (h, wm_render_text (cr, x + xs[i], y, escaped, size, w));
    }
  return y + h + 2;
}

static void
decile_chip (cairo_t *cr, double x, double y, int decile)
{
  double rgb[3];
  char   label[4];

  if (decile <= 0)
    {
      cairo_set_source_rgb (cr, GREY);
      wm_render_text (cr, x, y, "–", 9, 0);
      return;
    }
  wm_render_decile_rgb (decile, rgb);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_rectangle (cr, x, y, 18, 12);
  cairo_fill (cr);
  g_snprintf (label, sizeof label, "%d", decile);
  cairo_set_source_rgb (cr, decile >= 7 ? 0.1 : 1, decile >= 7 ? 0.1 : 1, decile >= 7 ? 0.1 : 1);
  wm_render_text (cr, x + (decile == 10 ? 3 : 6), y, label, 9, 0);
}

static int
area_index (const WmScene *scene, const char *code)
{
  const WmMapData *data = wm_scene_get_data (scene);

  for (guint i = 0; i < data->areas->len; i++)
    if (g_strcmp0 (((WmMapArea *) data->areas->pdata[i])->code, code) == 0)
      return (int) i;
  return -1;
}

/* The ward, outlined, with the wards around it, the flows into it and its suppliers. */
static void
draw_map (cairo_t            *cr,
          const WmWardReport *r,
          const WmScene      *scene,
          double              x,
          double              y,
          double              w,
          double              h)
{
  WmRenderOptions options;
  WmMapView       view;
  int             ward = area_index (scene, r->code);
  double          b[4], pad;

  wm_render_options_init (&options);
  options.layers = WM_LAYER_ALL & ~WM_LAYER_LEGEND;
  options.max_flows = 60;
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rectangle (cr, 0, 0, w, h);
  cairo_clip (cr);
  if (ward < 0 || !wm_scene_get_area_extent (scene, (guint) ward, &b[0], &b[1], &b[2], &b[3]))
    {
      cairo_set_source_rgb (cr, 0.95, 0.95, 0.95);
      cairo_paint (cr);
      cairo_set_source_rgb (cr, GREY);
      wm_render_text (cr, 12, 12, "The ward has no boundary in the project.", 10, w - 24);
      cairo_restore (cr);
      return;
    }
  options.marked_areas[0] = ward;
  options.marked_plain = TRUE;
  options.only_ward = r->code;
  pad = MAX (b[2] - b[0], b[3] - b[1]) * 0.9;
  wm_map_view_init_fit (&view, b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad, w, h, 0);
  wm_render_tile_layers (cr, scene, &view, &options);
  wm_render_overlay (cr, scene, &view, &options, NULL);
  wm_render_scale_bar (cr, &view, 10, h - 10);
  cairo_restore (cr);
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (cr, 0.8);
  cairo_rectangle (cr, x, y, w, h);
  cairo_stroke (cr);
}

static double
key_figure (cairo_t *cr, double x, double y, double w, const char *big, const char *small)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", big);
  g_autofree char *note = g_markup_escape_text (small, -1);
  double           h;

  double box;

  /* Measured first, so the box fits its text. */
  cairo_save (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0);
  h = wm_render_text (cr, x + 8, y + 5, markup, 16, w - 16);
  box = 5 + h + 2 + wm_render_text (cr, x + 8, y, note, 8.5, w - 16) + 6;
  cairo_restore (cr);
  cairo_set_source_rgb (cr, 0.95, 0.96, 0.97);
  cairo_rectangle (cr, x, y, w, box);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, INK);
  wm_render_text (cr, x + 8, y + 5, markup, 16, w - 16);
  cairo_set_source_rgb (cr, GREY);
  wm_render_text (cr, x + 8, y + 7 + h, note, 8.5, w - 16);
  return y + box + 6;
}

void
wm_ward_report_draw (cairo_t *cr, const WmWardReport *r, const WmScene *scene)
{
  const double     width = WM_A4_WIDTH - 2 * MARGIN;
  const double     col = 262, right_x = MARGIN + col + 14, right_w = width - col - 14;
  double           y = MARGIN, ry;
  g_autofree char *title = g_markup_printf_escaped ("<b>%s</b>", r->name);
  g_autofree char *subtitle
      = g_markup_printf_escaped ("Ward %s · %s · community wealth report · %s", r->code,
                                 g_strcmp0 (r->role, "local") == 0    ? "in the local area"
                                 : g_strcmp0 (r->role, "region") == 0 ? "in the region"
                                                                      : "outside the place set",
                                 r->generated);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, INK);
  y += wm_render_text (cr, MARGIN, y, title, 22, width);
  cairo_set_source_rgb (cr, GREY);
  y += wm_render_text (cr, MARGIN, y, subtitle, 9.5, width) + 10;

  /* Map on the left, key figures on the right. */
  draw_map (cr, r, scene, MARGIN, y, col, col);
  ry = y;
  {
    g_autofree char *decile
        = r->domains[0].ward_decile > 0
              ? g_strdup_printf ("IMD decile %d of 10", r->domains[0].ward_decile)
              : g_strdup ("IMD: not imported");
    g_autofree char *dnote = g_strdup_printf (
        "1 = England's most deprived tenth. %d of the ward's %d neighbourhoods (LSOAs) are in"
        " the most deprived 10%%, %d in the most deprived 20%% (%.0f%% of residents).",
        r->lsoas_d1, r->lsoas, r->lsoas_d12, 100 * r->share_d12);
    g_autofree char *recv = wm_format_pounds (r->received);
    g_autofree char *rnote = g_strdup_printf ("paid by the anchors to %" G_GINT64_FORMAT
                                              " supplier%s located in the ward",
                                              r->suppliers, r->suppliers == 1 ? "" : "s");
    g_autofree char *share
        = r->local_received > 0
              ? g_strdup_printf ("%.1f%% of local spend", 100.0 * r->received / r->local_received)
              : g_strdup ("No local spend");
    g_autofree char *local = wm_format_pounds (r->local_received);
    g_autofree char *snote = g_strdup_printf (
        "of the %s the anchors paid suppliers located in the local area's %d wards (an even share"
        " would be %.1f%%)",
        local, r->local_wards, r->local_wards > 0 ? 100.0 / r->local_wards : 0.0);
    g_autofree char *count = wm_format_count (r->population);
    g_autofree char *pop = g_strdup_printf ("%s residents", count);

    ry = key_figure (cr, right_x, ry, right_w, decile, dnote);
    ry = key_figure (cr, right_x, ry, right_w, recv, rnote);
    ry = key_figure (cr, right_x, ry, right_w, share, snote);
    key_figure (cr, right_x, ry, right_w, pop,
                "Mid-2015 population estimates of the ward's"
                " LSOAs, as the IoD 2019 used");
  }
  y += col + 14;

  /* Deprivation by domain, and the anchors paying. */
  {
    double       ly = heading (cr, MARGIN, y, "Deprivation by domain (national decile)", col);
    const double xs[3] = { 0, 190, 228 };
    const char  *head[3] = { "", "Ward", "Area" };

    cairo_set_source_rgb (cr, GREY);
    ly = row (cr, MARGIN, ly, col, xs, head, 3, 8, FALSE);
    for (int i = 0; i < WM_REPORT_DOMAINS; i++)
      {
        cairo_set_source_rgb (cr, INK);
        wm_render_text (cr, MARGIN, ly, r->domains[i].title, 8.5, xs[1] - 6);
        decile_chip (cr, MARGIN + xs[1], ly, r->domains[i].ward_decile);
        decile_chip (cr, MARGIN + xs[2], ly, r->domains[i].local_decile);
        ly += 15;
      }

    ry = heading (cr, right_x, y, "Received from each anchor", right_w);
    for (guint i = 0; i < r->by_anchor->len; i++)
      {
        const WmReportAmount *a = r->by_anchor->pdata[i];
        g_autofree char      *amount = wm_format_pounds (a->amount);
        const double          xs2[2] = { 0, right_w - AMOUNT_WIDTH };
        const char           *cells[2] = { a->key, amount };

        ry = row (cr, right_x, ry, right_w, xs2, cells, 2, 8.5, TRUE);
      }
    if (r->by_anchor->len == 0)
      {
        cairo_set_source_rgb (cr, GREY);
        ry += wm_render_text (cr, right_x, ry, "No anchor pays a supplier located in the ward.",
                              8.5, right_w);
      }
    ry += 6;
    ry = heading (cr, right_x, ry, "By financial year", right_w);
    {
      gint64 max = 1;

      for (guint i = 0; i < r->by_year->len; i++)
        max = MAX (max, ((WmReportAmount *) r->by_year->pdata[i])->amount);
      for (guint i = 0; i < r->by_year->len; i++)
        {
          const WmReportAmount *a = r->by_year->pdata[i];
          g_autofree char      *amount = wm_format_pounds_short (a->amount);
          double                local_rgb[3];

          wm_render_place_rgb ("local", local_rgb);
          cairo_set_source_rgb (cr, INK);
          wm_render_text (cr, right_x, ry, a->key, 8.5, 0);
          cairo_set_source_rgb (cr, local_rgb[0], local_rgb[1], local_rgb[2]);
          cairo_rectangle (cr, right_x + 50, ry + 2,
                           MAX (0, (right_w - 110) * (double) a->amount / max), 9);
          cairo_fill (cr);
          cairo_set_source_rgb (cr, INK);
          wm_render_text (cr, right_x + 56 + MAX (0, (right_w - 110) * (double) a->amount / max),
                          ry, amount, 8.5, 0);
          ry += 14;
        }
    }
    y = MAX (ly, ry) + 10;
  }

  /* The largest suppliers in the ward. */
  {
    const double xs[4] = { 0, 185, 300, width - AMOUNT_WIDTH };
    const char  *head[4] = { "Supplier", "Sector", "Paid by", "£" };

    y = heading (cr, MARGIN, y, "Largest suppliers located in the ward", width);
    cairo_set_source_rgb (cr, GREY);
    y = row (cr, MARGIN, y, width, xs, head, 4, 8, TRUE);
    for (guint i = 0; i < MIN (8, r->top_suppliers->len); i++)
      {
        const WmReportSupplier *s = r->top_suppliers->pdata[i];
        g_autofree char        *amount = wm_format_pounds (s->amount);
        const char             *cells[4] = { s->name, s->sector, s->anchors, amount };

        y = row (cr, MARGIN, y, width, xs, cells, 4, 8.5, TRUE);
      }
    if (r->top_suppliers->len == 0)
      {
        cairo_set_source_rgb (cr, GREY);
        y += wm_render_text (cr, MARGIN, y, "None: no located supplier of the anchors is here.",
                             8.5, width);
      }
    y += 8;
  }

  /* Opportunities: the top gaps and the ward's place among each one's candidate sites. */
  {
    const double xs[3] = { 0, 185, 300 };
    const char  *head[3] = { "Sector leaking spend (gap rank)", "Leaked from the region",
                             "The ward's rank as a site for a new local enterprise" };

    y = heading (cr, MARGIN, y, "Opportunities: where the anchors' spend leaks", width);
    if (r->opportunities->len == 0)
      {
        cairo_set_source_rgb (cr, GREY);
        y += wm_render_text (cr, MARGIN, y,
                             "None computed: the project needs a local area, deprivation and"
                             " influenceable spend that leaks.",
                             8.5, width);
      }
    else
      {
        cairo_set_source_rgb (cr, GREY);
        y = row (cr, MARGIN, y, width, xs, head, 3, 8, FALSE);
        for (guint i = 0; i < r->opportunities->len; i++)
          {
            const WmReportOpportunity *o = r->opportunities->pdata[i];
            g_autofree char           *sector = g_strdup_printf ("%s (%d)", o->sector, o->gap_rank);
            g_autofree char           *leaked = wm_format_pounds (o->leaked);
            g_autofree char           *rank
                = o->site_rank > 0
                      ? g_strdup_printf ("%d of %d candidate wards", o->site_rank, o->site_count)
                      : g_strdup ("not a candidate (outside the local area)");
            const char *cells[3] = { sector, leaked, rank };

            y = row (cr, MARGIN, y, width, xs, cells, 3, 8.5, FALSE);
          }
        cairo_set_source_rgb (cr, GREY);
        y += wm_render_text (cr, MARGIN, y + 2,
                             "Candidate sites rank the local area's wards by deprivation (60%),"
                             " nearness to the anchors buying in the sector (30%) and the absence"
                             " of local suppliers of it (10%).",
                             7.5, width)
             + 4;
      }
  }

  /* Footer: definitions and sources, from the bottom up. */
  {
    g_autoptr (GString) notes = g_string_new (NULL);
    g_autofree char *escaped = NULL;
    g_autoptr (PangoLayout) layout = NULL;
    int lw, lh;

    g_string_append_printf (notes, "%s\nSources: ", r->definitions);
    for (guint i = 0; i < r->sources->len; i++)
      g_string_append_printf (notes, "%s%s", i ? "; " : "", (char *) r->sources->pdata[i]);
    g_string_append (notes, ". Contains OS data © Crown copyright and database right; ONS and"
                            " MHCLG data, Open Government Licence v3.0. Made with Wealthmap.");
    escaped = g_markup_escape_text (notes->str, -1);
    layout = wm_render_layout (cr, escaped, 6.5, width);
    pango_layout_get_pixel_size (layout, &lw, &lh);
    /* Never over the content: what does not fit is cut at the page's end, not drawn over. */
    y = MAX (y + 6, WM_A4_HEIGHT - MARGIN + 12 - lh);
    cairo_set_source_rgb (cr, 0.80, 0.80, 0.80);
    cairo_rectangle (cr, MARGIN, y - 4, width, 0.6);
    cairo_fill (cr);
    cairo_set_source_rgb (cr, GREY);
    cairo_move_to (cr, MARGIN, y);
    pango_cairo_show_layout (cr, layout);
  }
  cairo_restore (cr);
}

gboolean
wm_ward_report_to_pdf (const WmWardReport *report,
                       const WmScene      *scene,
                       const char         *path,
                       GError            **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, WM_A4_WIDTH, WM_A4_HEIGHT);
  cairo_t         *cr = cairo_create (surface);
  cairo_status_t   status;
  g_autofree char *title = g_strdup_printf ("%s: community wealth report", report->name);

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Wealthmap");
  wm_ward_report_draw (cr, report, scene);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_IO, "%s: cannot write the PDF: %s", path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
