/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pure cairo drawing of a project's map: Web Mercator, fitted to the local area and region;
 * wards filled by IMD decile with viridis (colour-blind safe, decile 1 = most deprived =
 * darkest), suppliers as circles whose area is proportional to £, a legend and attribution. */
#include "wm-render.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "app/core/wm-error.h"

#define LEGEND_WIDTH 300.0
#define MARGIN 24.0

static const double viridis[10][3] = {
  { 0x44, 0x01, 0x54 }, { 0x48, 0x28, 0x78 }, { 0x3e, 0x49, 0x89 }, { 0x31, 0x68, 0x8e },
  { 0x26, 0x82, 0x8e }, { 0x1f, 0x9e, 0x89 }, { 0x35, 0xb7, 0x79 }, { 0x6e, 0xce, 0x58 },
  { 0xb5, 0xde, 0x2b }, { 0xfd, 0xe7, 0x25 },
};

typedef struct
{
  const char *place;
  const char *label;
  double      rgb[3];
} PlaceStyle;

/* Okabe-Ito colours: distinct for the common colour-vision deficiencies. */
static const PlaceStyle place_styles[] = {
  { "local", "Local supplier", { 0.0, 0.62, 0.45 } },
  { "regional", "Regional supplier", { 0.90, 0.62, 0.0 } },
  { "leaked", "Outside the region", { 0.80, 0.47, 0.65 } },
  { "unset", "Located (no place set)", { 0.5, 0.5, 0.5 } },
};

typedef struct
{
  double min_x, min_y, max_x, max_y;
  double scale, off_x, off_y;
} Fit;

static double
merc_y (double lat)
{
  return log (tan (G_PI / 4 + lat * G_PI / 360));
}

static void
project (const Fit *fit, double lon, double lat, double *x, double *y)
{
  *x = fit->off_x + (lon * G_PI / 180 - fit->min_x) * fit->scale;
  *y = fit->off_y + (fit->max_y - merc_y (lat)) * fit->scale;
}

static void
fit_to (const WmMapData *data, double width, double height, Fit *fit)
{
  double w, h;

  fit->min_x = fit->min_y = INFINITY;
  fit->max_x = fit->max_y = -INFINITY;
  for (guint i = 0; i < data->areas->len; i++)
    {
      const WmMapArea *a = g_ptr_array_index (data->areas, i);
      const double    *xy = (const double *) a->xy->data;

      for (guint k = 0; k < a->xy->len / 2; k++)
        {
          fit->min_x = MIN (fit->min_x, xy[2 * k] * G_PI / 180);
          fit->max_x = MAX (fit->max_x, xy[2 * k] * G_PI / 180);
          fit->min_y = MIN (fit->min_y, merc_y (xy[2 * k + 1]));
          fit->max_y = MAX (fit->max_y, merc_y (xy[2 * k + 1]));
        }
    }
  if (!isfinite (fit->min_x))
    for (guint i = 0; i < data->points->len; i++)
      {
        const WmMapPoint *p = g_ptr_array_index (data->points, i);
        fit->min_x = MIN (fit->min_x, p->lon * G_PI / 180);
        fit->max_x = MAX (fit->max_x, p->lon * G_PI / 180);
        fit->min_y = MIN (fit->min_y, merc_y (p->lat));
        fit->max_y = MAX (fit->max_y, merc_y (p->lat));
      }
  if (!isfinite (fit->min_x))
    {
      fit->min_x = fit->min_y = 0;
      fit->max_x = fit->max_y = 1;
    }
  w = MAX (width - LEGEND_WIDTH - 2 * MARGIN, 10);
  h = MAX (height - 2 * MARGIN - 40, 10);
  fit->scale
      = MIN (w / MAX (fit->max_x - fit->min_x, 1e-9), h / MAX (fit->max_y - fit->min_y, 1e-9));
  fit->off_x = MARGIN + (w - (fit->max_x - fit->min_x) * fit->scale) / 2;
  fit->off_y = MARGIN + 40 + (h - (fit->max_y - fit->min_y) * fit->scale) / 2;
}

static void
area_path (cairo_t *cr, const Fit *fit, const WmMapArea *a)
{
  const double *xy = (const double *) a->xy->data;
  const guint  *starts = (const guint *) a->ring_starts->data;

  for (guint r = 0; r + 1 < a->ring_starts->len; r++)
    {
      for (guint k = starts[r]; k < starts[r + 1]; k++)
        {
          double x, y;

          project (fit, xy[2 * k], xy[2 * k + 1], &x, &y);
          if (k == starts[r])
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_close_path (cr);
    }
}

static void
text (cairo_t *cr, double x, double y, const char *markup, double size, double max_width)
{
  PangoLayout          *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_markup (layout, markup, -1);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
    }
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
}

