/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Cleveland analysis: which sectors' influenceable spend leaks out of the local area
 * (gaps), where a new local enterprise serving one could be sited (sites), what moving some of
 * that spend would be worth (scenario), the anchors as a network, and how a sector's spend
 * could be let in lots a small firm could bid for. Definitions and formulas: docs/gaps.md.
 * Only influenceable spend counts (wm-sectors.h); the rest is listed apart, never hidden. */
#pragma once

#include "wm-project.h"

G_BEGIN_DECLS

/* ---- gaps ------------------------------------------------------------------------------- */

typedef struct
{
  /* score = leaked £ × (1 + anchor_weight × (anchors buying − 1))
   *                  / (1 + local_weight × local suppliers in the sector) */
  double anchor_weight;
  double local_weight;
} WmGapWeights;

#define WM_GAP_ANCHOR_WEIGHT_DEFAULT 0.5
#define WM_GAP_LOCAL_WEIGHT_DEFAULT 1.0

typedef struct
{
  char  *name;
  gint64 amount; /* pence */
} WmNamedAmount;

typedef struct
{
  char      *sector;
  gint64     total; /* influenceable pence */
  gint64     local;
  gint64     regional;
  gint64     leaked;
  gint64     unlocated;
  gint64     unclassified; /* located, no place set */
  int        anchors_buying;
  int        anchors_leaking;
  char      *anchors;         /* the anchors buying, comma-separated */
  int        suppliers_local; /* suppliers paid in the sector, by place */
  int        suppliers_regional;
  int        suppliers_leaked;
  int        suppliers_unlocated;
  int        local_firms; /* local suppliers paid in the sector or with a SIC code of it */
  double     score;       /* pounds, see WmGapWeights */
  int        rank;        /* 1 = the largest opportunity */
  GPtrArray *top_leaked;  /* WmNamedAmount*, the largest leaked suppliers (at most 5) */
} WmGapRow;

typedef struct
{
  char  *reason;
  gint64 amount;
  gint64 lines;
} WmExcludedRow;

typedef struct
{
  WmGapWeights weights;
  gboolean     place_set;
  GPtrArray   *rows;     /* WmGapRow*, by rank */
  GPtrArray   *excluded; /* WmExcludedRow*: spend that is not influenceable, by reason */
  gint64       influenceable;
  gint64       leaked;
} WmGaps;

/* The project's weights (settings gap_anchor_weight, gap_local_weight; defaults above). */
WmGapWeights wm_project_gap_weights (WmProject *self);
gboolean wm_project_set_gap_weights (WmProject *self, const WmGapWeights *weights, GError **error);
double
wm_gap_score (const WmGapWeights *weights, gint64 leaked, int anchors_buying, int local_firms);

/* Scores the rows with @weights, sorts them by score and numbers their ranks: how
 * wm_project_gaps ranks, and how the app re-ranks when a weight changes. */
void wm_gaps_rank (WmGaps *gaps, const WmGapWeights *weights);
/* @weights NULL: the project's. */
WmGaps *wm_project_gaps (WmProject *self, const WmGapWeights *weights, GError **error);
void    wm_gaps_free (WmGaps *gaps);
char   *wm_gaps_to_json (const WmGaps *gaps);
/* One row per sector, UTF-8 with a BOM so spreadsheet programs read the £ right. */
char *wm_gaps_to_csv (const WmGaps *gaps);

/* ---- sites ------------------------------------------------------------------------------ */

typedef struct
{
  double deprivation_weight; /* defaults 0.6, 0.3, 0.1 */
  double proximity_weight;
  double vacancy_weight;
} WmSiteWeights;

typedef struct
{
  char  *code;
  char  *name;
  double mean_rank;   /* population-weighted mean national rank in the domain (1 = most deprived) */
  int    decile;      /* national decile of that mean rank */
  double deprivation; /* 1 - (mean_rank - 1) / LSOAs in England: 1 = most deprived */
  double share_decile_1;
  gint64 population;
  double distance_km; /* spend-weighted mean great-circle distance to the anchors buying */
  double proximity;   /* 1 / (1 + distance_km / 10) */
  int    suppliers;   /* suppliers of the sector already located in the ward */
  double vacancy;     /* 1 / (1 + suppliers) */
  double score;
} WmSiteRow;

typedef struct
{
  char         *sector;
  char         *domain;
  WmSiteWeights weights;
  GPtrArray    *anchors;    /* WmNamedAmount*: anchors buying in the sector, influenceable £ */
  GPtrArray    *rows;       /* WmSiteRow*, best first */
  gboolean      local_only; /* candidates are the local area's wards (else every ward) */
} WmSites;

/* Candidate wards for a new enterprise in @sector ranked by deprivation in @domain (imd,
 * income, employment, ...), nearness to the anchors that buy in the sector, and the absence of
 * local suppliers of it. @weights NULL: the defaults. */
