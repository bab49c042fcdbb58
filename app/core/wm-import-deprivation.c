/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The deprivation and lookup importers. MHCLG publishes the Indices of Deprivation as several
 * files with one column per domain and measure (rank, decile, score) and a separate file of
 * population denominators; users import whichever they have, in any order, so columns are
 * recognised by their headers and a later file only fills in what it has (an upsert that keeps
 * the values it lacks). The LSOA -> ward lookup lets the analysis roll LSOAs up into wards. */
#include "wm-import-deprivation.h"

#include <math.h>
#include <string.h>

#include "wm-error.h"
#include "wm-project-private.h"
#include "wm-table-reader.h"
#include "wm-text.h"

/* ---- shared helpers --------------------------------------------------------------------- */

/* A code cell without surrounding blanks, in upper case ("e01025297 " -> "E01025297"). */
static char *
clean_code (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));

  return g_ascii_strup (copy, -1);
}

/* "lsoa11cd", "wd13nm": @prefix, two digits, @suffix. */
static gboolean
is_ons_field (const char *key, const char *prefix, const char *suffix)
{
  gsize n = strlen (prefix);

  return strlen (key) == n + 4 && strncmp (key, prefix, n) == 0 && g_ascii_isdigit (key[n])
         && g_ascii_isdigit (key[n + 1]) && strcmp (key + n + 2, suffix) == 0;
}

static gboolean
is_lsoa_code_header (const char *key)
{
  return strstr (key, "lsoa code") != NULL || is_ons_field (key, "lsoa", "cd");
}

/* Reads the first row, the header of every file these importers take. */
static gboolean
read_header (WmTableReader *reader, const char *base, WmRow *row, GError **error)
{
  GError *read_error = NULL;

  if (wm_table_reader_next (reader, row, &read_error))
    return TRUE;
  if (read_error)
    g_propagate_error (error, read_error);
  else
    g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s:1: the file is empty", base);
  return FALSE;
}

typedef enum
{
  VALUE_ABSENT,
  VALUE_OK,
  VALUE_BAD,
} ValueStatus;

