/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The map, drawn with cairo and Pango only: the same code draws the app's tiles, its per-frame
 * overlay (flows, suppliers, anchors, hover) and the CLI's PNG/SVG/PDF exports. */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "app/core/wm-map-data.h"

G_BEGIN_DECLS

typedef enum
{
  WM_RENDER_PNG,
  WM_RENDER_SVG,
  WM_RENDER_PDF,
} WmRenderFormat;

typedef enum
{
  WM_LAYER_BASE = 1 << 0,      /* sea, land and the imported boundaries */
  WM_LAYER_AREAS = 1 << 1,     /* the ward choropleth */
  WM_LAYER_OUTLINES = 1 << 2,  /* the local area and the region */
  WM_LAYER_FLOWS = 1 << 3,     /* anchor -> supplier £ */
  WM_LAYER_SUPPLIERS = 1 << 4, /* circles sized by £, clustered */
  WM_LAYER_ANCHORS = 1 << 5,   /* squares with labels */
  WM_LAYER_LEGEND = 1 << 6,    /* legend, title, scale bar (exports) */
  WM_LAYER_ALL = 0x7f,
} WmLayers;

typedef enum
{
  WM_AREA_STYLE_IMD,      /* national IMD decile of the ward */
  WM_AREA_STYLE_RECEIVED, /* £ received by the ward's suppliers, log classes */
} WmAreaStyle;

typedef struct _WmBasemap WmBasemap;

/* What part of the (normalised, 0..1) Web Mercator plane a surface shows:
 * pixel = (mercator - origin) * scale. */
typedef struct
{
  double scale;
  double x0, y0;
  double width, height;
} WmMapView;

#define WM_RENDER_MAX_MARKED 5

typedef struct
{
  WmLayers    layers;
  WmAreaStyle style;
  gint64      min_flow;    /* pence; smaller anchor -> supplier flows are left out */
  guint       max_flows;   /* flows drawn after aggregation, the rest summed (0 = 150) */
  int         hover_area;  /* index into data->areas or -1 */
  int         hover_point; /* index into data->points or -1 */
  gboolean    has_extent;  /* show extent (Mercator x0, y0, x1, y1) instead of the scene's */
  double      extent[4];
  /* Candidate sites for a gap, numbered 1.. in this order: indexes into data->areas, -1 for
   * none (a site not among the areas drawn, e.g. a ward while LSOAs are shown). */
  int      marked_areas[WM_RENDER_MAX_MARKED];
  char     marked_title[96]; /* their legend entry, e.g. "Candidate sites: ICT & telecoms" */
  gboolean marked_plain;     /* outlines only, without the numbered discs */
  /* Only flows to, and suppliers in, this ward (a ward report's map); NULL: all. */
  const char *only_ward;
  /* Exports (WM_LAYER_LEGEND): the title (NULL: the project's), a caption under it (a
   * story's text; NULL: none) and a north arrow. */
  const char *title;
  const char *caption;
  gboolean    north_arrow;
  /* The map's own labels (anchor names, flow totals at the edge, cluster counts) this many
   * times larger; 0: 1 (presenting uses the legend's scale). */
  double label_scale;
  /* A page of several (a story's PDF): "Workshop · 2 of 3" above the credits; NULL: none. */
  const char *page_label;
  /* Raster tiles under the map instead of Natural Earth's land (wm-basemap.h), borrowed; NULL:
   * none. */
  WmBasemap *basemap;
} WmRenderOptions;

/* The size of an exported page: the surface in its own units (pixels for PNG, points for SVG
 * and PDF) and how many of them make one unit of the map's layout, in which text sizes,
 * line widths and the legend are set (1: as on screen). */
typedef struct
{
  int    width, height;
  double scale;
  double dpi; /* a PNG's pixels per inch, written in its pHYs chunk; 0: none written */
} WmPageSize;

/* What the flows layer drew, for its legend. */
typedef struct
{
  gint64 max_amount;  /* the widest line's £ */
  guint  drawn;       /* lines drawn */
  guint  rest;        /* aggregated flows left out (beyond max_flows) */
  gint64 rest_amount; /* and their £ */
  gint64 below_min;   /* £ in flows under min_flow */
} WmFlowStats;

typedef struct _WmScene WmScene;

/* Projects @data once (takes ownership); immutable afterwards, so tile threads share it. */
WmScene *wm_scene_new (WmMapData *data, GPtrArray *land);
WmScene *wm_scene_ref (WmScene *scene);
void     wm_scene_unref (WmScene *scene);
/* Loads the project's map data under @filter, with the offline land basemap. */
WmScene         *wm_scene_load (WmProject *project, const WmMapFilter *filter, GError **error);
const WmMapData *wm_scene_get_data (const WmScene *scene);
/* Ranks the areas' vertices for drawing simplified at every zoom, and lists their borders once
 * (wm-simplify.h): 0.3 s for the 32,844 English LSOAs, whose tiles then draw 1.5-1.8x faster
 * at zooms 6-12. Until it is done, areas are drawn with every vertex, so it can run in a
 * thread beside the drawing. Once per scene; a second call returns at once. */
