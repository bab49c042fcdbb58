/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The side panel: filters, per-anchor shares, the ward table and the unlocated suppliers. It
 * shows the core's summaries and says when the user changes the filter or picks a ward. */
#pragma once

#include <adwaita.h>

#include "app/core/wealthmap-core.h"

G_BEGIN_DECLS

#define WM_TYPE_SIDE_PANEL (wm_side_panel_get_type ())
G_DECLARE_FINAL_TYPE (WmSidePanel, wm_side_panel, WM, SIDE_PANEL, GtkWidget)

/* The project's summaries (by anchor, year, sector and supplier kind) of the spend under the
 * filters (the shares group says which when some is left out) and the unlocated suppliers
 * (WmUnmatchedRow*). */
void wm_side_panel_set_data (WmSidePanel     *self,
                             const WmSummary *by_anchor,
                             const WmSummary *by_year,
                             const WmSummary *by_sector,
                             const WmSummary *by_kind,
                             GPtrArray       *unmatched);
/* What the Anchor, Financial year and Sector rows offer (wm_project_filter_choices()), keeping
 * each row's choice when it is still there; NULL arrays empty them. Says nothing. */
void wm_side_panel_set_choices (WmSidePanel *self,
                                GPtrArray   *anchors,
                                GPtrArray   *years,
                                GPtrArray   *sectors);
/* The filter as chosen; the strings belong to the panel. */
void wm_side_panel_get_filter (WmSidePanel *self, WmMapFilter *filter);
/* Shows only @sector's spend (NULL: all sectors), as if chosen in the Sector row. */
void   wm_side_panel_set_sector (WmSidePanel *self, const char *sector);
gint64 wm_side_panel_get_min_flow (WmSidePanel *self);
/* Sets every filter row at once (a story's view), saying filter-changed once; a value the
 * project does not have (an anchor since removed) selects "all". */
void wm_side_panel_set_filter (WmSidePanel *self, const WmMapFilter *filter, gint64 min_flow);

G_END_DECLS
