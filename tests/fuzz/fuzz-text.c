/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cell parsers every importer uses, with the properties they promise: an amount parsed
 * is printed back and parsed to the same pence; a valid date is a real day; a normalised
 * postcode normalises to itself; a normalised name is upper-case ASCII words and stable. */
#include "fuzz-common.h"

#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size); /* stops at a NUL */
  g_autofree char *utf8 = wm_to_utf8 (text, -1);
  const char      *why = NULL;
  gint64           pence;
  GDate            date;

  g_assert (g_utf8_validate (utf8, -1, NULL));
  if (wm_parse_amount (utf8, &pence, &why))
    {
      g_autofree char *plain = wm_format_pounds_plain (pence);
      gint64           again;

      g_assert (wm_parse_amount (plain, &again, &why));
      g_assert_cmpint (again, ==, pence);
    }
  else
    g_assert (why != NULL);
  if (wm_parse_date (utf8, &date, &why))
    g_assert (g_date_valid (&date));
  else
    g_assert (why != NULL);
  {
    g_autofree char *postcode = wm_normalize_postcode (utf8);
    if (postcode)
      {
        g_autofree char *again = wm_normalize_postcode (postcode);
        g_assert_cmpstr (again, ==, postcode);
      }
  }
  {
    g_autofree char *name = wm_normalize_name (utf8);
    g_autofree char *again = wm_normalize_name (name);

    g_assert (g_utf8_validate (name, -1, NULL));
    g_assert_cmpstr (again, ==, name);
  }
  {
    g_autofree char *header = wm_normalize_header (utf8);
    g_assert (g_utf8_validate (header, -1, NULL));
  }
  return 0;
}
