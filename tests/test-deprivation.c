/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The deprivation and lookup importers against the real IoD 2019 files in $WM_SHARED_DATA.
 * The expected figures were computed independently of Wealthmap with Python's csv module on
 * the same files (the one-liners are next to each figure), so a parsing slip in the table
 * reader or the importer (BOM, quoted "29,199" ranks, the quoted header with a comma) shows
 * up as a wrong number rather than as a plausible one. */
#include <gdal.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "app/core/wealthmap-core.h"
#include "app/core/wm-import-deprivation.h"

#define N_LSOAS 32844 /* rows of each IoD 2019 file, SOURCES.md */

static char *
temp_project (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wm-test-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, name, NULL);
}

static char *
shared_data (const char *relative)
{
  const char *root = g_getenv ("WM_SHARED_DATA");

  if (root == NULL)
    return NULL;
  return g_build_filename (root, relative, NULL);
}

/* The real data must be there: a missing folder is a failure, never a skip. */
static gboolean
skip_without_shared_data (void)
{
  g_autofree char *probe = shared_data ("imd/File_2_-_IoD2019_Domains_of_Deprivation.csv");

  g_assert_nonnull (probe);
  g_assert_true (g_file_test (probe, G_FILE_TEST_EXISTS));
  return FALSE;
}

static char *
write_temp (const char *name, const char *contents)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wm-test-XXXXXX", &error);
  char            *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static sqlite3 *
