/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shares: where each anchor's money went (local / regional / leaked / unlocated), by
 * anchor, sector, supplier kind, year or ward, and the ward table. Definitions in DESIGN.md:
 * shares are of located spend; unlocated (including redacted) is always reported beside.
 * Payments to public bodies are a slice of their own: total = local + regional + leaked +
 * unlocated + unclassified + public_bodies. */
#pragma once

#include "wm-map-data.h"
#include "wm-project.h"

G_BEGIN_DECLS

typedef enum
{
  WM_SUMMARY_BY_ANCHOR,
  WM_SUMMARY_BY_SECTOR,
  WM_SUMMARY_BY_KIND,
  WM_SUMMARY_BY_YEAR,
  WM_SUMMARY_BY_WARD,
} WmSummaryBy;

typedef struct
{
  char  *key;   /* anchor name, sector, kind, "2023/24", ward code */
  char  *label; /* what to show (ward name for wards, else the key) */
  gint64 total; /* pence, net of credits */
  gint64 local; /* these five: spend not paid to public bodies */
  gint64 regional;
  gint64 leaked;
  gint64 unlocated;     /* no location: unplaced suppliers and redacted lines */
  gint64 unclassified;  /* located, but no place (local area) is set */
  gint64 redacted;      /* part of unlocated */
  gint64 public_bodies; /* paid to suppliers of kind "public", wherever they are */
  gint64 suggested;     /* part of unlocated: payees with a fuzzy suggestion to review */
  gint64 lines;
  gint64 suppliers;
  /* Influenceable spend (not public, not excluded by the project's list; wm-sectors.h) and
   * where it went. */
  gint64 influenceable;
  gint64 infl_local;
  gint64 infl_regional;
  gint64 infl_leaked;
  gint64 infl_unlocated;
  /* Coverage (by anchor and overall): the largest unplaced payees, WmUnplaced*, at most 10. */
  GPtrArray *top_unplaced;
} WmShareRow;

typedef struct
{
  char  *name;
  gint64 amount; /* pence */
} WmUnplaced;

typedef struct
{
  char  *code;
  char  *name;
  char  *role;     /* local, region or NULL */
  gint64 received; /* pence paid to suppliers located in the ward */
  gint64 suppliers;
  int    imd_decile; /* decile of the population-weighted mean IMD rank, 0 if unknown */
  double imd_mean_rank;
  double share_decile_1;  /* share of residents in LSOAs of national IMD decile 1 */
  double share_decile_12; /* ... deciles 1 and 2 */
  gint64 population;
} WmWardRow;

typedef struct
{
  WmSummaryBy by;
  WmShareRow  overall;
  GPtrArray  *rows;  /* WmShareRow*, largest total first (years in order) */
  GPtrArray  *wards; /* WmWardRow*, local then region wards, by received */
  gboolean    place_set;
  char       *place_local;
  char       *place_region;
  double      region_km;
  /* the spend summed (wm_project_summary_filtered()); NULL and 0: all */
  struct
  {
    char *anchor, *sector, *kind, *category;
    int   fyear;
  } filter;
} WmSummary;

WmSummary *wm_project_summary (WmProject *self, WmSummaryBy by, GError **error);
/* The overall row and the rows by @by only: no ward table (wards stays empty) and no top
 * unplaced payees. For charts; the ward table and top unplaced cost a national project
 * 0.5 s a summary. */
WmSummary *wm_project_summary_rows (WmProject *self, WmSummaryBy by, GError **error);
/* A summary of the spend under @filter (NULL: all of it), the map's filter: anchor, financial
 * year, sector, supplier kind and category (its level and domain are not used). Every figure,
 * the ward table and the top unplaced payees included, is of that spend. With @rows_only, as
 * wm_project_summary_rows(). A category filter reads every line; the others read the cells. */
WmSummary *wm_project_summary_filtered (
    WmProject *self, WmSummaryBy by, const WmMapFilter *filter, gboolean rows_only, GError **error);
/* What the filters choose from, over all the project's spend (not the filtered): the anchors
 * and the sectors, largest £ first (as the summaries order them), and the financial years in
 * order as "2023/24" (the summary by year's keys). Arrays of owned strings. */
gboolean wm_project_filter_choices (
    WmProject *self, GPtrArray **anchors, GPtrArray **years, GPtrArray **sectors, GError **error);
void  wm_summary_free (WmSummary *summary);
char *wm_summary_to_json (const WmSummary *summary);
/* The rows of @summary (by its dimension) and an "All" row, as CSV: UTF-8 with a BOM so a
 * spreadsheet reads £ right, amounts in pounds without separators, shares as fractions. */
char *wm_summary_to_csv (const WmSummary *summary);
/* The ward table (the app's side panel): received £, share of the local area's, suppliers,
 * IMD decile and rank, residents in the most deprived LSOAs; the same CSV conventions. */
char    *wm_summary_wards_to_csv (const WmSummary *summary);
gboolean wm_summary_by_from_string (const char *text, WmSummaryBy *by);

typedef struct
{
  char  *name;
  char  *kind;
  char  *postcode; /* registered or trading postcode if any */
  char  *why;      /* "no postcode", "postcode not in the postcode table", ... */
  gint64 amount;   /* pence */
  gint64 lines;
  char  *anchors;     /* comma-separated anchor names */
  gint64 supplier_id; /* suppliers.fid; 0 for the redacted lines */
} WmUnmatchedRow;

/* Unlocated suppliers, by amount; redacted lines are one row named "(redacted)". */
GPtrArray *wm_project_unmatched (WmProject *self, GError **error);
void       wm_unmatched_row_free (WmUnmatchedRow *row);
char      *wm_unmatched_to_json (GPtrArray *rows);
/* Unlocated suppliers as CSV (UTF-8 with BOM): name, kind, postcode, why, £, lines, anchors. */
char *wm_unmatched_to_csv (GPtrArray *rows);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmSummary, wm_summary_free)

G_END_DECLS
