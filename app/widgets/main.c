/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wealthmap: the desktop app. */
#include <gdal.h>
#include <locale.h>

#include "wm-application.h"

int
main (int argc, char **argv)
{
  g_autoptr (WmApplication) app = NULL;

  setlocale (LC_ALL, "");
  GDALAllRegister ();
  app = wm_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
