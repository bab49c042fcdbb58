/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Placing suppliers and anchors: postcode -> coordinates (from the imported postcode table),
 * coordinates -> ward and LSOA (point in polygon), and ward -> local / regional / leaked. */
#pragma once

#include <sqlite3.h>

#include "wm-project.h"
#include "wm-spatial-index.h"

G_BEGIN_DECLS

/* The areas of one level ("ward", "lsoa", "lad") as a spatial index; @codes receives the code
 * of each id returned by find() (ids are indexes into @codes). NULL when there are none. */
WmSpatialIndex *
_wm_load_area_index (sqlite3 *db, const char *level, GPtrArray **codes, GError **error);

/* Locates every supplier and anchor and classifies it; inside the caller's transaction. */
gboolean _wm_project_locate (WmProject *self, GCancellable *cancellable, GError **error);

/* Sets the local area and the region. Codes may be of any imported level; a LAD code expands
 * to the wards inside it. @region_km > 0 makes the region "within that distance of the local
 * area" instead of @region_codes. */
gboolean wm_project_set_place (WmProject         *self,
                               const char *const *local_codes,
                               const char *const *region_codes,
                               double             region_km,
                               GError           **error);

/* Gives a supplier a trading postcode by hand (the fix for an unlocated supplier), then places
 * it and everything else again; one transaction. The postcode must be in the imported postcode
 * table. */
gboolean wm_project_locate_supplier (WmProject  *self,
                                     gint64      supplier_id,
                                     const char *postcode,
                                     GError    **error);

/* The same with coordinates (WGS 84, latitude first), for a supplier whose postcode is unknown
 * or not in the postcode table; refused outside the United Kingdom. */
gboolean wm_project_locate_supplier_at (
    WmProject *self, gint64 supplier_id, double lat, double lon, GError **error);

G_END_DECLS
