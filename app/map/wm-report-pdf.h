/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A ward's report (wm-report.h) on one A4 page, drawn with cairo and Pango: the ward on the map,
 * its deprivation against the local area, the spend its suppliers receive, the largest of them,
 * the gaps it could host, and the sources and definitions in the footer. */
#pragma once

#include "app/core/wm-report.h"
#include "wm-render.h"

G_BEGIN_DECLS

#define WM_A4_WIDTH 595.276
#define WM_A4_HEIGHT 841.89

/* Draws the page at the origin of @cr, in points. @scene (all spend, wards) gives the map. */
void     wm_ward_report_draw (cairo_t *cr, const WmWardReport *report, const WmScene *scene);
gboolean wm_ward_report_to_pdf (const WmWardReport *report,
                                const WmScene      *scene,
                                const char         *path,
                                GError            **error);

G_END_DECLS
