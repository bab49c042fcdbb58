/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spend importer: finds the header row after title and blank lines, maps the columns from
 * the headers councils use, parses amounts and dates, keeps redacted lines, and stores every
 * line with its file and line (or sheet and row) in one transaction. */
#include "wm-import-spend.h"

#include <string.h>

#include "wm-error.h"
#include "wm-match.h"
#include "wm-project-private.h"
#include "wm-sectors.h"
#include "wm-table-reader.h"
#include "wm-text.h"

#define HEADER_SEARCH_ROWS 30
/* Companies House allows 160 characters; a longer "name" is a wrong column or a broken file. */
#define MAX_SUPPLIER_BYTES 1000

/* Header names as councils write them, reduced by wm_normalize_header(), in order of
 * preference: the first that matches wins. */
/* Lines after which an import drops the spend indexes and builds them again at the end. */
#define BULK_LINES 50000
#define DROP_SPEND_INDEXES                                                                         \
  "DROP INDEX IF EXISTS spend_anchor; DROP INDEX IF EXISTS spend_name;"                            \
  " DROP INDEX IF EXISTS spend_sector"
/* as in the schema (wm-project.c) */
#define CREATE_SPEND_NAME_INDEX "CREATE INDEX IF NOT EXISTS spend_name ON spend (name_id)"
#define CREATE_SPEND_INDEXES                                                                       \
  "CREATE INDEX IF NOT EXISTS spend_anchor ON spend (anchor_id);"                                  \
  " CREATE INDEX IF NOT EXISTS spend_sector ON spend (sector)"

static const char *const supplier_headers[]
    = { "supplier name", "supplier final", "supplier",    "name",        "payee",
        "payee name",    "vendor",         "vendor name", "beneficiary", "beneficiary name",
        "merchant name", "creditor name",  "creditor",    "recipient",   NULL };
static const char *const amount_headers[] = { "net amount",
                                              "amount",
                                              "amount paid",
                                              "total",
                                              "net value",
                                              "value",
                                              "amount gbp",
                                              "amount excl vat",
                                              "amount excluding vat",
                                              "net",
                                              "transaction amount",
                                              "payment amount",
                                              "expenditure",
                                              "sum of amount",
                                              "total spend",
                                              "spend",
                                              "total paid",
                                              "amount spent",
                                              "total value",
                                              NULL };
static const char *const date_headers[]
    = { "payment date", "date",         "paid date",       "date paid", "transaction date",
        "invoice date", "posting date", "date of payment", NULL };
static const char *const category_headers[]
    = { "expense type", "account detail",         "expenditure category", "expense category",
        "category",     "expenditure type",       "account description",  "subjective description",
        "proclass",     "purpose of expenditure", "expense area",         NULL };
static const char *const service_headers[] = {
  "service area", "service cost centre", "service",          "department",    "department area",
  "directorate",  "cost centre",         "service division", "service label", NULL
};
static const char *const description_headers[]
    = { "description", "narrative", "details", "purpose", NULL };
static const char *const reference_headers[] = { "transaction number",
                                                 "hbc ref no",
                                                 "trans no",
                                                 "transaction no",
                                                 "reference",
                                                 "reference number",
                                                 "transaction id",
                                                 "invoice number",
                                                 "payment reference",
                                                 "line",
                                                 NULL };
static const char *const postcode_headers[]
    = { "supplier postcode", "postcode", "supplier post code", "post code", NULL };
static const char *const company_headers[] = { "company number",
                                               "company no",
                                               "companies house number",
                                               "company registration number",
                                               "supplier company number",
                                               "registration number",
                                               NULL };
static const char *const classification_headers[]
    = { "supplier classification", "supplier type", "classification", "supplier category", NULL };

static const char *const *const field_headers[WM_SPEND_N_FIELDS] = {
  supplier_headers, amount_headers,         date_headers,      category_headers,
  service_headers,  description_headers,    reference_headers, postcode_headers,
  company_headers,  classification_headers,
};

static const char *const field_names[WM_SPEND_N_FIELDS] = {
  "supplier",    "amount",    "date",     "category",       "service",
  "description", "reference", "postcode", "company_number", "classification",
};

const char *
wm_spend_field_name (WmSpendField field)
{
  g_return_val_if_fail (field < WM_SPEND_N_FIELDS, NULL);
  return field_names[field];
}

static int
field_from_name (const char *name)
{
  for (int f = 0; f < WM_SPEND_N_FIELDS; f++)
    if (g_ascii_strcasecmp (name, field_names[f]) == 0)
      return f;
  return -1;
}

