/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Importing supplier directories: the Companies House BasicCompanyData layout (headers with
 * leading spaces, SICCode.SicText_1..4) and simple tables (name, aliases, company number,
 * postcode, lat/lon, SIC, kind) such as the Lancashire supplier dictionary. Each supplier gets
 * its matching keys (name, name without suffix, aliases); then payees are matched again. */
#include "wm-import-suppliers.h"

#include <string.h>

#include "wm-error.h"
#include "wm-match.h"
#include "wm-project-private.h"
#include "wm-table-reader.h"
#include "wm-text.h"

/* Rows after which an import drops the directory's indexes and builds them again at the end
 * (sorting once is far cheaper than millions of random B-tree inserts: the full Companies
 * House file took 127 s with the indexes kept up to date). */
#define BULK_ROWS 50000
#define DROP_SUPPLIER_INDEXES                                                                      \
  "DROP INDEX IF EXISTS suppliers_company; DROP INDEX IF EXISTS supplier_keys_key;"                \
  " DROP INDEX IF EXISTS supplier_keys_supplier"
/* as in the schema (wm-project.c) */
#define CREATE_SUPPLIER_INDEXES                                                                    \
  "CREATE INDEX IF NOT EXISTS suppliers_company ON suppliers (company_number);"                    \
  " CREATE INDEX IF NOT EXISTS supplier_keys_key ON supplier_keys (key);"                          \
  " CREATE INDEX IF NOT EXISTS supplier_keys_supplier ON supplier_keys (supplier_id)"

enum
{
  COL_NAME,
  COL_NUMBER,
  COL_POSTCODE,
  COL_CATEGORY,
  COL_STATUS,
  COL_SIC1,
  COL_SIC2,
  COL_SIC3,
  COL_SIC4,
  COL_ALIASES,
  COL_LAT,
  COL_LON,
  COL_KIND,
  N_COLS
};

static const char *const col_names[N_COLS][6] = {
  { "companyname", "supplier canonical", "supplier name", "name", "supplier", NULL },
  { "companynumber", "ch company number", "company number", "company no", NULL },
  { "regaddress postcode", "reg postal code", "postcode", "post code", NULL },
  { "companycategory", "ch company type", "category", "company type", NULL },
  { "companystatus", "ch status", "status", NULL },
  { "siccode sictext 1", "ch sic codes", "sic", "sic code", "sic codes", NULL },
  { "siccode sictext 2", NULL },
  { "siccode sictext 3", NULL },
  { "siccode sictext 4", NULL },
  { "aliases", "alias", NULL },
  { "lat", "latitude", NULL },
  { "lon", "long", "longitude", "lng", NULL },
  { "kind", "supplier kind", NULL },
};

/* Kind from the directory's company category (CH bulk text or CH API codes). */
static WmSupplierKind
kind_from_category (const char *category, gboolean *known)
{
  g_autofree char *c = g_ascii_strdown (category ? category : "", -1);

  *known = TRUE;
  if (strstr (c, "public limited") || strcmp (c, "plc") == 0)
    return WM_KIND_LARGE;
  if (strstr (c, "community interest") || strstr (c, "charitable") || strstr (c, "guarant")
      || strstr (c, "society") || strstr (c, "charity"))
    return WM_KIND_VCSE;
  if (strstr (c, "private limited") || strcmp (c, "ltd") == 0 || strcmp (c, "llp") == 0
      || strstr (c, "limited liability partnership"))
    return WM_KIND_SME;
  *known = FALSE;
  return WM_KIND_UNKNOWN;
}

/* "68320 - Management of real estate" -> "68320"; "43210 43290" stays as codes. */
static void
append_sic (GString *out, const char *text)
{
  g_auto (GStrv) parts = NULL;

  if (text == NULL || *text == '\0' || g_str_has_prefix (text, "None Supplied"))
    return;
  if (strstr (text, " - "))
    {
      g_autofree char *code = g_strndup (text, strstr (text, " - ") - text);
      g_strstrip (code);
      if (*code && strcmp (code, "0") != 0)
        g_string_append_printf (out, "%s%s", out->len ? " " : "", code);
      return;
    }
  parts = g_strsplit_set (text, " ,;", -1);
  for (int i = 0; parts[i]; i++)
    if (*parts[i])
      g_string_append_printf (out, "%s%s", out->len ? " " : "", parts[i]);
}

typedef struct
{
  WmTableReader  *reader;
  WmImportReport *report;
  sqlite3        *db;
  sqlite3_stmt   *insert;
  sqlite3_stmt   *key;
  int             cols[N_COLS];
  char           *source;
} SupplierImport;

