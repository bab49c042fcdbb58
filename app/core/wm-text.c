/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Normalisers for amounts, dates, postcodes, supplier names and header names as councils
 * publish them. Every parser says why it refused a value, so importers can report it. */
#include "wm-text.h"

#include <csv.h>

#include <math.h>
#include <string.h>
#include <stdlib.h>

/* ---- text encoding ---------------------------------------------------------------------- */

/* Windows-1252 0x80..0x9F; the rest of the upper half is Latin-1. */
static const gunichar cp1252_high[32] = {
  0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
  0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
  0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

char *
wm_to_utf8 (const char *text, gssize len)
{
  GString *out;

  if (len < 0)
    len = strlen (text);
  out = g_string_sized_new (len + 8);
  wm_append_utf8 (out, text, len);
  return g_string_free (out, FALSE);
}

void
wm_append_utf8 (GString *out, const char *text, gsize len)
{
  if (g_utf8_validate_len (text, len, NULL))
    {
      g_string_append_len (out, text, (gssize) len);
      return;
    }
  /* Converting by hand rather than with iconv: the table is 32 entries and this runs once per
   * field of every cp1252 file, where iconv's per-call setup would dominate. */
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) text[i];

      if (c < 0x80)
        g_string_append_c (out, (char) c);
      else if (c < 0xA0)
        g_string_append_unichar (out, cp1252_high[c - 0x80]);
      else
        g_string_append_unichar (out, c);
    }
}

/* ---- amounts ---------------------------------------------------------------------------- */

static gboolean
strip_prefix (const char **p, const char *prefix)
{
  size_t n = strlen (prefix);

  if (g_ascii_strncasecmp (*p, prefix, n) == 0)
    {
      *p += n;
      return TRUE;
    }
  return FALSE;
}

static void
skip_spaces (const char **p)
{
  while (**p == ' ' || **p == '\t' || ((guchar) * *p == 0xC2 && (guchar) (*p)[1] == 0xA0))
    *p += (**p == ' ' || **p == '\t') ? 1 : 2;
}

gboolean
wm_parse_amount (const char *text, gint64 *pence, const char **why)
{
  const char *p = text;
  gboolean    negative = FALSE;
  gboolean    paren = FALSE;
  gboolean    seen_digit = FALSE;
  gboolean    seen_point = FALSE;
  int         group_digits = -1; /* digits since the last thousands comma, -1 if none yet */
  guint64     units = 0;
  int         decimals = 0;
  int         round_digit = -1;
  const char *dummy;

  if (why == NULL)
    why = &dummy;
  *why = NULL;
  if (text == NULL)
    {
      *why = "empty amount";
      return FALSE;
    }

  skip_spaces (&p);
  if (*p == '(')
    {
      paren = TRUE;
      p++;
      skip_spaces (&p);
    }
  if (*p == '-' || *p == '+')
    {
      negative = (*p == '-');
      p++;
      skip_spaces (&p);
    }
  if (strip_prefix (&p, "\xc2\xa3") || strip_prefix (&p, "GBP"))
    skip_spaces (&p);
  if (*p == '-' && !negative)
    {
      negative = TRUE;
      p++;
    }

  for (; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          seen_digit = TRUE;
          if (seen_point)
            {
              if (decimals < 2)
                {
                  units = units * 10 + (guint64) (*p - '0');
                  decimals++;
                }
              else if (round_digit < 0)
                round_digit = *p - '0';
            }
          else
            {
              if (units > G_MAXINT64 / 1000)
                {
                  *why = "amount too large";
                  return FALSE;
                }
              units = units * 10 + (guint64) (*p - '0');
              if (group_digits >= 0)
                group_digits++;
            }
        }
      else if (*p == ',' && !seen_point)
        {
          if (!seen_digit || (group_digits >= 0 && group_digits != 3))
            {
              *why = "misplaced thousands separator";
              return FALSE;
            }
          group_digits = 0;
        }
      else if (*p == '.')
        {
          if (seen_point)
            {
              *why = "more than one decimal point";
              return FALSE;
            }
          if (group_digits >= 0 && group_digits != 3)
            {
              *why = "misplaced thousands separator";
              return FALSE;
            }
          seen_point = TRUE;
        }
      else
        break;
    }
  if (!seen_point && group_digits >= 0 && group_digits != 3)
    {
      *why = "misplaced thousands separator";
      return FALSE;
    }

  skip_spaces (&p);
  if (paren)
    {
      if (*p != ')')
        {
          *why = "unbalanced parenthesis";
          return FALSE;
        }
      p++;
      negative = !negative;
      skip_spaces (&p);
    }
  if (*p == '-' && !negative)
    {
      negative = TRUE;
      p++;
      skip_spaces (&p);
    }
  if (strip_prefix (&p, "CR"))
    {
      negative = !negative;
      skip_spaces (&p);
    }
  if (!seen_digit)
    {
      *why = (*text == '\0' || *p == '\0') ? "empty amount" : "not a number";
      return FALSE;
    }
  if (*p != '\0')
    {
      *why = "not a number";
      return FALSE;
    }

  for (; decimals < 2; decimals++)
    units *= 10;
  if (round_digit >= 5)
    units++;
  *pence = negative ? -(gint64) units : (gint64) units;
  return TRUE;
}

