/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GeoPackage geometry blobs: the "GP" header (with envelope) followed by ISO WKB. */
#pragma once

#include <glib.h>
#include <ogr_api.h>

G_BEGIN_DECLS

/* A GeoPackage blob of @geometry in EPSG:@srs_id, or NULL for an empty/NULL geometry. */
guint8      *wm_gpkg_blob_from_geometry (OGRGeometryH geometry, int srs_id, gsize *length);
guint8      *wm_gpkg_blob_from_point (double lon, double lat, gsize *length);
OGRGeometryH wm_gpkg_geometry_from_blob (const guint8 *blob, gsize length);

G_END_DECLS