/* A cell without blanks and thousands separators: "\"29,199\"" arrives as "29,199". */
static char *
strip_number (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (*p != ',' && !g_ascii_isspace (*p))
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

static ValueStatus
parse_whole (const char *text, gint64 *value)
{
  g_autofree char *digits = strip_number (text);

  if (*digits == '\0')
    return VALUE_ABSENT;
  if (!g_ascii_string_to_signed (digits, 10, G_MININT64, G_MAXINT64, value, NULL))
    return VALUE_BAD;
  return VALUE_OK;
}

static ValueStatus
parse_real (const char *text, double *value)
{
  g_autofree char *digits = strip_number (text);
  char            *end = NULL;

  if (*digits == '\0')
    return VALUE_ABSENT;
  *value = g_ascii_strtod (digits, &end);
  if (end == digits || *end != '\0' || !isfinite (*value))
    return VALUE_BAD;
  return VALUE_OK;
}

/* ---- deprivation ------------------------------------------------------------------------ */

typedef enum
{
  MEASURE_RANK,
  MEASURE_DECILE,
  MEASURE_SCORE,
  N_MEASURES
} Measure;

static const char *const measure_names[N_MEASURES] = { "rank", "decile", "score" };

/* Domain keys and how their headers begin once reduced by wm_normalize_header(). The header
 * must go on with the measure ("income rank ..."), so "Income Deprivation Affecting Children
 * Index (IDACI) Rank" is not the income domain. */
static const struct
{
  const char *key;
  const char *prefixes[3];
} domains[] = {
  { "imd", { "index of multiple deprivation imd", "index of multiple deprivation", "imd" } },
  { "income", { "income", NULL, NULL } },
  { "employment", { "employment", NULL, NULL } },
  { "education", { "education skills and training", NULL, NULL } },
  { "health", { "health deprivation and disability", NULL, NULL } },
  { "crime", { "crime", NULL, NULL } },
  { "barriers", { "barriers to housing and services", NULL, NULL } },
  { "living", { "living environment", NULL, NULL } },
};

#define N_DOMAINS G_N_ELEMENTS (domains)

typedef enum
{
  POP_TOTAL,
  POP_CHILDREN,
  POP_WORKING_AGE,
  POP_OLDER,
  N_POP
} PopColumn;

static const char *const pop_prefixes[N_POP]
    = { "total population", "dependent children", "population aged 16 59", "older population" };

typedef struct
{
  WmTableReader *reader;
  char          *base;
  int            lsoa;
  int            columns[N_DOMAINS][N_MEASURES];
  int            pop[N_POP];
  gboolean       any_deprivation;
  gboolean       any_population;
} DepFile;

static void
dep_file_clear (DepFile *f)
{
  g_clear_pointer (&f->reader, wm_table_reader_free);
  g_clear_pointer (&f->base, g_free);
}

/* "income rank where 1 is most deprived" -> domain income, measure rank. */
static gboolean
match_measure (const char *key, int *domain, Measure *measure)
{
  for (guint d = 0; d < N_DOMAINS; d++)
    for (int p = 0; p < 3 && domains[d].prefixes[p]; p++)
      {
        const char *prefix = domains[d].prefixes[p];
        gsize       n = strlen (prefix);
        const char *rest;

        if (strncmp (key, prefix, n) != 0 || key[n] != ' ')
          continue;
        rest = key + n + 1;
        if (g_str_has_prefix (rest, "domain "))
          rest += strlen ("domain ");
        for (int m = 0; m < N_MEASURES; m++)
          {
            gsize k = strlen (measure_names[m]);

            if (strncmp (rest, measure_names[m], k) == 0 && (rest[k] == '\0' || rest[k] == ' '))
              {
                *domain = (int) d;
                *measure = (Measure) m;
                return TRUE;
              }
          }
      }
  return FALSE;
}

static gboolean
dep_file_open (DepFile *f, const char *path, GError **error)
{
  WmRow row;

  f->lsoa = -1;
  for (guint d = 0; d < N_DOMAINS; d++)
    for (int m = 0; m < N_MEASURES; m++)
      f->columns[d][m] = -1;
  for (int p = 0; p < N_POP; p++)
    f->pop[p] = -1;
  f->base = g_path_get_basename (path);
  f->reader = wm_table_reader_open (path, error);
  if (f->reader == NULL || !read_header (f->reader, f->base, &row, error))
    return FALSE;

  for (guint i = 0; i < row.n_fields; i++)
    {
      g_autofree char *key = wm_normalize_header (row.fields[i]);
      int              domain;
      Measure          measure;

      if (f->lsoa < 0 && is_lsoa_code_header (key))
        f->lsoa = (int) i;
      else if (match_measure (key, &domain, &measure))
        {
          if (f->columns[domain][measure] < 0)
            f->columns[domain][measure] = (int) i;
          f->any_deprivation = TRUE;
        }
      else
        for (int p = 0; p < N_POP; p++)
          if (f->pop[p] < 0 && g_str_has_prefix (key, pop_prefixes[p]))
            {
              f->pop[p] = (int) i;
              f->any_population = TRUE;
              break;
            }
    }

  if (f->lsoa < 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN, "%s:1: no \"LSOA code\" column",
                   f->base);
      return FALSE;
    }
  if (!f->any_deprivation && !f->any_population)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN,
                   "%s:1: no deprivation rank, decile or score column and no population column",
                   f->base);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  WmImportReport *report;
  sqlite3_stmt   *dep_insert;
  sqlite3_stmt   *pop_insert;
} DepImport;

static gboolean
bad_value (DepImport   *imp,
           DepFile     *f,
           const WmRow *row,
           const char  *what,
           const char  *text,
           const char  *why)
{
  _wm_report_malformed_row (imp->report, f->reader, row, "%s \"%s\": %s", what, text, why);
  return TRUE;
}

