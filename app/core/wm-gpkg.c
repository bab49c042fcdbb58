/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GeoPackage geometry blobs (GeoPackage 1.3, clause 2.1.3): magic "GP", version 0, flags,
 * srs_id, envelope, then the geometry as ISO WKB. OGR does the WKB; the header is ours. */
#include "wm-gpkg.h"

#include <string.h>

#define FLAG_LITTLE_ENDIAN 0x01
#define FLAG_ENVELOPE_XY (1 << 1)
#define FLAG_EMPTY 0x10

static void
put_header (guint8 *out, guint8 flags, int srs_id)
{
  gint32 srs = GINT32_TO_LE (srs_id);

  out[0] = 'G';
  out[1] = 'P';
  out[2] = 0;
  out[3] = flags;
  memcpy (out + 4, &srs, 4);
}

static void
put_double (guint8 *out, double v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  bits = GUINT64_TO_LE (bits);
  memcpy (out, &bits, 8);
}

guint8 *
wm_gpkg_blob_from_geometry (OGRGeometryH geometry, int srs_id, gsize *length)
{
  OGREnvelope env;
  int         wkb_size;
  guint8     *blob;

  if (geometry == NULL || OGR_G_IsEmpty (geometry))
    return NULL;
  wkb_size = OGR_G_WkbSize (geometry);
  OGR_G_GetEnvelope (geometry, &env);
  blob = g_malloc (8 + 32 + (gsize) wkb_size);
  put_header (blob, FLAG_LITTLE_ENDIAN | FLAG_ENVELOPE_XY, srs_id);
  put_double (blob + 8, env.MinX);
  put_double (blob + 16, env.MaxX);
  put_double (blob + 24, env.MinY);
  put_double (blob + 32, env.MaxY);
  OGR_G_ExportToIsoWkb (geometry, wkbNDR, blob + 40);
  *length = 40 + (gsize) wkb_size;
  return blob;
}

guint8 *
wm_gpkg_blob_from_point (double lon, double lat, gsize *length)
{
  guint8 *blob = g_malloc (8 + 21);
  guint32 type = GUINT32_TO_LE (1);

  /* Points carry no envelope: it would only repeat the coordinates. */
  put_header (blob, FLAG_LITTLE_ENDIAN, 4326);
  blob[8] = 1; /* little endian WKB */
  memcpy (blob + 9, &type, 4);
  put_double (blob + 13, lon);
  put_double (blob + 21, lat);
  *length = 29;
  return blob;
}

OGRGeometryH
wm_gpkg_geometry_from_blob (const guint8 *blob, gsize length)
{
  static const int envelope_sizes[8] = { 0, 32, 48, 48, 64, 0, 0, 0 };
  OGRGeometryH     geometry = NULL;
  gsize            header;

  if (blob == NULL || length < 8 || blob[0] != 'G' || blob[1] != 'P')
    return NULL;
  if (blob[3] & FLAG_EMPTY)
    return NULL;
  header = 8 + (gsize) envelope_sizes[(blob[3] >> 1) & 7];
  if (length <= header)
    return NULL;
  if (OGR_G_CreateFromWkbEx (blob + header, NULL, &geometry, length - header) != OGRERR_NONE)
    return NULL;
  return geometry;
}
