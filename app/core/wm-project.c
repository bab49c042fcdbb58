/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The project file: creation as a GeoPackage, numbered schema migrations, transactions and
 * settings. The GeoPackage tables are written by hand (they are a few rows of SQL) so that
 * the whole project lives behind one SQLite connection and one transaction per import. */
#include "wm-project-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "wm-error.h"
#include "wm-review.h"

struct _WmProject
{
  GObject  parent_instance;
  char    *path;
  sqlite3 *db;
  GMutex   lock;
  gboolean in_transaction;
};

G_DEFINE_FINAL_TYPE (WmProject, wm_project, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define GPKG_APPLICATION_ID 0x47504B47 /* "GPKG" */
#define GPKG_USER_VERSION 10300        /* GeoPackage 1.3 */

static const char wgs84_wkt[]
    = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,"
      "AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,"
      "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,"
      "AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],"
      "AUTHORITY[\"EPSG\",\"4326\"]]";

/* The GeoPackage core: srs, contents, geometry columns. */
static const char gpkg_core_sql[]
    = "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,"
      " organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,"
      " definition TEXT NOT NULL, description TEXT);"
      "INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1,"
      " 'undefined', 'undefined cartesian coordinate reference system');"
      "INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0,"
      " 'undefined', 'undefined geographic coordinate reference system');"
      "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,"
      " identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL"
      " DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE,"
      " max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES"
      " gpkg_spatial_ref_sys(srs_id));"
      "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
      " geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,"
      " m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),"
      " CONSTRAINT uk_gc_table_name UNIQUE (table_name), CONSTRAINT fk_gc_tn FOREIGN KEY"
      " (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY"
      " (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));";

/* Migration 1: the first schema. Each later migration is appended, never edited. */
static const char migration_1[]
    = "CREATE TABLE wm_meta (key TEXT PRIMARY KEY, value TEXT);"
      "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);"
      /* feature tables (GeoPackage, EPSG:4326) */
      "CREATE TABLE areas (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON,"
      " level TEXT NOT NULL, code TEXT NOT NULL, name TEXT, source TEXT,"
      " label_x REAL, label_y REAL, UNIQUE (level, code));"
      "CREATE TABLE anchors (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT,"
      " name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL DEFAULT 'other', postcode TEXT,"
      " lat REAL, lon REAL, ward_code TEXT, lsoa_code TEXT, place TEXT);"
      "CREATE TABLE suppliers (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT,"
      " name TEXT NOT NULL, company_number TEXT, postcode TEXT, trading_postcode TEXT,"
      " lat REAL, lon REAL, sic TEXT, category TEXT, status TEXT,"
      " kind TEXT NOT NULL DEFAULT 'unknown', kind_inferred INTEGER NOT NULL DEFAULT 1,"
      " source TEXT NOT NULL, location_source TEXT, ward_code TEXT, lsoa_code TEXT, place TEXT);"
      "CREATE INDEX suppliers_company ON suppliers (company_number);"
      "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES"
      " ('areas', 'features', 'areas', 'Wards, LSOAs and local authorities', 4326),"
      " ('anchors', 'features', 'anchors', 'Anchor institutions', 4326),"
      " ('suppliers', 'features', 'suppliers', 'Suppliers (trading location where known)', 4326);"
      "INSERT INTO gpkg_geometry_columns VALUES ('areas', 'geom', 'MULTIPOLYGON', 4326, 0, 0),"
      " ('anchors', 'geom', 'POINT', 4326, 0, 0), ('suppliers', 'geom', 'POINT', 4326, 0, 0);"
      /* matching: every payee name seen in spend, and the keys that lead to suppliers */
      "CREATE TABLE names (id INTEGER PRIMARY KEY, norm TEXT NOT NULL UNIQUE,"
      " display TEXT NOT NULL, supplier_id INTEGER, method TEXT);"
      "CREATE INDEX names_supplier ON names (supplier_id);"
      "CREATE TABLE supplier_keys (key TEXT NOT NULL, supplier_id INTEGER NOT NULL,"
      " how TEXT NOT NULL);"
      "CREATE INDEX supplier_keys_key ON supplier_keys (key);"
      /* spend */
      "CREATE TABLE spend_files (id INTEGER PRIMARY KEY, anchor_id INTEGER NOT NULL,"
      " path TEXT NOT NULL, name TEXT NOT NULL, imported_at TEXT NOT NULL, rows INTEGER,"
      " imported INTEGER, redacted INTEGER, malformed INTEGER, blank INTEGER,"
      " total_pence INTEGER, is_summary INTEGER NOT NULL DEFAULT 0, period_from TEXT,"
      " period_to TEXT, mapping TEXT);"
      "CREATE TABLE spend (id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL,"
      " anchor_id INTEGER NOT NULL, line INTEGER NOT NULL, sheet TEXT, name_id INTEGER,"
      " supplier_text TEXT, amount_pence INTEGER NOT NULL, date TEXT, fyear INTEGER,"
      " category TEXT, service TEXT, description TEXT, reference TEXT, postcode TEXT,"
      " company_number TEXT, classification TEXT, redacted INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX spend_anchor ON spend (anchor_id);"
      "CREATE INDEX spend_name ON spend (name_id);"
      /* reference tables */
      "CREATE TABLE postcodes (postcode TEXT PRIMARY KEY, lat REAL NOT NULL, lon REAL NOT NULL,"
      " quality INTEGER, district TEXT, ward TEXT, lsoa TEXT) WITHOUT ROWID;"
      "CREATE TABLE deprivation (lsoa_code TEXT NOT NULL, domain TEXT NOT NULL, rank INTEGER,"
      " decile INTEGER, score REAL, PRIMARY KEY (lsoa_code, domain)) WITHOUT ROWID;"
      "CREATE TABLE population (lsoa_code TEXT PRIMARY KEY, total INTEGER, children INTEGER,"
      " working_age INTEGER, older INTEGER) WITHOUT ROWID;"
      "CREATE TABLE lookup (lsoa_code TEXT PRIMARY KEY, ward_code TEXT NOT NULL,"
      " lsoa_name TEXT, ward_name TEXT) WITHOUT ROWID;"
      "CREATE INDEX lookup_ward ON lookup (ward_code);"
      /* the place: ward (or LSOA) codes of the local area and of the region */
      "CREATE TABLE place_areas (level TEXT NOT NULL, code TEXT NOT NULL, role TEXT NOT NULL,"
      " PRIMARY KEY (level, code));";

/* Migration 2: public bodies are told apart by an editable list of rules (wm-public.c); a
 * supplier remembers which kind of public body it is. The rules are seeded, and suppliers
 * classified, in C right after this SQL. */
static const char migration_2[]
    = "CREATE TABLE public_rules (pattern TEXT NOT NULL, match TEXT NOT NULL, body TEXT,"
      " PRIMARY KEY (pattern, match)) WITHOUT ROWID;"
      "ALTER TABLE suppliers ADD COLUMN public_body TEXT;";

/* Migration 3: fuzzy suggestions (wm-review.c), made in C right after this SQL; suppliers placed
 * by hand are marked, so what a project learnt can be shared. */
static const char migration_3[]
    = "CREATE TABLE suggestions (name_id INTEGER NOT NULL, supplier_id INTEGER NOT NULL,"
      " score REAL NOT NULL, ambiguous INTEGER NOT NULL DEFAULT 0,"
      " PRIMARY KEY (name_id, supplier_id)) WITHOUT ROWID;"
      "ALTER TABLE suppliers ADD COLUMN placed_by TEXT;"
      "CREATE INDEX supplier_keys_supplier ON supplier_keys (supplier_id);"
      /* police forces' withheld suppliers ("THIRD PARTY ...") are redacted lines */
      "UPDATE spend SET redacted = 1, name_id = NULL WHERE name_id IN (SELECT id FROM names"
      " WHERE norm LIKE 'THIRD PARTY%');";

/* Migration 4: every line's sector and whether it is influenceable (wm-sectors.c), from the
 * project's copies of the sector and exclusion lists, seeded and applied in C right after. */
static const char migration_4[]
    = "CREATE TABLE sector_rules (ord INTEGER PRIMARY KEY, source TEXT NOT NULL,"
      " pattern TEXT NOT NULL, value TEXT NOT NULL);"
      "CREATE TABLE influence_rules (ord INTEGER PRIMARY KEY, source TEXT NOT NULL,"
      " pattern TEXT NOT NULL, value TEXT NOT NULL);"
      "ALTER TABLE spend ADD COLUMN sector TEXT;"
      "ALTER TABLE spend ADD COLUMN sector_source TEXT;"
      "ALTER TABLE spend ADD COLUMN excluded TEXT;"
      "CREATE INDEX spend_sector ON spend (sector);";

/* Migration 5: stories, sequences of saved map views for presentations (wm-story.c). */
static const char migration_5[]
    = "CREATE TABLE story_views (id INTEGER PRIMARY KEY, story TEXT NOT NULL,"
      " position INTEGER NOT NULL, title TEXT, caption TEXT, west REAL NOT NULL,"
      " south REAL NOT NULL, east REAL NOT NULL, north REAL NOT NULL, level TEXT NOT NULL,"
      " domain TEXT NOT NULL, style TEXT NOT NULL, flows INTEGER NOT NULL, anchor TEXT,"
      " sector TEXT, kind TEXT, category TEXT, year INTEGER NOT NULL DEFAULT 0,"
      " min_flow INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX story_views_story ON story_views (story, position);";

/* Migration 6: the spend summed by anchor and payee, which is all a map needs when no line
 * filter (category, year, sector) is set: a project of 1M lines has a few tens of thousands
 * of pairs. Filled from the lines after migration 8 (_wm_project_refresh_spend_pairs); a spend
 * import adds its own sums (_wm_project_add_spend_cells). */
static const char migration_6[]
    = "CREATE TABLE spend_pairs (anchor_id INTEGER NOT NULL, name_id INTEGER,"
      " redacted INTEGER NOT NULL, amount_pence INTEGER NOT NULL);";

/* Migration 7: the pairs also count lines and the pence not excluded by the sector lists, so
 * the summary by anchor, kind or ward reads them instead of every line; classifying a line
 * moves its pence in or out of open_pence. */
static const char migration_7[]
    = "ALTER TABLE spend_pairs ADD COLUMN lines INTEGER NOT NULL DEFAULT 0;"
      " ALTER TABLE spend_pairs ADD COLUMN open_pence INTEGER NOT NULL DEFAULT 0;"
      " CREATE INDEX spend_pairs_key ON spend_pairs (anchor_id, name_id);";

/* Migration 8: the pairs split by sector, financial year and the reason the sector lists
 * exclude the lines ("cells"), with a count of positive lines, so the summaries by sector and
 * by year, the gaps and a map filtered by year or sector read them instead of every line: a
 * national project's 1M lines are about 113,000 cells against 112,600 pairs. Classification
 * moves a line between cells. Filled in C right after this SQL. */
static const char migration_8[] = "ALTER TABLE spend_pairs ADD COLUMN sector TEXT;"
                                  " ALTER TABLE spend_pairs ADD COLUMN fyear INTEGER;"
                                  " ALTER TABLE spend_pairs ADD COLUMN excluded TEXT;"
                                  " ALTER TABLE spend_pairs ADD COLUMN positive INTEGER NOT NULL"
                                  " DEFAULT 0;";

static const char *const migrations[] = { migration_1, migration_2, migration_3, migration_4,
                                          migration_5, migration_6, migration_7, migration_8 };

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == WM_PROJECT_SCHEMA_VERSION);