static gboolean
dep_store_row (DepImport *imp, DepFile *f, const WmRow *row, GError **error)
{
  g_autofree char *code = NULL;
  ValueStatus      status[N_DOMAINS][N_MEASURES];
  gint64           whole[N_DOMAINS][N_MEASURES];
  double           score[N_DOMAINS];
  ValueStatus      pop_status[N_POP];
  gint64           pop[N_POP];
  gboolean         stored = FALSE;

  imp->report->rows_read++;
  if (wm_row_is_blank (row))
    {
      imp->report->blank++;
      return TRUE;
    }
  code = clean_code (wm_row_cell (row, f->lsoa));
  if (*code == '\0')
    return bad_value (imp, f, row, "LSOA code", "", "missing");

  /* Everything is parsed before anything is stored, so a bad value drops the whole row. */
  for (guint d = 0; d < N_DOMAINS; d++)
    for (int m = 0; m < N_MEASURES; m++)
      {
        const char *text = wm_row_cell (row, f->columns[d][m]);

        if (m == MEASURE_SCORE)
          {
            status[d][m] = parse_real (text, &score[d]);
            if (status[d][m] == VALUE_BAD)
              return bad_value (imp, f, row, "score", text, "not a number");
            continue;
          }
        status[d][m] = parse_whole (text, &whole[d][m]);
        if (status[d][m] == VALUE_BAD)
          return bad_value (imp, f, row, measure_names[m], text, "not a whole number");
        if (status[d][m] == VALUE_OK && m == MEASURE_RANK && whole[d][m] < 1)
          return bad_value (imp, f, row, "rank", text, "not a positive number");
        if (status[d][m] == VALUE_OK && m == MEASURE_DECILE
            && (whole[d][m] < 1 || whole[d][m] > 10))
          return bad_value (imp, f, row, "decile", text, "not between 1 and 10");
      }
  for (int p = 0; p < N_POP; p++)
    {
      const char *text = wm_row_cell (row, f->pop[p]);

      pop_status[p] = parse_whole (text, &pop[p]);
      if (pop_status[p] == VALUE_BAD)
        return bad_value (imp, f, row, "population", text, "not a whole number");
      if (pop_status[p] == VALUE_OK && pop[p] < 0)
        return bad_value (imp, f, row, "population", text, "negative");
    }

  for (guint d = 0; d < N_DOMAINS; d++)
    {
      sqlite3_stmt *st = imp->dep_insert;

      if (status[d][MEASURE_RANK] != VALUE_OK && status[d][MEASURE_DECILE] != VALUE_OK
          && status[d][MEASURE_SCORE] != VALUE_OK)
        continue;
      sqlite3_bind_text (st, 1, code, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, domains[d].key, -1, SQLITE_STATIC);
      for (int m = MEASURE_RANK; m <= MEASURE_DECILE; m++)
        if (status[d][m] == VALUE_OK)
          sqlite3_bind_int64 (st, 3 + m, whole[d][m]);
        else
          sqlite3_bind_null (st, 3 + m);
      if (status[d][MEASURE_SCORE] == VALUE_OK)
        sqlite3_bind_double (st, 5, score[d]);
      else
        sqlite3_bind_null (st, 5);
      if (!_wm_db_step_done (st, error))
        return FALSE;
      sqlite3_clear_bindings (st);
      stored = TRUE;
    }

  if (pop_status[POP_TOTAL] == VALUE_OK || pop_status[POP_CHILDREN] == VALUE_OK
      || pop_status[POP_WORKING_AGE] == VALUE_OK || pop_status[POP_OLDER] == VALUE_OK)
    {
      sqlite3_stmt *st = imp->pop_insert;

      sqlite3_bind_text (st, 1, code, -1, SQLITE_STATIC);
      for (int p = 0; p < N_POP; p++)
        if (pop_status[p] == VALUE_OK)
          sqlite3_bind_int64 (st, 2 + p, pop[p]);
        else
          sqlite3_bind_null (st, 2 + p);
      if (!_wm_db_step_done (st, error))
        return FALSE;
      sqlite3_clear_bindings (st);
      stored = TRUE;
    }

  if (!stored)
    return bad_value (imp, f, row, "LSOA", code, "no values");
  imp->report->imported++;
  return TRUE;
}

static gboolean
dep_read_file (DepImport     *imp,
               DepFile       *f,
               double         from,
               double         span,
               WmProgressFunc progress,
               gpointer       progress_data,
               GCancellable  *cancellable,
               GError       **error)
{
  WmRow   row;
  GError *read_error = NULL;
  guint64 n = 0;
  guint64 imported_before = imp->report->imported;

  while (wm_table_reader_next (f->reader, &row, &read_error))
    {
      if (!dep_store_row (imp, f, &row, error))
        return FALSE;
      if ((++n & 4095) == 0)
        {
          if (_wm_check_cancelled (cancellable, f->base, error))
            return FALSE;
          if (progress)
            progress (from + span * wm_table_reader_fraction (f->reader), f->base, progress_data);
        }
    }
  if (read_error)
    {
      g_propagate_error (error, read_error);
      return FALSE;
    }
  if (imp->report->imported == imported_before)
    {
      if (n > 0 && imp->report->messages->len)
        g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                     "%s (and every other data row of %s is malformed too: nothing imported)",
                     (const char *) g_ptr_array_index (imp->report->messages, 0), f->base);
      else
        g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s: no data rows after the header",
                     f->base);
      return FALSE;
    }
  return TRUE;
}

