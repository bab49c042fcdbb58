/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rows of text from CSV files (libcsv over GDAL's VSI API) and spreadsheets (OGR). The CSV
 * side feeds libcsv one physical line at a time so each record knows the line it started on,
 * which every error message needs.
 *
 * Reading runs ahead in a thread of its own: it inflates, parses and converts the next rows
 * into batches while the importer stores the rows before them, so a large import keeps both
 * cores busy. Rows, errors and their order are the same as reading in line. */
#include "wm-table-reader.h"

#include <csv.h>
#include <string.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>

#include "wm-error.h"
#include "wm-text.h"

#define BLOCK_SIZE (1 << 20)
/* No real row of a spend file, directory or postcode table comes near this; a longer line
 * or field is a binary file or a quote left open, and reading on would hold the rest of the
 * file in memory. */
#define MAX_RECORD_BYTES (16 << 20)
/* Rows per batch handed from the reading thread: the first batches are small, so that the
 * first rows (a header, a preview) come at once, then they grow to amortise the locking. */
#define FIRST_BATCH_ROWS 32
#define MAX_BATCH_ROWS 4096
/* Batches read ahead before the reading thread waits for the importer. */
#define MAX_BATCHES_AHEAD 4

struct _WmTableReader
{
  char    *path;         /* the GDAL path */
  char    *display_name; /* basename, for messages */
  gboolean spreadsheet;

  /* CSV */
  VSILFILE         *fp;
  struct csv_parser parser;
  gboolean          parser_ready;
  char             *block;
  size_t            block_len;
  size_t            block_pos;
  guint64           file_size;
  guint64           bytes_read;
  gboolean          compressed;
  gboolean          eof;
  guint64           physical_line; /* lines fed so far */
  guint64           record_start;  /* line where the open record started, 0 if none */
  GString          *field_text;    /* the open record's fields, each ending in a NUL */
  GArray           *field_starts;  /* gsize: where each field of the open record starts */
  GPtrArray        *ready;         /* completed records (ReadyRecord*), oldest first */
  guint             ready_head;    /* the next one to hand out */
  GError           *deferred;      /* an error raised inside a libcsv callback */
  gboolean          first_field;
  GString          *carry; /* a partial physical line across blocks */

  /* spreadsheet */
  GDALDatasetH dataset;
  int          layer_index;
  int          n_layers;
  OGRLayerH    layer;
  guint64      features_done;
  guint64      features_total;
  GPtrArray   *sheet_names; /* every sheet started, owned here: records point into it */

  /* the reading thread and the batches it has read */
  struct _Prepare *prepare; /* the importer's work on rows in that thread, under the lock */
  GThread         *thread;
  GMutex           lock;
  GCond            cond;
  GQueue           batches; /* Batch*, oldest first, at most MAX_BATCHES_AHEAD */
  gboolean         stop;    /* the reader is being freed: the thread ends */

  /* the importer's side */
  struct _Batch *batch; /* the batch being handed out */
  guint          batch_pos;
  gboolean       finished; /* the end (or an error) has been handed out */
  double         fraction; /* of the batch being handed out */
};

/* One allocation per record: the header, the field pointers, then the text they point to. */
typedef struct
{
  guint64     line;
  const char *sheet; /* NULL for CSV */
  gsize       size;  /* bytes, all of it */
  guint       n_fields;
  char       *fields[];
} ReadyRecord;

/* A prepare function, shared (reference-counted) by the importer and the batches it made. */
typedef struct _Prepare
{
  WmRowsPrepareFunc func;
  gpointer          data;
  GDestroyNotify    data_free;
  GDestroyNotify    work_free;
} Prepare;

static void
prepare_clear (gpointer p)
{
  Prepare *prepare = p;

  if (prepare->data_free)
    prepare->data_free (prepare->data);
}

static void
prepare_release (Prepare *prepare)
{
  if (prepare)
    g_atomic_rc_box_release_full (prepare, prepare_clear);
}

/* Rows read ahead: the records, then the end of the file or an error when @last. A batch
 * owns its memory in a few large chunks, allocated and filled by the reading thread and freed
 * at once by the importer: memory malloc'ed in one thread and freed row by row in another
 * costs glibc an arena lock each time, which made the threads slower than one. */
#define CHUNK_SIZE (256 << 10)

typedef struct _Batch
{
  GPtrArray *records;    /* ReadyRecord*, in @chunks */
  GPtrArray *chunks;     /* all the batch's memory, freed with it */
  guint8    *chunk;      /* the chunk being filled */
  gsize      chunk_used; /* bytes used in it */
  Prepare   *prepare;    /* what made @prepared, NULL when nothing did */
  gpointer  *prepared;
  gpointer   work; /* what @prepared point into, freed with prepare->work_free */
  double     fraction;
  gboolean   last;
  GError    *error;
} Batch;

static void
batch_free (Batch *batch)
{
  if (batch == NULL)
    return;
  if (batch->work && batch->prepare->work_free)
    batch->prepare->work_free (batch->work);
  g_free (batch->prepared);
  prepare_release (batch->prepare);
  g_ptr_array_unref (batch->records);
  g_ptr_array_unref (batch->chunks);
  g_clear_error (&batch->error);
  g_free (batch);
}

/* Copies a record into the batch's chunks (and frees it, in the thread that made it). */
static void
batch_add (Batch *batch, ReadyRecord *rec)
{
  gsize        size = (rec->size + 7) & ~(gsize) 7;
  ReadyRecord *copy;

  if (size > CHUNK_SIZE / 4)
    {
      /* a record with a huge field: a chunk of its own */
      copy = g_malloc (size);
      g_ptr_array_add (batch->chunks, copy);
    }
  else
    {
      if (batch->chunk == NULL || batch->chunk_used + size > CHUNK_SIZE)
        {
          batch->chunk = g_malloc (CHUNK_SIZE);
          batch->chunk_used = 0;
          g_ptr_array_add (batch->chunks, batch->chunk);
        }
      copy = (ReadyRecord *) (batch->chunk + batch->chunk_used);
      batch->chunk_used += size;
    }
  memcpy (copy, rec, rec->size);
  /* the fields are NUL-terminated, one after the other, after the pointers */
  {
    char *text = (char *) &copy->fields[copy->n_fields];

    for (guint i = 0; i < copy->n_fields; i++)
      {
        copy->fields[i] = text;
        text += strlen (text) + 1;
      }
  }
  g_ptr_array_add (batch->records, copy);
  g_free (rec);
}

/* The importer's work on a batch, in the reading thread. */
static void
prepare_batch (WmTableReader *self, Batch *batch)
{
  guint  n = batch->records->len;
  WmRow *rows;

  g_mutex_lock (&self->lock);
  batch->prepare = self->prepare ? g_atomic_rc_box_acquire (self->prepare) : NULL;
  g_mutex_unlock (&self->lock);
  if (batch->prepare == NULL || n == 0)
    return;
  rows = g_new0 (WmRow, n);
  for (guint i = 0; i < n; i++)
    {
      ReadyRecord *rec = g_ptr_array_index (batch->records, i);

      rows[i].n_fields = rec->n_fields;
      rows[i].fields = rec->fields;
      rows[i].line = rec->line;
      rows[i].sheet = rec->sheet;
    }
  batch->prepared = g_new0 (gpointer, n);
  batch->work = batch->prepare->func (rows, n, batch->prepared, batch->prepare->data);
  g_free (rows);
}

/* ---- paths ------------------------------------------------------------------------------ */

static gboolean
has_suffix_ci (const char *s, const char *suffix)
{
  size_t a = strlen (s), b = strlen (suffix);

  return a >= b && g_ascii_strcasecmp (s + a - b, suffix) == 0;
}

char *
wm_vsi_path (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  if (g_str_has_prefix (path, "/vsi"))
    return g_strdup (path);
  if (has_suffix_ci (path, ".gz"))
    return g_strconcat ("/vsigzip/", path, NULL);
  if (has_suffix_ci (path, ".zip"))
    {
      g_autofree char *zip = g_strconcat ("/vsizip/", path, NULL);
      char           **entries = VSIReadDirRecursive (zip);
      const char      *found = NULL;
      int              n_found = 0;

      for (int i = 0; entries && entries[i]; i++)
        {
          const char *e = entries[i];
          if (has_suffix_ci (e, ".csv") || has_suffix_ci (e, ".txt") || has_suffix_ci (e, ".tsv")
              || has_suffix_ci (e, ".xlsx") || has_suffix_ci (e, ".ods"))
            {
              found = e;
              n_found++;
            }
        }
      if (n_found != 1)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                       n_found == 0 ? "%s: no CSV or spreadsheet inside the zip file"
                                    : "%s: several tables inside the zip file; name one as "
                                      "/vsizip/FILE.zip/INNER.csv",
                       path);
          CSLDestroy (entries);
          return NULL;
        }
      {
        char *result = g_strconcat (zip, "/", found, NULL);
        CSLDestroy (entries);
        return result;
      }
    }
  return g_strdup (path);
}