/* ---- helpers ---------------------------------------------------------------------------- */

gboolean
_wm_project_refresh_spend_pairs (sqlite3 *db, GError **error)
{
  return _wm_db_exec (db,
                      "DELETE FROM spend_pairs; INSERT INTO spend_pairs (anchor_id, name_id,"
                      " redacted, sector, fyear, excluded, amount_pence, lines, open_pence,"
                      " positive) SELECT anchor_id, name_id, redacted, sector, fyear, excluded,"
                      " sum(amount_pence), count(*), sum(CASE WHEN excluded IS NULL THEN"
                      " amount_pence ELSE 0 END), sum(amount_pence > 0) FROM spend"
                      " GROUP BY 1, 2, 3, 4, 5, 6",
                      error);
}

static guint
spend_cell_hash (gconstpointer key)
{
  const WmSpendCell *c = key;
  guint64            h = (guint64) c->anchor_id * 1000003u;

  h = (h ^ (guint64) c->name_id) * 1000003u;
  h = (h ^ (guint64) c->fyear) * 1000003u;
  h = (h ^ (guint64) (gsize) c->excluded) * 1000003u;
  h ^= (guint64) (gsize) c->sector ^ (guint64) c->redacted;
  return (guint) (h ^ (h >> 32));
}

static gboolean
spend_cell_equal (gconstpointer a, gconstpointer b)
{
  const WmSpendCell *x = a, *y = b;

  /* sectors and reasons are interned */
  return x->anchor_id == y->anchor_id && x->name_id == y->name_id && x->redacted == y->redacted
         && x->sector == y->sector && x->fyear == y->fyear && x->excluded == y->excluded;
}