WmSites *wm_project_sites (WmProject           *self,
                           const char          *sector,
                           const char          *domain,
                           const WmSiteWeights *weights,
                           GError             **error);
void     wm_sites_free (WmSites *sites);
char    *wm_sites_to_json (const WmSites *sites);

/* ---- scenario --------------------------------------------------------------------------- */

#define WM_RESPEND_2_DEFAULT 0.40
#define WM_RESPEND_3_DEFAULT 0.40
#define WM_PER_JOB_DEFAULT 100000.0

typedef struct
{
  char  *name;    /* anchor, or "All anchors" */
  gint64 located; /* influenceable located pence */
  gint64 local;   /* before */
  gint64 shifted; /* pence moved to local suppliers */
  double share_before;
  double share_after;
} WmScenarioRow;

typedef struct
{
  GStrv      sectors;    /* NULL: every sector */
  double     shift;      /* 0..1 */
  double     respend[2]; /* rounds 2 and 3 */
  double     per_job;    /* pounds of local turnover per FTE job */
  gint64     leaked;     /* leaked influenceable pence in the sectors */
  gint64     round[3];   /* LM3 rounds, pence */
  double     lm3;        /* (round 1 + 2 + 3) / round 1 */
  double     jobs_direct;
  double     jobs_total;
  GPtrArray *rows; /* WmScenarioRow*: each anchor, then all anchors */
} WmScenario;

/* Each anchor's influenceable located, local and (by sector) leaked spend: what a scenario
 * needs, read once so that a scenario is arithmetic (the app's sliders recompute it live). */
typedef struct _WmScenarioBase WmScenarioBase;
WmScenarioBase                *wm_project_scenario_base (WmProject *self, GError **error);
void                           wm_scenario_base_free (WmScenarioBase *base);
WmScenario                    *wm_scenario_compute (const WmScenarioBase *base,
                                                    const char *const    *sectors,
                                                    double                shift,
                                                    const double          respend[2],
                                                    double                per_job,
                                                    GError              **error);

/* Moving @shift (0..1) of the leaked influenceable spend in @sectors (NULL: all) to local
 * suppliers: wm_project_scenario_base, then wm_scenario_compute. */
WmScenario *wm_project_scenario (WmProject         *self,
                                 const char *const *sectors,
                                 double             shift,
                                 const double       respend[2],
                                 double             per_job,
                                 GError           **error);
void        wm_scenario_free (WmScenario *scenario);
char       *wm_scenario_to_json (const WmScenario *scenario);

/* ---- network ---------------------------------------------------------------------------- */

typedef struct
{
  char  *name;
  gint64 total;
  gint64 public_bodies;
  gint64 supplier_spend; /* total - public bodies */
  gint64 local, regional, leaked, located;
  gint64 sme, vcse, large, unknown_kind; /* of supplier spend, by the suppliers' kind */
} WmNetworkAnchor;

typedef struct
{
  char  *name;
  char  *place;  /* local, regional, leaked or NULL (unplaced) */
  gint64 amount; /* all anchors */
  int    anchors;
  char  *by_anchor; /* "Fire £12,000; PCC £3,400" */
} WmSharedSupplier;

typedef struct
{
  char  *sector;
  gint64 leaked;
  int    anchors;
  char  *by_anchor;
} WmJointSector;

typedef struct
{
  GPtrArray *anchors; /* WmNetworkAnchor*, then the combined row named "All anchors" */
  GPtrArray *shared;  /* WmSharedSupplier*: paid by two or more anchors, by amount */
  GPtrArray *joint;   /* WmJointSector*: influenceable spend leaked by two or more anchors */
} WmNetwork;

WmNetwork *wm_project_network (WmProject *self, GError **error);
void       wm_network_free (WmNetwork *network);
char      *wm_network_to_json (const WmNetwork *network);

/* ---- lots ------------------------------------------------------------------------------- */

typedef struct
{
  const char *band;            /* "under £10k", "£10k-£25k", "£25k-£50k", "over £50k" */
  gint64      payments;        /* payments in the band */
  gint64      payment_amount;  /* pence */
  gint64      supplier_years;  /* (supplier, year) totals in the band */
  gint64      supplier_amount; /* pence */
  gint64      leaked_amount;   /* pence of leaked supplier-years in the band */
} WmLotBand;

typedef struct
{
  char     *sector;
  WmLotBand bands[4];
  gint64    total;
} WmLots;

WmLots *wm_project_lots (WmProject *self, const char *sector, GError **error);
void    wm_lots_free (WmLots *lots);
char   *wm_lots_to_json (const WmLots *lots);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmGaps, wm_gaps_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmSites, wm_sites_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmScenario, wm_scenario_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmScenarioBase, wm_scenario_base_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmNetwork, wm_network_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmLots, wm_lots_free)

G_END_DECLS