static gboolean
is_spreadsheet_path (const char *path)
{
  const char *p = path;

  if (has_suffix_ci (p, ".gz"))
    return FALSE;
  return has_suffix_ci (p, ".xlsx") || has_suffix_ci (p, ".xlsm") || has_suffix_ci (p, ".ods")
         || has_suffix_ci (p, ".xls");
}

/* ---- CSV -------------------------------------------------------------------------------- */

static void
on_field (void *s, size_t len, void *data)
{
  WmTableReader *self = data;
  const char    *text = s ? s : "";

  if (self->deferred)
    return;
  if (len && memchr (text, '\0', len) != NULL)
    {
      g_set_error (&self->deferred, WM_ERROR, WM_ERROR_FORMAT,
                   "%s:%" G_GUINT64_FORMAT ": NUL byte in the data: this is not a text CSV file "
                   "(UTF-16 or binary?)",
                   self->display_name,
                   self->record_start ? self->record_start : self->physical_line);
      return;
    }
  if (self->first_field && len >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    {
      text += 3;
      len -= 3;
    }
  self->first_field = FALSE;
  g_array_append_val (self->field_starts, self->field_text->len);
  wm_append_utf8 (self->field_text, text, len);
  g_string_append_c (self->field_text, '\0');
}

static void
on_record (int c, void *data)
{
  WmTableReader *self = data;
  ReadyRecord   *rec;
  guint          n = self->field_starts->len;
  char          *text;

  if (self->deferred)
    return;
  rec = g_malloc (sizeof (ReadyRecord) + n * sizeof (char *) + self->field_text->len);
  rec->size = sizeof (ReadyRecord) + n * sizeof (char *) + self->field_text->len;
  text = (char *) &rec->fields[n];
  memcpy (text, self->field_text->str, self->field_text->len);
  for (guint i = 0; i < n; i++)
    rec->fields[i] = text + g_array_index (self->field_starts, gsize, i);
  rec->n_fields = n;
  rec->sheet = NULL;
  rec->line = self->record_start ? self->record_start : self->physical_line;
  g_ptr_array_add (self->ready, rec);
  g_string_truncate (self->field_text, 0);
  g_array_set_size (self->field_starts, 0);
  self->record_start = 0;
}

static gboolean
line_is_blank (const char *line, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (line[i] != '\r' && line[i] != '\n' && line[i] != ' ' && line[i] != '\t')
      return FALSE;
  return TRUE;
}

static gboolean
feed_line (WmTableReader *self, const char *line, size_t len, GError **error)
{
  self->physical_line++;
  if (self->record_start == 0 && !line_is_blank (line, len))
    self->record_start = self->physical_line;
  if (csv_parse (&self->parser, line, len, on_field, on_record, self) != len)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s:%" G_GUINT64_FORMAT ": %s",
                   self->display_name, self->physical_line,
                   csv_strerror (csv_error (&self->parser)));
      return FALSE;
    }
  if (self->deferred)
    {
      g_propagate_error (error, g_steal_pointer (&self->deferred));
      return FALSE;
    }
  if (self->parser.entry_pos > MAX_RECORD_BYTES)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                   "%s:%" G_GUINT64_FORMAT ": a field longer than %d MB (a quote opened on this "
                   "line and never closed?)",
                   self->display_name, self->record_start, MAX_RECORD_BYTES >> 20);
      return FALSE;
    }
  return TRUE;
}