GHashTable *
_wm_spend_cells_new (void)
{
  return g_hash_table_new_full (spend_cell_hash, spend_cell_equal, g_free, NULL);
}

void
_wm_spend_cells_add (GHashTable *cells, const WmSpendCell *change)
{
  WmSpendCell *cell = g_hash_table_lookup (cells, change);

  if (cell == NULL)
    {
      cell = g_memdup2 (change, sizeof *change);
      g_hash_table_add (cells, cell);
      return;
    }
  cell->pence += change->pence;
  cell->lines += change->lines;
  cell->open += change->open;
  cell->positive += change->positive;
}

/* Each cell is one UPDATE, or an INSERT when the cell is new; a 900k-line import into a
 * national project makes about 100,000 cells (docs/performance.md). */
gboolean
_wm_project_add_spend_cells (sqlite3 *db, GHashTable *cells, GError **error)
{
  g_autoptr (sqlite3_stmt) update = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  GHashTableIter iter;
  gpointer       key;
  gboolean       emptied = FALSE;

  update = _wm_db_prepare (db,
                           "UPDATE spend_pairs SET amount_pence = amount_pence + ?6, lines ="
                           " lines + ?7, open_pence = open_pence + ?8, positive = positive + ?9"
                           " WHERE anchor_id = ?1 AND name_id IS nullif(?2, 0) AND redacted = ?3"
                           " AND sector IS ?4 AND fyear IS nullif(?5, 0) AND excluded IS ?10",
                           error);
  insert = update ? _wm_db_prepare (db,
                                    "INSERT INTO spend_pairs (anchor_id, name_id, redacted,"
                                    " sector, fyear, amount_pence, lines, open_pence, positive,"
                                    " excluded) VALUES (?1, nullif(?2, 0), ?3, ?4, nullif(?5, 0),"
                                    " ?6, ?7, ?8, ?9, ?10)",
                                    error)
                  : NULL;
  if (insert == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, cells);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const WmSpendCell *c = key;
      gint64             values[] = { c->anchor_id, c->name_id, c->redacted, 0,          c->fyear,
                                      c->pence,     c->lines,   c->open,     c->positive };

      if (c->pence == 0 && c->lines == 0 && c->open == 0 && c->positive == 0)
        continue;
      for (sqlite3_stmt *st = update; st != NULL; st = st == update ? insert : NULL)
        {
          for (int i = 0; i < (int) G_N_ELEMENTS (values); i++)
            sqlite3_bind_int64 (st, i + 1, values[i]);
          _wm_bind_text_or_null (st, 4, c->sector);
          _wm_bind_text_or_null (st, 10, c->excluded);
          if (!_wm_db_step_done (st, error))
            return FALSE;
          if (st == update && sqlite3_changes (db) > 0)
            break;
        }
      emptied |= c->lines < 0;
    }
  /* a line moved out of the last cell of its kind */
  return !emptied || _wm_db_exec (db, "DELETE FROM spend_pairs WHERE lines = 0", error);
}