/* Maps a header row; returns how many fields were found. Hand mappings win. */
static int
map_header (const WmRow       *row,
            const char *const *mapping,
            int                columns[WM_SPEND_N_FIELDS],
            GError           **error)
{
  g_autofree char **keys = g_new0 (char *, row->n_fields + 1);
  int               found = 0;

  for (guint i = 0; i < row->n_fields; i++)
    keys[i] = wm_normalize_header (row->fields[i]);
  for (int f = 0; f < WM_SPEND_N_FIELDS; f++)
    columns[f] = -1;

  for (int f = 0; f < WM_SPEND_N_FIELDS; f++)
    for (int h = 0; field_headers[f][h] && columns[f] < 0; h++)
      for (guint i = 0; i < row->n_fields; i++)
        {
          gboolean taken = FALSE;

          for (int g = 0; g < f; g++)
            taken |= (columns[g] == (int) i);
          if (!taken && strcmp (keys[i], field_headers[f][h]) == 0)
            {
              columns[f] = (int) i;
              break;
            }
        }

  for (int m = 0; mapping && mapping[m]; m++)
    {
      g_auto (GStrv) parts = g_strsplit (mapping[m], "=", 2);
      g_autofree char *want = NULL;
      int              field;
      int              col = -1;

      if (g_strv_length (parts) != 2 || (field = field_from_name (parts[0])) < 0)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                       "--map %s: expected FIELD=HEADER with FIELD one of supplier, amount, date,"
                       " category, service, description, reference, postcode, company_number,"
                       " classification",
                       mapping[m]);
          return -1;
        }
      want = wm_normalize_header (parts[1]);
      for (guint i = 0; i < row->n_fields; i++)
        if (strcmp (keys[i], want) == 0)
          col = (int) i;
      if (col < 0)
        return 0; /* this row is not the header the mapping names */
      for (int g = 0; g < WM_SPEND_N_FIELDS; g++)
        if (columns[g] == col)
          columns[g] = -1;
      columns[field] = col;
    }

  for (int f = 0; f < WM_SPEND_N_FIELDS; f++)
    found += columns[f] >= 0;
  for (guint i = 0; i < row->n_fields; i++)
    g_free (keys[i]);
  return found;
}

/* ---- anchors ---------------------------------------------------------------------------- */

static const char *const anchor_kinds[]
    = { "council", "nhs", "police", "fire", "university", "college", "housing", "other", NULL };

static gint64
ensure_anchor (sqlite3 *db, const WmSpendOptions *options, GError **error)
{
  g_autoptr (sqlite3_stmt) find = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autofree char *postcode = NULL;
  const char      *kind = options->anchor_kind ? options->anchor_kind : "other";

  if (!g_strv_contains (anchor_kinds, kind))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                   "anchor kind \"%s\" is not one of council, nhs, police, fire, university,"
                   " college, housing, other",
                   kind);
      return -1;
    }
  if (options->anchor_postcode && *options->anchor_postcode)
    {
      postcode = wm_normalize_postcode (options->anchor_postcode);
      if (postcode == NULL)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                       "anchor postcode \"%s\" is not a UK postcode", options->anchor_postcode);
          return -1;
        }
    }

  find = _wm_db_prepare (db, "SELECT fid FROM anchors WHERE name = ?", error);
  if (find == NULL)
    return -1;
  sqlite3_bind_text (find, 1, options->anchor, -1, SQLITE_STATIC);
  if (sqlite3_step (find) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (find, 0);
      g_autoptr (sqlite3_stmt) update = NULL;

      /* Later imports may add what the first one did not say. */
      update = _wm_db_prepare (db,
                               "UPDATE anchors SET kind = CASE WHEN ?2 IS NULL THEN kind ELSE ?2"
                               " END, postcode = coalesce(?3, postcode) WHERE fid = ?1",
                               error);
      if (update == NULL)
        return -1;
      sqlite3_bind_int64 (update, 1, id);
      _wm_bind_text_or_null (update, 2, options->anchor_kind);
      _wm_bind_text_or_null (update, 3, postcode);
      return _wm_db_step_done (update, error) ? id : -1;
    }

  insert
      = _wm_db_prepare (db, "INSERT INTO anchors (name, kind, postcode) VALUES (?, ?, ?)", error);
  if (insert == NULL)
    return -1;
  sqlite3_bind_text (insert, 1, options->anchor, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 2, kind, -1, SQLITE_STATIC);
  _wm_bind_text_or_null (insert, 3, postcode);
  if (!_wm_db_step_done (insert, error))
    return -1;
  return sqlite3_last_insert_rowid (db);
}

/* ---- the import ------------------------------------------------------------------------- */

typedef struct
{
  WmProject            *project;
  sqlite3              *db;
  const WmSpendOptions *options;
  WmTableReader        *reader;
  WmImportReport       *report;
  sqlite3_stmt         *insert;
  WmNameTable          *names;
  WmSectorRules        *rules; /* a line's sector is decided as it is stored */
  GHashTable           *cells; /* the lines summed for the spend_pairs cache */
  gint64                anchor_id;
  gint64                file_id;
  int                   columns[WM_SPEND_N_FIELDS];
  gboolean              have_header;
  const char           *header_sheet; /* sheet of the current header (spreadsheets) */
  GPtrArray            *pending;      /* rows read while looking for a header */
  GDate                 period_to;
  int                   period_fyear;
  guint64               sheets_without_header;
  gboolean              skip_sheet; /* no header found in this sheet: count its rows only */
  struct _LinePrep     *prep;       /* the importer's own work on rows read ahead of a header */
} SpendImport;

/* ---- a line's own work, in the reading thread ------------------------------------------ */

/* Everything about a data row that needs the row alone: parsing, trimming, the redaction
 * check and what its fields say about its sector. The reading thread does it for the rows
 * after a header (with its own rules and caches); the importer for the few read ahead. */
