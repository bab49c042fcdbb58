/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UI tests under Xvfb: the window opens the demo project and a Lancashire project built from
 * ../shared/data, the map is drawn (pixel variety and at least 5 of the 10 IMD decile fills on
 * screen), a screenshot is saved, and an import started through the import dialog's code path
 * can be cancelled, leaving the project as it was.
 *
 * Run as: test-window DEMO.wealthmap LANCASHIRE.wealthmap SPEND_FILE OUT_DIR */
#include <adwaita.h>
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gdal.h>
#include <ogr_srs_api.h>
#include <shumate/shumate.h>

#include "app/map/wm-render.h"
#include "app/widgets/wm-application.h"
#include "app/widgets/wm-import-dialog.h"
#include "app/widgets/wm-lines-window.h"
#include "app/widgets/wm-place-dialog.h"
#include "app/widgets/wm-side-panel.h"
#include "app/widgets/wm-stories-window.h"
#include "app/widgets/wm-window.h"

static const char *demo_path, *lancashire_path, *spend_file, *out_dir;

static const guint8 viridis[10][3] = {
  { 0x44, 0x01, 0x54 }, { 0x48, 0x28, 0x78 }, { 0x3e, 0x49, 0x89 }, { 0x31, 0x68, 0x8e },
  { 0x26, 0x82, 0x8e }, { 0x1f, 0x9e, 0x89 }, { 0x35, 0xb7, 0x79 }, { 0x6e, 0xce, 0x58 },
  { 0xb5, 0xde, 0x2b }, { 0xfd, 0xe7, 0x25 },
};

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
}

static gboolean
wait_until (gboolean (*done) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static gboolean
window_idle (gpointer data)
{
  return !wm_window_is_busy (data) && wm_window_get_project (data) != NULL;
}

static GdkTexture *
grab (GtkWidget *widget)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  /* Nothing yet: the window has not been drawn once. */
  if (node == NULL || w == 0 || h == 0)
    return NULL;
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
}

/* grab() once the widget has been drawn: a screenshot taken between frames (a window just
 * shown, full screen coming in steps, the slow ASan build) has nothing to draw yet. */
static GdkTexture *
grab_drawn (GtkWidget *widget)
{
  GdkTexture *texture = grab (widget);

  for (int i = 0; i < 50 && texture == NULL; i++)
    {
      spin (100);
      texture = grab (widget);
    }
  return texture;
}

typedef struct
{
  guint distinct;     /* distinct colours (6-bit per channel) */
  guint deciles_seen; /* IMD decile fills with at least 200 pixels */
} Pixels;

static Pixels
measure (GdkTexture *texture)
{
  int                w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  gsize              stride = (gsize) w * 4;
  g_autofree guint8 *data = g_malloc (stride * h);
  g_autoptr (GHashTable) colours = g_hash_table_new (NULL, NULL);
  guint  decile_count[10] = { 0 };
  Pixels p = { 0 };

  /* Downloads as cairo's ARGB32: B G R A in memory on little-endian machines. */
  gdk_texture_download (texture, data, stride);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *px = data + y * stride + x * 4;
        guint         key = ((px[2] >> 2) << 12) | ((px[1] >> 2) << 6) | (px[0] >> 2);

        g_hash_table_add (colours, GUINT_TO_POINTER (key + 1));
        for (int d = 0; d < 10; d++)
          if (ABS (px[2] - viridis[d][0]) <= 2 && ABS (px[1] - viridis[d][1]) <= 2
              && ABS (px[0] - viridis[d][2]) <= 2)
            decile_count[d]++;
      }
  p.distinct = g_hash_table_size (colours);
  for (int d = 0; d < 10; d++)
    p.deciles_seen += decile_count[d] >= 200;
  return p;
}

typedef struct
{
  GtkWidget *widget;
  Pixels     pixels;
  guint      want_deciles;
} DrawWait;

static gboolean
map_drawn (gpointer data)
{
  DrawWait *w = data;
  g_autoptr (GdkTexture) texture = grab (w->widget);

  if (texture == NULL)
    return FALSE;
  w->pixels = measure (texture);
  return w->pixels.deciles_seen >= w->want_deciles && w->pixels.distinct >= 200;
}

static WmWindow *
open_window_sized (const char *path, int width, int height)
{
  WmWindow *window = wm_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  wm_window_open_project (window, path);
  g_assert_true (wait_until (window_idle, window, 60000));
  return window;
}

static WmWindow *
open_window (const char *path)
{
  return open_window_sized (path, 1400, 900);
}