open_db (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  return db;
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64        value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_type (stmt, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
query_text (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char         *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
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

/* File_2: eight domains, ranks and deciles as plain integers, a quoted header with a comma. */
static void
test_domains (void)
{
  g_autofree char *path = temp_project ("domains.wealthmap");
  g_autofree char *file2 = shared_data ("imd/File_2_-_IoD2019_Domains_of_Deprivation.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (WmImportReport) report = NULL;
  WmProject *project;
  sqlite3   *db;

  if (skip_without_shared_data ())
    return;
  project = wm_project_create (path, &error);
  g_assert_no_error (error);
  g_assert_true (
      wm_project_import_deprivation (project, file2, NULL, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->rows_read, ==, N_LSOAS);
  g_assert_cmpuint (report->imported, ==, N_LSOAS);
  g_assert_cmpuint (report->malformed, ==, 0);
  g_assert_cmpuint (report->unknown, ==, 0); /* no LSOA boundaries imported: not counted */
  g_clear_object (&project);

  db = open_db (path);
  g_assert_cmpint (query_int (db, "SELECT count(DISTINCT domain) FROM deprivation"), ==, 8);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM deprivation"), ==, 8 * N_LSOAS);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM deprivation WHERE domain IN ('imd',"
                                  " 'income', 'employment', 'education', 'health', 'crime',"
                                  " 'barriers', 'living') AND rank BETWEEN 1 AND 32844"
                                  " AND decile BETWEEN 1 AND 10 AND score IS NULL"),
                   ==, 8 * N_LSOAS);
  /* clang-format off */
  /* Run in $WM_SHARED_DATA:
   * python3 -c "import csv; [print(r) for r in csv.reader(open('imd/File_2_-_IoD2019_Domains_of_Deprivation.csv', encoding='utf-8-sig', newline='')) if r[0] in ('E01025297', 'E01025300')]"
   * -> E01025297 Preston 014C: IMD 1914/1, income 2636/1, education 3451/2, living 978/1
   * -> E01025300 Preston 004D: IMD 9338/3, education 25922/8, crime 31108/10 */
  /* clang-format on */
  g_assert_cmpint (
      query_int (db,
                 "SELECT rank FROM deprivation WHERE lsoa_code = 'E01025297' AND domain = 'imd'"),
      ==, 1914);
  g_assert_cmpint (query_int (db, "SELECT decile FROM deprivation WHERE lsoa_code = 'E01025297'"
                                  " AND domain = 'imd'"),
                   ==, 1);
  g_assert_cmpint (query_int (db, "SELECT rank FROM deprivation WHERE lsoa_code = 'E01025297'"
                                  " AND domain = 'income'"),
                   ==, 2636);
  g_assert_cmpint (query_int (db, "SELECT rank FROM deprivation WHERE lsoa_code = 'E01025297'"
                                  " AND domain = 'education'"),
                   ==, 3451);
  g_assert_cmpint (query_int (db, "SELECT rank FROM deprivation WHERE lsoa_code = 'E01025297'"
                                  " AND domain = 'living'"),
                   ==, 978);
  g_assert_cmpint (query_int (db, "SELECT rank FROM deprivation WHERE lsoa_code = 'E01025300'"
                                  " AND domain = 'imd'"),
                   ==, 9338);
  g_assert_cmpint (query_int (db, "SELECT decile FROM deprivation WHERE lsoa_code = 'E01025300'"
                                  " AND domain = 'education'"),
                   ==, 8);
  g_assert_cmpint (query_int (db, "SELECT decile FROM deprivation WHERE lsoa_code = 'E01025300'"
                                  " AND domain = 'crime'"),
                   ==, 10);
  sqlite3_close (db);
}

/* File_1 (quoted "1,914" ranks) with File_6 as the population file, then the lookup. */
static void
test_imd_population_lookup (void)
{
  g_autofree char *path = temp_project ("imd.wealthmap");
  g_autofree char *file1 = shared_data ("imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv");
  g_autofree char *file6 = shared_data ("imd/File_6_-_IoD2019_Population_Denominators.csv");
  g_autofree char *lookup = shared_data ("derived/lsoa11_to_ward13_lancashire_DERIVED.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (WmImportReport) report = NULL;
  g_autoptr (WmImportReport) lookup_report = NULL;
  g_autofree char *ward = NULL;
  g_autofree char *ward_name = NULL;
  WmProject       *project;
  sqlite3         *db;

  if (skip_without_shared_data ())
    return;
  project = wm_project_create (path, &error);
  g_assert_no_error (error);
  g_assert_true (
      wm_project_import_deprivation (project, file1, file6, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->rows_read, ==, 2 * N_LSOAS);
  g_assert_cmpuint (report->imported, ==, 2 * N_LSOAS);
  g_assert_cmpuint (report->malformed, ==, 0);

  /* clang-format off */
  /* python3 -c "import csv; r = list(csv.reader(open('derived/lsoa11_to_ward13_lancashire_DERIVED.csv', encoding='utf-8-sig', newline=''))); print(len(r) - 1, len({x[2] for x in r[1:]}))"
   * -> 941 301 */
  /* clang-format on */
  g_assert_true (
      wm_project_import_lookup (project, lookup, NULL, NULL, NULL, &lookup_report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lookup_report->rows_read, ==, 941);
  g_assert_cmpuint (lookup_report->imported, ==, 941);
  g_clear_object (&project);

  db = open_db (path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM deprivation WHERE domain = 'imd'"), ==,
                   N_LSOAS);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM deprivation"), ==, N_LSOAS);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM population"), ==, N_LSOAS);
  /* File_1 writes these as "1,914" and "9,338" (the same figures as File_2 above). */
  g_assert_cmpint (query_int (db, "SELECT rank FROM deprivation WHERE lsoa_code = 'E01025297'"), ==,
                   1914);
  g_assert_cmpint (query_int (db, "SELECT rank FROM deprivation WHERE lsoa_code = 'E01025300'"), ==,
                   9338);
  g_assert_cmpint (query_int (db, "SELECT decile FROM deprivation WHERE lsoa_code = 'E01025300'"),
                   ==, 3);
  /* clang-format off */
  /* python3 -c "import csv; print(sum(int(r[4].replace(',', '')) for r in csv.reader(open('imd/File_6_-_IoD2019_Population_Denominators.csv', encoding='utf-8-sig', newline='')) if r[2] == 'E07000123'))"
   * -> 140431 over 86 Preston LSOAs (LAD E07000123); the same 86 are those whose LSOA11NM in the
   * lookup starts with "Preston ". File_6 row E01025231: 1,403 / 227 / 724 / 452. */
  /* clang-format on */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM population p JOIN lookup l"
                                  " USING (lsoa_code) WHERE l.lsoa_name LIKE 'Preston %'"),
                   ==, 86);
  g_assert_cmpint (query_int (db, "SELECT sum(p.total) FROM population p JOIN lookup l"
                                  " USING (lsoa_code) WHERE l.lsoa_name LIKE 'Preston %'"),
                   ==, 140431);
  g_assert_cmpint (query_int (db, "SELECT total FROM population WHERE lsoa_code = 'E01025231'"), ==,
                   1403);
  g_assert_cmpint (query_int (db, "SELECT children + working_age + older FROM population"
                                  " WHERE lsoa_code = 'E01025231'"),
                   ==, 227 + 724 + 452);
  g_assert_cmpint (query_int (db, "SELECT count(DISTINCT ward_code) FROM lookup"), ==, 301);
  ward = query_text (db, "SELECT ward_code FROM lookup WHERE lsoa_code = 'E01025297'");
  ward_name = query_text (db, "SELECT ward_name FROM lookup WHERE lsoa_code = 'E01025297'");
  g_assert_cmpstr (ward, ==, "E05005287");
  g_assert_cmpstr (ward_name, ==, "St Matthew's");
  sqlite3_close (db);
}

/* File_6 given as the main file is recognised by its headers. */
static void
test_population_as_file (void)
{
  g_autofree char *path = temp_project ("pop.wealthmap");
  g_autofree char *file6 = shared_data ("imd/File_6_-_IoD2019_Population_Denominators.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (WmImportReport) report = NULL;
  WmProject *project;
  sqlite3   *db;

  if (skip_without_shared_data ())
    return;
  project = wm_project_create (path, &error);
  g_assert_no_error (error);
  g_assert_true (
      wm_project_import_deprivation (project, file6, NULL, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->imported, ==, N_LSOAS);
  g_clear_object (&project);

  db = open_db (path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM deprivation"), ==, 0);
  /* clang-format off */
  /* python3 -c "import csv; print(sum(int(r[4].replace(',', '')) for r in list(csv.reader(open('imd/File_6_-_IoD2019_Population_Denominators.csv', encoding='utf-8-sig', newline='')))[1:]))"
   * -> 54728204 */
  /* clang-format on */
  g_assert_cmpint (query_int (db, "SELECT sum(total) FROM population"), ==, 54728204);
  sqlite3_close (db);
}

/* Hand-made files: malformed values are counted, a later file keeps what it lacks. */
static void
test_malformed_and_merge (void)
{
  g_autofree char *path = temp_project ("merge.wealthmap");
  g_autofree char *scores = write_temp ("scores.csv", "LSOA code (2011),Income Score (rate)\r\n"
                                                      "E01000001,0.25\r\n"
                                                      "E01000002,0.5\r\n");
  g_autofree char *ranks = write_temp ("ranks.csv", "\xef\xbb\xbfLSOA code (2011),Income Rank"
                                                    " (where 1 is most deprived),Income Decile\n"
                                                    "E01000001,\"29,199\",9\n"
                                                    "E01000002,12.5,1\n"
                                                    "E01000003,7,11\n"
                                                    ",,\n"
                                                    "E01000004,8,1");
  g_autoptr (GError) error = NULL;
  g_autoptr (WmImportReport) report = NULL;
  WmProject *project;
  sqlite3   *db;

  project = wm_project_create (path, &error);
  g_assert_no_error (error);
  g_assert_true (
      wm_project_import_deprivation (project, scores, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (
      wm_project_import_deprivation (project, ranks, NULL, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->rows_read, ==, 5);
  g_assert_cmpuint (report->imported, ==, 2);
  g_assert_cmpuint (report->malformed, ==, 2);
  g_assert_cmpuint (report->blank, ==, 1);
  g_assert_cmpuint (report->messages->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (report->messages, 0), ==,
                   "ranks.csv:3: rank \"12.5\": not a whole number");
  g_clear_object (&project);

  db = open_db (path);
  g_assert_cmpint (query_int (db, "SELECT rank FROM deprivation WHERE lsoa_code = 'E01000001'"), ==,
                   29199);
  g_assert_cmpint (query_int (db, "SELECT decile FROM deprivation WHERE lsoa_code = 'E01000001'"),
                   ==, 9);
  g_assert_cmpint (query_int (db, "SELECT score * 100 FROM deprivation"
                                  " WHERE lsoa_code = 'E01000001'"),
                   ==, 25);
  /* E01000002's rank was malformed: its score stays, with no rank. */
  g_assert_cmpint (query_int (db, "SELECT rank FROM deprivation WHERE lsoa_code = 'E01000002'"), ==,
                   -1);
  g_assert_cmpint (query_int (db, "SELECT score * 100 FROM deprivation"
                                  " WHERE lsoa_code = 'E01000002'"),
                   ==, 50);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM deprivation"), ==, 3);
  sqlite3_close (db);
}

/* Files without the needed columns fail before anything is written. */
static void
test_missing_columns (void)
{
  g_autofree char *path = temp_project ("missing.wealthmap");
  g_autofree char *no_lsoa = write_temp ("no-lsoa.csv", "Area,IMD Rank\nE01000001,5\n");
  g_autofree char *no_ward = write_temp ("no-ward.csv", "LSOA11CD,LSOA11NM\nE01000001,x\n");
  g_autofree char *all_bad = write_temp ("bad.csv", "LSOA code,IMD Rank\nE01000001,many\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  WmProject *project;

  project = wm_project_create (path, &error);
  g_assert_no_error (error);
  g_clear_object (&project);
  before = file_bytes (path);
  project = wm_project_open (path, &error);
  g_assert_no_error (error);

  g_assert_false (
      wm_project_import_deprivation (project, no_lsoa, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN);
  g_assert_cmpstr (error->message, ==, "no-lsoa.csv:1: no \"LSOA code\" column");
  g_clear_error (&error);

  g_assert_false (wm_project_import_lookup (project, no_ward, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, WM_ERROR, WM_ERROR_MISSING_COLUMN);
  g_clear_error (&error);

  g_assert_false (
      wm_project_import_deprivation (project, all_bad, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, WM_ERROR, WM_ERROR_BAD_VALUE);
  g_clear_error (&error);
  g_clear_object (&project);

  after = file_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

int
main (int argc, char **argv)
{
  GDALAllRegister ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wm/deprivation/domains", test_domains);
  g_test_add_func ("/wm/deprivation/imd-population-lookup", test_imd_population_lookup);
  g_test_add_func ("/wm/deprivation/population-as-file", test_population_as_file);
  g_test_add_func ("/wm/deprivation/malformed-and-merge", test_malformed_and_merge);
  g_test_add_func ("/wm/deprivation/missing-columns", test_missing_columns);
  return g_test_run ();
}