static gboolean
dep_run (sqlite3       *db,
         DepImport     *imp,
         DepFile       *files,
         guint          n_files,
         WmProgressFunc progress,
         gpointer       progress_data,
         GCancellable  *cancellable,
         GError       **error)
{
  imp->dep_insert
      = _wm_db_prepare (db,
                        "INSERT INTO deprivation (lsoa_code, domain, rank, decile, score)"
                        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (lsoa_code, domain) DO UPDATE SET"
                        " rank = coalesce(excluded.rank, rank),"
                        " decile = coalesce(excluded.decile, decile),"
                        " score = coalesce(excluded.score, score)",
                        error);
  if (imp->dep_insert == NULL)
    return FALSE;
  imp->pop_insert
      = _wm_db_prepare (db,
                        "INSERT INTO population (lsoa_code, total, children, working_age, older)"
                        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (lsoa_code) DO UPDATE SET"
                        " total = coalesce(excluded.total, total),"
                        " children = coalesce(excluded.children, children),"
                        " working_age = coalesce(excluded.working_age, working_age),"
                        " older = coalesce(excluded.older, older)",
                        error);
  if (imp->pop_insert == NULL)
    return FALSE;

  for (guint i = 0; i < n_files; i++)
    if (!dep_read_file (imp, &files[i], 0.9 * i / n_files, 0.9 / n_files, progress, progress_data,
                        cancellable, error))
      return FALSE;

  /* Codes outside the imported LSOA boundaries are kept (the boundaries may come later) but
   * counted, so that a user who imported the wrong edition of the boundaries hears of it. */
  if (_wm_db_query_int (db, "SELECT EXISTS (SELECT 1 FROM areas WHERE level = 'lsoa')", 0))
    imp->report->unknown = (guint64) _wm_db_query_int (
        db,
        "SELECT count(*) FROM deprivation d WHERE d.domain = 'imd' AND NOT EXISTS"
        " (SELECT 1 FROM areas a WHERE a.level = 'lsoa' AND a.code = d.lsoa_code)",
        0);
  if (imp->report->unknown)
    wm_import_report_add_message (imp->report,
                                  "%s: %" G_GUINT64_FORMAT " LSOA codes match no imported LSOA "
                                  "boundary (kept; a different edition of the boundaries?)",
                                  imp->report->file, imp->report->unknown);
  return TRUE;
}

gboolean
wm_project_import_deprivation (WmProject       *self,
                               const char      *file,
                               const char      *population_file,
                               WmProgressFunc   progress,
                               gpointer         progress_data,
                               GCancellable    *cancellable,
                               WmImportReport **report,
                               GError         **error)
{
  g_autoptr (WmImportReport) rep = NULL;
  DepFile   files[2] = { { 0 }, { 0 } };
  guint     n_files = population_file ? 2 : 1;
  DepImport imp = { 0 };
  gboolean  ok = FALSE;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (file != NULL, FALSE);

  /* Both files are opened and their headers checked before the transaction starts. */
  if (!dep_file_open (&files[0], file, error)
      || (population_file && !dep_file_open (&files[1], population_file, error)))
    goto out;

  rep = wm_import_report_new (files[0].base);
  imp.report = rep;
  if (!_wm_project_begin (self, error))
    goto out;
  ok = dep_run (_wm_project_get_db (self), &imp, files, n_files, progress, progress_data,
                cancellable, error);
  g_clear_pointer (&imp.dep_insert, sqlite3_finalize);
  g_clear_pointer (&imp.pop_insert, sqlite3_finalize);
  if (!_wm_project_end (self, ok, ok ? error : NULL))
    {
      ok = FALSE;
      goto out;
    }
  _wm_project_touch (self);
  if (progress)
    progress (1.0, files[0].base, progress_data);
  if (report)
    *report = g_steal_pointer (&rep);

out:
  dep_file_clear (&files[0]);
  dep_file_clear (&files[1]);
  return ok;
}

/* ---- lookup ----------------------------------------------------------------------------- */

typedef enum
{
  LOOKUP_LSOA,
  LOOKUP_WARD,
  LOOKUP_LSOA_NAME,
  LOOKUP_WARD_NAME,
  N_LOOKUP
} LookupColumn;