/* A label with a white halo, readable over any fill. */
static void
halo_text (cairo_t *cr, double x, double y, const char *markup, double size)
{
  PangoLayout          *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_markup (layout, markup, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_layout_path (cr, layout);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 3.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
}

static void
draw_legend (cairo_t *cr, const WmMapData *data, double width, double height, gint64 max_amount)
{
  double x = width - LEGEND_WIDTH + 8, y = MARGIN + 40;

  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  text (cr, x, y, "<b>Deprivation (IMD 2019)</b>", 15, LEGEND_WIDTH - 24);
  y += 22;
  text (cr, x, y, "Ward decile, 1 = the most deprived 10% of England", 12, LEGEND_WIDTH - 24);
  y += 36;
  for (int d = 0; d < 10; d++)
    {
      char label[8];

      cairo_set_source_rgb (cr, viridis[d][0] / 255, viridis[d][1] / 255, viridis[d][2] / 255);
      cairo_new_path (cr);
      cairo_rectangle (cr, x + d * 26, y, 24, 16);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
      g_snprintf (label, sizeof label, "%d", d + 1);
      text (cr, x + d * 26 + 6, y + 18, label, 11, 0);
    }
  y += 44;
  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  text (cr, x, y, "<b>Suppliers</b>", 15, LEGEND_WIDTH - 24);
  y += 22;
  for (guint i = 0; i < G_N_ELEMENTS (place_styles) - 1; i++)
    {
      cairo_new_path (cr);
      cairo_arc (cr, x + 8, y + 9, 7, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, place_styles[i].rgb[0], place_styles[i].rgb[1],
                            place_styles[i].rgb[2]);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 1.2);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
      text (cr, x + 22, y, place_styles[i].label, 12, 0);
      y += 22;
    }
  {
    g_autofree char *size = g_strdup_printf ("Circle area is proportional to £ received; the "
                                             "largest is £%.0fk",
                                             max_amount / 100000.0);
    text (cr, x, y, size, 12, LEGEND_WIDTH - 24);
    y += 40;
  }
  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  cairo_set_line_width (cr, 3);
  cairo_new_path (cr);
  cairo_move_to (cr, x, y + 8);
  cairo_line_to (cr, x + 24, y + 8);
  cairo_stroke (cr);
  text (cr, x + 32, y, "Wards of the local area", 12, 0);
  y += 22;
  cairo_new_path (cr);
  cairo_rectangle (cr, x + 4, y + 2, 14, 14);
  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  cairo_fill (cr);
  text (cr, x + 32, y, "Anchor institution", 12, 0);

  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  text (cr, x, height - 78,
        "Contains OS data © Crown copyright and database right; ONS and MHCLG data (English "
        "Indices of Deprivation 2019), Open Government Licence v3.0.",
        10, LEGEND_WIDTH - 24);
}

void
wm_render_map (cairo_t *cr, const WmMapData *data, double width, double height)
{
  Fit    fit;
  gint64 max_amount = 1;

  fit_to (data, width, height, &fit);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.97, 0.97, 0.96);
  cairo_paint (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  for (guint i = 0; i < data->areas->len; i++)
    {
      const WmMapArea *a = g_ptr_array_index (data->areas, i);

      area_path (cr, &fit, a);
      if (a->imd_decile >= 1 && a->imd_decile <= 10)
        cairo_set_source_rgb (cr, viridis[a->imd_decile - 1][0] / 255,
                              viridis[a->imd_decile - 1][1] / 255,
                              viridis[a->imd_decile - 1][2] / 255);
      else
        cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.7);
      cairo_set_line_width (cr, 0.6);
      cairo_stroke (cr);
    }
  /* The local area's wards outlined on top. */
  for (guint i = 0; i < data->areas->len; i++)
    {
      const WmMapArea *a = g_ptr_array_index (data->areas, i);

      if (g_strcmp0 (a->role, "local") != 0)
        continue;
      area_path (cr, &fit, a);
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
      cairo_set_line_width (cr, 2.2);
      cairo_stroke (cr);
    }

  for (guint i = 0; i < data->points->len; i++)
    max_amount = MAX (max_amount, ((WmMapPoint *) g_ptr_array_index (data->points, i))->amount);
  for (guint i = 0; i < data->points->len; i++)
    {
      const WmMapPoint *p = g_ptr_array_index (data->points, i);
      double            x, y;

      project (&fit, p->lon, p->lat, &x, &y);
      if (p->anchor)
        {
          cairo_new_path (cr);
          cairo_rectangle (cr, x - 7, y - 7, 14, 14);
          cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
          cairo_fill_preserve (cr);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_set_line_width (cr, 2);
          cairo_stroke (cr);
          cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
          {
            g_autofree char *label = g_markup_printf_escaped ("<b>%s</b>", p->name);
            halo_text (cr, x + 10, y - 8, label, 13);
          }
          continue;
        }
      for (guint s = 0; s < G_N_ELEMENTS (place_styles); s++)
        if (g_strcmp0 (p->place, place_styles[s].place) == 0)
          cairo_set_source_rgba (cr, place_styles[s].rgb[0], place_styles[s].rgb[1],
                                 place_styles[s].rgb[2], 0.9);
      cairo_new_path (cr);
      cairo_arc (cr, x, y, 2.5 + 16 * sqrt ((double) MAX (p->amount, 0) / max_amount), 0, 2 * G_PI);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }

  /* Panel and title over the map's edges. */
  cairo_rectangle (cr, width - LEGEND_WIDTH, 0, LEGEND_WIDTH, height);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  {
    g_autofree char *title = g_markup_printf_escaped ("<b>%s</b>", data->title);
    text (cr, MARGIN, MARGIN - 8, title, 22, width - LEGEND_WIDTH - 2 * MARGIN);
  }
  draw_legend (cr, data, width, height, max_amount);
  cairo_restore (cr);
}

gboolean
wm_render_to_file (const WmMapData *data,
                   const char      *path,
                   WmRenderFormat   format,
                   int              width,
                   int              height,
                   GError         **error)
{
  cairo_surface_t *surface;
  cairo_t         *cr;
  cairo_status_t   status;

  g_return_val_if_fail (data != NULL && path != NULL, FALSE);
  if (width < 400 || height < 300 || width > 20000 || height > 20000)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                   "map size %dx%d: width and height must be between 400x300 and 20000", width,
                   height);
      return FALSE;
    }
  if (format == WM_RENDER_SVG)
    surface = cairo_svg_surface_create (path, width, height);
  else if (format == WM_RENDER_PDF)
    surface = cairo_pdf_surface_create (path, width, height);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  wm_render_map (cr, data, width, height);
  cairo_destroy (cr);
  if (format == WM_RENDER_PNG)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_IO, "%s: cannot write the map (%s)", path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
