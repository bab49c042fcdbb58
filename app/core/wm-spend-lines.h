/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spend lines behind a figure: every £ the app or CLI shows can be opened to the lines it
 * sums, each with its source file and line (or sheet and row). */
#pragma once

#include "wm-project.h"

G_BEGIN_DECLS

/* Which lines; NULL or 0 fields mean "any". */
typedef struct
{
  const char *anchor;        /* anchor name */
  gint64      supplier_id;   /* suppliers.fid */
  const char *supplier;      /* supplier name, exact */
  const char *ward;          /* code of the ward the supplier is located in */
  const char *place;         /* local, regional, leaked, unset or unlocated */
  const char *category;      /* spend category as published */
  int         fyear;         /* financial year starting in April of this year */
  const char *kind;          /* supplier kind */
  const char *sector;        /* sector (wm-sectors.h) */
  gboolean    influenceable; /* only influenceable spend (not excluded, not public bodies) */
} WmLineQuery;

typedef struct
{
  char    *anchor;
  char    *supplier; /* as published on the line ("" when blank) */
  char    *matched;  /* the supplier it was matched to, or NULL */
  gint64   amount;   /* pence */
  char    *date;     /* ISO or NULL */
  char    *category;
  char    *description;
  char    *place; /* local, regional, leaked, unset, or NULL (unlocated) */
  char    *file;  /* file name as imported */
  char    *sheet; /* NULL for CSV */
  guint64  line;  /* physical line (CSV) or row (sheet) */
  gboolean redacted;
} WmSpendLine;

typedef struct
{
  guint64 lines; /* all lines the query matches, not only those returned */
  gint64  total; /* pence */
} WmLineTotals;

/* Up to @limit lines (0 = all), largest amounts first. */
GPtrArray *wm_project_spend_lines (
    WmProject *self, const WmLineQuery *query, guint limit, WmLineTotals *totals, GError **error);
void wm_spend_line_free (WmSpendLine *line);
/* "file:line" or "file:sheet:row", as errors name them. */
char *wm_spend_line_source (const WmSpendLine *line);
char *wm_spend_lines_to_json (GPtrArray *lines, const WmLineTotals *totals);

G_END_DECLS
