/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the importers and the analysis share about a project: its SQLite handle, transactions
 * and small statement helpers. Not installed, not for widgets. */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "wm-map-data.h"
#include "wm-project.h"
#include "wm-table-reader.h"

G_BEGIN_DECLS

sqlite3 *_wm_project_get_db (WmProject *self);

/* One import = one transaction. _wm_project_end() commits when @ok, else rolls back. */
gboolean _wm_project_begin (WmProject *self, GError **error);
gboolean _wm_project_end (WmProject *self, gboolean ok, GError **error);

gboolean _wm_db_exec (sqlite3 *db, const char *sql, GError **error);
/* The spend_pairs cache (migrations 6 to 8) summed again from every line. */
gboolean _wm_project_refresh_spend_pairs (sqlite3 *db, GError **error);

/* One cell of the spend_pairs cache: the lines of one anchor to one payee in one sector and
 * financial year, or a change to be made to it. */
typedef struct
{
  gint64      anchor_id;
  gint64      name_id;            /* 0: none (SQL NULL) */
  gint64      redacted;           /* 0 or 1 */
  const char *sector;             /* interned (g_intern_string); NULL: never classified */
  gint64      fyear;              /* 0: no date (SQL NULL) */
  const char *excluded;           /* interned: why the sector lists exclude the lines; NULL: open */
  gint64      pence, lines, open; /* open: pence of lines not excluded by the sector lists */
  gint64      positive;           /* lines of more than 0 pence (a buyer, not only refunds) */
} WmSpendCell;

/* A set of cells, keyed by everything but the sums. Imports add each stored line's cell;
 * classification takes a moved line out of its old cell and adds it to its new one. */
GHashTable *_wm_spend_cells_new (void);
void        _wm_spend_cells_add (GHashTable *cells, const WmSpendCell *change);
/* Adds @cells to the cache, creating missing cells and dropping those left with no lines. */
gboolean      _wm_project_add_spend_cells (sqlite3 *db, GHashTable *cells, GError **error);
sqlite3_stmt *_wm_db_prepare (sqlite3 *db, const char *sql, GError **error);
gboolean      _wm_db_step_done (sqlite3_stmt *stmt, GError **error);
gboolean      _wm_db_error (sqlite3 *db, GError **error, const char *what);
gint64        _wm_db_query_int (sqlite3 *db, const char *sql, gint64 fallback);

/* Hands each row of @sql (three text columns) to @add, as wm_table_read_rules() does for a
 * file: a project's copy of a rules list back into its rules object. */
gboolean _wm_db_read_rules (
    sqlite3 *db, const char *sql, WmRuleRowFunc add, gpointer target, GError **error);

/* Binds a WmMapFilter (wm-map-data.h) to ?1..?5: anchor name, category, financial year (0:
 * all), supplier kind, sector; the map's and the summaries' SQL both take them so. */
void _wm_bind_map_filter (sqlite3_stmt *stmt, const WmMapFilter *filter);

/* Bind helpers that treat NULL and "" as SQL NULL. */
/* Counts @row as malformed in @report, with a message "file:line: " and the formatted text. */
void _wm_report_malformed_row (WmImportReport *report,
                               WmTableReader  *reader,
                               const WmRow    *row,
                               const char     *format,
                               ...) G_GNUC_PRINTF (4, 5);
void _wm_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *text);

/* The end of every importer: commit or roll back, then on success report progress 1.0 and
 * hand the report (named after the file) to the caller. */
gboolean _wm_project_end_import (WmProject       *self,
                                 gboolean         ok,
                                 WmImportReport **import_report,
                                 WmProgressFunc   progress,
                                 gpointer         progress_data,
                                 WmImportReport **report,
                                 GError         **error);

/* Marks the analysis caches stale after an import. */
void _wm_project_touch (WmProject *self);

/* Cancellation as a WM error with the file name. */
gboolean _wm_check_cancelled (GCancellable *cancellable, const char *file, GError **error);

/* Each ward's deprivation from its LSOAs, population-weighted (weight 1 without a population
 * file): code, mean_rank, d1 and d12 (shares of residents in national deciles 1 and 1-2),
 * population. */
#define WM_WARD_DEPRIVATION_SQL_FOR(DOMAIN)                                                        \
  "SELECT l.ward_code AS code,"                                                                    \
  "   sum(d.rank * coalesce(pop.total, 1)) * 1.0 / sum(coalesce(pop.total, 1)) AS mean_rank,"      \
  "   sum(CASE WHEN d.decile = 1 THEN coalesce(pop.total, 1) ELSE 0 END) * 1.0"                    \
  "     / sum(coalesce(pop.total, 1)) AS d1,"                                                      \
  "   sum(CASE WHEN d.decile <= 2 THEN coalesce(pop.total, 1) ELSE 0 END) * 1.0"                   \
  "     / sum(coalesce(pop.total, 1)) AS d12,"                                                     \
  "   sum(pop.total) AS population"                                                                \
  "  FROM lookup l JOIN deprivation d ON d.lsoa_code = l.lsoa_code AND d.domain = " DOMAIN         \
  "  LEFT JOIN population pop ON pop.lsoa_code = l.lsoa_code GROUP BY l.ward_code"

#define WM_WARD_DEPRIVATION_SQL WM_WARD_DEPRIVATION_SQL_FOR ("'imd'")

/* Ward code -> national decile (int in a pointer) of the ward's mean rank in @domain (imd,
 * income, employment, education, health, crime, barriers, living). */
GHashTable *_wm_project_ward_deciles (sqlite3 *db, const char *domain, GError **error);

/* Public bodies (wm-public.c): the shipped list into a new project's public_rules; every
 * supplier a payee leads to marked public (with its body) or not, by the project's list. */
gboolean _wm_project_seed_public_rules (sqlite3 *db, GError **error);
gboolean _wm_project_classify_public (sqlite3 *db, GError **error);
/* The same for the suppliers that gained or lost a payee name while links were tracked. */
gboolean _wm_project_classify_public_tracked (sqlite3 *db, GError **error);

/* Sectors (wm-sectors.c): the shipped lists into a new project; every spend line's sector and
 * exclusion (why it is not influenceable) from the project's lists. */
gboolean _wm_project_seed_sector_rules (sqlite3 *db, GError **error);
gboolean _wm_project_classify_sectors (sqlite3 *db, GCancellable *cancellable, GError **error);
/* Notes, until untracked, which names get another supplier and which suppliers another kind or
 * SIC codes; _wm_project_classify_tracked() decides again the lines behind them only. */
gboolean _wm_project_track_links (sqlite3 *db, GError **error);
gboolean _wm_project_classify_tracked (sqlite3 *db, GCancellable *cancellable, GError **error);
void     _wm_project_untrack_links (sqlite3 *db);

/* The CLI's JSON: what @builder built, pretty-printed. */
char *_wm_json_builder_to_string (JsonBuilder *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
