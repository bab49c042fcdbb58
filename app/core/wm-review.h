/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The end of the matching cascade and the officer's review: payees that no exact step placed
 * get fuzzy suggestions (token match, docs/matching.md), marked suggested until accepted; an
 * accepted match is stored as a key of the supplier, so it holds for every line of that payee
 * and survives later imports; what was learnt exports as a supplier directory that another
 * project imports. */
#pragma once

#include "wm-core-types.h"
#include "wm-project.h"

G_BEGIN_DECLS

/* A suggestion at or above this score is shown; below it, none. */
#define WM_SUGGEST_MIN_SCORE 0.70
/* Two candidates within this of each other: the payee is ambiguous and never auto-accepted. */
#define WM_SUGGEST_TIE 0.02

typedef struct
{
  gint64   supplier_id;
  char    *name;
  char    *company_number;
  char    *postcode;
  char    *status;
  double   score;     /* 0..1, dissolved companies scaled down */
  gboolean ambiguous; /* another candidate scored within WM_SUGGEST_TIE */
} WmSuggestion;

typedef struct
{
  gint64     name_id;
  char      *payee; /* as published (first spelling) */
  char      *supplier;
  gint64     supplier_id; /* the supplier the payee leads to now */
  gint64     amount;      /* pence, not redacted */
  gint64     lines;
  char      *anchors;
  char      *why;         /* why it is not placed */
  GPtrArray *suggestions; /* WmSuggestion*, best first */
} WmReviewRow;

void wm_suggestion_free (WmSuggestion *s);
void wm_review_row_free (WmReviewRow *row);

/* Payees whose spend is not placed (not public bodies, no location), largest £ first, with
 * their suggestions. */
GPtrArray *wm_project_review (WmProject *self, GError **error);

/* The review as JSON (docs/cli.md, `matches --json`): the first @limit rows, 0 for all. */
char *wm_review_to_json (GPtrArray *rows, guint limit);

/* Directory suppliers whose name or alias starts with @text (normalised), for the review's
 * search as you type; at most @limit, active companies first. WmSuggestion* with score 0. */
GPtrArray *
wm_project_search_directory (WmProject *self, const char *text, guint limit, GError **error);

/* Ties the payee @name_id to directory supplier @supplier_id (how = "review") and places the
 * project again; one transaction. */
gboolean
wm_project_accept_match (WmProject *self, gint64 name_id, gint64 supplier_id, GError **error);

/* Accepts every suggestion at or above @min_score that is not ambiguous (how = "fuzzy"). */
gboolean wm_project_accept_suggestions (WmProject *self,
                                        double     min_score,
                                        guint     *n_accepted,
                                        GError   **error);

/* The review as CSV for a spreadsheet (UTF-8 with BOM): one row per unplaced payee with its
 * best suggestion and the columns `accept` and `postcode` to fill in. */
gboolean wm_project_export_review (WmProject *self, const char *path, GError **error);
/* Reads such a CSV back: `accept` (y, yes, x, 1 or the suggested company number) accepts the
 * suggestion; a `postcode` places the payee's supplier there. One transaction; an unknown
 * payee or postcode fails naming file and line and changes nothing. */
gboolean wm_project_import_review (WmProject       *self,
                                   const char      *path,
                                   WmImportReport **report,
                                   GError         **error);

/* What this project learnt, as a supplier directory CSV (name, aliases, company number,
 * postcode, kind) that `import suppliers` reads in another project: every directory supplier
 * with payee spellings accepted by review, and every supplier placed by hand. */
gboolean
wm_project_export_knowledge (WmProject *self, const char *path, guint *n_rows, GError **error);

/* Inside relink: fuzzy suggestions for every payee that no exact step tied to the directory. */
gboolean _wm_project_suggest (WmProject *self, GCancellable *cancellable, GError **error);

G_END_DECLS