typedef struct _LinePrep
{
  int            columns[WM_SPEND_N_FIELDS];
  char          *sheet; /* the sheet these columns are for (NULL: CSV) */
  gboolean       summary;
  GDate          period_to;
  int            period_fyear;
  WmSectorRules *rules;    /* owned unless borrowed */
  gboolean       borrowed; /* the importer's own: rules not freed here */
  GHashTable    *redacted; /* supplier text -> 1 redacted, 2 not: normalised once */
} LinePrep;

typedef enum
{
  LINE_OK,
  LINE_BLANK,
  LINE_BAD_AMOUNT,
  LINE_BAD_DATE,
  LINE_LONG_SUPPLIER,
} LineStatus;

/* Texts point into the row's own work (trimmed copies), or are NULL for blanks. */
typedef struct
{
  LineStatus      status;
  const char     *why; /* the parser's reason, for a bad amount or date */
  gint64          pence;
  int             fyear; /* 0: no date */
  char            iso[16];
  gboolean        redacted;
  const char     *supplier;
  const char     *texts[WM_SPEND_FIELD_REFERENCE - WM_SPEND_FIELD_CATEGORY + 1];
  const char     *number, *klass;
  char            postcode[16]; /* "" when none or not a postcode */
  gboolean        postcode_bad; /* a value that is not a postcode */
  WmFieldsVerdict verdict;
} Line;

static void
line_prep_free (gpointer data)
{
  LinePrep *lp = data;

  if (!lp->borrowed)
    wm_sector_rules_free (lp->rules);
  g_hash_table_unref (lp->redacted);
  g_free (lp->sheet);
  g_free (lp);
}

/* wm_name_is_redacted() normalises the name; a file names the same suppliers over and over. */
static gboolean
supplier_is_redacted (LinePrep *lp, const char *supplier)
{
  gpointer known = g_hash_table_lookup (lp->redacted, supplier);
  gboolean redacted;

  if (known != NULL)
    return GPOINTER_TO_INT (known) == 1;
  redacted = wm_name_is_redacted (supplier);
  g_hash_table_insert (lp->redacted, g_strdup (supplier), GINT_TO_POINTER (redacted ? 1 : 2));
  return redacted;
}

