/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The map, drawn with cairo and Pango only: the same code for the CLI's PNG/SVG/PDF exports
 * and, later, the app's tiles. */
#pragma once

#include <cairo.h>

#include "app/core/wm-map-data.h"

G_BEGIN_DECLS

typedef enum
{
  WM_RENDER_PNG,
  WM_RENDER_SVG,
  WM_RENDER_PDF,
} WmRenderFormat;

/* Draws the wards (IMD decile), the local area and region outlines, suppliers sized by £ and
 * coloured by place, the anchors, a legend and the attribution into @width x @height. */
void wm_render_map (cairo_t *cr, const WmMapData *data, double width, double height);

gboolean wm_render_to_file (const WmMapData *data,
                            const char      *path,
                            WmRenderFormat   format,
                            int              width,
                            int              height,
                            GError         **error);

G_END_DECLS
