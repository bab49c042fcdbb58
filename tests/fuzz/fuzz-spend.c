/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spend CSV importer end to end: delimiter guess, libcsv, header detection in the first
 * rows, amount/date/postcode parsing and the rows stored in a fresh project. Whatever the
 * input, the import either succeeds with every row counted once or fails with a message
 * naming the file, and the project opens afterwards. */
#include "fuzz-common.h"

#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (WmProject) project = fuzz_fresh_project ();
  g_autoptr (WmImportReport) report = NULL;
  g_autoptr (GError) error = NULL;
  const char    *path = fuzz_vsimem_file ("spend.csv", data, size);
  WmSpendOptions options = { .anchor = "Fuzz" };
  gboolean       ok;

  ok = wm_project_import_spend (project, path, &options, NULL, NULL, NULL, &report, &error);
  if (ok)
    {
      g_assert (report != NULL);
      /* Every row read is in exactly one counter. */
      g_assert_cmpuint (report->imported + report->malformed + report->blank, ==,
                        report->rows_read);
      g_assert_cmpuint (report->redacted, <=, report->imported);
    }
  else
    {
      g_assert (error != NULL);
      g_assert (strstr (error->message, "spend.csv") != NULL);
    }
  fuzz_vsimem_free (path);
  return 0;
}