static int
lookup_column_of (const char *key)
{
  if (is_lsoa_code_header (key))
    return LOOKUP_LSOA;
  if (strstr (key, "ward code") != NULL || is_ons_field (key, "wd", "cd"))
    return LOOKUP_WARD;
  if (strstr (key, "lsoa name") != NULL || is_ons_field (key, "lsoa", "nm"))
    return LOOKUP_LSOA_NAME;
  if (strstr (key, "ward name") != NULL || is_ons_field (key, "wd", "nm"))
    return LOOKUP_WARD_NAME;
  return -1;
}

static gboolean
lookup_run (sqlite3        *db,
            WmTableReader  *reader,
            const int       columns[N_LOOKUP],
            WmImportReport *report,
            WmProgressFunc  progress,
            gpointer        progress_data,
            GCancellable   *cancellable,
            GError        **error)
{
  g_autoptr (sqlite3_stmt) insert = NULL;
  WmRow   row;
  GError *read_error = NULL;
  guint64 n = 0;

  insert = _wm_db_prepare (db,
                           "INSERT OR REPLACE INTO lookup (lsoa_code, ward_code, lsoa_name,"
                           " ward_name) VALUES (?, ?, ?, ?)",
                           error);
  if (insert == NULL)
    return FALSE;

  while (wm_table_reader_next (reader, &row, &read_error))
    {
      g_autofree char *lsoa = NULL;
      g_autofree char *ward = NULL;

      report->rows_read++;
      if (wm_row_is_blank (&row))
        report->blank++;
      else
        {
          lsoa = clean_code (wm_row_cell (&row, columns[LOOKUP_LSOA]));
          ward = clean_code (wm_row_cell (&row, columns[LOOKUP_WARD]));
          if (*lsoa == '\0' || *ward == '\0')
            {
              _wm_report_malformed_row (report, reader, &row, "no %s code",
                                        *lsoa == '\0' ? "LSOA" : "ward");
            }
          else
            {
              g_autofree char *lsoa_name
                  = g_strstrip (g_strdup (wm_row_cell (&row, columns[LOOKUP_LSOA_NAME])));
              g_autofree char *ward_name
                  = g_strstrip (g_strdup (wm_row_cell (&row, columns[LOOKUP_WARD_NAME])));

              sqlite3_bind_text (insert, 1, lsoa, -1, SQLITE_STATIC);
              sqlite3_bind_text (insert, 2, ward, -1, SQLITE_STATIC);
              _wm_bind_text_or_null (insert, 3, lsoa_name);
              _wm_bind_text_or_null (insert, 4, ward_name);
              if (!_wm_db_step_done (insert, error))
                return FALSE;
              sqlite3_clear_bindings (insert);
              report->imported++;
            }
        }
      if ((++n & 4095) == 0)
        {
          if (_wm_check_cancelled (cancellable, report->file, error))
            return FALSE;
          if (progress)
            progress (0.9 * wm_table_reader_fraction (reader), report->file, progress_data);
        }
    }
  if (read_error)
    {
      g_propagate_error (error, read_error);
      return FALSE;
    }
  if (report->imported == 0)
    {
      if (report->messages->len)
        g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE,
                     "%s (and every other data row is malformed too: nothing imported)",
                     (const char *) g_ptr_array_index (report->messages, 0));
      else
        g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s: no data rows after the header",
                     report->file);
      return FALSE;
    }
  return TRUE;
}

gboolean
wm_project_import_lookup (WmProject       *self,
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
  int              columns[N_LOOKUP] = { -1, -1, -1, -1 };
  WmRow            row;
  gboolean         ok;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (file != NULL, FALSE);

  base = g_path_get_basename (file);
  reader = wm_table_reader_open (file, error);
  if (reader == NULL || !read_header (reader, base, &row, error))
    return FALSE;
  for (guint i = 0; i < row.n_fields; i++)
    {
      g_autofree char *key = wm_normalize_header (row.fields[i]);
      int              c = lookup_column_of (key);

      if (c >= 0 && columns[c] < 0)
        columns[c] = (int) i;
    }
  if (columns[LOOKUP_LSOA] < 0 || columns[LOOKUP_WARD] < 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN, "%s:1: no \"%s\" column", base,
                   columns[LOOKUP_LSOA] < 0 ? "LSOA code" : "ward code");
      return FALSE;
    }

  rep = wm_import_report_new (base);
  if (!_wm_project_begin (self, error))
    return FALSE;
  ok = lookup_run (_wm_project_get_db (self), reader, columns, rep, progress, progress_data,
                   cancellable, error);
  return _wm_project_end_import (self, ok, &rep, progress, progress_data, report, error);
}
