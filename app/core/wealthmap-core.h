/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The public API of libwealthmap-core, for the CLI, the app, tests and benchmarks. */
#pragma once

#include "wm-analysis.h"
#include "wm-core-types.h"
#include "wm-error.h"
#include "wm-gaps.h"
#include "wm-geocoder.h"
#include "wm-import-areas.h"
#include "wm-import-deprivation.h"
#include "wm-import-postcodes.h"
#include "wm-import-spend.h"
#include "wm-import-suppliers.h"
#include "wm-map-data.h"
#include "wm-place.h"
#include "wm-project.h"
#include "wm-public.h"
#include "wm-report.h"
#include "wm-story.h"
#include "wm-review.h"
#include "wm-sectors.h"
#include "wm-spend-lines.h"
#include "wm-text.h"