gboolean
_wm_db_error (sqlite3 *db, GError **error, const char *what)
{
  int code = sqlite3_errcode (db);

  if (code == SQLITE_READONLY)
    g_set_error (error, WM_ERROR, WM_ERROR_READ_ONLY, "%s: the project file is read-only (%s)",
                 what, sqlite3_errmsg (db));
  else if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
    g_set_error (error, WM_ERROR, WM_ERROR_PROJECT, "%s: not a Wealthmap project (%s)", what,
                 sqlite3_errmsg (db));
  else
    g_set_error (error, WM_ERROR, WM_ERROR_DATABASE, "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

gboolean
_wm_db_exec (sqlite3 *db, const char *sql, GError **error)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      int code = sqlite3_errcode (db);

      g_set_error (error, WM_ERROR,
                   code == SQLITE_READONLY   ? WM_ERROR_READ_ONLY
                   : (code == SQLITE_NOTADB) ? WM_ERROR_PROJECT
                                             : WM_ERROR_DATABASE,
                   "%s", msg ? msg : sqlite3_errmsg (db));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
_wm_db_prepare (sqlite3 *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_DATABASE, "%s (in: %.60s)", sqlite3_errmsg (db), sql);
      return NULL;
    }
  return stmt;
}

gboolean
_wm_db_step_done (sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_DATABASE, "%s",
                   sqlite3_errmsg (sqlite3_db_handle (stmt)));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
