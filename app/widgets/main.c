/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wealthmap: the desktop app. */
#include <gdal.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "wm-application.h"

int
main (int argc, char **argv)
{
  g_autoptr (WmApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  GDALAllRegister ();
  app = wm_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