/* ---- dates ------------------------------------------------------------------------------ */

static const char *const month_names[] = {
  "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
};

static int
parse_month_name (const char *s, size_t len)
{
  g_autofree char *lower = g_ascii_strdown (s, len);

  if (len < 3)
    return 0;
  if (len == 4 && strcmp (lower, "sept") == 0)
    return 9;
  for (int m = 0; m < 12; m++)
    {
      static const char *const full[] = {
        "january", "february", "march",     "april",   "may",      "june",
        "july",    "august",   "september", "october", "november", "december",
      };
      if ((len == 3 && strncmp (lower, month_names[m], 3) == 0) || strcmp (lower, full[m]) == 0)
        return m + 1;
    }
  return 0;
}

static int
expand_year (int year, int ndigits)
{
  if (ndigits <= 2)
    return year < 70 ? 2000 + year : 1900 + year;
  return year;
}

static gboolean
set_date (GDate *date, int d, int m, int y, const char **why)
{
  if (m < 1 || m > 12)
    {
      *why = "month out of range";
      return FALSE;
    }
  if (y < 1900 || y > 2200)
    {
      *why = "year out of range";
      return FALSE;
    }
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    {
      *why = "no such day";
      return FALSE;
    }
  g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

/* Splits "3 Apr 2023", "26-Apr-23", "14/12/2023", "2023-04-06 00:00:00" into up to three
 * tokens of digits or letters; the separators are ' ', '/', '-', '.' and ','. */
typedef struct
{
  const char *start;
  size_t      len;
  gboolean    digits;
} DateToken;

static int
tokenize_date (const char *text, DateToken tokens[3], const char **rest)
{
  const char *p = text;
  int         n = 0;

  while (*p && n < 3)
    {
      while (*p == ' ' || *p == '/' || *p == '-' || *p == '.' || *p == ',')
        p++;
      if (!*p)
        break;
      tokens[n].start = p;
      tokens[n].digits = g_ascii_isdigit (*p);
      while (*p && (tokens[n].digits ? g_ascii_isdigit (*p) : g_ascii_isalpha (*p)))
        p++;
      tokens[n].len = (size_t) (p - tokens[n].start);
      if (tokens[n].len == 0)
        break;
      n++;
    }
  *rest = p;
  return n;
}

gboolean
wm_parse_date (const char *text, GDate *date, const char **why)
{
  DateToken        t[3];
  const char      *rest;
  const char      *dummy;
  int              n;
  g_autofree char *trimmed = NULL;

  if (why == NULL)
    why = &dummy;
  *why = NULL;
  g_date_clear (date, 1);
  if (text == NULL)
    {
      *why = "empty date";
      return FALSE;
    }
  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0')
    {
      *why = "empty date";
      return FALSE;
    }

  /* Excel serial day numbers (days since 1899-12-30), as a spreadsheet date cell exported to
   * CSV without formatting: plausible only between 1955 and 2119. */
  {
    char  *end;
    double serial = g_ascii_strtod (trimmed, &end);

    if (*end == '\0' && strchr (trimmed, '/') == NULL && strchr (trimmed, '-') == NULL)
      {
        if (serial >= 20000 && serial < 80000)
          {
            g_date_set_dmy (date, 30, G_DATE_DECEMBER, 1899);
            g_date_add_days (date, (guint) serial);
            return TRUE;
          }
        *why = "a number that is not a date";
        return FALSE;
      }
  }

  n = tokenize_date (trimmed, t, &rest);
  /* A time after the date ("2023/04/06 00:00:00", "2023-04-06T10:00") is ignored. */
  if (*rest == ':' || *rest == 'T' || *rest == 't')
    rest = "";
  while (*rest == ' ')
    rest++;
  if (n != 3 || (*rest != '\0' && *rest != ':' && !g_ascii_isdigit (*rest)))
    {
      *why = "not a date";
      return FALSE;
    }
  if (*rest != '\0')
    {
      /* Digits after three tokens: only a time is allowed ("2023/04/06 00:00:00"). */
      if (strchr (rest, ':') == NULL)
        {
          *why = "not a date";
          return FALSE;
        }
    }

  if (t[0].digits && t[1].digits && t[2].digits)
    {
      int a = atoi (t[0].start), b = atoi (t[1].start), c = atoi (t[2].start);

      if (t[0].len == 4) /* ISO order */
        return set_date (date, c, b, a, why);
      if (t[2].len != 2 && t[2].len != 4)
        {
          *why = "not a date";
          return FALSE;
        }
      return set_date (date, a, b, expand_year (c, (int) t[2].len), why);
    }
  if (t[0].digits && !t[1].digits && t[2].digits)
    {
      int m = parse_month_name (t[1].start, t[1].len);

      if (m == 0)
        {
          *why = "unknown month name";
          return FALSE;
        }
      return set_date (date, atoi (t[0].start), m, expand_year (atoi (t[2].start), (int) t[2].len),
                       why);
    }
  if (!t[0].digits && t[1].digits && t[2].digits) /* "April 3, 2023" */
    {
      int m = parse_month_name (t[0].start, t[0].len);

      if (m == 0)
        {
          *why = "unknown month name";
          return FALSE;
        }
      return set_date (date, atoi (t[1].start), m, expand_year (atoi (t[2].start), (int) t[2].len),
                       why);
    }
  *why = "not a date";
  return FALSE;
}

int
wm_financial_year (const GDate *date)
{
  int y = g_date_get_year (date);

  return g_date_get_month (date) >= G_DATE_APRIL ? y : y - 1;
}

/* ---- postcodes -------------------------------------------------------------------------- */

char *
wm_normalize_postcode (const char *text)
{
  char   buf[16];
  size_t n = 0;
  size_t out_len;

  if (text == NULL)
    return NULL;
  for (const char *p = text; *p; p++)
    {
      if (*p == ' ' || *p == '\t' || *p == '"')
        continue;
      if (!g_ascii_isalnum (*p) || n >= 7)
        return NULL;
      buf[n++] = g_ascii_toupper (*p);
    }
  if (n < 5)
    return NULL;
  out_len = n - 3;
  /* Inward code: digit letter letter. Outward: letter, then 1..3 of letters/digits with at
   * least one digit in the second or third place. */
  if (!g_ascii_isdigit (buf[out_len]) || !g_ascii_isalpha (buf[out_len + 1])
      || !g_ascii_isalpha (buf[out_len + 2]))
    return NULL;
  if (!g_ascii_isalpha (buf[0]))
    return NULL;
  if (!g_ascii_isdigit (buf[1]) && !(out_len > 2 && g_ascii_isdigit (buf[2])))
    return NULL;
  /* "OUT IN", without printf: 1.7 million of these in a national import */
  {
    char *out = g_malloc (n + 2);

    memcpy (out, buf, out_len);
    out[out_len] = ' ';
    memcpy (out + out_len + 1, buf + out_len, 3);
    out[n + 1] = '\0';
    return out;
  }
}

/* ---- names ------------------------------------------------------------------------------ */

static void
replace_all (GString *s, const char *from, const char *to)
{
  g_string_replace (s, from, to, 0);
}

char *
wm_normalize_name (const char *name)
{
  g_autoptr (GString) s = NULL;
  g_autofree char *upper = NULL;
  g_auto (GStrv) words = NULL;
  GString *out;
  int      first = 0;

  if (name == NULL)
    return g_strdup ("");
  s = g_string_new (name);
  replace_all (s, "&amp;", "&");
  replace_all (s, "&AMP;", "&");
  replace_all (s, "&#039;", "'");
  replace_all (s, "&#39;", "'");
  replace_all (s, "&quot;", "\"");
  replace_all (s, "\xe2\x80\x99", "'"); /* right single quotation mark */
  upper = g_utf8_strup (s->str, -1);
  /* Upper-casing is not always idempotent (U+1FB3 gives U+0391 U+0345, whose own upper case
   * is U+0399): go on until it is, so that a normalised name normalises to itself. */
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *again = g_utf8_strup (upper, -1);

      if (strcmp (again, upper) == 0)
        break;
      g_free (upper);
      upper = g_steal_pointer (&again);
    }

  out = g_string_sized_new (strlen (upper) + 8);
  for (const char *p = upper; *p; p++)
    {
      if (*p == '&' || *p == '+')
        g_string_append (out, " AND ");
      else if (*p == '\'' || *p == '.')
        ; /* "MCDONALD'S", "H.M." keep their letters together */
      else if ((guchar) *p >= 0x80 || g_ascii_isalnum (*p))
        g_string_append_c (out, *p);
      else
        g_string_append_c (out, ' ');
    }
  words = g_strsplit_set (out->str, " ", -1);
  g_string_free (out, TRUE);

  /* Leading THEs go ("THE CO-OPERATIVE GROUP" ~ "CO-OPERATIVE GROUP"), all of them so that
   * a normalised name normalises to itself, but never the last word: "THE" stays "THE". */
  for (int i = 0; words[i]; i++)
    {
      int next = i + 1;

      if (*words[i] == '\0')
        continue;
      if (strcmp (words[i], "THE") != 0)
        break;
      while (words[next] && *words[next] == '\0')
        next++;
      if (words[next] == NULL)
        break;
      first = i + 1;
    }
  out = g_string_new (NULL);
  for (int i = first; words[i]; i++)
    {
      const char *w = words[i];

      if (*w == '\0')
        continue;
      if (strcmp (w, "LIMITED") == 0)
        w = "LTD";
      if (out->len)
        g_string_append_c (out, ' ');
      g_string_append (out, w);
    }
  replace_all (out, "PUBLIC LTD COMPANY", "PLC");
  if (g_str_has_suffix (out->str, " P L C"))
    {
      g_string_truncate (out, out->len - 6);
      g_string_append (out, " PLC");
    }
  return g_string_free (out, FALSE);
}