static gboolean
cell_is_blank (const char *text)
{
  for (; text && *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* The text columns a line keeps, trimmed into the work. */
static const WmSpendField kept_fields[] = {
  WM_SPEND_FIELD_SUPPLIER,       WM_SPEND_FIELD_CATEGORY,  WM_SPEND_FIELD_SERVICE,
  WM_SPEND_FIELD_DESCRIPTION,    WM_SPEND_FIELD_REFERENCE, WM_SPEND_FIELD_COMPANY_NUMBER,
  WM_SPEND_FIELD_CLASSIFICATION,
};

static gsize
kept_bytes (const LinePrep *lp, const WmRow *row)
{
  gsize n = 0;

  for (guint k = 0; k < G_N_ELEMENTS (kept_fields); k++)
    n += strlen (wm_row_cell (row, lp->columns[kept_fields[k]])) + 1;
  return n;
}

/* Copies the cell trimmed to *text and moves it on: NULL for a blank cell. */
static const char *
trimmed (const char *cell, char **text)
{
  const char *end;
  char       *out = *text;

  while (g_ascii_isspace (*cell))
    cell++;
  end = cell + strlen (cell);
  while (end > cell && g_ascii_isspace (end[-1]))
    end--;
  memcpy (out, cell, (gsize) (end - cell));
  out[end - cell] = '\0';
  *text += end - cell + 1;
  return end > cell ? out : NULL;
}

static void
prepare_line (LinePrep *lp, const WmRow *row, Line *l, char **text)
{
  const char *supplier;
  const char *fields[4];
  GDate       date;

  memset (l, 0, sizeof *l);
  if (wm_row_is_blank (row))
    {
      l->status = LINE_BLANK;
      return;
    }
  if (!wm_parse_amount (wm_row_cell (row, lp->columns[WM_SPEND_FIELD_AMOUNT]), &l->pence, &l->why))
    {
      l->status = LINE_BAD_AMOUNT;
      return;
    }
  if (lp->summary)
    date = lp->period_to;
  else if (lp->columns[WM_SPEND_FIELD_DATE] >= 0)
    {
      if (!wm_parse_date (wm_row_cell (row, lp->columns[WM_SPEND_FIELD_DATE]), &date, &l->why))
        {
          l->status = LINE_BAD_DATE;
          return;
        }
    }
  else
    g_date_clear (&date, 1);
  if (g_date_valid (&date))
    {
      l->fyear = lp->summary ? lp->period_fyear : wm_financial_year (&date);
      g_date_strftime (l->iso, sizeof l->iso, "%Y-%m-%d", &date);
    }
  supplier = trimmed (wm_row_cell (row, lp->columns[WM_SPEND_FIELD_SUPPLIER]), text);
  l->supplier = supplier ? supplier : "";
  if (strlen (l->supplier) > MAX_SUPPLIER_BYTES)
    {
      l->status = LINE_LONG_SUPPLIER;
      return;
    }
  l->redacted = supplier_is_redacted (lp, l->supplier);
  for (int f = WM_SPEND_FIELD_CATEGORY; f <= WM_SPEND_FIELD_REFERENCE; f++)
    l->texts[f - WM_SPEND_FIELD_CATEGORY] = trimmed (wm_row_cell (row, lp->columns[f]), text);
  l->number = trimmed (wm_row_cell (row, lp->columns[WM_SPEND_FIELD_COMPANY_NUMBER]), text);
  l->klass = trimmed (wm_row_cell (row, lp->columns[WM_SPEND_FIELD_CLASSIFICATION]), text);
  {
    const char      *cell = wm_row_cell (row, lp->columns[WM_SPEND_FIELD_POSTCODE]);
    g_autofree char *postcode = wm_normalize_postcode (cell);

    if (postcode != NULL && strlen (postcode) < sizeof l->postcode)
      strcpy (l->postcode, postcode);
    else
      l->postcode_bad = !cell_is_blank (cell);
  }
  /* the fields as stored, in the order the classifier takes them */
  fields[0] = l->texts[WM_SPEND_FIELD_CATEGORY - WM_SPEND_FIELD_CATEGORY];
  fields[1] = l->klass;
  fields[2] = l->texts[WM_SPEND_FIELD_DESCRIPTION - WM_SPEND_FIELD_CATEGORY];
  fields[3] = l->texts[WM_SPEND_FIELD_SERVICE - WM_SPEND_FIELD_CATEGORY];
  wm_sector_rules_judge_fields (lp->rules, fields, &l->verdict);
}

/* The prepare function: the lines of a batch and their texts in one allocation. Rows of
 * another sheet than the header's are left alone. */
static gpointer
prepare_lines (const WmRow *rows, guint n, gpointer *prepared, gpointer data)
{
  LinePrep *lp = data;
  gsize     bytes = 0;
  Line     *lines;
  char     *text;

  for (guint i = 0; i < n; i++)
    bytes += kept_bytes (lp, &rows[i]);
  lines = g_malloc (n * sizeof (Line) + bytes);
  text = (char *) (lines + n);
  for (guint i = 0; i < n; i++)
    {
      if (g_strcmp0 (rows[i].sheet, lp->sheet) != 0)
        continue;
      prepare_line (lp, &rows[i], &lines[i], &text);
      prepared[i] = &lines[i];
    }
  return lines;
}

/* After a header: the rows from here on are prepared in the reading thread, with a copy of
 * the columns and rules of its own. */
static gboolean
start_preparing (SpendImport *imp, GError **error)
{
  LinePrep *lp = g_new0 (LinePrep, 1);

  *lp = *imp->prep;
  lp->sheet = g_strdup (imp->prep->sheet);
  lp->borrowed = FALSE;
  lp->redacted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lp->rules = wm_project_sector_rules (imp->project, error);
  if (lp->rules == NULL)
    {
      lp->borrowed = TRUE;
      line_prep_free (lp);
      return FALSE;
    }
  wm_table_reader_set_prepare (imp->reader, prepare_lines, lp, line_prep_free, g_free);
  return TRUE;
}

static gboolean
store_line (SpendImport *imp, const WmRow *row, const Line *l, GError **error)
{
  const char   *payee = NULL, *sic = NULL, *sector, *source, *excluded;
  gboolean      is_public = FALSE;
  gint64        name_id = 0;
  sqlite3_stmt *st = imp->insert;
  gboolean      ok;

  imp->report->rows_read++;
  switch (l->status)
    {
    case LINE_OK:
      break;
    case LINE_BLANK:
      imp->report->blank++;
      return TRUE;
    case LINE_BAD_AMOUNT:
      _wm_report_malformed_row (imp->report, imp->reader, row, "amount \"%s\": %s",
                                wm_row_cell (row, imp->columns[WM_SPEND_FIELD_AMOUNT]), l->why);
      return TRUE;
    case LINE_BAD_DATE:
      _wm_report_malformed_row (imp->report, imp->reader, row, "date \"%s\": %s",
                                wm_row_cell (row, imp->columns[WM_SPEND_FIELD_DATE]), l->why);
      return TRUE;
    case LINE_LONG_SUPPLIER:
      _wm_report_malformed_row (imp->report, imp->reader, row,
                                "supplier name of %zu bytes (more than %d): not a name; is the "
                                "supplier column right?",
                                strlen (l->supplier), MAX_SUPPLIER_BYTES);
      return TRUE;
    }
  if (l->redacted)
    imp->report->redacted++;
  else
    {
      const WmNameLink *link;

      name_id = wm_name_table_lookup (imp->names, l->supplier, error);
      if (name_id <= 0)
        return FALSE;
      link = wm_name_table_link (imp->names, name_id, error);
      if (link == NULL)
        return FALSE;
      payee = link->display;
      sic = link->sic;
      is_public = link->is_public;
    }

  sqlite3_bind_int64 (st, 1, imp->file_id);
  sqlite3_bind_int64 (st, 2, imp->anchor_id);
  sqlite3_bind_int64 (st, 3, (sqlite3_int64) row->line);
  _wm_bind_text_or_null (st, 4, row->sheet);
  if (name_id > 0)
    sqlite3_bind_int64 (st, 5, name_id);
  else
    sqlite3_bind_null (st, 5);
  _wm_bind_text_or_null (st, 6, l->supplier);
  sqlite3_bind_int64 (st, 7, l->pence);
  if (l->fyear != 0)
    {
      sqlite3_bind_text (st, 8, l->iso, -1, SQLITE_STATIC);
      sqlite3_bind_int (st, 9, l->fyear);
    }
  else
    {
      sqlite3_bind_null (st, 8);
      sqlite3_bind_null (st, 9);
    }
  for (guint i = 0; i < G_N_ELEMENTS (l->texts); i++)
    _wm_bind_text_or_null (st, 10 + (int) i, l->texts[i]);
  if (l->postcode_bad)
    {
      g_autofree char *where = wm_row_location (imp->reader, row);

      imp->report->unknown++;
      wm_import_report_add_message (imp->report,
                                    "%s: postcode \"%s\" is not a UK postcode; the line is "
                                    "kept without one",
                                    where,
                                    wm_row_cell (row, imp->columns[WM_SPEND_FIELD_POSTCODE]));
    }
  _wm_bind_text_or_null (st, 14, l->postcode);
  _wm_bind_text_or_null (st, 15, l->number);
  _wm_bind_text_or_null (st, 16, l->klass);
  sqlite3_bind_int (st, 17, l->redacted);
  sector = wm_sector_rules_decide_judged (imp->rules, sic, is_public, &l->verdict, payee, &source,
                                          &excluded);
  sqlite3_bind_text (st, 18, sector, -1, SQLITE_STATIC);
  _wm_bind_text_or_null (st, 19, source);
  _wm_bind_text_or_null (st, 20, excluded);
  ok = _wm_db_step_done (st, error);
  if (!ok)
    return FALSE;
  sqlite3_clear_bindings (st);
  imp->report->imported++;
  imp->report->total_pence += l->pence;
  {
    WmSpendCell cell = {
      .anchor_id = imp->anchor_id,
      .name_id = l->redacted ? 0 : MAX (name_id, 0),
      .redacted = l->redacted ? 1 : 0,
      .sector = g_intern_string (sector),
      .fyear = l->fyear,
      .pence = l->pence,
      .lines = 1,
      .excluded = excluded ? g_intern_string (excluded) : NULL,
      .open = excluded ? 0 : l->pence,
      .positive = l->pence > 0,
    };

    _wm_spend_cells_add (imp->cells, &cell);
  }
  return TRUE;
}

static gboolean
store_row (SpendImport *imp, const WmRow *row, GError **error)
{
  char    *text, *end;
  Line     line;
  gboolean ok;

  if (row->prepared)
    return store_line (imp, row, row->prepared, error);
  /* read ahead before the header was known: done here, with the importer's rules */
  text = g_malloc (kept_bytes (imp->prep, row));
  end = text;
  prepare_line (imp->prep, row, &line, &end);
  ok = store_line (imp, row, &line, error);
  g_free (text);
  return ok;
}

/* Looks for a header among the pending rows; on success stores the rows after it. */
static gboolean
try_header (SpendImport *imp, const WmRow *row, gboolean *is_header, GError **error)
{
  int columns[WM_SPEND_N_FIELDS];
  int found = map_header (row, imp->options->mapping, columns, error);

  *is_header = FALSE;
  if (found < 0)
    return FALSE;
  if (found >= 2 && columns[WM_SPEND_FIELD_SUPPLIER] >= 0 && columns[WM_SPEND_FIELD_AMOUNT] >= 0)
    {
      memcpy (imp->columns, columns, sizeof columns);
      *is_header = TRUE;
    }
  return TRUE;
}

static char *
describe_missing (const WmRow *first)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; first && i < first->n_fields && i < 12; i++)
    {
      if (*first->fields[i] == '\0')
        continue;
      g_string_append_printf (s, "%s\"%s\"", s->len ? ", " : "", first->fields[i]);
    }
  return g_string_free (s, FALSE);
}