static void
check_map (const char *path, const char *shot, guint want_deciles, int height)
{
  WmWindow *window = open_window_sized (path, 1400, height);
  DrawWait  wait = { GTK_WIDGET (window), { 0 }, want_deciles };
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *out = g_build_filename (out_dir, shot, NULL);

  /* Tiles render on worker threads: poll until the fills are on screen. */
  if (!wait_until (map_drawn, &wait, 60000))
    g_error ("%s: map not drawn: %u distinct colours, %u IMD deciles visible", path,
             wait.pixels.distinct, wait.pixels.deciles_seen);
  spin (300);
  texture = grab (GTK_WIDGET (window));
  g_assert_nonnull (texture);
  g_assert_true (gdk_texture_save_to_png (texture, out));
  g_test_message ("%s: %u distinct colours, %u deciles; screenshot %s", path, wait.pixels.distinct,
                  wait.pixels.deciles_seen, out);
  g_assert_cmpuint (wait.pixels.distinct, >=, 200);
  g_assert_cmpuint (wait.pixels.deciles_seen, >=, want_deciles);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

static void
test_demo (void)
{
  /* The demo has 10 wards, one per decile band; at least 5 must be on screen. */
  check_map (demo_path, "window-demo.png", 5, 900);
}

/* The Areas menu: LSOAs instead of wards, then back. */
static void
test_levels (void)
{
  WmWindow *window = open_window (demo_path);
  g_autoptr (GSettings) settings = g_settings_new ("org.wealthmap.Wealthmap");

  g_assert_cmpstr (wm_window_get_map_data (window)->level, ==, "ward");
  g_assert_cmpuint (wm_window_get_map_data (window)->areas->len, ==, 18);
  g_settings_set_enum (settings, "area-level", 1);
  spin (50);
  g_assert_true (wait_until (window_idle, window, 30000));
  g_assert_cmpstr (wm_window_get_map_data (window)->level, ==, "lsoa");
  g_assert_cmpuint (wm_window_get_map_data (window)->areas->len, ==, 36);
  g_settings_reset (settings, "area-level");
  spin (50);
  g_assert_true (wait_until (window_idle, window, 30000));
  g_assert_cmpuint (wm_window_get_map_data (window)->areas->len, ==, 18);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

static void
test_lancashire (void)
{
  check_map (lancashire_path, "window-lancashire.png", 5, 900);
  /* Tall enough to show the whole side panel (charts, wards, unlocated suppliers). */
  check_map (lancashire_path, "window-lancashire-tall.png", 5, 2000);
}

/* The Sector row: the map shows one sector's spend, and says so in its title. */
/* Every label's text and every preferences group's description under @widget, one per line. */
static void
collect_texts (GtkWidget *widget, GString *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  if (ADW_IS_PREFERENCES_GROUP (widget))
    g_string_append_printf (out, "%s\n",
                            adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_texts (c, out);
}

static GtkWidget *
find_side_panel (GtkWidget *widget)
{
  if (WM_IS_SIDE_PANEL (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_side_panel (c);
      if (found)
        return found;
    }
  return NULL;
}

/* The side panel's "All anchors" line says @total (pence). */
static gboolean
panel_says_total (WmWindow *window, gint64 total, char **texts_out)
{
  g_autoptr (GString) texts = g_string_new (NULL);
  g_autofree char *pounds = wm_format_pounds (total);
  g_autofree char *line = g_strdup_printf ("All anchors  %s\n", pounds);

  collect_texts (find_side_panel (GTK_WIDGET (window)), texts);
  if (texts_out)
    *texts_out = g_strdup (texts->str);
  return strstr (texts->str, line) != NULL;
}

static void
test_sector (void)
{
  WmWindow        *window = open_window (lancashire_path);
  WmProject       *project = wm_window_get_project (window);
  const WmMapData *data;
  WmLineQuery      query = { 0 };
  WmLineTotals     totals = { 0 };
  g_autoptr (GPtrArray) lines = NULL;
  gint64 drawn = 0, all_amount = 0;

  for (guint i = 0; i < wm_window_get_map_data (window)->points->len; i++)
    {
      WmMapPoint *p = g_ptr_array_index (wm_window_get_map_data (window)->points, i);
      all_amount += p->anchor ? 0 : p->amount;
    }
  wm_window_show_sector (window, "ICT & telecoms");
  spin (50);
  g_assert_true (wait_until (window_idle, window, 60000));
  data = wm_window_get_map_data (window);
  g_assert_nonnull (strstr (data->title, "ICT & telecoms"));
  for (guint i = 0; i < data->points->len; i++)
    {
      WmMapPoint *p = g_ptr_array_index (data->points, i);
      drawn += p->anchor ? 0 : p->amount;
    }
  /* the suppliers drawn plus the unlocated are the sector's supplier spend, line by line */
  query.sector = "ICT & telecoms";
  query.place = NULL;
  lines = wm_project_spend_lines (project, &query, 1, &totals, NULL);
  g_assert_nonnull (lines);
  g_assert_cmpint (drawn, >, 0);
  g_assert_cmpint (drawn, <, all_amount);
  g_assert_cmpint (drawn + data->unlocated + data->public_bodies, ==, totals.total);
  {
    g_autofree char *out = g_build_filename (out_dir, "window-sector.png", NULL);
    g_autoptr (GdkTexture) texture = NULL;

    spin (1500); /* tiles render on worker threads */
    texture = grab (GTK_WIDGET (window));
    g_assert_nonnull (texture);
    g_assert_true (gdk_texture_save_to_png (texture, out));
  }
  /* The side panel's figures follow the filter: its "All anchors" total is the sector's, and
   * it says which spend it adds up. */
  {
    WmMapFilter filter = { .sector = "ICT & telecoms" };
    g_autoptr (WmSummary) all = wm_project_summary_rows (project, WM_SUMMARY_BY_ANCHOR, NULL);
    g_autoptr (WmSummary) ict
        = wm_project_summary_filtered (project, WM_SUMMARY_BY_ANCHOR, &filter, TRUE, NULL);
    g_autofree char *texts = NULL;

    g_assert_cmpint (ict->overall.total, ==, totals.total);
    g_assert_cmpint (ict->overall.total, <, all->overall.total);
    g_assert_true (panel_says_total (window, ict->overall.total, &texts));
    g_assert_false (panel_says_total (window, all->overall.total, NULL));
    g_assert_nonnull (strstr (texts, "Only the spend of ICT & telecoms"));
    /* and back to all sectors */
    wm_window_show_sector (window, NULL);
    spin (50);
    g_assert_true (wait_until (window_idle, window, 60000));
    g_assert_true (panel_says_total (window, all->overall.total, &texts));
    g_assert_null (strstr (texts, "Only the spend of"));
  }
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

static WmWindow *open_copy (const char *path, const char *name);

static gboolean
gaps_ready (gpointer data)
{
  WmGapsPanel *panel = wm_window_get_gaps_panel (data);

  return window_idle (data) && !wm_gaps_panel_is_loading (panel)
         && wm_gaps_panel_get_gaps (panel) != NULL;
}

/* Pixels of the candidate sites' red (wm-render.c marked_rgb), outline and badges. */
/* Pixels within @tolerance of @r, @g, @b in each channel (downloads are B, G, R, A in memory). */
static guint
count_colour (GdkTexture *texture, int r, int g, int b, int tolerance)
{
  int                w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  gsize              stride = (gsize) w * 4;
  g_autofree guint8 *data = g_malloc (stride * h);
  guint              n = 0;

  gdk_texture_download (texture, data, stride);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *px = data + y * stride + x * 4;
        n += ABS (px[2] - r) <= tolerance && ABS (px[1] - g) <= tolerance
             && ABS (px[0] - b) <= tolerance;
      }
  return n;
}

static guint
count_marked_pixels (GdkTexture *texture)
{
  return count_colour (texture, 214, 26, 28, 3); /* the candidate sites' red */
}

static void
save_shot (WmWindow *window, const char *name)
{
  g_autofree char *out = g_build_filename (out_dir, name, NULL);
  g_autoptr (GdkTexture) texture = grab_drawn (GTK_WIDGET (window));

  g_assert_nonnull (texture);
  g_assert_true (gdk_texture_save_to_png (texture, out));
  g_test_message ("screenshot %s", out);
}

/* An MBTiles file of flat magenta (200, 0, 200) over 4°W-0°, 52-56°N, made with GDAL. */
static char *
make_magenta_mbtiles (void)
{
  char        *path = g_build_filename (out_dir, "magenta.mbtiles", NULL);
  GDALDatasetH mem = GDALCreate (GDALGetDriverByName ("MEM"), "", 256, 256, 3, GDT_Byte, NULL);
  double       gt[6] = { -4, 4.0 / 256, 0, 56, 0, -4.0 / 256 };
  const char  *options[] = { "TILE_FORMAT=PNG", "NAME=Magenta test tiles", NULL };
  const guint8 rgb[3] = { 200, 0, 200 };
  GDALDatasetH out;

  g_unlink (path);
  GDALSetGeoTransform (mem, gt);
  GDALSetProjection (mem, SRS_WKT_WGS84_LAT_LONG);
  for (int b = 0; b < 3; b++)
    GDALFillRaster (GDALGetRasterBand (mem, b + 1), rgb[b], 0);
  out = GDALCreateCopy (GDALGetDriverByName ("MBTiles"), path, mem, FALSE, (char **) options, NULL,
                        NULL);
  g_assert_nonnull (out);
  GDALClose (out);
  GDALClose (mem);
  return path;
}

/* Raster tiles under the map (the basemap-file setting, Basemap Tiles… in the menu): they show
 * round the wards, go again with the setting, and a file that is not a raster is said. */
static void
test_basemap (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("org.wealthmap.Wealthmap");
  g_autofree char *tiles = make_magenta_mbtiles ();
  WmWindow        *window = open_window (lancashire_path);
  g_autoptr (GdkTexture) before = NULL;
  g_autoptr (GdkTexture) with = NULL;
  g_autoptr (GdkTexture) after = NULL;

  spin (1500); /* tiles render on worker threads */
  before = grab_drawn (GTK_WIDGET (window));
  g_settings_set_string (settings, "basemap-file", tiles);
  spin (2000);
  with = grab_drawn (GTK_WIDGET (window));
  save_shot (window, "window-basemap.png");
  g_settings_set_string (settings, "basemap-file", "");
  spin (2000);
  after = grab_drawn (GTK_WIDGET (window));
  g_test_message ("magenta pixels: %u before, %u with the tiles, %u after",
                  count_colour (before, 200, 0, 200, 0), count_colour (with, 200, 0, 200, 0),
                  count_colour (after, 200, 0, 200, 0));
  g_assert_cmpuint (count_colour (before, 200, 0, 200, 0), ==, 0);
  g_assert_cmpuint (count_colour (with, 200, 0, 200, 0), >, 50000);
  g_assert_cmpuint (count_colour (after, 200, 0, 200, 0), ==, 0);

  g_settings_set_string (settings, "basemap-file", lancashire_path);
  g_assert_nonnull (strstr (wm_window_get_last_message (window), "not a raster"));
  g_assert_nonnull (strstr (wm_window_get_last_message (window), lancashire_path));
  g_settings_set_string (settings, "basemap-file", "");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

/* The Gaps view: the ranked sectors, a selection that filters the map and marks the candidate
 * wards, and the Scenario page's sliders recomputing at once. */
static void
test_gaps (void)
{
  WmWindow         *window = open_window_sized (lancashire_path, 1600, 1000);
  WmGapsPanel      *panel = wm_window_get_gaps_panel (window);
  WmProject        *project = wm_window_get_project (window);
  const WmGaps     *gaps;
  const WmGapRow   *top;
  const WmSites    *sites;
  const WmScenario *sc;
  g_autoptr (WmSummary) summary = wm_project_summary (project, WM_SUMMARY_BY_ANCHOR, NULL);
  g_autoptr (GdkTexture) before = NULL;
  g_autoptr (GdkTexture) after = NULL;
  gint64 leaked = 0;

  wm_window_show_gaps (window, TRUE);
  g_assert_true (wait_until (gaps_ready, window, 60000));
  gaps = wm_gaps_panel_get_gaps (panel);
  g_assert_cmpuint (gaps->rows->len, >, 5);
  /* The sectors' leaked £ add up to summary's leaked influenceable £ (another query). */
  for (guint i = 0; i < gaps->rows->len; i++)
    leaked += ((WmGapRow *) gaps->rows->pdata[i])->leaked;
  g_assert_cmpint (leaked, ==, summary->overall.infl_leaked);
  top = gaps->rows->pdata[0];
  g_assert_cmpint (top->rank, ==, 1);
  spin (1500);
  before = grab (GTK_WIDGET (window));
  g_assert_cmpuint (count_marked_pixels (before), <, 50);

  /* Selecting the top gap filters the map to its sector and marks its candidate wards. */
  wm_gaps_panel_select_sector (panel, top->sector);
  g_assert_cmpstr (wm_gaps_panel_get_sector (panel), ==, top->sector);
  spin (50);
  g_assert_true (wait_until (gaps_ready, window, 60000));
  g_assert_nonnull (strstr (wm_window_get_map_data (window)->title, top->sector));
  sites = wm_gaps_panel_get_sites (panel);
  g_assert_nonnull (sites);
  g_assert_cmpstr (sites->sector, ==, top->sector);
  g_assert_cmpuint (sites->rows->len, >, 0);
  for (guint i = 1; i < sites->rows->len; i++)
    g_assert_cmpfloat (((WmSiteRow *) sites->rows->pdata[i - 1])->score, >=,
                       ((WmSiteRow *) sites->rows->pdata[i])->score);
  spin (1500);
  after = grab (GTK_WIDGET (window));
  g_test_message ("gaps: %u sectors, top %s (£%.0f leaked); candidate-site pixels %u",
                  gaps->rows->len, top->sector, top->leaked / 100.0, count_marked_pixels (after));
  g_assert_cmpuint (count_marked_pixels (after), >, 500);
  save_shot (window, "window-gaps.png");

  /* The Scenario page: each slider recomputes the figures at once, without reading the
   * project again. */
  wm_gaps_panel_show_page (panel, "scenario");
  wm_gaps_panel_set_scenario (panel, 0, -1, -1);
  sc = wm_gaps_panel_get_scenario (panel);
  g_assert_nonnull (sc);
  g_assert_nonnull (sc->sectors);
  g_assert_cmpstr (sc->sectors[0], ==, top->sector);
  g_assert_cmpint (sc->round[0], ==, 0);
  for (guint i = 0; i < sc->rows->len; i++)
    {
      WmScenarioRow *r = sc->rows->pdata[i];
      g_assert_cmpfloat (r->share_after, ==, r->share_before);
    }
  wm_gaps_panel_set_scenario (panel, 100, -1, -1);
  sc = wm_gaps_panel_get_scenario (panel);
  /* 100%: all the sector's leaked spend (each anchor's, where positive) becomes local. */
  g_assert_cmpint (sc->round[0], ==, sc->leaked);
  g_assert_cmpint (sc->leaked, >=, top->leaked);
  wm_gaps_panel_set_scenario (panel, 10, 50, 25);
  sc = wm_gaps_panel_get_scenario (panel);
  g_assert_cmpfloat (ABS (sc->round[0] - 0.1 * sc->leaked), <=, (double) sc->rows->len);
  g_assert_cmpint (sc->round[1], ==, (gint64) llround (sc->round[0] * 0.5));
  g_assert_cmpint (sc->round[2], ==, (gint64) llround (sc->round[1] * 0.25));
  wm_gaps_panel_set_scenario (panel, 10, 40, 40);
  spin (500);
  save_shot (window, "window-scenario.png");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

static const WmGapRow *
gap_row (const WmGaps *gaps, const char *sector)
{
  for (guint i = 0; i < gaps->rows->len; i++)
    if (g_strcmp0 (((WmGapRow *) gaps->rows->pdata[i])->sector, sector) == 0)
      return gaps->rows->pdata[i];
  return NULL;
}

/* The rules editor: a bad rule is refused naming its list and row, and changes nothing; a new
 * exclusion, applied, takes a supplier's spend out of its gap. */
static void
test_rules (void)
{
  WmWindow      *window = open_copy (lancashire_path, "rules.wealthmap");
  WmGapsPanel   *panel = wm_window_get_gaps_panel (window);
  WmProject     *project = wm_window_get_project (window);
  WmRulesWindow *editor;
  WmLineQuery    query = { 0 };
  WmLineTotals   phoenix = { 0 };
  g_autoptr (GPtrArray) lines = NULL;
  g_autoptr (WmSectorRules) stored = wm_project_sector_rules (project, NULL);
  gint64 leaked_before;

  wm_window_show_gaps (window, TRUE);
  g_assert_true (wait_until (gaps_ready, window, 60000));
  leaked_before = gap_row (wm_gaps_panel_get_gaps (panel), "ICT & telecoms")->leaked;

  editor = wm_window_open_rules (window);
  g_assert_nonnull (editor);
  g_assert_cmpuint (wm_rules_window_count (editor, FALSE), ==,
                    wm_sector_rules_texts (stored, FALSE)->len);
  g_assert_cmpuint (wm_rules_window_count (editor, TRUE), ==,
                    wm_sector_rules_texts (stored, TRUE)->len);
  g_assert_cmpuint (wm_rules_window_count (editor, FALSE), >, 800);
  wm_rules_window_add_rule (editor, FALSE, "sic", "7", "ICT & telecoms");
  g_assert_false (wm_rules_window_apply (editor));
  g_test_message ("bad rule: %s", wm_rules_window_get_message (editor));
  g_assert_nonnull (strstr (wm_rules_window_get_message (editor), "Sectors, rule 1"));
  g_assert_nonnull (strstr (wm_rules_window_get_message (editor), "SIC pattern \"7\""));
  g_assert_false (wm_window_is_busy (window));
  gtk_window_destroy (GTK_WINDOW (editor));

  /* What the new exclusion should take out: the supplier's leaked influenceable ICT lines. */
  query.supplier = "PHOENIX SOFTWARE LTD";
  query.sector = "ICT & telecoms";
  query.place = "leaked";
  query.influenceable = TRUE;
  lines = wm_project_spend_lines (project, &query, 1, &phoenix, NULL);
  g_assert_nonnull (lines);
  g_assert_cmpint (phoenix.total, >, 0);

  editor = wm_window_open_rules (window);
  wm_rules_window_add_rule (editor, TRUE, "supplier", "PHOENIX SOFTWARE", "national framework");
  spin (300);
  {
    g_autofree char *out = g_build_filename (out_dir, "window-rules.png", NULL);
    g_autoptr (GdkTexture) texture = grab_drawn (GTK_WIDGET (editor));

    g_assert_nonnull (texture);
    g_assert_true (gdk_texture_save_to_png (texture, out));
  }
  g_assert_true (wm_rules_window_apply (editor));
  spin (50);
  g_assert_true (wait_until (gaps_ready, window, 120000));
  spin (200);
  g_assert_true (wait_until (gaps_ready, window, 60000));
  g_test_message ("ICT leaked £%.2f -> £%.2f after excluding Phoenix (£%.2f); %s",
                  leaked_before / 100.0,
                  gap_row (wm_gaps_panel_get_gaps (panel), "ICT & telecoms")->leaked / 100.0,
                  phoenix.total / 100.0, wm_rules_window_get_message (editor));
  g_assert_cmpint (gap_row (wm_gaps_panel_get_gaps (panel), "ICT & telecoms")->leaked, ==,
                   leaked_before - phoenix.total);
  g_assert_nonnull (strstr (wm_rules_window_get_message (editor), "Applied"));
  gtk_window_destroy (GTK_WINDOW (editor));
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

/* A ward's report from the app: written on a worker thread, then a toast says where. */
/* Presents a key press to the window's capture-phase key controllers (the presentation keys),
 * as GTK would deliver one; TRUE when one handled it. */
static gboolean
send_key (WmWindow *window, guint keyval)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  gboolean handled = FALSE;

  for (guint i = 0; !handled && i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c)
          && gtk_event_controller_get_propagation_phase (c) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, 0, &handled);
    }
  return handled;
}

static void
shoot (WmWindow *window, const char *name, guint want_deciles)
{
  DrawWait         wait = { GTK_WIDGET (window), { 0 }, want_deciles };
  g_autofree char *out = g_build_filename (out_dir, name, NULL);
  g_autoptr (GdkTexture) texture = NULL;

  g_assert_true (wait_until (window_idle, window, 60000));
  spin (400); /* the extent is fitted over a few frames */
  g_assert_true (wait_until (map_drawn, &wait, 60000));
  spin (300);
  /* A frame may be under way (full screen comes in steps; the ASan build is slow): a grab
   * between frames has nothing to draw, so take the next one. */
  texture = grab_drawn (GTK_WIDGET (window));
  g_assert_nonnull (texture);
  g_assert_true (gdk_texture_save_to_png (texture, out));
  g_test_message ("%s: %u colours", out, wait.pixels.distinct);
}

/* The legend (the map overlay's child with the "legend" class) is whole: drawn at its full
 * height, clear of the scale bar (the bottom 64 px), and wider than @min_width (larger when
 * presenting). */
static void
assert_legend_fits (WmWindow *window, int min_width)
{
  GtkWidget *map_overlay = gtk_widget_get_parent (wm_window_get_map_widget (window));
  GtkWidget *frame = NULL, *area;

  for (GtkWidget *c = gtk_widget_get_first_child (map_overlay); c;
       c = gtk_widget_get_next_sibling (c))
    if (gtk_widget_has_css_class (c, "legend"))
      frame = c;
  g_assert_nonnull (frame);
  area = gtk_frame_get_child (GTK_FRAME (frame));
  g_test_message ("legend %dx%d (wants %d high) in a map %d high", gtk_widget_get_width (area),
                  gtk_widget_get_height (area),
                  gtk_drawing_area_get_content_height (GTK_DRAWING_AREA (area)),
                  gtk_widget_get_height (map_overlay));
  g_assert_cmpint (gtk_widget_get_height (frame) + 12 + 64, <=,
                   gtk_widget_get_height (map_overlay));
  g_assert_cmpint (gtk_widget_get_height (area), >=,
                   gtk_drawing_area_get_content_height (GTK_DRAWING_AREA (area)) - 1);
  g_assert_cmpint (gtk_widget_get_width (area), >, min_width);
}

static guint
pdf_pages (const char *path)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;
  guint            pages = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF"));
  /* the streams hold NUL bytes: compare byte by byte */
  for (gsize i = 0; i + 12 < length; i++)
    pages += memcmp (contents + i, "/Type /Page", 11) == 0 && contents[i + 11] != 's';
  return pages;
}

/* A story made in the app (a view from the API, two through the Stories window's fields), then
 * presented: full screen, captions, Page Down / Right / Left / Escape stepping it, each step
 * screenshotted; leaving puts the map back. Then the story, the map and a table exported. */
static void
test_present (void)
{
  WmWindow *window = open_copy (lancashire_path, "present.wealthmap");
  g_autoptr (GSettings) settings = g_settings_new ("org.wealthmap.Wealthmap");
  g_autoptr (WmStoryView) hyndburn = wm_story_view_new ();
  g_autoptr (WmStoryView) view = NULL;
  GtkWindow       *stories;
  double           cx, cy;
  g_autofree char *pdf = g_build_filename (out_dir, "story.pdf", NULL);
  g_autofree char *png = g_build_filename (out_dir, "export-a4.png", NULL);
  g_autofree char *csv = g_build_filename (out_dir, "wards.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GdkTexture) exported = NULL;
  g_autoptr (GError) error = NULL;

  wm_window_add_view_to_story (window, "Workshop", "Where the money goes",
                               "Six anchors' spend: most of it leaves Hyndburn.");
  g_assert_true (wait_until (window_idle, window, 60000));
  g_assert_cmpstr (wm_window_get_last_message (window), ==, "View 1 added to “Workshop”");

  /* View 2: ICT & telecoms, zoomed to Hyndburn, added through the Stories window. */
  wm_window_show_sector (window, "ICT & telecoms");
  hyndburn->west = -2.45, hyndburn->south = 53.68, hyndburn->east = -2.28, hyndburn->north = 53.81;
  hyndburn->sector = g_strdup ("ICT & telecoms");
  wm_window_apply_view (window, hyndburn);
  g_assert_true (wait_until (window_idle, window, 60000));
  spin (500);
  stories = wm_window_open_stories (window);
  g_assert_nonnull (stories);
  gtk_editable_set_text (wm_stories_window_get_title_entry (WM_STORIES_WINDOW (stories)),
                         "ICT leaks most");
  gtk_editable_set_text (wm_stories_window_get_caption_entry (WM_STORIES_WINDOW (stories)),
                         "ICT & telecoms: £1.25m a year leaves the county.");
  g_signal_emit_by_name (wm_stories_window_get_caption_entry (WM_STORIES_WINDOW (stories)),
                         "entry-activated");
  g_assert_true (wait_until (window_idle, window, 60000));
  g_assert_cmpuint (wm_stories_window_get_n_views (WM_STORIES_WINDOW (stories)), ==, 2);

  /* View 3: £ received, no flows, all sectors. */
  wm_window_show_sector (window, NULL);
  g_settings_set_enum (settings, "area-style", 1);
  g_settings_set_boolean (settings, "show-flows", FALSE);
  g_assert_true (wait_until (window_idle, window, 60000));
  wm_window_add_view_to_story (window, "Workshop", "Who received it",
                               "Barnfield received half of what stayed local.");
  g_assert_true (wait_until (window_idle, window, 60000));
  g_assert_cmpuint (wm_stories_window_get_n_views (WM_STORIES_WINDOW (stories)), ==, 3);
  g_settings_set_enum (settings, "area-style", 0);
  g_settings_set_boolean (settings, "show-flows", TRUE);
  gtk_window_close (stories);

  /* Present it. */
  g_assert_false (wm_window_present (window, "No such story"));
  g_assert_false (wm_window_is_presenting (window));
  g_assert_true (wm_window_present (window, "Workshop"));
  g_assert_true (wm_window_is_presenting (window));
  g_assert_cmpint (wm_window_get_story_step (window), ==, 0);
  g_assert_cmpstr (wm_window_get_story_caption (window), ==,
                   "Six anchors' spend: most of it leaves Hyndburn.");
  shoot (window, "present-1.png", 3);
  assert_legend_fits (window, 250);

  g_assert_true (send_key (window, GDK_KEY_Page_Down));
  g_assert_cmpint (wm_window_get_story_step (window), ==, 1);
  shoot (window, "present-2.png", 2);
  view = wm_window_capture_view (window);
  g_assert_cmpstr (view->sector, ==, "ICT & telecoms");
  cx = (view->west + view->east) / 2, cy = (view->south + view->north) / 2;
  g_test_message ("view 2 centre %.3f, %.3f", cx, cy);
  g_assert_cmpfloat (fabs (cx - (-2.365)), <, 0.05);
  g_assert_cmpfloat (fabs (cy - 53.745), <, 0.05);
  g_clear_pointer (&view, wm_story_view_free);

  g_assert_true (send_key (window, GDK_KEY_Right));
  g_assert_cmpint (wm_window_get_story_step (window), ==, 2);
  shoot (window, "present-3.png", 0); /* £ received: no decile fills */
  view = wm_window_capture_view (window);
  g_assert_cmpstr (view->style, ==, "received");
  g_assert_false (view->flows);
  g_assert_null (view->sector);
  g_clear_pointer (&view, wm_story_view_free);

  g_assert_true (send_key (window, GDK_KEY_Right)); /* the last view stays */
  g_assert_cmpint (wm_window_get_story_step (window), ==, 2);
  g_assert_true (send_key (window, GDK_KEY_Page_Up));
  g_assert_cmpint (wm_window_get_story_step (window), ==, 1);
  g_assert_true (send_key (window, GDK_KEY_Escape));
  g_assert_false (wm_window_is_presenting (window));
  g_assert_false (send_key (window, GDK_KEY_Right)); /* the map's own keys again */
  g_assert_true (wait_until (window_idle, window, 60000));
  view = wm_window_capture_view (window);
  g_assert_cmpstr (view->style, ==, "imd");
  g_assert_true (view->flows);
  g_assert_null (view->sector);

  /* Exports from the app. */
  g_unlink (pdf);
  wm_window_export_story (window, "Workshop", pdf);
  g_assert_true (wait_until (window_idle, window, 60000));
  g_assert_cmpuint (pdf_pages (pdf), ==, 3);
  g_unlink (png);
  g_assert_true (
      wm_window_export_map (window, png, WM_RENDER_PNG, "a4", 150, "Lancashire", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (window_idle, window, 60000));
  exported = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (exported), ==, 1754); /* 297 mm at 150 dpi */
  g_assert_cmpint (gdk_texture_get_height (exported), ==, 1240);
  g_assert_false (
      wm_window_export_map (window, png, WM_RENDER_PNG, "b9", 150, NULL, FALSE, &error));
  g_assert_error (error, WM_ERROR, WM_ERROR_BAD_VALUE);
  g_unlink (csv);
  wm_window_export_table (window, "wards", csv);
  g_assert_true (wait_until (window_idle, window, 60000));
  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF\"ward_code\""));

  /* Closing the window while the third view (received £, no flows) is shown puts the
   * settings back as they were before presenting. */
  g_assert_true (wm_window_present (window, "Workshop"));
  g_assert_true (send_key (window, GDK_KEY_End));
  g_assert_cmpint (g_settings_get_enum (settings, "area-style"), ==, 1);
  g_assert_false (g_settings_get_boolean (settings, "show-flows"));
  gtk_window_close (GTK_WINDOW (window));
  spin (100);
  g_assert_cmpint (g_settings_get_enum (settings, "area-style"), ==, 0);
  g_assert_true (g_settings_get_boolean (settings, "show-flows"));
  g_assert_true (g_settings_get_boolean (settings, "panel-visible"));
}

static void
test_ward_report (void)
{
  WmWindow        *window = open_window (lancashire_path);
  g_autofree char *out = g_build_filename (out_dir, "ward-report.pdf", NULL);
  g_autofree char *contents = NULL;
  gsize            length = 0;

  g_unlink (out);
  wm_window_save_ward_report (window, "E05005207", out);
  g_assert_true (wm_window_is_busy (window));
  g_assert_true (wait_until (window_idle, window, 60000));
  g_assert_nonnull (strstr (wm_window_get_last_message (window), "Ward report saved"));
  g_assert_true (g_file_get_contents (out, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 10000);
  g_assert_true (g_str_has_prefix (contents, "%PDF"));
  /* A ward the project does not have: an error, and no file. */
  g_unlink (out);
  wm_window_save_ward_report (window, "E05999999", out);
  g_assert_true (wait_until (window_idle, window, 60000));
  g_assert_nonnull (strstr (wm_window_get_last_message (window), "E05999999"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

static gboolean
preview_ready (gpointer data)
{
  return wm_import_dialog_preview_ready (data);
}

static gint64
spend_lines (WmProject *project)
{
  g_autoptr (WmSummary) summary = wm_project_summary (project, WM_SUMMARY_BY_ANCHOR, NULL);

  g_assert_nonnull (summary);
  return summary->overall.lines;
}

/* A window on a fresh copy of a project, for tests that change it. */
static WmWindow *
open_copy (const char *path, const char *name)
{
  g_autofree char *copy = g_build_filename (out_dir, name, NULL);
  g_autoptr (GFile) from = g_file_new_for_path (path);
  g_autoptr (GFile) to = g_file_new_for_path (copy);

  g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL));
  return open_window (copy);
}

static WmWindow *
open_demo_copy (const char *name)
{
  return open_copy (demo_path, name);
}

static void
test_import_cancel (void)
{
  WmWindow       *window;
  WmImportDialog *dialog;
  WmImportJob    *job;
  gint64          before;

  window = open_demo_copy ("cancel.wealthmap");
  before = spend_lines (wm_window_get_project (window));

  /* The dialog reads the header and first rows through the core, off the main thread. */
  dialog = wm_import_dialog_new (GTK_WINDOW (window), WM_IMPORT_SPEND);
  wm_import_dialog_set_file (dialog, spend_file);
  wm_import_dialog_set_anchor (dialog, "Lancashire Fire and Rescue Service", "PR2 3LH");
  g_assert_true (wait_until (preview_ready, dialog, 30000));
  g_assert_null (wm_import_dialog_get_preview_error (dialog));
  {
    g_autofree char *out = g_build_filename (out_dir, "window-import.png", NULL);
    g_autoptr (GdkTexture) texture = NULL;

    gtk_window_set_default_size (GTK_WINDOW (dialog), 640, 1100);
    gtk_window_present (GTK_WINDOW (dialog));
    spin (500);
    texture = grab_drawn (GTK_WIDGET (dialog));
    g_assert_nonnull (texture);
    g_assert_true (gdk_texture_save_to_png (texture, out));
  }
  job = wm_import_dialog_build_job (dialog);
  g_assert_nonnull (job);
  /* The kind follows the anchor's name until the user picks one. */
  g_assert_cmpstr (job->anchor_kind, ==, "fire");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* 7,000 rows: cancelled at once, the import must roll back. */
  wm_window_run_import (window, job);
  g_assert_true (wm_window_is_busy (window));
  wm_window_cancel_job (window);
  g_assert_true (wait_until (window_idle, window, 60000));
  g_assert_nonnull (wm_window_get_last_message (window));
  g_assert_true (strstr (wm_window_get_last_message (window), "cancelled") != NULL);
  g_assert_cmpint (spend_lines (wm_window_get_project (window)), ==, before);

  /* The same job, not cancelled, adds the file's lines. */
  dialog = wm_import_dialog_new (GTK_WINDOW (window), WM_IMPORT_SPEND);
  wm_import_dialog_set_file (dialog, spend_file);
  wm_import_dialog_set_anchor (dialog, "Lancashire Fire and Rescue Service", "PR2 3LH");
  g_assert_true (wait_until (preview_ready, dialog, 30000));
  wm_window_run_import (window, wm_import_dialog_build_job (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (wait_until (window_idle, window, 120000));
  g_test_message ("after import: %s", wm_window_get_last_message (window));
  g_assert_cmpint (spend_lines (wm_window_get_project (window)), >, before);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

/* A spend file long enough that an import is still running after a dialog or two: the
 * real April 2023 Hyndburn rows, repeated to 150,000 lines. */
static char *
long_spend_file (void)
{
  g_autofree char *month = g_build_filename (g_getenv ("WM_SHARED_DATA"), "spend",
                                             "hyndburn_2023-24", "April-2023.csv", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  char *path = g_build_filename (out_dir, "long-spend.csv", NULL);
  guint header = 0, n = 0;

  g_assert_true (g_file_get_contents (month, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  while (lines[header] && strstr (lines[header], "Net Amount") == NULL)
    header++;
  g_assert_nonnull (lines[header]);
  g_string_append_printf (out, "%s\n", lines[header]);
  while (n < 150000)
    for (guint i = header + 1; lines[i] && n < 150000; i++)
      if (lines[i][0] != ',' && lines[i][0] != '\0' && lines[i][0] != '\r')
        {
          g_string_append_printf (out, "%s\n", lines[i]);
          n++;
        }
  g_assert_true (g_file_set_contents (path, out->str, (gssize) out->len, NULL));
  return path;
}

/* Closing the window during an import asks first; "Keep Working" goes on, "Stop and Close"
 * cancels, waits for the rollback and closes, and the project holds what it held before. */
static void
test_close_during_import (void)
{
  g_autofree char *file = long_spend_file ();
  g_autofree char *path = NULL;
  g_autofree char *journal = NULL;
  g_autoptr (WmProject) reopened = NULL;
  g_autoptr (GError) error = NULL;
  WmWindow    *window = open_demo_copy ("close.wealthmap");
  gpointer     weak = window;
  GtkWindow   *confirm;
  WmImportJob *job = wm_import_job_new (WM_IMPORT_SPEND, file);
  gint64       before = spend_lines (wm_window_get_project (window));

  path = g_strdup (wm_project_get_path (wm_window_get_project (window)));
  job->anchor = g_strdup ("Hyndburn Borough Council");
  job->anchor_kind = g_strdup ("council");
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  wm_window_run_import (window, job);
  g_assert_true (wm_window_is_busy (window));

  gtk_window_close (GTK_WINDOW (window));
  spin (200);
  confirm = wm_window_get_close_dialog (window);
  g_assert_nonnull (weak);
  g_assert_nonnull (confirm);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "keep");
  spin (100);
  g_assert_null (wm_window_get_close_dialog (window));
  g_assert_true (wm_window_is_busy (window));
  g_assert_nonnull (weak);

  gtk_window_close (GTK_WINDOW (window));
  spin (300);
  confirm = wm_window_get_close_dialog (window);
  g_assert_nonnull (confirm);
  {
    g_autofree char *out = g_build_filename (out_dir, "window-close-during-import.png", NULL);
    g_autoptr (GdkTexture) texture = grab_drawn (GTK_WIDGET (confirm));

    g_assert_nonnull (texture);
    g_assert_true (gdk_texture_save_to_png (texture, out));
  }
  /* Still importing when the user says stop: otherwise this test proves nothing. */
  g_assert_true (wm_window_is_busy (window));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "stop");
  for (int i = 0; i < 600 && weak != NULL; i++)
    spin (100);
  g_assert_null (weak);

  /* Closed cleanly: no hot journal left for the next open to roll back. */
  journal = g_strconcat (path, "-journal", NULL);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  reopened = wm_project_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (spend_lines (reopened), ==, before);
}

static gboolean
place_ready (gpointer data)
{
  return wm_place_dialog_is_ready (data);
}

/* Place…: the dialog lists the 14 Lancashire authorities with their parts as set (Hyndburn
 * local, the other 13 the region); choosing "the region within 15 km" and Set Place sets it
 * in the project on a worker thread, and the map reloads. */
static void
test_place (void)
{
  WmWindow        *window = open_copy (lancashire_path, "place.wealthmap");
  WmPlaceDialog   *dialog = wm_window_open_place (window);
  g_autofree char *km = NULL;
  g_autofree char *local = NULL;

  g_assert_true (wait_until (place_ready, dialog, 30000));
  g_assert_cmpuint (wm_place_dialog_get_n_authorities (dialog), ==, 14);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, 900);
  spin (500);
  {
    g_autofree char *out = g_build_filename (out_dir, "window-place.png", NULL);
    g_autoptr (GdkTexture) texture = grab_drawn (GTK_WIDGET (dialog));

    g_assert_nonnull (texture);
    g_assert_true (gdk_texture_save_to_png (texture, out));
  }
  g_assert_false (wm_place_dialog_set_role (dialog, "E99999999", "local"));
  g_assert_true (wm_place_dialog_set_role (dialog, "E07000120", "local"));
  g_assert_true (wm_place_dialog_set_role (dialog, "E07000117", "local"));
  wm_place_dialog_set_region_km (dialog, 15);
  wm_place_dialog_apply (dialog);
  g_assert_true (wm_window_is_busy (window));
  g_assert_true (wait_until (window_idle, window, 60000));
  g_assert_nonnull (strstr (wm_window_get_last_message (window), "2 local authorities"));
  km = wm_project_get_setting (wm_window_get_project (window), "region_km");
  local = wm_project_get_setting (wm_window_get_project (window), "place_local");
  g_assert_cmpstr (km, ==, "15");
  g_assert_cmpstr (local, ==, "E07000117,E07000120");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

/* The keyboard shortcuts window (built from the resource GtkApplication loads) and the About
 * window with the data licences: they build, show, and say what they should. */
static void
test_help (void)
{
  g_autoptr (GtkBuilder) builder
      = gtk_builder_new_from_resource ("/org/wealthmap/Wealthmap/gtk/help-overlay.ui");
  GtkWindow       *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  GtkWindow       *about;
  g_autofree char *out = g_build_filename (out_dir, "window-shortcuts.png", NULL);
  g_autofree char *out_about = g_build_filename (out_dir, "window-about.png", NULL);
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GdkTexture) about_texture = NULL;

  /* What GtkApplication does for the app: its resources' icons join the theme. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/org/wealthmap/Wealthmap/icons");
  g_assert_true (gtk_icon_theme_has_icon (
      gtk_icon_theme_get_for_display (gdk_display_get_default ()), "org.wealthmap.Wealthmap"));
  g_assert_nonnull (shortcuts);
  gtk_window_present (shortcuts);
  spin (500);
  texture = grab_drawn (GTK_WIDGET (shortcuts));
  g_assert_nonnull (texture);
  g_assert_true (gdk_texture_save_to_png (texture, out));
  gtk_window_destroy (shortcuts);

  {
    /* Help opens the guide built from docs/user-guide.md. */
    g_autofree char *uri = wm_application_guide_uri ();
    g_autofree char *path = g_filename_from_uri (uri, NULL, NULL);
    g_autofree char *html = NULL;

    g_assert_nonnull (path);
    g_assert_true (g_file_get_contents (path, &html, NULL, NULL));
    g_assert_nonnull (strstr (html, "<h2>What the figures mean</h2>"));
  }
  about = wm_about_window_new (NULL);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, WM_VERSION);
  gtk_window_present (about);
  spin (500);
  about_texture = grab_drawn (GTK_WIDGET (about));
  g_assert_nonnull (about_texture);
  g_assert_true (gdk_texture_save_to_png (about_texture, out_about));
  gtk_window_destroy (about);
}

static gint64
unlocated_id (WmProject *project, const char *name)
{
  g_autoptr (GPtrArray) rows = wm_project_unmatched (project, NULL);

  g_assert_nonnull (rows);
  for (guint i = 0; i < rows->len; i++)
    {
      const WmUnmatchedRow *r = g_ptr_array_index (rows, i);
      if (g_strcmp0 (r->name, name) == 0)
        return r->supplier_id;
    }
  return 0;
}

/* The panel's "Place" fix: a bad postcode is refused with a message naming it; a good one
 * places the supplier, which leaves the unlocated list. */
static void
test_locate (void)
{
  WmWindow *window;
  gint64    id;

  window = open_demo_copy ("locate.wealthmap");
  id = unlocated_id (wm_window_get_project (window), "J. Smith Plumbing");
  g_assert_cmpint (id, >, 0);

  wm_window_locate_supplier (window, id, "ZZ9 9ZZ");
  g_assert_true (wait_until (window_idle, window, 30000));
  g_assert_nonnull (strstr (wm_window_get_last_message (window), "ZZ9 9ZZ"));
  g_assert_cmpint (unlocated_id (wm_window_get_project (window), "J. Smith Plumbing"), ==, id);

  wm_window_locate_supplier (window, id, "mb1 1aa");
  g_assert_true (wait_until (window_idle, window, 30000));
  g_assert_nonnull (strstr (wm_window_get_last_message (window), "MB1 1AA"));
  g_assert_cmpint (unlocated_id (wm_window_get_project (window), "J. Smith Plumbing"), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

static gboolean
review_loaded (gpointer data)
{
  return wm_review_window_get_rows (data) != NULL;
}

static const WmReviewRow *
review_row (WmReviewWindow *review, const char *payee)
{
  GPtrArray *rows = wm_review_window_get_rows (review);

  for (guint i = 0; rows && i < rows->len; i++)
    if (g_strcmp0 (((WmReviewRow *) g_ptr_array_index (rows, i))->payee, payee) == 0)
      return g_ptr_array_index (rows, i);
  return NULL;
}

/* The review window on a copy of the Lancashire project: accepting the suggested match of a
 * real payee places exactly its £ (Prism Medical Uk -> PRISM UK MEDICAL LTD, WF4: leaked);
 * typing a postcode places another payee; both leave the list. */
static void
test_review (void)
{
  WmWindow       *window = open_copy (lancashire_path, "review.wealthmap");
  WmReviewWindow *review = wm_window_open_review (window);
  g_autoptr (WmSummary) before = NULL;
  g_autoptr (WmSummary) after = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char    *shot = g_build_filename (out_dir, "window-review.png", NULL);
  const WmReviewRow  *prism;
  const WmSuggestion *s;
  gint64              amount, placed_id = 0;
  g_autofree char    *other = NULL;

  g_assert_nonnull (review);
  gtk_window_set_default_size (GTK_WINDOW (review), 900, 900);
  g_assert_true (wait_until (review_loaded, review, 60000));
  wm_review_window_show_suggested_only (review, TRUE);
  spin (1500); /* the expander's animation */
  for (int tries = 0; texture == NULL && tries < 100; tries++)
    {
      spin (100);
      texture = grab (GTK_WIDGET (review));
    }
  g_assert_nonnull (texture);
  g_assert_true (gdk_texture_save_to_png (texture, shot));
  g_test_message ("review: %u payees; screenshot %s", wm_review_window_get_rows (review)->len,
                  shot);

  prism = review_row (review, "Prism Medical Uk");
  g_assert_nonnull (prism);
  g_assert_cmpuint (prism->suggestions->len, >=, 1);
  s = g_ptr_array_index (prism->suggestions, 0);
  g_assert_cmpstr (s->name, ==, "PRISM UK MEDICAL LTD");
  amount = prism->amount;
  before = wm_project_summary (wm_window_get_project (window), WM_SUMMARY_BY_ANCHOR, NULL);
  wm_review_window_accept (review, prism->name_id, s->supplier_id);
  spin (50);
  g_assert_true (wait_until (review_loaded, review, 60000));
  g_assert_true (wait_until (window_idle, window, 60000));
  g_test_message ("%s", wm_review_window_get_message (review));
  g_assert_null (review_row (review, "Prism Medical Uk"));
  after = wm_project_summary (wm_window_get_project (window), WM_SUMMARY_BY_ANCHOR, NULL);
  g_assert_cmpint (after->overall.leaked - before->overall.leaked, ==, amount);
  g_assert_cmpint (before->overall.unlocated - after->overall.unlocated, ==, amount);

  /* The largest payee without a suggestion, placed by a typed postcode (Hyndburn's offices). */
  for (guint i = 0; i < wm_review_window_get_rows (review)->len; i++)
    {
      const WmReviewRow *r = g_ptr_array_index (wm_review_window_get_rows (review), i);
      if (r->suggestions->len == 0)
        {
          other = g_strdup (r->payee);
          placed_id = r->supplier_id;
          break;
        }
    }
  g_assert_nonnull (other);
  wm_review_window_place (review, placed_id, "bb5 0pf");
  spin (50);
  g_assert_true (wait_until (review_loaded, review, 60000));
  g_assert_true (wait_until (window_idle, window, 60000));
  g_test_message ("%s: %s", other, wm_review_window_get_message (review));
  g_assert_null (review_row (review, other));
  gtk_window_destroy (GTK_WINDOW (review));
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

static gboolean
lines_loaded (gpointer data)
{
  return wm_lines_window_get_lines (data) != NULL;
}

/* The lines behind a ward's figure add up to the £ the map shows for that ward (two different
 * queries: the map sums suppliers by ward, the lines window lists spend lines). */
static void
test_lines (void)
{
  WmWindow  *window = open_window (demo_path);
  WmProject *project = wm_window_get_project (window);
  g_autoptr (WmMapData) data = wm_project_load_map_data (project, NULL, NULL);
  const WmMapArea *busiest = NULL;
  WmLineQuery      query = { 0 };
  WmLinesWindow   *lines;
  gint64           sum = 0;
  g_autofree char *out = g_build_filename (out_dir, "window-lines.png", NULL);
  g_autoptr (GdkTexture) texture = NULL;

  g_assert_nonnull (data);
  for (guint i = 0; i < data->areas->len; i++)
    {
      const WmMapArea *a = g_ptr_array_index (data->areas, i);
      if (busiest == NULL || a->received > busiest->received)
        busiest = a;
    }
  g_assert_nonnull (busiest);
  g_assert_cmpint (busiest->received, >, 0);
  query.ward = busiest->code;
  lines = wm_lines_window_new (GTK_WINDOW (window), project, &query, busiest->name);
  gtk_window_present (GTK_WINDOW (lines));
  g_assert_true (wait_until (lines_loaded, lines, 30000));
  for (guint i = 0; i < wm_lines_window_get_lines (lines)->len; i++)
    {
      const WmSpendLine *l = g_ptr_array_index (wm_lines_window_get_lines (lines), i);
      g_autofree char   *source = wm_spend_line_source (l);

      sum += l->amount;
      g_assert_true (g_str_has_suffix (l->file, ".csv"));
      g_assert_cmpuint (l->line, >, 1);
      g_assert_nonnull (strchr (source, ':'));
    }
  g_assert_cmpint (sum, ==, busiest->received);
  g_assert_cmpint (wm_lines_window_get_totals (lines)->total, ==, busiest->received);
  g_assert_cmpuint (wm_lines_window_get_totals (lines)->lines, ==,
                    wm_lines_window_get_lines (lines)->len);
  spin (500);
  texture = grab_drawn (GTK_WIDGET (lines));
  g_assert_nonnull (texture);
  g_assert_true (gdk_texture_save_to_png (texture, out));
  gtk_window_destroy (GTK_WINDOW (lines));
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc != 5)
    g_error ("usage: test-window DEMO LANCASHIRE SPEND_FILE OUT_DIR");
  demo_path = argv[1];
  lancashire_path = argv[2];
  spend_file = argv[3];
  out_dir = argv[4];
  g_mkdir_with_parents (out_dir, 0755);
  GDALAllRegister ();
  adw_init ();
  {
    /* What AdwApplication does for the real app: the app's style sheet from its resources. */
    g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (css, "/org/wealthmap/Wealthmap/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_test_add_func ("/wm/window/demo", test_demo);
  g_test_add_func ("/wm/window/lancashire", test_lancashire);
  g_test_add_func ("/wm/window/levels", test_levels);
  g_test_add_func ("/wm/window/sector", test_sector);
  g_test_add_func ("/wm/window/basemap", test_basemap);
  g_test_add_func ("/wm/window/gaps", test_gaps);
  g_test_add_func ("/wm/window/rules", test_rules);
  g_test_add_func ("/wm/window/ward-report", test_ward_report);
  g_test_add_func ("/wm/window/import-cancel", test_import_cancel);
  g_test_add_func ("/wm/window/close-during-import", test_close_during_import);
  g_test_add_func ("/wm/window/lines", test_lines);
  g_test_add_func ("/wm/window/help", test_help);
  g_test_add_func ("/wm/window/place", test_place);
  g_test_add_func ("/wm/window/locate", test_locate);
  g_test_add_func ("/wm/window/review", test_review);
  g_test_add_func ("/wm/window/present", test_present);
  return g_test_run ();
}