/* Words for a company's legal form, as normalised names end in them. */
static const char *const legal_forms[] = {
  "LTD", "PLC", "LLP", "LP", "CO", "COMPANY", "INC", "CIC", "CYF", "CYFYNGEDIG",
};

static gboolean
is_legal_form (const char *word)
{
  for (guint i = 0; i < G_N_ELEMENTS (legal_forms); i++)
    if (strcmp (word, legal_forms[i]) == 0)
      return TRUE;
  return FALSE;
}

char *
wm_normalize_name_nosuffix (const char *name)
{
  char    *key = wm_normalize_name (name);
  gboolean changed = TRUE;

  while (changed)
    {
      char *space = strrchr (key, ' ');

      changed = FALSE;
      if (space == NULL)
        break;
      /* the legal forms, and the UK / GROUP that firms put before them */
      if (is_legal_form (space + 1) || strcmp (space + 1, "UK") == 0
          || strcmp (space + 1, "GROUP") == 0)
        {
          *space = '\0';
          changed = TRUE;
        }
    }
  return key;
}

static gboolean
all_digits (const char *w)
{
  if (*w == '\0')
    return FALSE;
  for (; *w; w++)
    if (!g_ascii_isdigit (*w))
      return FALSE;
  return TRUE;
}

char *
wm_normalize_name_clean (const char *name)
{
  g_autofree char *key = wm_normalize_name (name);
  g_auto (GStrv) words = g_strsplit (key, " ", -1);
  guint    first = 0, end = g_strv_length (words);
  GString *out;

  if (end == 0 || *key == '\0')
    return g_steal_pointer (&key);
  /* "T/A" (normalised "T A"): the trading name follows; the firm is before it. */
  for (guint i = 1; i + 1 < end; i++)
    if (strcmp (words[i], "T") == 0 && strcmp (words[i + 1], "A") == 0)
      {
        end = i;
        break;
      }
  if (end - first >= 3 && strcmp (words[first], "DD") == 0
      && strcmp (words[first + 1], "ONLY") == 0)
    first += 2;
  if (end - first >= 3 && strcmp (words[end - 2], "DIRECT") == 0
      && strcmp (words[end - 1], "DEBIT") == 0)
    end -= 2;
  if (end - first >= 3 && strcmp (words[end - 2], "DD") == 0
      && strcmp (words[end - 1], "ONLY") == 0)
    end -= 2;
  /* Trailing references: any run of numbers after the first word. */
  while (end - first > 1 && all_digits (words[end - 1]))
    end--;
  out = g_string_new (NULL);
  for (guint i = first; i < end; i++)
    {
      if (out->len)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }
  return g_string_free (out, FALSE);
}