_wm_db_read_rules (sqlite3 *db, const char *sql, WmRuleRowFunc add, gpointer target, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _wm_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    if (!add (target, (const char *) sqlite3_column_text (stmt, 0),
              (const char *) sqlite3_column_text (stmt, 1),
              (const char *) sqlite3_column_text (stmt, 2), error))
      return FALSE;
  return TRUE;
}

gint64
_wm_db_query_int (sqlite3 *db, const char *sql, gint64 fallback)
{
  sqlite3_stmt *stmt = NULL;
  gint64        value = fallback;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return fallback;
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

void
_wm_report_malformed_row (
    WmImportReport *report, WmTableReader *reader, const WmRow *row, const char *format, ...)
{
  g_autofree char *loc = wm_row_location (reader, row);
  g_autofree char *what = NULL;
  va_list          args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  report->malformed++;
  wm_import_report_add_message (report, "%s: %s", loc, what);
}

void
_wm_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL || *text == '\0')
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

gboolean
_wm_check_cancelled (GCancellable *cancellable, const char *file, GError **error)
{
  if (cancellable && g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_CANCELLED,
                   "%s: import cancelled; the project is "
                   "unchanged",
                   file);
      return TRUE;
    }
  return FALSE;
}

/* ---- object ----------------------------------------------------------------------------- */

static void
wm_project_finalize (GObject *object)
{
  WmProject *self = WM_PROJECT (object);

  if (self->db)
    sqlite3_close (self->db);
  g_free (self->path);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (wm_project_parent_class)->finalize (object);
}

static void
wm_project_class_init (WmProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wm_project_finalize;

  /* Emitted on the thread that committed a change; the app re-emits it on the main thread. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
wm_project_init (WmProject *self)
{
  g_mutex_init (&self->lock);
}

static gboolean
configure_connection (WmProject *self, GError **error)
{
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 0);
  /* DELETE journal: a rolled-back import restores the file byte for byte, and a killed
   * process leaves a hot journal that the next open rolls back. Pages are read through a
   * memory map: going through a 64 MB page cache only made a 1M-line import spend a third of
   * its time in pread (docs/performance.md). The map covers the first 256 MB: mapped pages
   * count in the process's RSS, and with 1 GB importing the full Companies House file (a
   * 1.6 GB project) peaked at 1.2 GB RSS; with 256 MB it peaks at 0.4 GB and takes 2% longer,
   * as does a 900k-line spend import into a 165 MB national project. Temporary
   * storage (sorts, index builds, temp tables) stays in files, SQLite's default: with
   * temp_store=MEMORY building the indexes of the full Companies House file held 580 MB more
   * of heap and took 23.3 s instead of 13.4 s. */
  return _wm_db_exec (self->db,
                      "PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL;"
                      " PRAGMA foreign_keys=OFF;"
                      " PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA threads=2;",
                      error);
}

