/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The WM_ERROR domain: every failure of the core is one of these codes, with a message that
 * names the file and the line (or sheet and row) where the problem is. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WM_ERROR (wm_error_quark ())

typedef enum
{
  WM_ERROR_FAILED,    /* anything not covered below */
  WM_ERROR_IO,        /* a file could not be opened or read */
  WM_ERROR_FORMAT,    /* the file is not in a format we understand */
  WM_ERROR_NO_HEADER, /* no header row with the columns we need */
  WM_ERROR_MISSING_COLUMN,
  WM_ERROR_BAD_VALUE, /* a value that cannot be parsed (amount, date, code) */
  WM_ERROR_CRS,       /* no or unusable coordinate reference system */
  WM_ERROR_PROJECT,   /* not a Wealthmap project, or a damaged one */
  WM_ERROR_VERSION,   /* a project written by a newer Wealthmap */
  WM_ERROR_READ_ONLY,
  WM_ERROR_NOT_FOUND, /* an anchor, area or sector that does not exist */
  WM_ERROR_CANCELLED,
  WM_ERROR_DATABASE,
} WmError;

GQuark wm_error_quark (void);

G_END_DECLS