typedef struct
{
  char  **fields;
  guint   n_fields;
  guint64 line;
  char   *sheet;
} SavedRow;

static void
saved_row_free (SavedRow *r)
{
  g_strfreev (r->fields);
  g_free (r->sheet);
  g_free (r);
}

static SavedRow *
saved_row_new (const WmRow *row)
{
  SavedRow *r = g_new0 (SavedRow, 1);

  r->fields = g_new0 (char *, row->n_fields + 1);
  for (guint i = 0; i < row->n_fields; i++)
    r->fields[i] = g_strdup (row->fields[i]);
  r->n_fields = row->n_fields;
  r->line = row->line;
  r->sheet = g_strdup (row->sheet);
  return r;
}

static gboolean
finish_sheet_without_header (SpendImport *imp, GError **error)
{
  SavedRow *first = NULL;
  guint     nonblank = 0;

  for (guint i = 0; i < imp->pending->len; i++)
    {
      SavedRow *r = g_ptr_array_index (imp->pending, i);
      WmRow     row = { r->n_fields, r->fields, r->line, r->sheet };

      if (!wm_row_is_blank (&row))
        {
          nonblank++;
          if (first == NULL)
            first = r;
        }
    }
  if (nonblank == 0)
    {
      g_ptr_array_set_size (imp->pending, 0);
      return TRUE;
    }
  if (wm_table_reader_is_spreadsheet (imp->reader))
    {
      /* A notes or pivot sheet in a workbook: say so, count its rows, go on. */
      WmRow            row = { first->n_fields, first->fields, first->line, first->sheet };
      g_autofree char *loc = wm_row_location (imp->reader, &row);

      imp->sheets_without_header++;
      imp->skip_sheet = TRUE;
      imp->report->skipped += imp->pending->len;
      wm_import_report_add_message (imp->report,
                                    "%s: sheet skipped: no header row with a supplier and an "
                                    "amount column in its first %d rows",
                                    loc, HEADER_SEARCH_ROWS);
      g_ptr_array_set_size (imp->pending, 0);
      return TRUE;
    }
  {
    WmRow            row = { first->n_fields, first->fields, first->line, first->sheet };
    g_autofree char *loc = wm_row_location (imp->reader, &row);
    g_autofree char *seen = describe_missing (&row);

    g_set_error (error, WM_ERROR, WM_ERROR_NO_HEADER,
                 "%s: no header row with a supplier and an amount column in the first %d lines "
                 "(first line has: %s); name the columns with --map supplier=HEADER "
                 "--map amount=HEADER",
                 loc, HEADER_SEARCH_ROWS, seen);
  }
  return FALSE;
}