static gboolean
add_key (SupplierImport *imp, const char *key, gint64 id, const char *how, GError **error)
{
  if (key == NULL || *key == '\0')
    return TRUE;
  sqlite3_bind_text (imp->key, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (imp->key, 2, id);
  sqlite3_bind_text (imp->key, 3, how, -1, SQLITE_STATIC);
  return _wm_db_step_done (imp->key, error);
}

static gboolean
store_row (SupplierImport *imp, const WmRow *row, GError **error)
{
  g_autofree char *name = g_strstrip (g_strdup (wm_row_cell (row, imp->cols[COL_NAME])));
  g_autofree char *postcode = NULL;
  g_autofree char *number = g_strstrip (g_strdup (wm_row_cell (row, imp->cols[COL_NUMBER])));
  g_autoptr (GString) sic = g_string_new (NULL);
  const char    *category = wm_row_cell (row, imp->cols[COL_CATEGORY]);
  const char    *kind_text = wm_row_cell (row, imp->cols[COL_KIND]);
  WmSupplierKind kind;
  gboolean       known = FALSE;
  double         lat = 0, lon = 0;
  gboolean       has_coords;
  gint64         id;

  imp->report->rows_read++;
  if (*name == '\0')
    {
      _wm_report_malformed_row (imp->report, imp->reader, row, "no supplier name; skipped");
      return TRUE;
    }
  postcode = wm_normalize_postcode (wm_row_cell (row, imp->cols[COL_POSTCODE]));
  if (postcode == NULL && *wm_row_cell (row, imp->cols[COL_POSTCODE]))
    imp->report->unknown++;
  for (int c = COL_SIC1; c <= COL_SIC4; c++)
    append_sic (sic, wm_row_cell (row, imp->cols[c]));
  has_coords = imp->cols[COL_LAT] >= 0 && imp->cols[COL_LON] >= 0
               && *wm_row_cell (row, imp->cols[COL_LAT]) && *wm_row_cell (row, imp->cols[COL_LON]);
  if (has_coords)
    {
      lat = g_ascii_strtod (wm_row_cell (row, imp->cols[COL_LAT]), NULL);
      lon = g_ascii_strtod (wm_row_cell (row, imp->cols[COL_LON]), NULL);
    }
  /* A public body is public whatever its category says; then the directory's own kind, then
   * its company category; else a guess from the name, marked as inferred. */
  kind = wm_infer_kind (name);
  if (kind == WM_KIND_PUBLIC)
    known = FALSE;
  else if (*kind_text && wm_kind_from_string (kind_text) != WM_KIND_UNKNOWN)
    {
      kind = wm_kind_from_string (kind_text);
      known = TRUE;
    }
  else
    {
      WmSupplierKind from_category = kind_from_category (category, &known);
      if (known)
        kind = from_category;
    }

  sqlite3_bind_text (imp->insert, 1, name, -1, SQLITE_STATIC);
  _wm_bind_text_or_null (imp->insert, 2, number);
  _wm_bind_text_or_null (imp->insert, 3, postcode);
  if (has_coords)
    {
      sqlite3_bind_double (imp->insert, 4, lat);
      sqlite3_bind_double (imp->insert, 5, lon);
    }
  else
    {
      sqlite3_bind_null (imp->insert, 4);
      sqlite3_bind_null (imp->insert, 5);
    }
  _wm_bind_text_or_null (imp->insert, 6, sic->str);
  _wm_bind_text_or_null (imp->insert, 7, category);
  _wm_bind_text_or_null (imp->insert, 8, wm_row_cell (row, imp->cols[COL_STATUS]));
  sqlite3_bind_text (imp->insert, 9, wm_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_int (imp->insert, 10, !known);
  sqlite3_bind_text (imp->insert, 11, imp->source, -1, SQLITE_STATIC);
  if (!_wm_db_step_done (imp->insert, error))
    return FALSE;
  id = sqlite3_last_insert_rowid (imp->db);

  {
    g_autofree char *key = wm_normalize_name (name);
    g_autofree char *bare = wm_normalize_name_nosuffix (name);
    g_auto (GStrv) aliases = g_strsplit (wm_row_cell (row, imp->cols[COL_ALIASES]), "|", -1);

    if (!add_key (imp, key, id, "name", error) || !add_key (imp, bare, id, "nosuffix", error))
      return FALSE;
    for (int i = 0; aliases[i]; i++)
      {
        g_autofree char *alias = wm_normalize_name (aliases[i]);
        if (g_strcmp0 (alias, key) != 0 && !add_key (imp, alias, id, "alias", error))
          return FALSE;
      }
  }
  imp->report->imported++;
  return TRUE;
}

static gboolean
map_header (SupplierImport *imp, const WmRow *row, GError **error)
{
  for (int c = 0; c < N_COLS; c++)
    {
      imp->cols[c] = -1;
      for (int n = 0; col_names[c][n] && imp->cols[c] < 0; n++)
        for (guint i = 0; i < row->n_fields; i++)
          {
            g_autofree char *h = wm_normalize_header (row->fields[i]);
            if (strcmp (h, col_names[c][n]) == 0)
              {
                imp->cols[c] = (int) i;
                break;
              }
          }
    }
  if (imp->cols[COL_NAME] < 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN,
                   "%s:%" G_GUINT64_FORMAT ": no supplier name column (CompanyName, name, "
                   "supplier_canonical)",
                   imp->report->file, row->line);
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_import (WmProject      *self,
            SupplierImport *imp,
            WmProgressFunc  progress,
            gpointer        progress_data,
            GCancellable   *cancellable,
            GError        **error)
{
  WmRow    row;
  GError  *read_error = NULL;
  gboolean have_header = FALSE;
  guint64  n = 0, bulk;

  /* As for spend lines: the indexes are dropped only when this file at least doubles the
   * directory, since rebuilding one reads the old rows too. */
  bulk = MAX (BULK_ROWS, (guint64) _wm_db_query_int (imp->db, "SELECT max(fid) FROM suppliers", 0));
  imp->insert = _wm_db_prepare (imp->db,
                                "INSERT INTO suppliers (name, company_number, postcode, lat, lon,"
                                " sic, category, status, kind, kind_inferred, source) VALUES"
                                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                error);
  imp->key = imp->insert
                 ? _wm_db_prepare (imp->db, "INSERT INTO supplier_keys VALUES (?, ?, ?)", error)
                 : NULL;
  if (imp->key == NULL)
    return FALSE;
  while (wm_table_reader_next (imp->reader, &row, &read_error))
    {
      if (!have_header)
        {
          if (!map_header (imp, &row, error))
            return FALSE;
          have_header = TRUE;
          continue;
        }
      if (!store_row (imp, &row, error))
        return FALSE;
      if (++n == bulk && !_wm_db_exec (imp->db, DROP_SUPPLIER_INDEXES, error))
        return FALSE;
      if ((n & 4095) == 0)
        {
          if (_wm_check_cancelled (cancellable, imp->report->file, error))
            return FALSE;
          if (progress)
            progress (0.8 * wm_table_reader_fraction (imp->reader), imp->report->file,
                      progress_data);
        }
    }
  if (read_error)
    {
      g_propagate_error (error, read_error);
      return FALSE;
    }
  if (imp->report->imported == 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s: no suppliers in the file",
                   imp->report->file);
      return FALSE;
    }
  if (n >= bulk)
    {
      if (progress)
        progress (0.8, "indexing suppliers", progress_data);
      if (!_wm_db_exec (imp->db, CREATE_SUPPLIER_INDEXES, error))
        return FALSE;
    }
  if (progress)
    progress (0.85, "matching suppliers", progress_data);
  return _wm_project_relink (self, cancellable, error);
}

gboolean
wm_project_import_suppliers (WmProject       *self,
                             const char      *file,
                             WmProgressFunc   progress,
                             gpointer         progress_data,
                             GCancellable    *cancellable,
                             WmImportReport **report,
                             GError         **error)
{
  g_autoptr (WmTableReader) reader = NULL;
  g_autoptr (WmImportReport) rep = NULL;
  g_autofree char *base = NULL;
  SupplierImport   imp = { 0 };
  gboolean         ok;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  reader = wm_table_reader_open (file, error);
  if (reader == NULL)
    return FALSE;
  base = g_path_get_basename (file);
  rep = wm_import_report_new (base);
  imp.reader = reader;
  imp.report = rep;
  imp.db = _wm_project_get_db (self);
  imp.source = g_strconcat ("directory:", base, NULL);
  if (!_wm_project_begin (self, error))
    {
      g_free (imp.source);
      return FALSE;
    }
  ok = run_import (self, &imp, progress, progress_data, cancellable, error);
  g_clear_pointer (&imp.insert, sqlite3_finalize);
  g_clear_pointer (&imp.key, sqlite3_finalize);
  g_free (imp.source);
  return _wm_project_end_import (self, ok, &rep, progress, progress_data, report, error);
}
