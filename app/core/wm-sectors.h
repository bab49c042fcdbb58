/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sectors and influenceable spend. Every spend line gets a sector, from (in this order) the
 * supplier's SIC codes, the line's expense fields (category, classification, description,
 * service) and the payee's name, each matched against a list of rules; a line none of them
 * places is "Unclassified", counted and listed. A second list says which spend a local firm
 * could not win (tax, grants, pay, national contracts...): that spend is not influenceable and
 * is left out of gaps and scenarios. Payments to public bodies are never influenceable.
 *
 * The shipped lists are data/sectors.csv (source, pattern, sector) and
 * data/non-influenceable.csv (source, pattern, reason); each project keeps its own copies,
 * which `wealthmap-cli sectors` exports and imports. docs/sectors.md has the sector list,
 * its SIC 2007 sections and the matching rules. A WmSectorRules memoises its lookups, so one
 * must not be shared between threads. */
#pragma once

#include "wm-core-types.h"
#include "wm-project.h"

G_BEGIN_DECLS

#define WM_SECTOR_UNCLASSIFIED "Unclassified"
#define WM_EXCLUDED_PUBLIC "public body"

typedef struct _WmSectorRules WmSectorRules;

WmSectorRules *wm_sector_rules_new (void);
void           wm_sector_rules_free (WmSectorRules *rules);
/* A sector rule. @source is "sic" (@pattern is a SIC 2007 code prefix of 2 to 5 digits; the
 * longest prefix decides; sector "-" marks a code that says nothing, which is skipped),
 * "expense" (@pattern's words appear, in order and whole, in one of the line's expense fields;
 * the rule with the most words decides, ties go to the earlier rule; sector "-" sends the line
 * on to its next field) or "supplier" (the same on the payee's name). */
gboolean wm_sector_rules_add (WmSectorRules *rules,
                              const char    *source,
                              const char    *pattern,
                              const char    *sector,
                              GError       **error);
/* An exclusion: @source is "sector" (@pattern is a sector's name), "expense" or "supplier"
 * (word patterns, as above); @reason says why such spend is not influenceable. */
gboolean wm_sector_rules_add_exclusion (WmSectorRules *rules,
                                        const char    *source,
                                        const char    *pattern,
                                        const char    *reason,
                                        GError       **error);
guint    wm_sector_rules_count (WmSectorRules *rules);
guint    wm_sector_rules_count_exclusions (WmSectorRules *rules);
/* A rule as given: the rows of data/sectors.csv (source, pattern, sector) or of
 * data/non-influenceable.csv (source, pattern, reason). */
typedef struct
{
  char *source;
  char *pattern;
  char *value;
} WmRuleText;

/* The sector rules (or, @exclusions, the exclusions) as given, in order: WmRuleText*. */
const GPtrArray *wm_sector_rules_texts (WmSectorRules *rules, gboolean exclusions);
/* Writes the rules to CSV files in the layout the load functions read; either path may be
 * NULL. */
gboolean wm_sector_rules_save (WmSectorRules *rules,
                               const char    *sectors_path,
                               const char    *exclusions_path,
                               GError       **error);

/* The sector names the rules use, in the order they first appear. */
GPtrArray *wm_sector_rules_sectors (WmSectorRules *rules);
/* Rules from CSV files (columns source, pattern, sector / source, pattern, reason); errors name
 * file and line. Either path may be NULL. */
gboolean wm_sector_rules_load_sectors (WmSectorRules *rules, const char *path, GError **error);
gboolean wm_sector_rules_load_exclusions (WmSectorRules *rules, const char *path, GError **error);
/* The shipped lists. */
WmSectorRules *wm_sector_rules_default (void);

/* The sector of a line (never NULL: WM_SECTOR_UNCLASSIFIED when nothing decides) and in
 * @source what decided it ("sic", "expense", "supplier" or NULL). @sic is the supplier's codes
 * separated by spaces or commas; @fields the line's category, classification, description and
 * service; any may be NULL. */
const char *wm_sector_rules_classify (WmSectorRules    *rules,
                                      const char       *sic,
                                      const char *const fields[4],
                                      const char       *payee,
                                      const char      **source);
