/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Normalisers for what councils publish: amounts, dates, postcodes, supplier names, header
 * names and supplier kinds. Pure functions, table-tested in tests/test-text.c. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  WM_KIND_UNKNOWN,
  WM_KIND_SME,
  WM_KIND_VCSE,
  WM_KIND_LARGE,
  WM_KIND_PUBLIC,
} WmSupplierKind;

/* Parses "£1,234.56", "(12.00)", "-12.00", "12.00CR", "1140" into pence. */
gboolean wm_parse_amount (const char *text, gint64 *pence, const char **why);

/* Parses UK dates: dd/mm/yyyy, dd/mm/yy, "3 Apr 2023", "15 June 2023", "26-Apr-23", ISO
 * yyyy-mm-dd and yyyy/mm/dd (with or without a time), and Excel serial day numbers. */
gboolean wm_parse_date (const char *text, GDate *date, const char **why);

/* "bb5 1aa", "BB51AA", "BB5  1AA" -> "BB5 1AA"; NULL when it is not a UK postcode. */
char *wm_normalize_postcode (const char *text);

/* The matching key of a supplier name: upper case, HTML entities decoded, "&" -> AND,
 * punctuation dropped, LIMITED -> LTD, PUBLIC LIMITED COMPANY -> PLC, leading THE dropped,
 * whitespace collapsed. Returns "" for a blank name. */
char *wm_normalize_name (const char *name);

/* wm_normalize_name() without trailing company suffixes (LTD, PLC, LLP, CO, COMPANY, UK,
 * GROUP, ...), the key of the second matching step. */
char *wm_normalize_name_nosuffix (const char *name);

/* The normalised name without what payment systems add to a payee: payment-method markers
 * ("(DD ONLY)", "DIRECT DEBIT"), reference numbers in brackets or at the end
 * ("... COUNCIL (200398)", "UCHECK 020124 2", "... LTD 01") and a trading name after "T/A".
 * Never empty when the name has words: a name that is all reference stays as it was. */
char *wm_normalize_name_clean (const char *name);

/* The words of a name that say which firm it is, for fuzzy matching: the cleaned name without
 * company suffixes and AND, THE, OF. */
GStrv wm_name_tokens (const char *name);

/* A header cell reduced for column detection: lower case, no BOM, no '*', '£', ':', brackets
 * or punctuation, single spaces ("Net Amount (£)" -> "net amount"). */
char *wm_normalize_header (const char *header);

/* TRUE for "", "REDACTED", "Personal Information", "Redacted - personal data", ... */
gboolean wm_name_is_redacted (const char *name);

/* Kind of a payee guessed from its name alone ("... CIC" -> VCSE, "... PLC" -> large). Never
 * "public": public bodies are told apart by the project's rules (wm-public.h). */
WmSupplierKind wm_infer_kind (const char *name);

const char    *wm_kind_to_string (WmSupplierKind kind);
WmSupplierKind wm_kind_from_string (const char *text);

/* Financial year (April to March) starting in the returned year: 2023-06-01 -> 2023. */
int wm_financial_year (const GDate *date);

/* Text in UTF-8: valid UTF-8 is returned as is, anything else is read as Windows-1252 (what
 * Excel on Windows writes: a bare 0xA3 is '£'). */
char *wm_to_utf8 (const char *text, gssize len);
/* The same, appended to @out (no terminator added). */
void wm_append_utf8 (GString *out, const char *text, gsize len);

/* "£1,234,567" (rounded to the pound), for tables and reports. */
char *wm_format_pounds (gint64 pence);

/* "12.3%" of @whole, or "-" when @whole is zero: shares in the CLI and the panel. */
char *wm_format_share (gint64 part, gint64 whole);

/* "£1.2m", "£350k", "£900": for map labels and legends. */
char *wm_format_pounds_short (gint64 pence);
/* "12,345". */
char *wm_format_count (gint64 n);
/* "-1234.56": pounds for CSV cells, without £ or separators, so a spreadsheet sums them. */
char *wm_format_pounds_plain (gint64 pence);
/* "0.1234" (4 decimals, '.' whatever the locale), or "" when @whole is zero. */
char *wm_format_fraction_plain (gint64 part, gint64 whole);

/* "53.75, -2.36" (latitude, longitude in decimal degrees; comma or space between): TRUE and
 * the two numbers, FALSE for anything else. */
gboolean wm_parse_lat_lon (const char *text, double *lat, double *lon);

/* Appends one CSV record (RFC 4180: every field quoted by libcsv, CRLF) to @out. */
void wm_csv_append_row (GString *out, const char *const *fields, guint n_fields);

G_END_DECLS
