/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the fuzz harnesses share: a fresh project for every input (copied from one made at
 * start-up, so each run sees the same empty project) and a file in GDAL's /vsimem/. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "app/core/wealthmap-core.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Opens a fresh copy of the empty project; never NULL. */
WmProject *fuzz_fresh_project (void);

/* Puts @data in /vsimem/ under @name and returns the path (static storage). */
const char *fuzz_vsimem_file (const char *name, const uint8_t *data, size_t size);
void        fuzz_vsimem_free (const char *path);
