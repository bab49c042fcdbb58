/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rows of text from a tabular file, whatever its container: CSV through libcsv (read with
 * GDAL's VSI API, so .gz, .zip and /vsimem/ work), or every sheet of an XLSX/ODS workbook
 * through OGR with headers disabled, so that importers find the header row themselves. */
#pragma once

#include <glib.h>
#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _WmTableReader WmTableReader;

typedef struct
{
  guint       n_fields;
  char      **fields;   /* UTF-8, owned by the reader, valid until the next call */
  guint64     line;     /* physical line (CSV) or row (sheet) where the record starts, 1-based */
  const char *sheet;    /* NULL for CSV */
  gpointer    prepared; /* what the reader's prepare function made of the row, or NULL */
} WmRow;

/* Resolves a user path to a GDAL path: "x.csv.gz" -> "/vsigzip/x.csv.gz"; "x.zip" -> the
 * single data file inside it. */
char *wm_vsi_path (const char *path, GError **error);

WmTableReader *wm_table_reader_open (const char *path, GError **error);
void           wm_table_reader_free (WmTableReader *reader);

/* Returns FALSE at the end (error unset) or on a read/parse error (error set). */
gboolean wm_table_reader_next (WmTableReader *reader, WmRow *row, GError **error);

/* Work on the rows in the reading thread, before the importer gets them: @func sets
 * @prepared[i] for each of @n rows (NULL for nothing), pointing into what it returns, and the
 * importer finds it as the row's prepared, valid until the next call; the reader frees what
 * @func returned with @work_free (in the importer's thread) once the rows are handed out.
 * @func runs in another thread than the caller: it may only use @data, which is the reader's
 * (freed with @data_free once the thread is done with it), and nothing else the importer
 * touches. Rows read ahead before this call, and those a prepare function set earlier made,
 * come without (prepared NULL), so the importer must be able to do the work itself; @func
 * NULL stops it. */
typedef gpointer (*WmRowsPrepareFunc) (const WmRow *rows,
                                       guint        n,
                                       gpointer    *prepared,
                                       gpointer     data);
void wm_table_reader_set_prepare (WmTableReader    *reader,
                                  WmRowsPrepareFunc func,
                                  gpointer          data,
                                  GDestroyNotify    data_free,
                                  GDestroyNotify    work_free);

/* 0..1 for progress bars. */
double      wm_table_reader_fraction (WmTableReader *reader);
gboolean    wm_table_reader_is_spreadsheet (WmTableReader *reader);
const char *wm_table_reader_display_name (WmTableReader *reader);

/* The text of @column, or "" when the row is shorter or @column is -1 (not mapped). */
const char *wm_row_cell (const WmRow *row, int column);
/* TRUE when every field is empty or blanks (a line of commas, a spacer row). */
gboolean wm_row_is_blank (const WmRow *row);

/* "file:line" or "file:sheet:row", for messages. */
char *wm_row_location (WmTableReader *reader, const WmRow *row);

/* One row of a three-column rules file; FALSE with @error set refuses the row. */
typedef gboolean (*WmRuleRowFunc) (
    gpointer target, const char *a, const char *b, const char *c, GError **error);
/* Reads a rules file (CSV with a header naming @columns; the third may be missing when
 * @third_optional) and hands each row to @add. Errors name the file and line; an empty file
 * is an error. */
gboolean wm_table_read_rules (const char       *path,
                              const char *const columns[3],
                              gboolean          third_optional,
                              WmRuleRowFunc     add,
                              gpointer          target,
                              GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmTableReader, wm_table_reader_free)

G_END_DECLS