static gboolean
process_row (SpendImport *imp, const WmRow *row, GError **error)
{
  gboolean is_header;

  /* A new sheet starts a new header search. */
  if (row->sheet && g_strcmp0 (row->sheet, imp->header_sheet) != 0)
    {
      if (!imp->have_header && imp->pending->len && !finish_sheet_without_header (imp, error))
        return FALSE;
      imp->have_header = FALSE;
      imp->skip_sheet = FALSE;
      g_free ((char *) imp->header_sheet);
      imp->header_sheet = g_strdup (row->sheet);
    }

  if (imp->have_header)
    return store_row (imp, row, error);
  if (imp->skip_sheet)
    {
      imp->report->skipped++;
      return TRUE;
    }

  if (!try_header (imp, row, &is_header, error))
    return FALSE;
  if (is_header)
    {
      memcpy (imp->prep->columns, imp->columns, sizeof imp->columns);
      g_free (imp->prep->sheet);
      imp->prep->sheet = g_strdup (row->sheet);
      if (!start_preparing (imp, error))
        return FALSE;
      imp->have_header = TRUE;
      imp->report->preamble += imp->pending->len;
      g_ptr_array_set_size (imp->pending, 0);
      return TRUE;
    }
  g_ptr_array_add (imp->pending, saved_row_new (row));
  if (imp->pending->len >= HEADER_SEARCH_ROWS)
    return finish_sheet_without_header (imp, error);
  return TRUE;
}

static gboolean
parse_period (SpendImport *imp, GError **error)
{
  GDate       from;
  const char *why = NULL;

  if (!imp->options->summary)
    return TRUE;
  if (imp->options->period_from == NULL || imp->options->period_to == NULL
      || !wm_parse_date (imp->options->period_from, &from, &why)
      || !wm_parse_date (imp->options->period_to, &imp->period_to, &why)
      || g_date_compare (&from, &imp->period_to) > 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                   "a summary list needs --period FROM:TO with two dates, FROM not after TO "
                   "(e.g. 2023-04-01:2024-03-31)");
      return FALSE;
    }
  imp->period_fyear = wm_financial_year (&from);
  return TRUE;
}

static gboolean
check_duplicate (SpendImport *imp, const char *name, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _wm_db_prepare (imp->db,
                         "SELECT imported_at FROM spend_files WHERE anchor_id = ? AND name = ?"
                         " AND imported = ? AND total_pence = ? AND id <> ?",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, imp->anchor_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, (sqlite3_int64) imp->report->imported);
  sqlite3_bind_int64 (stmt, 4, imp->report->total_pence);
  sqlite3_bind_int64 (stmt, 5, imp->file_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                   "%s: already imported for %s on %s (same rows and total); not importing it "
                   "twice",
                   name, imp->options->anchor, sqlite3_column_text (stmt, 0));
      return FALSE;
    }
  return TRUE;
}

/* An anchor whose postcode is not (yet) in the postcode table cannot be drawn: say so. */
static void
warn_unlocated_anchor (SpendImport *imp)
{
  g_autoptr (sqlite3_stmt) stmt = _wm_db_prepare (imp->db,
                                                  "SELECT postcode FROM anchors WHERE fid = ? AND"
                                                  " geom IS NULL",
                                                  NULL);

  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, imp->anchor_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return;
  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    wm_import_report_add_message (imp->report,
                                  "%s: anchor %s has no location: give --anchor-postcode",
                                  imp->report->file, imp->options->anchor);
  else
    wm_import_report_add_message (
        imp->report, "%s: anchor %s: postcode %s is not in the postcode table", imp->report->file,
        imp->options->anchor, sqlite3_column_text (stmt, 0));
}