GStrv
wm_name_tokens (const char *name)
{
  static const char *const drop[] = { "AND", "THE", "OF" };
  g_autofree char         *key = wm_normalize_name_clean (name);
  g_auto (GStrv) words = g_strsplit (key, " ", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; words[i]; i++)
    {
      gboolean keep = *words[i] != '\0' && !is_legal_form (words[i]);

      for (guint k = 0; keep && k < G_N_ELEMENTS (drop); k++)
        keep = strcmp (words[i], drop[k]) != 0;
      /* the same word twice counts once */
      for (guint j = 0; keep && j < i; j++)
        keep = strcmp (words[i], words[j]) != 0;
      if (keep)
        g_strv_builder_add (builder, words[i]);
    }
  return g_strv_builder_end (builder);
}

char *
wm_normalize_header (const char *header)
{
  GString    *out = g_string_new (NULL);
  const char *p = header ? header : "";

  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;
  for (; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c == 0xC2 && (guchar) p[1] == 0xA3) /* '£' */
        {
          p++;
          continue;
        }
      if (g_ascii_isalnum (c) || c >= 0x80)
        g_string_append_c (out, g_ascii_tolower (c));
      else if (out->len && out->str[out->len - 1] != ' ')
        g_string_append_c (out, ' ');
    }
  while (out->len && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

gboolean
wm_name_is_redacted (const char *name)
{
  static const char *const markers[] = {
    "REDACTED",          "PERSONAL INFORMATION", "PERSONAL DATA",   "WITHHELD",
    "NOT DISCLOSED",     "PRIVATE INDIVIDUAL",   "DATA PROTECTION", "NAME REMOVED",
    "SENSITIVE PAYMENT", "NOT PUBLISHED",
  };
  g_autofree char *key = wm_normalize_name (name);

  if (*key == '\0')
    return TRUE;
  /* Police forces publish withheld suppliers as "THIRD PARTY", "THIRD PARTY SUPPLIER",
   * "THIRD PARTY FORENSIC SERVICES" (Lancashire PCC). */
  if (g_str_has_prefix (key, "THIRD PARTY"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (strstr (key, markers[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* ---- kinds ------------------------------------------------------------------------------ */

static gboolean
has_word (const char *key, const char *word)
{
  size_t      n = strlen (word);
  const char *p = key;

  while ((p = strstr (p, word)) != NULL)
    {
      gboolean start_ok = (p == key || p[-1] == ' ');
      gboolean end_ok = (p[n] == '\0' || p[n] == ' ');

      if (start_ok && end_ok)
        return TRUE;
      p += n;
    }
  return FALSE;
}

WmSupplierKind
wm_infer_kind (const char *name)
{
  static const char *const vcse_words[] = {
    "CIC",         "COMMUNITY INTEREST", "CHARITY", "CHARITABLE", "TRUST",
    "FOUNDATION",  "ASSOCIATION",        "SOCIETY", "CIO",        "CO OPERATIVE",
    "COOPERATIVE", "VOLUNTARY",          "CHURCH",  "HOSPICE",    "MENCAP",
    "AGE UK",      "CITIZENS ADVICE",    "SCOUTS",  "GUIDES",     "CLUB",
  };
  g_autofree char *key = wm_normalize_name (name);

  if (*key == '\0')
    return WM_KIND_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (vcse_words); i++)
    if (has_word (key, vcse_words[i]))
      return WM_KIND_VCSE;
  if (has_word (key, "PLC"))
    return WM_KIND_LARGE;
  if (has_word (key, "LTD") || has_word (key, "LLP"))
    return WM_KIND_SME;
  return WM_KIND_UNKNOWN;
}

const char *
wm_kind_to_string (WmSupplierKind kind)
{
  switch (kind)
    {
    case WM_KIND_SME:
      return "sme";
    case WM_KIND_VCSE:
      return "vcse";
    case WM_KIND_LARGE:
      return "large";
    case WM_KIND_PUBLIC:
      return "public";
    case WM_KIND_UNKNOWN:
    default:
      return "unknown";
    }
}

WmSupplierKind
wm_kind_from_string (const char *text)
{
  if (text == NULL)
    return WM_KIND_UNKNOWN;
  if (g_ascii_strcasecmp (text, "sme") == 0)
    return WM_KIND_SME;
  if (g_ascii_strcasecmp (text, "vcse") == 0)
    return WM_KIND_VCSE;
  if (g_ascii_strcasecmp (text, "large") == 0)
    return WM_KIND_LARGE;
  if (g_ascii_strcasecmp (text, "public") == 0)
    return WM_KIND_PUBLIC;
  return WM_KIND_UNKNOWN;
}

/* @raw's digits after @prefix, in groups of three. */
static char *
group_digits (const char *prefix, const char *raw)
{
  GString *s = g_string_new (prefix);
  int      len = (int) strlen (raw);

  for (int i = 0; i < len; i++)
    {
      g_string_append_c (s, raw[i]);
      if ((len - i - 1) % 3 == 0 && i < len - 1)
        g_string_append_c (s, ',');
    }
  return g_string_free (s, FALSE);
}

char *
wm_format_pounds (gint64 pence)
{
  g_autofree char *raw = g_strdup_printf ("%.0f", ABS ((double) pence) / 100.0);

  return group_digits (pence <= -50 ? "-£" : "£", raw);
}

char *
wm_format_count (gint64 n)
{
  g_autofree char *raw = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) ABS (n));

  return group_digits (n < 0 ? "-" : "", raw);
}

char *
wm_format_pounds_plain (gint64 pence)
{
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%02d", pence < 0 ? "-" : "", ABS (pence) / 100,
                          (int) (ABS (pence) % 100));
}

char *
wm_format_fraction_plain (gint64 part, gint64 whole)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (whole == 0)
    return g_strdup ("");
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.4f", (double) part / (double) whole));
}

char *
wm_format_pounds_short (gint64 pence)
{
  double      pounds = ABS ((double) pence) / 100.0;
  const char *sign = pence < 0 ? "-" : "";

  if (pounds >= 999500000.0)
    return g_strdup_printf ("%s£%.1fbn", sign, pounds / 1e9);
  if (pounds >= 9995000.0)
    return g_strdup_printf ("%s£%.0fm", sign, pounds / 1e6);
  if (pounds >= 999500.0)
    return g_strdup_printf ("%s£%.1fm", sign, pounds / 1e6);
  if (pounds >= 999.5)
    return g_strdup_printf ("%s£%.0fk", sign, pounds / 1e3);
  return g_strdup_printf ("%s£%.0f", sign, pounds);
}

char *
wm_format_share (gint64 part, gint64 whole)
{
  if (whole == 0)
    return g_strdup ("-");
  return g_strdup_printf ("%.1f%%", 100.0 * (double) part / (double) whole);
}

void
wm_csv_append_row (GString *out, const char *const *fields, guint n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    {
      const char *field = fields[i] ? fields[i] : "";
      size_t      len = strlen (field);
      gsize       start;

      if (i > 0)
        g_string_append_c (out, ',');
      /* csv_write needs at most 2 + 2 * len bytes: the quotes, and each quote doubled */
      start = out->len;
      g_string_set_size (out, start + 2 * len + 2);
      g_string_set_size (out, start + csv_write (out->str + start, 2 * len + 2, field, len));
    }
  g_string_append (out, "\r\n");
}

gboolean
wm_parse_lat_lon (const char *text, double *lat, double *lon)
{
  const char *p = text;
  char       *end = NULL;

  if (text == NULL)
    return FALSE;
  *lat = g_ascii_strtod (p, &end);
  if (end == p)
    return FALSE;
  p = end;
  while (*p == ' ' || *p == ',' || *p == '\t')
    p++;
  if (p == end)
    return FALSE;
  *lon = g_ascii_strtod (p, &end);
  if (end == p)
    return FALSE;
  while (*end == ' ')
    end++;
  return *end == '\0' && isfinite (*lat) && isfinite (*lon);
}
