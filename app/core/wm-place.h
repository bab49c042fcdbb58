/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The local authorities a project can take its local area and region from: those with
 * imported boundaries, and those the postcode table names as the district of imported wards,
 * each with its name, how many imported wards lie in it and its role in the current place. */
#pragma once

#include "wm-project.h"

G_BEGIN_DECLS

typedef enum
{
  WM_PLACE_ROLE_NONE,
  WM_PLACE_ROLE_LOCAL,
  WM_PLACE_ROLE_REGION,
} WmPlaceRole;

typedef struct
{
  char *code;
  char *name;          /* from its boundary, else the shipped list of English authorities;
                          the code when neither knows it */
  guint       n_wards; /* imported wards in it */
  WmPlaceRole role;    /* in the project's place as set now */
} WmAuthority;

void wm_authority_free (WmAuthority *authority);

/* Sorted by name. Authorities with no imported ward are left out: they cannot be a place. */
GPtrArray *wm_project_list_authorities (WmProject *self, GError **error);

/* The place as set: region_km > 0 when the region is "within that distance". */
void wm_project_get_region_km (WmProject *self, double *region_km);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmAuthority, wm_authority_free)

G_END_DECLS