static gboolean
run_import (SpendImport   *imp,
            const char    *file,
            WmProgressFunc progress,
            gpointer       progress_data,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr (sqlite3_stmt) file_stmt = NULL;
  g_autoptr (sqlite3_stmt) update_file = NULL;
  g_autofree char *base = g_path_get_basename (file);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *now_text = g_date_time_format_iso8601 (now);
  WmRow            row;
  GError          *read_error = NULL;
  guint64          n = 0, bulk;

  /* What the relink at the end must look at again is noted from the first line on. */
  if (!_wm_project_track_links (imp->db, error))
    return FALSE;

  /* Rebuilding an index reads every line, the project's old ones too; keeping it up to date
   * costs a little per new line. So the indexes are dropped (once BULK_LINES lines are in) only
   * when this file at least doubles the lines of the project. */
  bulk = MAX (BULK_LINES, (guint64) _wm_db_query_int (imp->db, "SELECT max(id) FROM spend", 0));
  imp->anchor_id = ensure_anchor (imp->db, imp->options, error);
  if (imp->anchor_id < 0)
    return FALSE;
  file_stmt = _wm_db_prepare (imp->db,
                              "INSERT INTO spend_files (anchor_id, path, name, imported_at,"
                              " is_summary, period_from, period_to) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              error);
  if (file_stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (file_stmt, 1, imp->anchor_id);
  sqlite3_bind_text (file_stmt, 2, file, -1, SQLITE_STATIC);
  sqlite3_bind_text (file_stmt, 3, base, -1, SQLITE_STATIC);
  sqlite3_bind_text (file_stmt, 4, now_text, -1, SQLITE_STATIC);
  sqlite3_bind_int (file_stmt, 5, imp->options->summary);
  _wm_bind_text_or_null (file_stmt, 6, imp->options->period_from);
  _wm_bind_text_or_null (file_stmt, 7, imp->options->period_to);
  if (!_wm_db_step_done (file_stmt, error))
    return FALSE;
  imp->file_id = sqlite3_last_insert_rowid (imp->db);

  imp->insert = _wm_db_prepare (imp->db,
                                "INSERT INTO spend (file_id, anchor_id, line, sheet, name_id,"
                                " supplier_text, amount_pence, date, fyear, category, service,"
                                " description, reference, postcode, company_number,"
                                " classification, redacted, sector, sector_source, excluded)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                " ?, ?)",
                                error);
  if (imp->insert == NULL)
    return FALSE;
  imp->rules = wm_project_sector_rules (imp->project, error);
  if (imp->rules == NULL)
    return FALSE;
  imp->names = wm_name_table_new (imp->db, error);
  imp->prep = g_new0 (LinePrep, 1);
  imp->prep->rules = imp->rules;
  imp->prep->borrowed = TRUE;
  imp->prep->redacted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp->prep->summary = imp->options->summary;
  imp->prep->period_to = imp->period_to;
  imp->prep->period_fyear = imp->period_fyear;
  if (imp->names == NULL)
    return FALSE;

  while (wm_table_reader_next (imp->reader, &row, &read_error))
    {
      if (!process_row (imp, &row, error))
        return FALSE;
      /* A big file: the spend indexes are rebuilt once at the end rather than kept up to date
       * line by line (in the same transaction, so a failed import still leaves them). */
      if (++n == bulk && !_wm_db_exec (imp->db, DROP_SPEND_INDEXES, error))
        return FALSE;
      if ((n & 4095) == 0)
        {
          if (_wm_check_cancelled (cancellable, base, error))
            return FALSE;
          if (progress)
            progress (0.9 * wm_table_reader_fraction (imp->reader), base, progress_data);
        }
    }
  if (read_error)
    {
      g_propagate_error (error, read_error);
      return FALSE;
    }
  if (!imp->have_header && !finish_sheet_without_header (imp, error))
    return FALSE;
  if (!imp->have_header && imp->header_sheet == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_NO_HEADER, "%s:1: the file is empty", base);
      return FALSE;
    }
  if (imp->report->imported == 0)
    {
      if (imp->report->messages->len)
        g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                     "%s (and every other data row is "
                     "malformed too: nothing imported)",
                     (const char *) g_ptr_array_index (imp->report->messages, 0));
      else if (imp->sheets_without_header && imp->report->messages->len)
        g_set_error (error, WM_ERROR, WM_ERROR_NO_HEADER, "%s",
                     (const char *) g_ptr_array_index (imp->report->messages, 0));
      else
        g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s: no data rows after the header", base);
      return FALSE;
    }
  if (!check_duplicate (imp, base, error))
    return FALSE;

  update_file = _wm_db_prepare (imp->db,
                                "UPDATE spend_files SET rows = ?, imported = ?, redacted = ?,"
                                " malformed = ?, blank = ?, total_pence = ? WHERE id = ?",
                                error);
  if (update_file == NULL)
    return FALSE;
  sqlite3_bind_int64 (update_file, 1, (sqlite3_int64) imp->report->rows_read);
  sqlite3_bind_int64 (update_file, 2, (sqlite3_int64) imp->report->imported);
  sqlite3_bind_int64 (update_file, 3, (sqlite3_int64) imp->report->redacted);
  sqlite3_bind_int64 (update_file, 4, (sqlite3_int64) imp->report->malformed);
  sqlite3_bind_int64 (update_file, 5, (sqlite3_int64) imp->report->blank);
  sqlite3_bind_int64 (update_file, 6, imp->report->total_pence);
  sqlite3_bind_int64 (update_file, 7, imp->file_id);
  if (!_wm_db_step_done (update_file, error))
    return FALSE;

  if (progress)
    progress (0.92, "matching suppliers", progress_data);
  if (n >= bulk && !_wm_db_exec (imp->db, CREATE_SPEND_NAME_INDEX, error))
    return FALSE;
  if (!_wm_project_add_spend_cells (imp->db, imp->cells, error))
    return FALSE;
  if (!_wm_project_relink_new_lines (imp->project, cancellable, error))
    return FALSE;
  if (n >= bulk && !_wm_db_exec (imp->db, CREATE_SPEND_INDEXES, error))
    return FALSE;
  warn_unlocated_anchor (imp);
  return TRUE;
}

