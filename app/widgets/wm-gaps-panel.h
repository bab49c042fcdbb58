/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Gaps view beside the map: the sectors ranked by how much influenceable spend leaks from
 * them (a bar chart and a table), the selected sector's largest leaked suppliers and candidate
 * wards for a new local enterprise, and a Scenario page whose sliders recompute what moving
 * some of the leaked spend to local suppliers would be worth. The figures come from the core
 * (wm-gaps.h), read on worker threads; the scenario is recomputed in memory as sliders move. */
#pragma once

#include <adwaita.h>

#include "app/core/wealthmap-core.h"

G_BEGIN_DECLS

#define WM_TYPE_GAPS_PANEL (wm_gaps_panel_get_type ())
G_DECLARE_FINAL_TYPE (WmGapsPanel, wm_gaps_panel, WM, GAPS_PANEL, GtkWidget)

/* Reads the gaps and the scenario's base from @project (NULL: none) on a worker thread; call it
 * again after the project's spend, places or rules change. */
void wm_gaps_panel_set_project (WmGapsPanel *self, WmProject *project);
/* The deprivation domain candidate sites are ranked by ("imd", "income", ...). */
void wm_gaps_panel_set_domain (WmGapsPanel *self, const char *domain);
/* Selects @sector in the table (NULL: none), as a click would. */
void        wm_gaps_panel_select_sector (WmGapsPanel *self, const char *sector);
const char *wm_gaps_panel_get_sector (WmGapsPanel *self);
/* "gaps" or "scenario". */
void wm_gaps_panel_show_page (WmGapsPanel *self, const char *page);
/* Sets the scenario's sliders (percent; a negative value leaves a slider alone). */
void wm_gaps_panel_set_scenario (WmGapsPanel *self, double shift, double respend2, double respend3);

/* For the window and tests: what is shown (NULL while loading or without data). */
const WmGaps     *wm_gaps_panel_get_gaps (WmGapsPanel *self);
const WmSites    *wm_gaps_panel_get_sites (WmGapsPanel *self);
const WmScenario *wm_gaps_panel_get_scenario (WmGapsPanel *self);
gboolean          wm_gaps_panel_is_loading (WmGapsPanel *self);

G_END_DECLS