static gboolean
run_migrations (WmProject *self, int from, GError **error)
{
  for (int v = from; v < WM_PROJECT_SCHEMA_VERSION; v++)
    {
      g_autofree char *sql = NULL;

      if (!_wm_db_exec (self->db, migrations[v], error))
        return FALSE;
      if (v + 1 == 2
          && (!_wm_project_seed_public_rules (self->db, error)
              || !_wm_project_classify_public (self->db, error)))
        return FALSE;
      if (v + 1 == 3 && !_wm_project_suggest (self, NULL, error))
        return FALSE;
      if (v + 1 == 4
          && (!_wm_project_seed_sector_rules (self->db, error)
              || !_wm_project_classify_sectors (self->db, NULL, error)))
        return FALSE;
      /* migrations 6 and 7 only add columns: the cache is filled once it has them all */
      if (v + 1 == 8 && !_wm_project_refresh_spend_pairs (self->db, error))
        return FALSE;
      sql = g_strdup_printf ("INSERT OR REPLACE INTO wm_meta VALUES ('schema_version', '%d')",
                             v + 1);
      if (!_wm_db_exec (self->db, sql, error))
        return FALSE;
    }
  return TRUE;
}

WmProject *
wm_project_create (const char *path, GError **error)
{
  g_autoptr (WmProject) self = NULL;
  g_autofree char *pragma = NULL;
  char            *srs = NULL; /* sqlite3_mprintf()'s, freed with sqlite3_free() */
  gboolean         ok;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_IO, "%s: already exists; not overwriting it", path);
      return NULL;
    }
  self = g_object_new (WM_TYPE_PROJECT, NULL);
  self->path = g_strdup (path);
  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL)
      != SQLITE_OK)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_IO, "%s: cannot create (%s)", path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  pragma = g_strdup_printf ("PRAGMA application_id=%d; PRAGMA user_version=%d;",
                            GPKG_APPLICATION_ID, GPKG_USER_VERSION);
  srs = sqlite3_mprintf ("INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326,"
                         " 'EPSG', 4326, %Q, 'longitude/latitude coordinates in decimal degrees"
                         " on the WGS 84 spheroid')",
                         wgs84_wkt);
  ok = configure_connection (self, error) && _wm_db_exec (self->db, "BEGIN", error)
       && _wm_db_exec (self->db, pragma, error) && _wm_db_exec (self->db, gpkg_core_sql, error)
       && _wm_db_exec (self->db, srs, error) && run_migrations (self, 0, error)
       && _wm_db_exec (self->db, "INSERT INTO wm_meta VALUES ('created', datetime('now'))", error)
       && _wm_db_exec (self->db, "COMMIT", error);
  sqlite3_free (srs);
  if (!ok)
    {
      sqlite3_close (self->db);
      self->db = NULL;
      g_unlink (path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

WmProject *
wm_project_open (const char *path, GError **error)
{
  g_autoptr (WmProject) self = NULL;
  gint64 version;
  gint64 app_id;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_IO, "%s: no such project file", path);
      return NULL;
    }
  self = g_object_new (WM_TYPE_PROJECT, NULL);
  self->path = g_strdup (path);
  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL)
      != SQLITE_OK)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_IO, "%s: cannot open (%s)", path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  app_id = _wm_db_query_int (self->db, "PRAGMA application_id", -1);
  if (app_id != GPKG_APPLICATION_ID
      || _wm_db_query_int (self->db, "SELECT count(*) FROM sqlite_master WHERE name='wm_meta'", 0)
             != 1)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_PROJECT,
                   "%s: not a Wealthmap project (not a SQLite/GeoPackage file made by Wealthmap)",
                   path);
      return NULL;
    }
  if (!configure_connection (self, error))
    return NULL;
  version = _wm_db_query_int (self->db,
                              "SELECT CAST(value AS INTEGER) FROM wm_meta"
                              " WHERE key='schema_version'",
                              0);
  if (version > WM_PROJECT_SCHEMA_VERSION)
    {
      g_set_error (error, WM_ERROR, WM_ERROR_VERSION,
                   "%s: made by a newer Wealthmap (project schema %" G_GINT64_FORMAT
                   ", this version reads up to %d); open it with that version",
                   path, version, WM_PROJECT_SCHEMA_VERSION);
      return NULL;
    }
  if (version < WM_PROJECT_SCHEMA_VERSION)
    {
      if (wm_project_is_read_only (self))
        {
          g_set_error (error, WM_ERROR, WM_ERROR_READ_ONLY,
                       "%s: made by an older Wealthmap (project schema %" G_GINT64_FORMAT
                       ") and read-only, so it cannot be brought up to date; copy it to a "
                       "folder you can write to",
                       path, version);
          return NULL;
        }
      if (!_wm_db_exec (self->db, "BEGIN IMMEDIATE", error))
        return NULL;
      if (!run_migrations (self, (int) version, error))
        {
          _wm_db_exec (self->db, "ROLLBACK", NULL);
          return NULL;
        }
      if (!_wm_db_exec (self->db, "COMMIT", error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
wm_project_get_path (WmProject *self)
{
  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  return self->path;
}

sqlite3 *
_wm_project_get_db (WmProject *self)
{
  return self->db;
}

gboolean
wm_project_is_read_only (WmProject *self)
{
  g_return_val_if_fail (WM_IS_PROJECT (self), TRUE);

  return sqlite3_db_readonly (self->db, "main") == 1;
}

gboolean
_wm_project_begin (WmProject *self, GError **error)
{
  /* SQLite opens a file it cannot write read-only and fails at the first write with a
   * message naming no file: say which, and that nothing changed, before starting. */
  if (wm_project_is_read_only (self))
    {
      g_set_error (error, WM_ERROR, WM_ERROR_READ_ONLY,
                   "%s: the project file is read-only, so nothing was changed; copy it to a "
                   "folder you can write to, or change its permissions",
                   self->path);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  if (!_wm_db_exec (self->db, "BEGIN IMMEDIATE", error))
    {
      if (error && *error && (*error)->code == WM_ERROR_READ_ONLY)
        g_prefix_error (error, "%s: ", self->path);
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  self->in_transaction = TRUE;
  return TRUE;
}

gboolean
_wm_project_end (WmProject *self, gboolean ok, GError **error)
{
  gboolean result = ok;

  g_assert (self->in_transaction);
  if (ok)
    {
      if (!_wm_db_exec (self->db, "COMMIT", error))
        {
          _wm_db_exec (self->db, "ROLLBACK", NULL);
          result = FALSE;
        }
    }
  else
    _wm_db_exec (self->db, "ROLLBACK", NULL);
  self->in_transaction = FALSE;
  g_mutex_unlock (&self->lock);
  if (result)
    g_signal_emit (self, signals[CHANGED], 0);
  return result;
}

gboolean
_wm_project_end_import (WmProject       *self,
                        gboolean         ok,
                        WmImportReport **import_report,
                        WmProgressFunc   progress,
                        gpointer         progress_data,
                        WmImportReport **report,
                        GError         **error)
{
  if (!_wm_project_end (self, ok, ok ? error : NULL))
    return FALSE;
  _wm_project_touch (self);
  if (progress)
    progress (1.0, (*import_report)->file, progress_data);
  if (report)
    *report = g_steal_pointer (import_report);
  return TRUE;
}

void
_wm_project_touch (WmProject *self)
{
  /* Nothing cached yet: the analysis reads the tables directly. */
}

char *
wm_project_get_setting (WmProject *self, const char *key)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  char *value = NULL;

  g_return_val_if_fail (WM_IS_PROJECT (self), NULL);
  stmt = _wm_db_prepare (self->db, "SELECT value FROM settings WHERE key = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  return value;
}

gboolean
wm_project_set_setting (WmProject *self, const char *key, const char *value, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (WM_IS_PROJECT (self), FALSE);
  if (!_wm_project_begin (self, error))
    return FALSE;
  stmt = _wm_db_prepare (self->db, "INSERT OR REPLACE INTO settings VALUES (?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      _wm_bind_text_or_null (stmt, 2, value);
      ok = _wm_db_step_done (stmt, error);
    }
  return _wm_project_end (self, ok, error);
}