gboolean
wm_project_import_spend (WmProject            *self,
                         const char           *file,
                         const WmSpendOptions *options,
                         WmProgressFunc        progress,
                         gpointer              progress_data,
                         GCancellable         *cancellable,
                         WmImportReport      **report,
                         GError              **error)
{
  g_autoptr (WmTableReader) reader = NULL;
  g_autoptr (WmImportReport) rep = NULL;
  g_autofree char *base = NULL;
  SpendImport      imp = { 0 };
  gboolean         ok;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (file != NULL && options != NULL, FALSE);

  if (options->anchor == NULL || *options->anchor == '\0')
    {
      g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE, "%s: spend needs an anchor name", file);
      return FALSE;
    }
  base = g_path_get_basename (file);
  rep = wm_import_report_new (base);
  imp.project = self;
  imp.db = _wm_project_get_db (self);
  imp.options = options;
  imp.report = rep;
  if (!parse_period (&imp, error))
    return FALSE;
  reader = wm_table_reader_open (file, error);
  if (reader == NULL)
    return FALSE;
  imp.reader = reader;
  imp.pending = g_ptr_array_new_with_free_func ((GDestroyNotify) saved_row_free);

  if (!_wm_project_begin (self, error))
    {
      g_ptr_array_unref (imp.pending);
      return FALSE;
    }
  imp.cells = _wm_spend_cells_new ();
  ok = run_import (&imp, file, progress, progress_data, cancellable, error);
  /* the reading thread first: it may be using its copy of the rules */
  g_clear_pointer (&reader, wm_table_reader_free);
  _wm_project_untrack_links (imp.db);
  g_clear_pointer (&imp.insert, sqlite3_finalize);
  g_clear_pointer (&imp.names, wm_name_table_free);
  g_clear_pointer (&imp.rules, wm_sector_rules_free);
  g_clear_pointer (&imp.cells, g_hash_table_unref);
  g_clear_pointer (&imp.prep, line_prep_free);
  g_ptr_array_unref (imp.pending);
  g_free ((char *) imp.header_sheet);
  return _wm_project_end_import (self, ok, &rep, progress, progress_data, report, error);
}

void
wm_spend_preview_free (WmSpendPreview *preview)
{
  if (preview == NULL)
    return;
  g_strfreev (preview->headers);
  g_ptr_array_unref (preview->rows);
  g_free (preview->sheet);
  g_free (preview);
}

WmSpendPreview *
wm_spend_preview (const char *file, const char *const *mapping, guint max_rows, GError **error)
{
  g_autoptr (WmTableReader) reader = wm_table_reader_open (file, error);
  g_autoptr (WmSpendPreview) preview = NULL;
  WmRow   row;
  guint   n = 0;
  GError *read_error = NULL;

  if (reader == NULL)
    return NULL;
  preview = g_new0 (WmSpendPreview, 1);
  preview->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  while (preview->headers == NULL && n++ < HEADER_SEARCH_ROWS
         && wm_table_reader_next (reader, &row, &read_error))
    {
      int found = map_header (&row, mapping, preview->columns, error);

      if (found < 0)
        return NULL;
      if (found >= 2 && preview->columns[WM_SPEND_FIELD_SUPPLIER] >= 0
          && preview->columns[WM_SPEND_FIELD_AMOUNT] >= 0)
        {
          preview->header_line = row.line;
          preview->sheet = g_strdup (row.sheet);
          preview->headers = g_new0 (char *, row.n_fields + 1);
          for (guint k = 0; k < row.n_fields; k++)
            preview->headers[k] = g_strdup (row.fields[k]);
        }
    }
  while (preview->headers != NULL && read_error == NULL && preview->rows->len < max_rows
         && wm_table_reader_next (reader, &row, &read_error))
    {
      char **fields = g_new0 (char *, WM_SPEND_N_FIELDS + 1);

      if (wm_row_is_blank (&row))
        {
          g_free (fields);
          continue;
        }
      for (int f = 0; f < WM_SPEND_N_FIELDS; f++)
        fields[f] = g_strdup (wm_row_cell (&row, preview->columns[f]));
      g_ptr_array_add (preview->rows, fields);
    }
  if (read_error)
    {
      g_propagate_error (error, read_error);
      return NULL;
    }
  if (preview->headers == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_NO_HEADER,
                   "%s: no header row with a supplier and an amount column in the first %d lines",
                   wm_table_reader_display_name (reader), HEADER_SEARCH_ROWS);
      return NULL;
    }
  return g_steal_pointer (&preview);
}

gboolean
wm_spend_detect_columns (const char        *file,
                         const char *const *mapping,
                         int                columns[WM_SPEND_N_FIELDS],
                         guint64           *header_line,
                         GError           **error)
{
  g_autoptr (WmSpendPreview) preview = wm_spend_preview (file, mapping, 0, error);

  if (preview == NULL)
    return FALSE;
  memcpy (columns, preview->columns, sizeof preview->columns);
  if (header_line)
    *header_line = preview->header_line;
  return TRUE;
}