static unsigned char
guess_delimiter (const char *block, size_t len)
{
  int      commas = 0, semis = 0, tabs = 0;
  gboolean quoted = FALSE;
  int      lines = 0;

  for (size_t i = 0; i < len && lines < 5; i++)
    {
      char c = block[i];
      if (c == '"')
        quoted = !quoted;
      else if (!quoted && c == '\n')
        lines++;
      else if (!quoted && c == ',')
        commas++;
      else if (!quoted && c == ';')
        semis++;
      else if (!quoted && c == '\t')
        tabs++;
    }
  if (tabs > commas && tabs > semis)
    return '\t';
  if (semis > commas)
    return ';';
  return ',';
}

/* Reads blocks until at least one record is ready or the file ends. */
static gboolean
fill_csv (WmTableReader *self, GError **error)
{
  while (self->ready_head == self->ready->len && !self->eof)
    {
      size_t n = VSIFReadL (self->block, 1, BLOCK_SIZE, self->fp);
      size_t start = 0;

      self->bytes_read += n;
      if (!self->parser_ready)
        {
          csv_set_delim (&self->parser, guess_delimiter (self->block, n));
          self->parser_ready = TRUE;
        }
      if (n == 0)
        {
          self->eof = TRUE;
          if (self->carry->len && !feed_line (self, self->carry->str, self->carry->len, error))
            return FALSE;
          g_string_truncate (self->carry, 0);
          /* libcsv reports an open quote at the end only in its strict mode, which would also
           * refuse the stray quotes real files have (12" PIPE); its parser state is public:
           * 2 is FIELD_BEGUN, so a quoted field is still open. */
          if ((self->parser.quoted && self->parser.pstate == 2)
              || csv_fini (&self->parser, on_field, on_record, self) != 0)
            {
              g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                           "%s:%" G_GUINT64_FORMAT ": unterminated quoted field (the file ends "
                           "inside quotes opened on this line)",
                           self->display_name, self->record_start);
              return FALSE;
            }
          if (self->deferred)
            {
              g_propagate_error (error, g_steal_pointer (&self->deferred));
              return FALSE;
            }
          break;
        }
      for (size_t i = 0; i < n; i++)
        {
          if (self->block[i] != '\n')
            continue;
          if (self->carry->len)
            {
              g_string_append_len (self->carry, self->block + start, (gssize) (i + 1 - start));
              if (!feed_line (self, self->carry->str, self->carry->len, error))
                return FALSE;
              g_string_truncate (self->carry, 0);
            }
          else if (!feed_line (self, self->block + start, i + 1 - start, error))
            return FALSE;
          start = i + 1;
        }
      if (start < n)
        g_string_append_len (self->carry, self->block + start, (gssize) (n - start));
      if (self->carry->len > MAX_RECORD_BYTES)
        {
          g_set_error (error, WM_ERROR, WM_ERROR_FORMAT,
                       "%s:%" G_GUINT64_FORMAT ": a line longer than %d MB: this is not a text "
                       "CSV file",
                       self->display_name, self->physical_line + 1, MAX_RECORD_BYTES >> 20);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
open_csv (WmTableReader *self, GError **error)
{
  self->fp = VSIFOpenL (self->path, "rb");
  if (self->fp == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_IO, "%s: cannot open the file", self->display_name);
      return FALSE;
    }
  self->compressed = g_str_has_prefix (self->path, "/vsigzip/");
  if (self->compressed)
    {
      /* Progress against the compressed size: seeking to the end would inflate it all. */
      VSILFILE *raw = VSIFOpenL (self->path + strlen ("/vsigzip/"), "rb");
      if (raw)
        {
          VSIFSeekL (raw, 0, SEEK_END);
          self->file_size = VSIFTellL (raw);
          VSIFCloseL (raw);
        }
    }
  else if (VSIFSeekL (self->fp, 0, SEEK_END) == 0)
    {
      self->file_size = VSIFTellL (self->fp);
      VSIFSeekL (self->fp, 0, SEEK_SET);
    }
  if (csv_init (&self->parser, CSV_STRICT_FINI) != 0)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FAILED, "cannot initialise the CSV parser");
      return FALSE;
    }
  self->block = g_malloc (BLOCK_SIZE);
  self->field_text = g_string_sized_new (256);
  self->field_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->carry = g_string_new (NULL);
  self->first_field = TRUE;
  self->ready = g_ptr_array_new_with_free_func (g_free);
  return TRUE;
}

