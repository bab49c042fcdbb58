/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The normalisers, by table: amounts, dates, postcodes, names, headers, kinds. Each row is a
 * value as some council publishes it and what it must become (or that it must be refused). */
#include <glib/gstdio.h>
#include <string.h>

#include "app/core/wealthmap-core.h"
#include "app/core/wm-table-reader.h"

static void
test_amounts (void)
{
  static const struct
  {
    const char *text;
    gboolean    ok;
    gint64      pence;
  } cases[] = {
    { "1,234.56", TRUE, 123456 },
    { "\xc2\xa3"
      "1,234.56",
      TRUE, 123456 },
    { "(12.00)", TRUE, -1200 },
    { "-12.00", TRUE, -1200 },
    { "12.00-", TRUE, -1200 },
    { "12.00CR", TRUE, -1200 },
    { "1140", TRUE, 114000 },
    { "834.29", TRUE, 83429 },
    { "900.2", TRUE, 90020 },
    { " 160 ", TRUE, 16000 },
    { "\xc2\xa3"
      "322.50",
      TRUE, 32250 },
    { "1,302.28", TRUE, 130228 },
    { "-\xc2\xa3"
      "5.00",
      TRUE, -500 },
    { "\xc2\xa3-5.00", TRUE, -500 },
    { "0.005", TRUE, 1 },
    { "12,345,678.90", TRUE, 1234567890 },
    { "N/A", FALSE, 0 },
    { "1.2.3", FALSE, 0 },
    { "", FALSE, 0 },
    { "12,34", FALSE, 0 },
    { "1,2345.00", FALSE, 0 },
    { "abc", FALSE, 0 },
    { "(12.00", FALSE, 0 },
    { "12 apples", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64      pence = -999;
      const char *why = NULL;
      gboolean    ok = wm_parse_amount (cases[i].text, &pence, &why);

      g_test_message ("amount \"%s\"", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (pence, ==, cases[i].pence);
      else
        g_assert_nonnull (why);
    }
}

static void
test_dates (void)
{
  static const struct
  {
    const char *text;
    const char *iso; /* NULL: must be refused */
  } cases[] = {
    { "04/01/2017", "2017-01-04" },
    { "07/09/23", "2023-09-07" },
    { "3 Apr 2023", "2023-04-03" },
    { "15 June 2023", "2023-06-15" },
    { "26-Apr-23", "2023-04-26" },
    { "2023-04-06", "2023-04-06" },
    { "2023/04/06", "2023/04/06" },
    { "2023/09/01 00:00:00", "2023-09-01" },
    { "13 October 2023", "2023-10-13" },
    { "45017", "2023-04-01" },
    { "1 Sept 2023", "2023-09-01" },
    { "29/02/2024", "2024-02-29" },
    { "31/02/2024", NULL },
    { "29/02/2023", NULL },
    { "13/13/2023", NULL },
    { "", NULL },
    { "yesterday", NULL },
    { "3 Foo 2023", NULL },
    { "12", NULL },
    { "2023-04-06 lunchtime", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GDate       date;
      const char *why = NULL;
      gboolean    ok = wm_parse_date (cases[i].text, &date, &why);

      g_test_message ("date \"%s\"", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].iso != NULL);
      if (ok)
        {
          char             buf[16];
          g_autofree char *want = g_strdup (cases[i].iso);

          g_strdelimit (want, "/", '-');
          g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &date);
          g_assert_cmpstr (buf, ==, want);
        }
      else
        g_assert_nonnull (why);
    }
}

static void
test_financial_year (void)
{
  GDate d;

  g_date_clear (&d, 1);
  g_date_set_dmy (&d, 31, G_DATE_MARCH, 2024);
  g_assert_cmpint (wm_financial_year (&d), ==, 2023);
  g_date_set_dmy (&d, 1, G_DATE_APRIL, 2024);
  g_assert_cmpint (wm_financial_year (&d), ==, 2024);
}

static void
test_postcodes (void)
{
  static const struct
  {
    const char *text;
    const char *want;
  } cases[] = {
    { "bb5 1aa", "BB5 1AA" },     { "BB51AA", "BB5 1AA" },
    { "BB5  1AA", "BB5 1AA" },    { "PR0 2AD", "PR0 2AD" },
    { "\"PR1 1AA\"", "PR1 1AA" }, { "EC1A 1BB", "EC1A 1BB" },
    { "w1a0ax", "W1A 0AX" },      { "M1 1AE", "M1 1AE" },
    { "FY67PU", "FY6 7PU" },      { "", NULL },
    { "garbage", NULL },          { "12345", NULL },
    { "BB5 1A", NULL },           { "BB5-1AA", NULL },
    { "BB5 1AAA", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = wm_normalize_postcode (cases[i].text);

      g_test_message ("postcode \"%s\"", cases[i].text);
      g_assert_cmpstr (got, ==, cases[i].want);
    }
}

static void
test_names (void)
{
  static const struct
  {
    const char *a;
    const char *b;
    gboolean    same;
  } pairs[] = {
    { "H & M Building & Joinery Ltd", "H AND M BUILDING AND JOINERY LIMITED", TRUE },
    { "The Coach Company", "COACH COMPANY", TRUE },
    { "Vps (Uk) Limited", "VPS UK LTD", TRUE },
    { "McDonald's Restaurants Ltd", "MCDONALDS RESTAURANTS LTD", TRUE },
    { "Smith &amp; Sons", "Smith and Sons", TRUE },
    { "Acme Public Limited Company", "ACME PLC", TRUE },
    { "  bates   office services ltd ", "BATES OFFICE SERVICES LTD", TRUE },
    { "Acme Ltd", "Acme Plc", FALSE },
    { "Theatre Company", "atre Company", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *a = wm_normalize_name (pairs[i].a);
      g_autofree char *b = wm_normalize_name (pairs[i].b);

      g_test_message ("name \"%s\" vs \"%s\"", pairs[i].a, pairs[i].b);
      g_assert_cmpint (strcmp (a, b) == 0, ==, pairs[i].same);
    }
  {
    g_autofree char *a = wm_normalize_name_nosuffix ("H&M Building & Joinery Limited");
    g_assert_cmpstr (a, ==, "H AND M BUILDING AND JOINERY");
  }
}

static void
test_headers (void)
{
  static const struct
  {
    const char *text;
    const char *want;
  } cases[] = {
    { "Net Amount (\xc2\xa3)", "net amount" },
    { "Net Amount(\xc2\xa3)", "net amount" },
    { "Name:  ", "name" },
    { "* SUPPLIER FINAL", "supplier final" },
    { "\xef\xbb\xbfService Cost Centre", "service cost centre" },
    { "HBC Ref No.", "hbc ref no" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = wm_normalize_header (cases[i].text);
      g_assert_cmpstr (got, ==, cases[i].want);
    }
}

static void
test_redaction_and_kinds (void)
{
  g_assert_true (wm_name_is_redacted (""));
  g_assert_true (wm_name_is_redacted ("   "));
  g_assert_true (wm_name_is_redacted ("REDACTED"));
  g_assert_true (wm_name_is_redacted ("Personal Information"));
  g_assert_true (wm_name_is_redacted ("Redacted - personal data"));
  g_assert_false (wm_name_is_redacted ("Redwood Ltd"));
  g_assert_true (wm_name_is_redacted ("THIRD PARTY SUPPLIER"));

  /* Public bodies are the rules' business (below), never a guess from the name. */
  g_assert_cmpint (wm_infer_kind ("Lancashire County Council"), ==, WM_KIND_UNKNOWN);
  g_assert_cmpint (wm_infer_kind ("Stepping Stone Project CIC"), ==, WM_KIND_VCSE);
  g_assert_cmpint (wm_infer_kind ("Hyndburn Leisure Trust"), ==, WM_KIND_VCSE);
  g_assert_cmpint (wm_infer_kind ("Tesco PLC"), ==, WM_KIND_LARGE);
  g_assert_cmpint (wm_infer_kind ("Gb Mot Training Ltd"), ==, WM_KIND_SME);
  g_assert_cmpint (wm_infer_kind ("Scott Mitchell"), ==, WM_KIND_UNKNOWN);
}

static void
test_cp1252 (void)
{
  g_autofree char *pound = wm_to_utf8 ("\xa3"
                                       "5",
                                       -1);
  g_autofree char *quote = wm_to_utf8 ("O\x92"
                                       "Brien",
                                       -1);
  g_autofree char *utf8 = wm_to_utf8 ("\xc2\xa3"
                                      "5",
                                      -1);

  g_assert_cmpstr (pound, ==,
                   "\xc2\xa3"
                   "5");
  g_assert_cmpstr (quote, ==,
                   "O\xe2\x80\x99"
                   "Brien");
  g_assert_cmpstr (utf8, ==,
                   "\xc2\xa3"
                   "5");
}

/* Payee names as payment systems write them, cleaned for matching; and the words that say
 * which firm a name is. */
static void
test_clean_names (void)
{
  static const char *const cases[][3] = {
    { "ico              110723 2", "ICO", "ICO" },
    { "LANCASHIRE COUNTY COUNCIL (200398)", "LANCASHIRE COUNTY COUNCIL",
      "LANCASHIRE COUNTY COUNCIL" },
    { "red rose windscreens ltd 01", "RED ROSE WINDSCREENS LTD", "RED ROSE WINDSCREENS" },
    { "(DD ONLY) Ribble Valley Borough Council", "RIBBLE VALLEY BOROUGH COUNCIL",
      "RIBBLE VALLEY BOROUGH COUNCIL" },
    { "Alliance Automotive Uk Lv T/A Jpn Autoparts", "ALLIANCE AUTOMOTIVE UK LV",
      "ALLIANCE AUTOMOTIVE UK LV" },
    { "H & M Building and Joinery", "H AND M BUILDING AND JOINERY", "H M BUILDING JOINERY" },
    { "H&M BUILDING & JOINERY LIMITED", "H AND M BUILDING AND JOINERY LTD",
      "H M BUILDING JOINERY" },
    { "4-5 Grays Inn Square", "4 5 GRAYS INN SQUARE", "4 5 GRAYS INN SQUARE" },
    { "123456", "123456", "123456" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *clean = wm_normalize_name_clean (cases[i][0]);
      g_auto (GStrv) tokens = wm_name_tokens (cases[i][0]);
      g_autofree char *joined = g_strjoinv (" ", tokens);

      g_assert_cmpstr (clean, ==, cases[i][1]);
      g_assert_cmpstr (joined, ==, cases[i][2]);
    }
}

static void
test_lat_lon (void)
{
  double lat = 0, lon = 0;

  g_assert_true (wm_parse_lat_lon ("53.753, -2.364", &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 53.753, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, -2.364, 1e-9);
  g_assert_true (wm_parse_lat_lon ("53.753 -2.364 ", &lat, &lon));
  g_assert_false (wm_parse_lat_lon ("BB5 0PF", &lat, &lon));
  g_assert_false (wm_parse_lat_lon ("53.753", &lat, &lon));
  g_assert_false (wm_parse_lat_lon ("53.753, -2.364 x", &lat, &lon));
}

/* The shipped public-body list: councils in their many spellings, government, the NHS; not
 * companies or charities that share their words; a company-form public body by an "always"
 * rule. A user's list with a wrong match kind is refused naming file and line. */
static void
test_public_rules (void)
{
  g_autoptr (WmPublicRules) rules = wm_public_rules_default ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wm-public-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "rules.csv", NULL);
  g_autoptr (WmPublicRules) mine = NULL;

  g_assert_cmpuint (wm_public_rules_count (rules), >, 5000);
  g_assert_cmpstr (wm_public_rules_match (rules, "Lancashire County Council"), ==,
                   "local authority");
  g_assert_cmpstr (wm_public_rules_match (rules, "Blackburn With Darwen B.C."), ==,
                   "local authority");
  g_assert_cmpstr (wm_public_rules_match (rules, "Borough Of Pendle"), ==, "local authority");
  g_assert_cmpstr (wm_public_rules_match (rules, "(DD ONLY) Ribble Valley Borough Council"), ==,
                   "local authority");
  g_assert_cmpstr (wm_public_rules_match (rules, "HM Revenue & Customs"), ==, "central government");
  g_assert_cmpstr (wm_public_rules_match (rules, "East Lancashire Hospitals NHS Trust"), ==, "NHS");
  g_assert_cmpstr (wm_public_rules_match (rules, "College of Policing Ltd"), ==, "police");
  g_assert_null (wm_public_rules_match (rules, "Fire Ladders Ltd"));
  g_assert_null (wm_public_rules_match (rules, "National Fire Chiefs Council Ltd"));
  g_assert_null (
      wm_public_rules_match (rules, "Burnley Pendle & Rossendale Council for Voluntary Service"));
  g_assert_null (wm_public_rules_match (rules, "Preston Plumbing"));
  g_assert_null (wm_public_rules_match (rules, ""));
  g_assert_cmpstr (wm_local_authority_name ("E07000120"), ==, "Hyndburn");
  g_assert_cmpstr (wm_local_authority_name ("E06000010"), ==, "Kingston upon Hull, City of");
  g_assert_null (wm_local_authority_name ("E99999999"));

  g_assert_true (g_file_set_contents (path,
                                      "pattern,match,body\nAcme Council,words,local authority\n"
                                      "Bolton,maybe,local authority\n",
                                      -1, NULL));
  mine = wm_public_rules_load (path, &error);
  g_assert_null (mine);
  g_assert_nonnull (strstr (error->message, "rules.csv:3: match \"maybe\""));
  g_unlink (path);
  g_rmdir (dir);
}

/* A prepare function for the test: each row's first field as a number, and the thread. */
typedef struct
{
  guint64  number;
  GThread *thread;
} Parsed;

static gpointer
parse_rows (const WmRow *rows, guint n, gpointer *prepared, gpointer data)
{
  Parsed *work = g_new0 (Parsed, n);

  g_assert_cmpstr (data, ==, "columns");
  for (guint i = 0; i < n; i++)
    {
      work[i].number = g_ascii_strtoull (wm_row_cell (&rows[i], 0), NULL, 10);
      work[i].thread = g_thread_self ();
      prepared[i] = &work[i];
    }
  return work;
}

/* The reader runs ahead in a thread of its own: rows must still come whole and in order,
 * with an error after the rows before it, and a reader dropped early must stop its thread.
 * Work set on it after the header is done in that thread on the rows not yet read ahead. */
static void
test_table_reader (void)
{
  g_autofree char *dir = g_dir_make_tmp ("wm-reader-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "rows.csv", NULL);
  g_autoptr (GString) text = g_string_new ("id,name\n");
  g_autoptr (GError) error = NULL;
  const guint    broken = 20000; /* the line with a quote never closed, far past the first batch */
  WmTableReader *reader;
  WmRow          row;
  guint          n = 0, n_prepared = 0;
  double         last_fraction = 0;

  for (guint i = 2; i < broken; i++)
    g_string_append_printf (text, "%u,\"Supplier %u, Ltd\"\n", i, i);
  g_string_append_printf (text, "%u,\"Open quote\n", broken);
  for (guint i = broken + 1; i < broken + 10; i++)
    g_string_append_printf (text, "%u,x\n", i);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));

  reader = wm_table_reader_open (path, &error);
  g_assert_no_error (error);
  while (wm_table_reader_next (reader, &row, &error))
    {
      g_autofree char *want = n == 0 ? g_strdup ("id") : g_strdup_printf ("%u", n + 1);

      g_assert_cmpuint (row.line, ==, n + 1);
      g_assert_cmpuint (row.n_fields, ==, 2);
      g_assert_cmpstr (row.fields[0], ==, want);
      g_assert_cmpfloat (wm_table_reader_fraction (reader), >=, last_fraction);
      last_fraction = wm_table_reader_fraction (reader);
      if (n == 0)
        wm_table_reader_set_prepare (reader, parse_rows, g_strdup ("columns"), g_free, g_free);
      if (row.prepared)
        {
          const Parsed *parsed = row.prepared;

          g_assert_cmpuint (parsed->number, ==, n + 1);
          g_assert_true (parsed->thread != g_thread_self ());
          n_prepared++;
        }
      else /* only rows read ahead before the prepare function was set */
        g_assert_cmpuint (n_prepared, ==, 0);
      n++;
    }
  /* at most the batch handed out and four more ahead (32 + 128 + 512 + 2048 + 4096 rows) were
   * read before */
  g_assert_cmpuint (n_prepared, >=, n - 6816);
  /* every line before the open quote, then the error naming that line, then nothing more */
  g_assert_cmpuint (n, ==, broken - 1);
  g_assert_error (error, WM_ERROR, WM_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "rows.csv:20000: unterminated quoted field"));
  g_clear_error (&error);
  g_assert_false (wm_table_reader_next (reader, &row, &error));
  g_assert_no_error (error);
  wm_table_reader_free (reader);

  /* A preview reads a few rows of a large file and drops the reader. */
  {
    const char      *root = g_getenv ("WM_SHARED_DATA");
    g_autofree char *national = NULL;

    g_assert_nonnull (root);
    national = g_build_filename (root, "national", "codepoint_open_2014_gb.csv.gz", NULL);
    reader = wm_table_reader_open (national, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < 3; i++)
      g_assert_true (wm_table_reader_next (reader, &row, &error));
    g_assert_cmpuint (row.line, ==, 3);
    wm_table_reader_free (reader);
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wm/text/amounts", test_amounts);
  g_test_add_func ("/wm/text/dates", test_dates);
  g_test_add_func ("/wm/text/financial-year", test_financial_year);
  g_test_add_func ("/wm/text/postcodes", test_postcodes);
  g_test_add_func ("/wm/text/names", test_names);
  g_test_add_func ("/wm/text/headers", test_headers);
  g_test_add_func ("/wm/text/redaction-and-kinds", test_redaction_and_kinds);
  g_test_add_func ("/wm/text/cp1252", test_cp1252);
  g_test_add_func ("/wm/text/public-rules", test_public_rules);
  g_test_add_func ("/wm/text/clean-names", test_clean_names);
  g_test_add_func ("/wm/text/lat-lon", test_lat_lon);
  g_test_add_func ("/wm/text/table-reader", test_table_reader);
  return g_test_run ();
}
