/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The WM_ERROR quark. */
#include "wm-error.h"

GQuark
wm_error_quark (void)
{
  return g_quark_from_static_string ("wm-error-quark");
}
