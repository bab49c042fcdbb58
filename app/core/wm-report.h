/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A ward's report for its councillors: where the ward stands on deprivation against the local
 * area, what the anchors pay the suppliers located in it (by anchor, by year, the largest
 * suppliers), the gaps for which it is a candidate site, and where the figures come from. The
 * figures only: app/map/wm-report-pdf draws them on an A4 page; wm_ward_report_to_csv writes
 * them for a spreadsheet. */
#pragma once

#include "wm-project.h"

G_BEGIN_DECLS

#define WM_REPORT_DOMAINS 8

typedef struct
{
  const char *domain;       /* imd, income, employment, ... */
  const char *title;        /* "Index of Multiple Deprivation", "Income", ... */
  int         ward_decile;  /* national decile of the ward's population-weighted mean rank */
  int         local_decile; /* and of the local area's (0 when no local area is set) */
} WmReportDomain;

typedef struct
{
  char  *name;
  char  *kind;    /* sme, vcse, large, unknown */
  char  *sector;  /* the sector of most of its £ from the anchors */
  char  *anchors; /* "Fire, PCC" */
  gint64 amount;  /* pence */
} WmReportSupplier;

typedef struct
{
  char  *sector;
  gint64 leaked;     /* pence of influenceable spend leaked in the sector */
  int    gap_rank;   /* the sector's rank in `gaps` */
  int    site_rank;  /* the ward's rank among the sector's candidate sites */
  int    site_count; /* candidate wards */
} WmReportOpportunity;

typedef struct
{
  char  *key; /* anchor name, or "2023/24" */
  gint64 amount;
} WmReportAmount;

typedef struct
{
  char          *code;
  char          *name;
  char          *role; /* local, region or NULL */
  gint64         population;
  int            lsoas;    /* LSOAs (neighbourhoods) in the ward */
  int            lsoas_d1; /* of which in England's most deprived 10% (IMD) */
  int            lsoas_d12;
  double         share_d1; /* residents in those LSOAs */
  double         share_d12;
  WmReportDomain domains[WM_REPORT_DOMAINS];
  gint64         received;       /* pence paid by the anchors to suppliers located in the ward */
  gint64         local_received; /* ... in the whole local area */
  int            local_wards;
  gint64         suppliers;
  GPtrArray     *by_anchor;     /* WmReportAmount* */
  GPtrArray     *by_year;       /* WmReportAmount*, in year order */
  GPtrArray     *top_suppliers; /* WmReportSupplier*, at most 10 */
  GPtrArray     *opportunities; /* WmReportOpportunity*: the top gaps and the ward's place */
  GPtrArray     *sources;       /* char*: one line per data source */
  char          *definitions;   /* what local and regional mean in this project */
  char          *generated;     /* ISO date */
} WmWardReport;

/* @code is a ward code (or a ward's exact name). */
WmWardReport *wm_project_ward_report (WmProject *self, const char *code, GError **error);
void          wm_ward_report_free (WmWardReport *report);
/* The same figures as rows of section, item, value, unit, UTF-8 with a BOM. */
char *wm_ward_report_to_csv (const WmWardReport *report);
/* The local area's ward codes, for a report on each. */
GStrv wm_project_local_wards (WmProject *self, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmWardReport, wm_ward_report_free)

G_END_DECLS
