/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The areas importer on GeoJSON through GDAL's /vsimem/: field detection, CRS, empty, null
 * and invalid geometries (repaired with GEOS), duplicate codes, the lon/lat range check. */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (WmProject) project = fuzz_fresh_project ();
  g_autoptr (WmImportReport) report = NULL;
  g_autoptr (GError) error = NULL;
  const char *path = fuzz_vsimem_file ("areas.geojson", data, size);

  if (wm_project_import_areas (project, path, NULL, NULL, NULL, NULL, &report, &error))
    g_assert_cmpuint (report->imported + report->malformed, ==, report->rows_read);
  else
    g_assert (error != NULL);
  fuzz_vsimem_free (path);
  return 0;
}
