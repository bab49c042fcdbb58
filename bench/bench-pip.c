/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Point-in-polygon at national scale: the project's LSOAs loaded into the spatial index the
 * geocoder uses, then N postcode points of the project's postcode table (shuffled with a fixed
 * seed, as a supplier list would come) looked up one by one. Prints the load time and the CPU
 * time of the lookups. Figures go to docs/performance.md.
 *
 * Usage: bench-pip PROJECT.wealthmap [N (1000000)] [LEVEL (lsoa)] */
#include <gdal.h>
#include <stdlib.h>
#include <time.h>

#include "wm-geocoder.h"
#include "wm-project-private.h"
#include "wm-project.h"

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WmProject) project = NULL;
  g_autoptr (GPtrArray) codes = NULL;
  g_autoptr (WmSpatialIndex) index = NULL;
  g_autoptr (GArray) points = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261124);
  sqlite3_stmt *stmt;
  guint         n = argc > 2 ? (guint) atoi (argv[2]) : 1000000, found = 0;
  const char   *level = argc > 3 ? argv[3] : "lsoa";
  double        t, wall;

  if (argc < 2)
    {
      g_printerr ("usage: bench-pip PROJECT.wealthmap [N] [LEVEL]\n");
      return 2;
    }
  GDALAllRegister ();
  project = wm_project_open (argv[1], &error);
  if (project == NULL)
    g_error ("%s", error->message);
  wall = g_get_monotonic_time () / 1e6;
  t = cpu_seconds ();
  index = _wm_load_area_index (_wm_project_get_db (project), level, &codes, &error);
  if (index == NULL)
    g_error ("%s", error->message);
  g_print ("index: %u %s areas loaded from the project in %.3f s (%.3f s CPU)\n",
           wm_spatial_index_size (index), level, g_get_monotonic_time () / 1e6 - wall,
           cpu_seconds () - t);

  sqlite3_prepare_v2 (_wm_project_get_db (project), "SELECT lon, lat FROM postcodes", -1, &stmt,
                      NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      double xy[2] = { sqlite3_column_double (stmt, 0), sqlite3_column_double (stmt, 1) };

      g_array_append_vals (points, xy, 2);
    }
  sqlite3_finalize (stmt);
  /* Fisher-Yates on the pairs, then the first n */
  for (guint i = points->len / 2 - 1; i > 0; i--)
    {
      guint   j = (guint) g_rand_int_range (rand, 0, (gint32) i + 1);
      double *a = &g_array_index (points, double, 2 * i),
             *b = &g_array_index (points, double, 2 * j);
      double x = a[0], y = a[1];

      a[0] = b[0], a[1] = b[1], b[0] = x, b[1] = y;
    }
  n = MIN (n, points->len / 2);

  t = cpu_seconds ();
  for (guint i = 0; i < n; i++)
    found += wm_spatial_index_find (index, g_array_index (points, double, 2 * i),
                                    g_array_index (points, double, 2 * i + 1))
             >= 0;
  t = cpu_seconds () - t;
  g_print ("point-in-polygon: %u points, %u inside an area, %.3f s CPU (%.2f M points/s)\n", n,
           found, t, n / t / 1e6);
  return 0;
}
