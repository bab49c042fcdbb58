/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The project file: a GeoPackage that GDAL opens, refusal of files that are not projects or
 * are too new, and the transaction guarantee (a failed or cancelled import leaves the file
 * byte for byte as it was). Also the hand-made spend file's counts, worked out by hand in
 * tests/data/README.md. */
#include <gdal.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "app/core/wealthmap-core.h"

static char *
temp_project (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wm-test-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, name, NULL);
}

static char *
test_data (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

static char *
shared_data (const char *relative)
{
  const char *root = g_getenv ("WM_SHARED_DATA");

  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

static GBytes *
file_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static void
test_geopackage (void)
{
  g_autofree char *path = temp_project ("gpkg.wealthmap");
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = wm_project_create (path, &error);
  GDALDatasetH      ds;
  const char *const drivers[] = { "GPKG", NULL };
  gboolean          found[3] = { FALSE, FALSE, FALSE };

  g_assert_no_error (error);
  g_assert_nonnull (project);
  g_clear_object (&project);

  ds = GDALOpenEx (path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, NULL, NULL);
  g_assert_nonnull (ds);
  for (int i = 0; i < GDALDatasetGetLayerCount (ds); i++)
    {
      OGRLayerH   layer = GDALDatasetGetLayer (ds, i);
      const char *name = OGR_L_GetName (layer);

      if (strcmp (name, "areas") == 0)
        {
          found[0] = TRUE;
          g_assert_cmpint (wkbFlatten (OGR_L_GetGeomType (layer)), ==, wkbMultiPolygon);
        }
      else if (strcmp (name, "anchors") == 0 || strcmp (name, "suppliers") == 0)
        {
          found[name[0] == 'a' ? 1 : 2] = TRUE;
          g_assert_cmpint (wkbFlatten (OGR_L_GetGeomType (layer)), ==, wkbPoint);
        }
    }
  GDALClose (ds);
  g_assert_true (found[0] && found[1] && found[2]);

  /* Creating over an existing file is refused. */
  project = wm_project_create (path, &error);
  g_assert_error (error, WM_ERROR, WM_ERROR_IO);
  g_assert_null (project);
}

static void
test_not_a_project (void)
{
  g_autofree char *path = temp_project ("text.wealthmap");
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = NULL;

  g_file_set_contents (path, "this is not a database\n", -1, &error);
  g_assert_no_error (error);
  project = wm_project_open (path, &error);
  g_assert_error (error, WM_ERROR, WM_ERROR_PROJECT);
  g_assert_null (project);
}

static void
test_newer_version (void)
{
  g_autofree char *path = temp_project ("newer.wealthmap");
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = wm_project_create (path, &error);
  sqlite3 *db;

  g_assert_no_error (error);
  g_clear_object (&project);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "UPDATE wm_meta SET value = '99' WHERE key ="
                                 " 'schema_version'",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  project = wm_project_open (path, &error);
  g_assert_error (error, WM_ERROR, WM_ERROR_VERSION);
  g_assert_nonnull (strstr (error->message, "newer Wealthmap"));
  g_assert_null (project);
}

static void
test_small_spend (void)
{
  g_autofree char *path = temp_project ("small.wealthmap");
  g_autofree char *csv = test_data ("spend-small.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = wm_project_create (path, &error);
  g_autoptr (WmImportReport) report = NULL;
  g_autoptr (WmSummary) summary = NULL;
  WmSpendOptions options = { .anchor = "Test Council", .anchor_kind = "council" };
  WmShareRow    *row;

  g_assert_no_error (error);
  g_assert_true (
      wm_project_import_spend (project, csv, &options, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->imported, ==, 6);
  g_assert_cmpuint (report->malformed, ==, 2);
  g_assert_cmpuint (report->blank, ==, 1);
  g_assert_cmpuint (report->redacted, ==, 2);
  g_assert_cmpuint (report->preamble, ==, 2);
  g_assert_cmpint (report->total_pence, ==, 387256);
  /* Both malformed lines are named by file and line. */
  g_assert_cmpuint (report->messages->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (report->messages, 0), ==,
                   "spend-small.csv:9: amount \"N/A\": not a number");
  g_assert_cmpstr (g_ptr_array_index (report->messages, 1), ==,
                   "spend-small.csv:10: date \"31/02/2024\": no such day");
  /* ... and the anchor that cannot be drawn. */
  g_assert_cmpstr (g_ptr_array_index (report->messages, 2), ==,
                   "spend-small.csv: anchor Test Council has no location: give --anchor-postcode");

  summary = wm_project_summary (project, WM_SUMMARY_BY_ANCHOR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->rows->len, ==, 1);
  row = g_ptr_array_index (summary->rows, 0);
  g_assert_cmpstr (row->key, ==, "Test Council");
  g_assert_cmpint (row->total, ==, 387256);
  g_assert_cmpint (row->redacted, ==, 15000);
  /* No postcodes imported: nothing is placed. The £500 to the county council is set apart. */
  g_assert_cmpint (row->unlocated, ==, 387256 - 50000);
  g_assert_cmpint (row->public_bodies, ==, 50000);
  g_assert_cmpint (row->lines, ==, 6);
  /* "Acme Building Ltd" and "Acme Building Limited" are one supplier. */
  g_assert_cmpint (row->suppliers, ==, 3);
}

/* A top-supplier list: supplier and total only, dated by the period the user gives. */
static void
test_summary_list (void)
{
  g_autofree char *path = temp_project ("top.wealthmap");
  g_autofree char *csv = test_data ("top-suppliers.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = wm_project_create (path, &error);
  g_autoptr (WmImportReport) report = NULL;
  g_autoptr (WmSummary) summary = NULL;
  WmSpendOptions options = { .anchor = "Preston City Council",
                             .summary = TRUE,
                             .period_from = "2022-04-01",
                             .period_to = "2023-03-31" };
  WmShareRow    *row;

  g_assert_true (
      wm_project_import_spend (project, csv, &options, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->imported, ==, 3);
  g_assert_cmpint (report->total_pence, ==, 26350000);
  summary = wm_project_summary (project, WM_SUMMARY_BY_YEAR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->rows->len, ==, 1);
  row = g_ptr_array_index (summary->rows, 0);
  g_assert_cmpstr (row->key, ==, "2022/23");
  g_assert_cmpint (row->redacted, ==, 100000);
  {
    /* the side panel's charts: the same rows, without the ward table */
    g_autoptr (WmSummary) rows = wm_project_summary_rows (project, WM_SUMMARY_BY_YEAR, &error);
    const WmShareRow *r;

    g_assert_no_error (error);
    g_assert_cmpuint (rows->rows->len, ==, 1);
    r = g_ptr_array_index (rows->rows, 0);
    g_assert_cmpstr (r->key, ==, "2022/23");
    g_assert_cmpint (r->total, ==, row->total);
    g_assert_cmpint (r->redacted, ==, row->redacted);
    g_assert_cmpint (rows->overall.total, ==, summary->overall.total);
    g_assert_cmpuint (rows->wards->len, ==, 0);
  }

  /* Without a period the list is refused: its amounts have no dates of their own. */
  options.period_from = NULL;
  g_assert_false (wm_project_import_spend (project, csv, &options, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, WM_ERROR, WM_ERROR_BAD_VALUE);
}

/* The ONS Postcode Directory layout (hand-made rows in its 45-column order): lat/long taken
 * as is, osward/oslaua/lsoa11 kept, the 99.999999 "no position" row not stored. */
static void
test_onspd (void)
{
  g_autofree char *path = temp_project ("onspd.wealthmap");
  g_autofree char *csv = test_data ("onspd-sample.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = wm_project_create (path, &error);
  g_autoptr (WmImportReport) report = NULL;
  sqlite3      *db;
  sqlite3_stmt *stmt;

  g_assert_true (
      wm_project_import_postcodes (project, csv, NULL, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->imported, ==, 2);
  g_assert_cmpuint (report->skipped, ==, 1);
  g_clear_object (&project);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT lat, lon, district, ward, lsoa FROM postcodes"
                                       " WHERE postcode = 'BB5 1LA'",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpfloat_with_epsilon (sqlite3_column_double (stmt, 0), 53.753061, 1e-9);
  g_assert_cmpfloat_with_epsilon (sqlite3_column_double (stmt, 1), -2.366352, 1e-9);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "E07000120");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 3), ==, "E05005207");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 4), ==, "E01012345");
  sqlite3_finalize (stmt);
  /* The third row is found by its pcds, "BB5 1AA". */
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT count(*) FROM postcodes WHERE postcode ="
                                       " 'BB5 1AA'",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* A failed import (bad file after a good one) and a cancelled one leave the bytes unchanged. */
static void
test_transaction_bytes (void)
{
  g_autofree char *path = temp_project ("tx.wealthmap");
  g_autofree char *good = test_data ("spend-small.csv");
  g_autofree char *bad = test_data ("bad/unterminated-quote.csv");
  g_autofree char *big = shared_data ("spend/lancashire_pcc/pcc-2023-24.xlsx");
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = wm_project_create (path, &error);
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (WmImportReport) report = NULL;
  WmSpendOptions   options = { .anchor = "Test Council" };
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_assert_true (
      wm_project_import_spend (project, good, &options, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  before = file_bytes (path);

  g_assert_false (wm_project_import_spend (project, bad, &options, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, WM_ERROR, WM_ERROR_FORMAT);
  g_clear_error (&error);
  after = file_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_clear_pointer (&after, g_bytes_unref);

  /* Cancelled half-way through a 9,379-row workbook. */
  g_cancellable_cancel (cancellable);
  g_assert_false (
      wm_project_import_spend (project, big, &options, NULL, NULL, cancellable, NULL, &error));
  g_assert_error (error, WM_ERROR, WM_ERROR_CANCELLED);
  after = file_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

/* A GeoJSON file of @n small squares E01000001.. in a row, @dup (1-based, 0 for none) reusing
 * the first one's code. */
static char *
squares_geojson (guint n, guint dup)
{
  g_autofree char *path = temp_project ("squares.geojson");
  GString         *json = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [");
  g_autoptr (GError) error = NULL;

  for (guint i = 1; i <= n; i++)
    {
      guint  column = i % 100, row = i / 100; /* 100 squares a row */
      double x = -2.0 + column * 0.01, y = 53.0 + row * 0.01;

      g_string_append_printf (json,
                              "%s{\"type\": \"Feature\", \"properties\": {\"LSOA11CD\": "
                              "\"E01%06u\"}, \"geometry\": {\"type\": \"Polygon\", "
                              "\"coordinates\": [[[%.2f, %.2f], [%.2f, %.2f], [%.2f, %.2f], "
                              "[%.2f, %.2f], [%.2f, %.2f]]]}}",
                              i > 1 ? ", " : "", i == dup ? 1 : i, x, y, x + 0.01, y, x + 0.01,
                              y + 0.01, x, y + 0.01, x, y);
    }
  g_string_append (json, "]}");
  g_file_set_contents (path, json->str, (gssize) json->len, &error);
  g_assert_no_error (error);
  g_string_free (json, TRUE);
  return g_steal_pointer (&path);
}

/* Areas are parsed in a thread of their own, ahead of the checks: the areas are stored in the
 * file's order, and an error early in a long file (the thread held back with features
 * waiting) or at its very end stops the import there, with the file unchanged. */
static void
test_areas_read_ahead (void)
{
  g_autofree char *path = temp_project ("areas.wealthmap");
  g_autofree char *good = squares_geojson (3000, 0);
  g_autofree char *early = squares_geojson (3000, 3);
  g_autofree char *late = squares_geojson (3000, 3000);
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = wm_project_create (path, &error);
  g_autoptr (WmImportReport) report = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  sqlite3      *db;
  sqlite3_stmt *stmt;
  guint         n = 0;

  g_assert_no_error (error);
  g_assert_true (wm_project_import_areas (project, good, NULL, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->imported, ==, 3000);
  g_clear_object (&project);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT code FROM areas ORDER BY fid", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *want = g_strdup_printf ("E01%06u", ++n);

      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, want);
    }
  g_assert_cmpuint (n, ==, 3000);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  project = wm_project_open (path, &error);
  g_assert_no_error (error);
  before = file_bytes (path);
  g_assert_false (wm_project_import_areas (project, early, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, WM_ERROR, WM_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, "squares.geojson:feature 3: area code E01000001"));
  g_clear_error (&error);
  g_assert_false (wm_project_import_areas (project, late, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, WM_ERROR, WM_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, "squares.geojson:feature 3000: area code E01000001"));
  g_clear_error (&error);
  after = file_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

/* The gap score and the sector rules, on hand-computed cases (docs/gaps.md). */
static void
test_gap_score (void)
{
  WmGapWeights w = { 0.5, 1.0 };
  WmGapWeights flat = { 0, 0 };

  /* £1,000 leaked, bought by 2 anchors, no local supplier: 1000 × 1.5 / 1 */
  g_assert_cmpfloat_with_epsilon (wm_gap_score (&w, 100000, 2, 0), 1500.0, 1e-9);
  /* the same £, 3 anchors, 1 local supplier: 1000 × 2 / 2 */
  g_assert_cmpfloat_with_epsilon (wm_gap_score (&w, 100000, 3, 1), 1000.0, 1e-9);
  /* £250.50 leaked, 1 anchor, 4 local suppliers: 250.5 × 1 / 5 */
  g_assert_cmpfloat_with_epsilon (wm_gap_score (&w, 25050, 1, 4), 50.1, 1e-9);
  /* no weights: the score is the leaked £ */
  g_assert_cmpfloat_with_epsilon (wm_gap_score (&flat, 123456, 3, 7), 1234.56, 1e-9);
  /* no anchor buying (credits only) counts as one */
  g_assert_cmpfloat_with_epsilon (wm_gap_score (&w, 100000, 0, 0), 1000.0, 1e-9);
}

static void
test_sector_rules (void)
{
  g_autoptr (WmSectorRules) rules = wm_sector_rules_new ();
  g_autoptr (GError) error = NULL;
  const char *source = NULL;
  const char *petrol[4] = { "lfrs.expenditure.transport.petrol", NULL, NULL, NULL };
  const char *skip[4] = { "Consolidated invoice suspense", "Vehicle cleaning", NULL, NULL };
  const char *none[4] = { NULL, NULL, NULL, NULL };

  g_assert_true (wm_sector_rules_add (rules, "sic", "81", "Facilities", &error));
  g_assert_true (wm_sector_rules_add (rules, "sic", "70100", "-", &error));
  g_assert_true (wm_sector_rules_add (rules, "sic", "4932", "Transport", &error));
  g_assert_true (wm_sector_rules_add (rules, "expense", "cleaning", "Facilities", &error));
  g_assert_true (wm_sector_rules_add (rules, "expense", "vehicle cleaning", "Transport", &error));
  g_assert_true (wm_sector_rules_add (rules, "expense", "petrol", "Transport", &error));
  g_assert_true (wm_sector_rules_add (rules, "expense", "transport", "Travel", &error));
  g_assert_true (wm_sector_rules_add (rules, "expense", "invoice suspense", "-", &error));
  g_assert_true (wm_sector_rules_add (rules, "supplier", "taxis", "Transport", &error));
  g_assert_true (wm_sector_rules_add_exclusion (rules, "sector", "travel", "staff travel", &error));
  /* a head-office SIC code is skipped for the next code; the longest prefix decides */
  g_assert_cmpstr (wm_sector_rules_sic_sector (rules, "70100 49320"), ==, "Transport");
  g_assert_cmpstr (wm_sector_rules_sic_sector (rules, "81210"), ==, "Facilities");
  g_assert_null (wm_sector_rules_sic_sector (rules, "70100"));
  /* SIC first, then the expense fields, then the payee */
  g_assert_cmpstr (wm_sector_rules_classify (rules, "81210", petrol, NULL, &source), ==,
                   "Facilities");
  g_assert_cmpstr (source, ==, "sic");
  /* two one-word rules match, "transport" first in the text: the earlier rule ("petrol") wins */
  g_assert_cmpstr (wm_sector_rules_classify (rules, NULL, petrol, NULL, &source), ==, "Transport");
  g_assert_cmpstr (source, ==, "expense");
  /* "-" sends the line to its next field, where two words beat one */
  g_assert_cmpstr (wm_sector_rules_classify (rules, NULL, skip, NULL, &source), ==, "Transport");
  g_assert_cmpstr (wm_sector_rules_classify (rules, NULL, none, "A1 TAXIS", &source), ==,
                   "Transport");
  g_assert_cmpstr (source, ==, "supplier");
  g_assert_cmpstr (wm_sector_rules_classify (rules, NULL, none, "ACME LTD", &source), ==,
                   WM_SECTOR_UNCLASSIFIED);
  g_assert_null (source);
  /* exclusions by sector name, whatever its case */
  g_assert_cmpstr (wm_sector_rules_exclusion (rules, "Travel", none, NULL), ==, "staff travel");
  g_assert_null (wm_sector_rules_exclusion (rules, "Transport", none, NULL));
  g_assert_cmpstr (wm_sector_rules_find (rules, "facilities"), ==, "Facilities");
  /* bad rules say what is wrong */
  g_assert_false (wm_sector_rules_add (rules, "sic", "4a", "X", &error));
  g_assert_error (error, WM_ERROR, WM_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_false (wm_sector_rules_add (rules, "postcode", "BB5", "X", &error));
  g_assert_error (error, WM_ERROR, WM_ERROR_FORMAT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  GDALAllRegister ();
  CPLSetErrorHandler (CPLQuietErrorHandler);
  g_test_add_func ("/wm/project/geopackage", test_geopackage);
  g_test_add_func ("/wm/project/not-a-project", test_not_a_project);
  g_test_add_func ("/wm/project/newer-version", test_newer_version);
  g_test_add_func ("/wm/project/small-spend", test_small_spend);
  g_test_add_func ("/wm/project/summary-list", test_summary_list);
  g_test_add_func ("/wm/project/onspd", test_onspd);
  g_test_add_func ("/wm/project/transaction-bytes", test_transaction_bytes);
  g_test_add_func ("/wm/project/areas-read-ahead", test_areas_read_ahead);
  g_test_add_func ("/wm/project/gap-score", test_gap_score);
  g_test_add_func ("/wm/project/sector-rules", test_sector_rules);
  return g_test_run ();
}