/* ---- spreadsheets ----------------------------------------------------------------------- */

/* The drivers' own header guess fails on sheets with helper columns (Lancashire PCC's "Sep"),
 * so every row is taken as data and importers find the header themselves. The drivers read
 * these options when a sheet is first parsed, which is lazy: they are set around every call. */
static void
set_sheet_options (gboolean on)
{
  static const char *const keys[] = { "OGR_XLSX_HEADERS", "OGR_ODS_HEADERS", "OGR_XLS_HEADERS",
                                      "OGR_XLSX_FIELD_TYPES", "OGR_ODS_FIELD_TYPES" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    CPLSetThreadLocalConfigOption (keys[i], on ? (i < 3 ? "DISABLE" : "STRING") : NULL);
}

static gboolean
open_spreadsheet (WmTableReader *self, GError **error)
{
  static const char *const drivers[] = { "XLSX", "ODS", "XLS", NULL };

  GDALAllRegister ();
  set_sheet_options (TRUE);
  self->dataset = GDALOpenEx (self->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, NULL, NULL);
  set_sheet_options (FALSE);
  if (self->dataset == NULL)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s: cannot open as a spreadsheet (%s)",
                   self->display_name, CPLGetLastErrorMsg ());
      return FALSE;
    }
  self->n_layers = GDALDatasetGetLayerCount (self->dataset);
  set_sheet_options (TRUE);
  for (int i = 0; i < self->n_layers; i++)
    self->features_total
        += (guint64) MAX (0, OGR_L_GetFeatureCount (GDALDatasetGetLayer (self->dataset, i), TRUE));
  set_sheet_options (FALSE);
  self->layer_index = -1;
  return TRUE;
}

