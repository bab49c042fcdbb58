/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Matching payee names to suppliers. Spend lines point at a row of `names` (one per
 * normalised payee name); each name points at a supplier: a directory entry when one matches,
 * else a supplier made from the spend itself, so every payee has a row to place. */
#pragma once

#include <sqlite3.h>

#include "wm-project.h"

G_BEGIN_DECLS

typedef struct _WmNameTable WmNameTable;

/* The names already in the project, to give each spend line its name id without a query. */
WmNameTable *wm_name_table_new (sqlite3 *db, GError **error);
void         wm_name_table_free (WmNameTable *table);
/* The id of @raw's normalised name, inserting it when new (tied at once to the supplier its
 * name or a known alias leads to, if one does); 0 on error. */
gint64 wm_name_table_lookup (WmNameTable *table, const char *raw, GError **error);

/* A payee as its lines are stored: the name as first written, and the SIC codes and kind of
 * the supplier it leads to now. */
typedef struct
{
  char    *display;
  char    *sic;
  gboolean is_public;
} WmNameLink;
/* Owned by @table; NULL on error. */
const WmNameLink *wm_name_table_link (WmNameTable *table, gint64 id, GError **error);

/* Re-resolves names to suppliers (directory name, alias, company number, name without
 * suffix; else a supplier made from the spend), then locates suppliers and anchors and
 * classifies them local / regional / leaked. Runs inside the caller's transaction. */
gboolean _wm_project_relink (WmProject *self, GCancellable *cancellable, GError **error);
/* The same after a spend import whose lines were classified as they were stored, with
 * _wm_project_track_links() on since before its first line: only suppliers that gained or lost
 * a payee name are checked against the public-body list again, and only the lines of payees
 * whose supplier (or its kind or SIC codes) changed are classified again. */
gboolean _wm_project_relink_new_lines (WmProject *self, GCancellable *cancellable, GError **error);

G_END_DECLS