void wm_scene_simplify (WmScene *scene);
/* The bounding box to show first: the local area and region when set, else everything. */
void wm_scene_get_extent (const WmScene *scene, double *x0, double *y0, double *x1, double *y1);

/* The Mercator bounding box of one of the scene's areas; FALSE when @area is out of range. */
gboolean wm_scene_get_area_extent (
    const WmScene *scene, guint area, double *x0, double *y0, double *x1, double *y1);

/* Normalised Web Mercator of lon/lat and back. */
void wm_mercator (double lon, double lat, double *mx, double *my);
void wm_mercator_inverse (double mx, double my, double *lon, double *lat);

void wm_map_view_init_tile (WmMapView *view, guint x, guint y, guint zoom, guint tile_size);
/* Fits the box into width x height with @margin pixels around it. */
void wm_map_view_init_fit (WmMapView *view,
                           double     x0,
                           double     y0,
                           double     x1,
                           double     y1,
                           double     width,
                           double     height,
                           double     margin);

void wm_render_options_init (WmRenderOptions *options);
/* The colour of local, regional, leaked and other suppliers, shared with the app's charts. */
void wm_render_place_rgb (const char *place, double rgb[3]);
/* "areas,flows,anchors" -> layers; an unknown name is an error that lists the known ones. */
gboolean wm_layers_parse (const char *text, WmLayers *layers, GError **error);

/* The layers that do not change with the view's position: what the app's tiles draw. */
void wm_render_tile_layers (cairo_t               *cr,
                            const WmScene         *scene,
                            const WmMapView       *view,
                            const WmRenderOptions *options);
/* The per-frame layers (flows, suppliers, anchors, hover), clustered for the view. */
void wm_render_overlay (cairo_t               *cr,
                        const WmScene         *scene,
                        const WmMapView       *view,
                        const WmRenderOptions *options,
                        WmFlowStats           *stats);
void wm_render_scale_bar (cairo_t *cr, const WmMapView *view, double x, double y);
/* The legend for the layers and style in @options, in a box @width wide; returns its height. */
double wm_render_legend (cairo_t               *cr,
                         const WmScene         *scene,
                         const WmRenderOptions *options,
                         const WmFlowStats     *stats,
                         double                 x,
                         double                 y,
                         double                 width);

/* A Pango layout of @markup in Sans at @size, wrapped at @max_width when above 0. */
PangoLayout *wm_render_layout (cairo_t *cr, const char *markup, double size, double max_width);
/* Pango markup at x, y (top left), wrapped at @max_width when above 0; returns its height. */
double
wm_render_text (cairo_t *cr, double x, double y, const char *markup, double size, double max_width);
/* The colour of IMD decile @decile (1..10) on the map, for charts that use the same key. */
void wm_render_decile_rgb (int decile, double rgb[3]);

/* The area or point under a pixel of @view (-1 when none); points win over areas. */
int wm_scene_pick_area (const WmScene *scene, const WmMapView *view, double px, double py);
int wm_scene_pick_point (const WmScene *scene, const WmMapView *view, double px, double py);

/* A whole map, fitted to the scene's extent, with legend, title and scale bar. */
void wm_render_map (
    cairo_t *cr, const WmScene *scene, const WmRenderOptions *options, double width, double height);

/* A page @width x @height in the format's units, its text as on a screen of @dpi (PNG; 96 is
 * a screen's) or in points (SVG, PDF). */
gboolean wm_page_size_for_pixels (
    int width, int height, WmRenderFormat format, double dpi, WmPageSize *size, GError **error);
/* A paper size: "a0".."a5" or "letter", landscape unless it ends in "-portrait"; a PNG at
 * @dpi. The layout is in points, so a PNG and a PDF of the same paper look the same. */
gboolean wm_page_size_for_paper (
    const char *paper, WmRenderFormat format, double dpi, WmPageSize *size, GError **error);

/* An export being written: one page for PNG and SVG, any number for PDF (a story). */
typedef struct _WmRenderDoc WmRenderDoc;

WmRenderDoc *
wm_render_doc_new (const char *path, WmRenderFormat format, const WmPageSize *size, GError **error);
/* Draws wm_render_map on a new page (the options' layers should include the legend). */
void
wm_render_doc_add_page (WmRenderDoc *doc, const WmScene *scene, const WmRenderOptions *options);
/* Writes the file and frees @doc; FALSE (saying why, naming the file) when it could not. */
gboolean wm_render_doc_finish (WmRenderDoc *doc, GError **error);
/* Frees @doc and what it had written (a cancelled export): the file named is left alone. */
void wm_render_doc_abandon (WmRenderDoc *doc);

/* One page: new, add_page, finish. */
gboolean wm_render_to_file (const WmScene         *scene,
                            const WmRenderOptions *options,
                            const char            *path,
                            WmRenderFormat         format,
                            const WmPageSize      *size,
                            GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmScene, wm_scene_unref)

G_END_DECLS