/* The next row of the workbook as a record, or NULL after the last sheet. */
static ReadyRecord *
next_spreadsheet_record (WmTableReader *self)
{
  for (;;)
    {
      OGRFeatureH  feature;
      ReadyRecord *rec;
      char        *text;
      int          n;
      gsize        size = 0;

      if (self->layer == NULL)
        {
          if (++self->layer_index >= self->n_layers)
            return NULL;
          self->layer = GDALDatasetGetLayer (self->dataset, self->layer_index);
          OGR_L_ResetReading (self->layer);
          g_ptr_array_add (self->sheet_names, g_strdup (OGR_L_GetName (self->layer)));
        }
      set_sheet_options (TRUE);
      feature = OGR_L_GetNextFeature (self->layer);
      set_sheet_options (FALSE);
      if (feature == NULL)
        {
          self->layer = NULL;
          continue;
        }
      self->features_done++;
      n = OGR_F_GetFieldCount (feature);
      {
        g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

        for (int i = 0; i < n; i++)
          {
            const char *v = OGR_F_IsFieldSetAndNotNull (feature, i)
                                ? OGR_F_GetFieldAsString (feature, i)
                                : "";
            char       *cell = wm_to_utf8 (v, -1);

            size += strlen (cell) + 1;
            g_ptr_array_add (cells, cell);
          }
        rec = g_malloc (sizeof (ReadyRecord) + (gsize) n * sizeof (char *) + size);
        rec->size = sizeof (ReadyRecord) + (gsize) n * sizeof (char *) + size;
        text = (char *) &rec->fields[n];
        for (int i = 0; i < n; i++)
          {
            gsize len = strlen (cells->pdata[i]) + 1;

            memcpy (text, cells->pdata[i], len);
            rec->fields[i] = text;
            text += len;
          }
      }
      rec->n_fields = (guint) n;
      /* With headers disabled the XLSX/ODS drivers number features from the sheet's first
       * row. */
      rec->line = (guint64) OGR_F_GetFID (feature);
      rec->sheet = g_ptr_array_index (self->sheet_names, self->sheet_names->len - 1);
      OGR_F_Destroy (feature);
      return rec;
    }
}

/* The next CSV record, or NULL at the end of the file or on an error. */
static ReadyRecord *
next_csv_record (WmTableReader *self, GError **error)
{
  ReadyRecord *rec;

  if (!fill_csv (self, error) || self->ready_head == self->ready->len)
    return NULL;
  rec = g_steal_pointer (&self->ready->pdata[self->ready_head++]);
  if (self->ready_head == self->ready->len)
    {
      g_ptr_array_set_size (self->ready, 0);
      self->ready_head = 0;
    }
  return rec;
}

static double
read_fraction (WmTableReader *self)
{
  if (self->spreadsheet)
    return self->features_total ? (double) self->features_done / self->features_total : 0.0;
  if (self->file_size == 0)
    return 0.0;
  if (self->compressed)
    {
      /* Uncompressed bytes against the compressed size: a rough guess, capped. */
      double f = (double) self->bytes_read / ((double) self->file_size * 5.0);
      return MIN (f, 0.99);
    }
  return MIN (1.0, (double) self->bytes_read / (double) self->file_size);
}

