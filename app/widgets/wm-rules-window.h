/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The editor of a project's two rules lists (wm-sectors.h): which spend goes in which sector,
 * and which spend is not influenceable. Rows are edited in place, searched, added and removed;
 * each list can be replaced by or saved as a CSV file; Apply checks every rule and hands the
 * lists to the main window (the "apply" signal), which stores them and gives every line its
 * sector again on a worker thread. */
#pragma once

#include <adwaita.h>

#include "app/core/wealthmap-core.h"

G_BEGIN_DECLS

#define WM_TYPE_RULES_WINDOW (wm_rules_window_get_type ())
G_DECLARE_FINAL_TYPE (WmRulesWindow, wm_rules_window, WM, RULES_WINDOW, AdwWindow)

/* The project's rules, to edit; NULL and @error when they cannot be read. */
WmRulesWindow *wm_rules_window_new (GtkWindow *parent, WmProject *project, GError **error);

/* For tests and scripts: the rows of a list, a new rule at the top of one, Apply. */
guint    wm_rules_window_count (WmRulesWindow *self, gboolean exclusions);
void     wm_rules_window_add_rule (WmRulesWindow *self,
                                   gboolean       exclusions,
                                   const char    *source,
                                   const char    *pattern,
                                   const char    *value);
gboolean wm_rules_window_apply (WmRulesWindow *self);
/* The message shown (an error naming the list and rule, or NULL). */
const char *wm_rules_window_get_message (WmRulesWindow *self);
/* Called by the main window when the lists have been stored (or not). */
void wm_rules_window_applied (WmRulesWindow *self, const GError *error);

G_END_DECLS