/* Why spend in @sector with these fields and payee is not influenceable, or NULL. */
const char *wm_sector_rules_exclusion (WmSectorRules    *rules,
                                       const char       *sector,
                                       const char *const fields[4],
                                       const char       *payee);
/* What a line's own fields (category, classification, description, service, in that order)
 * say: the sector of the first that matches an expense rule, and why the spend is not
 * influenceable by the first that matches an exclusion rule; NULL for none. The texts belong
 * to @rules. Needs nothing but the line, so it can be worked out on another thread with
 * another copy of the rules (a WmSectorRules is not for two threads at once). */
typedef struct
{
  const char *sector;
  const char *not_why;
} WmFieldsVerdict;
void wm_sector_rules_judge_fields (WmSectorRules    *rules,
                                   const char *const fields[4],
                                   WmFieldsVerdict  *verdict);
/* wm_sector_rules_decide() with the fields already judged (by equal rules). */
const char *wm_sector_rules_decide_judged (WmSectorRules         *rules,
                                           const char            *sic,
                                           gboolean               is_public,
                                           const WmFieldsVerdict *verdict,
                                           const char            *payee,
                                           const char           **source,
                                           const char           **why);
/* Everything the project stores about a line's sector: the sector, how it was decided in
 * @source (NULL: unclassified) and in @why the reason it is not influenceable (NULL: it is).
 * @is_public: the payee's supplier is a public body and the line is not redacted. */
const char *wm_sector_rules_decide (WmSectorRules    *rules,
                                    const char       *sic,
                                    gboolean          is_public,
                                    const char *const fields[4],
                                    const char       *payee,
                                    const char      **source,
                                    const char      **why);
/* The sector a SIC code list alone gives, or NULL. */
const char *wm_sector_rules_sic_sector (WmSectorRules *rules, const char *sic);
/* Finds a sector by its name or slug ("ict-telecoms"), case-insensitively. */
const char *wm_sector_rules_find (WmSectorRules *rules, const char *name);

/* The project's lists. */
WmSectorRules *wm_project_sector_rules (WmProject *self, GError **error);
/* Replaces the project's sector rules and/or exclusions (either path may be NULL) and gives
 * every line its sector again, in one transaction; a bad file changes nothing. */
gboolean wm_project_import_sector_rules (WmProject  *self,
                                         const char *sectors_path,
                                         const char *exclusions_path,
                                         GError    **error);
/* Replaces the project's sector rules (@sectors) and/or exclusions (@exclusions) with those in
 * @rules and gives every line its sector again, in one transaction (the app's rules editor). */
gboolean wm_project_set_sector_rules (WmProject     *self,
                                      WmSectorRules *rules,
                                      gboolean       sectors,
                                      gboolean       exclusions,
                                      GCancellable  *cancellable,
                                      GError       **error);
gboolean wm_project_export_sector_rules (WmProject  *self,
                                         const char *sectors_path,
                                         const char *exclusions_path,
                                         GError    **error);

/* How much of each spend file the sectors cover. */
typedef struct
{
  char  *file;
  char  *anchor;
  gint64 lines;
  gint64 gross;      /* pence, sum of |amount| */
  gint64 by_sic;     /* gross pence whose sector came from the supplier's SIC codes */
  gint64 by_expense; /* ... from the expense fields */
  gint64 by_supplier;
  gint64 unclassified;
} WmSectorCoverage;

GPtrArray *wm_project_sector_coverage (WmProject *self, GError **error);

typedef struct
{
  char  *text; /* the expense text (first non-empty field) or payee of unclassified lines */
  gint64 amount;
  gint64 lines;
} WmUnclassified;

/* The largest unclassified expense texts, by gross £. */
GPtrArray *wm_project_unclassified (WmProject *self, guint limit, GError **error);

/* Both as JSON: {"files": [{file, anchor, lines, gross, by_sic, by_expense, by_supplier,
 * unclassified, covered_share}], "unclassified": [{text, amount, lines}]}. */
char *wm_sector_coverage_to_json (GPtrArray *coverage, GPtrArray *unclassified);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmSectorRules, wm_sector_rules_free)

G_END_DECLS