/* The reading thread: batches of records until the end, an error or the reader's end. */
static gpointer
read_ahead (gpointer data)
{
  WmTableReader *self = data;
  guint          size = FIRST_BATCH_ROWS;
  gboolean       last = FALSE;

  while (!last)
    {
      Batch *batch = g_new0 (Batch, 1);

      batch->records = g_ptr_array_sized_new (size);
      batch->chunks = g_ptr_array_new_with_free_func (g_free);
      while (batch->records->len < size && !g_atomic_int_get (&self->stop))
        {
          ReadyRecord *rec = self->spreadsheet ? next_spreadsheet_record (self)
                                               : next_csv_record (self, &batch->error);

          if (rec == NULL)
            {
              batch->last = last = TRUE;
              break;
            }
          batch_add (batch, rec);
        }
      batch->fraction = read_fraction (self);
      size = MIN (size * 4, MAX_BATCH_ROWS);
      g_mutex_lock (&self->lock);
      while (self->batches.length >= MAX_BATCHES_AHEAD && !self->stop)
        g_cond_wait (&self->cond, &self->lock);
      if (self->stop)
        {
          g_mutex_unlock (&self->lock);
          batch_free (batch);
          return NULL;
        }
      /* Prepared once there is room for it, with the prepare function set by then. */
      g_mutex_unlock (&self->lock);
      prepare_batch (self, batch);
      g_mutex_lock (&self->lock);
      g_queue_push_tail (&self->batches, batch);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
    }
  return NULL;
}

/* ---- public ----------------------------------------------------------------------------- */

WmTableReader *
wm_table_reader_open (const char *path, GError **error)
{
  g_autoptr (WmTableReader) self = NULL;
  g_autofree char *vsi = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  vsi = wm_vsi_path (path, error);
  if (vsi == NULL)
    return NULL;
  self = g_new0 (WmTableReader, 1);
  self->path = g_steal_pointer (&vsi);
  self->display_name = g_path_get_basename (path);
  self->sheet_names = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->spreadsheet = is_spreadsheet_path (self->path);
  if (self->spreadsheet ? !open_spreadsheet (self, error) : !open_csv (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
wm_table_reader_free (WmTableReader *self)
{
  if (self == NULL)
    return;
  if (self->thread)
    {
      g_mutex_lock (&self->lock);
      g_atomic_int_set (&self->stop, TRUE);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      g_thread_join (self->thread);
    }
  g_queue_clear_full (&self->batches, (GDestroyNotify) batch_free);
  batch_free (self->batch);
  prepare_release (self->prepare);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  if (self->fp)
    VSIFCloseL (self->fp);
  if (self->parser_ready || self->block)
    csv_free (&self->parser);
  g_free (self->block);
  if (self->field_text)
    g_string_free (self->field_text, TRUE);
  if (self->field_starts)
    g_array_unref (self->field_starts);
  if (self->carry)
    g_string_free (self->carry, TRUE);
  if (self->ready)
    g_ptr_array_unref (self->ready);
  g_clear_error (&self->deferred);
  if (self->dataset)
    GDALClose (self->dataset);
  g_ptr_array_unref (self->sheet_names);
  g_free (self->path);
  g_free (self->display_name);
  g_free (self);
}

gboolean
wm_table_reader_next (WmTableReader *self, WmRow *row, GError **error)
{
  ReadyRecord *rec;

  g_return_val_if_fail (self != NULL, FALSE);

  while (self->batch == NULL || self->batch_pos == self->batch->records->len)
    {
      if (self->finished)
        return FALSE;
      if (self->batch && self->batch->last)
        {
          self->finished = TRUE;
          if (self->batch->error)
            {
              g_propagate_error (error, g_steal_pointer (&self->batch->error));
              return FALSE;
            }
          return FALSE;
        }
      if (self->thread == NULL)
        self->thread = g_thread_new ("wm-read-ahead", read_ahead, self);
      g_mutex_lock (&self->lock);
      while (self->batches.length == 0)
        g_cond_wait (&self->cond, &self->lock);
      batch_free (self->batch);
      self->batch = g_queue_pop_head (&self->batches);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      self->batch_pos = 0;
      self->fraction = self->batch->fraction;
    }
  /* The record lives in the batch, until the next call at least. */
  /* What the current prepare function made; an earlier one's work is not handed out. */
  row->prepared = self->batch->prepared && self->batch->prepare == self->prepare
                      ? self->batch->prepared[self->batch_pos]
                      : NULL;
  rec = g_ptr_array_index (self->batch->records, self->batch_pos++);
  row->n_fields = rec->n_fields;
  row->fields = rec->fields;
  row->line = rec->line;
  row->sheet = rec->sheet;
  return TRUE;
}

void
wm_table_reader_set_prepare (WmTableReader    *self,
                             WmRowsPrepareFunc func,
                             gpointer          data,
                             GDestroyNotify    data_free,
                             GDestroyNotify    work_free)
{
  Prepare *prepare = NULL, *old;

  g_return_if_fail (self != NULL);
  if (func)
    {
      prepare = g_atomic_rc_box_new0 (Prepare);
      prepare->func = func;
      prepare->data = data;
      prepare->data_free = data_free;
      prepare->work_free = work_free;
    }
  else if (data_free)
    data_free (data);
  g_mutex_lock (&self->lock);
  old = self->prepare;
  self->prepare = prepare;
  g_mutex_unlock (&self->lock);
  prepare_release (old);
}

double
wm_table_reader_fraction (WmTableReader *self)
{
  return self->fraction;
}

gboolean
wm_table_reader_is_spreadsheet (WmTableReader *self)
{
  return self->spreadsheet;
}

const char *
wm_table_reader_display_name (WmTableReader *self)
{
  return self->display_name;
}

const char *
wm_row_cell (const WmRow *row, int column)
{
  if (column < 0 || (guint) column >= row->n_fields)
    return "";
  return row->fields[column];
}

gboolean
wm_row_is_blank (const WmRow *row)
{
  for (guint i = 0; i < row->n_fields; i++)
    {
      const char *p = row->fields[i];

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p)
        return FALSE;
    }
  return TRUE;
}

char *
wm_row_location (WmTableReader *self, const WmRow *row)
{
  if (row->sheet)
    return g_strdup_printf ("%s:%s:%" G_GUINT64_FORMAT, self->display_name, row->sheet, row->line);
  return g_strdup_printf ("%s:%" G_GUINT64_FORMAT, self->display_name, row->line);
}

gboolean
wm_table_read_rules (const char       *path,
                     const char *const columns[3],
                     gboolean          third_optional,
                     WmRuleRowFunc     add,
                     gpointer          target,
                     GError          **error)
{
  g_autoptr (WmTableReader) reader = wm_table_reader_open (path, error);
  int      col[3] = { -1, -1, -1 };
  gboolean header = FALSE;
  WmRow    row;
  GError  *read_error = NULL;

  if (reader == NULL)
    return FALSE;
  while (wm_table_reader_next (reader, &row, &read_error))
    {
      g_autoptr (GError) rule_error = NULL;

      if (wm_row_is_blank (&row))
        continue;
      if (!header)
        {
          for (guint i = 0; i < row.n_fields; i++)
            {
              g_autofree char *h = wm_normalize_header (row.fields[i]);
              for (int c = 0; c < 3; c++)
                if (strcmp (h, columns[c]) == 0)
                  col[c] = (int) i;
            }
          if (col[0] < 0 || col[1] < 0 || (col[2] < 0 && !third_optional))
            {
              g_set_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN,
                           "%s:%" G_GUINT64_FORMAT ": the header needs the columns %s, %s and %s",
                           wm_table_reader_display_name (reader), row.line, columns[0], columns[1],
                           columns[2]);
              return FALSE;
            }
          header = TRUE;
          continue;
        }
      if (!add (target, wm_row_cell (&row, col[0]), wm_row_cell (&row, col[1]),
                wm_row_cell (&row, col[2]), &rule_error))
        {
          g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s:%" G_GUINT64_FORMAT ": %s",
                       wm_table_reader_display_name (reader), row.line, rule_error->message);
          return FALSE;
        }
    }
  if (read_error)
    {
      g_propagate_error (error, read_error);
      return FALSE;
    }
  if (!header)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_FORMAT, "%s: empty file; no rules",
                   wm_table_reader_display_name (reader));
      return FALSE;
    }
  return TRUE;
}
