/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Public bodies: payees that are councils, government, the NHS, police, fire, pension funds,
 * schools, universities, colleges or courts. Payments to them are not spend a local supplier
 * could win, so they are their own slice everywhere and never "unplaced suppliers". They are
 * told apart by rules (pattern, match, body): the shipped list data/public-bodies.csv (made by
 * data/make-public-bodies.py from the English local authority names) is each new project's
 * copy, which the user can export, edit and import again (`wealthmap-cli public`). */
#pragma once

#include "wm-core-types.h"
#include "wm-project.h"

G_BEGIN_DECLS

typedef struct _WmPublicRules WmPublicRules;

WmPublicRules *wm_public_rules_new (void);
void           wm_public_rules_free (WmPublicRules *rules);
/* @match is "words" (the pattern's words appear in the name, in order, as whole words),
 * "exact" (the whole name), "not" (never a public body; beats "words") or "always" (a public
 * body even when a "not" rule matches). @body says what kind of public body. */
gboolean wm_public_rules_add (
    WmPublicRules *rules, const char *pattern, const char *match, const char *body, GError **error);
guint wm_public_rules_count (WmPublicRules *rules);
/* The rules in a CSV file with the columns pattern, match, body; errors name file and line. */
WmPublicRules *wm_public_rules_load (const char *path, GError **error);
/* The shipped list. */
WmPublicRules *wm_public_rules_default (void);
/* The kind of public body @name is ("local authority", "NHS", ...), or NULL when it is none.
 * The most specific (longest) matching pattern decides. */
const char *wm_public_rules_match (WmPublicRules *rules, const char *name);

/* The English local authority (2013) named by @code ("E07000120" -> "Hyndburn"), or NULL. */
const char *wm_local_authority_name (const char *code);

/* The project's list. */
WmPublicRules *wm_project_public_rules (WmProject *self, GError **error);
/* Replaces the project's list with the rules in @path (CSV as above) and classifies every
 * supplier again, in one transaction; a bad file changes nothing. */
gboolean wm_project_import_public_rules (WmProject       *self,
                                         const char      *path,
                                         WmImportReport **report,
                                         GError         **error);
/* Writes the project's list as CSV (pattern, match, body). */
gboolean wm_project_export_public_rules (WmProject *self, const char *path, GError **error);

typedef struct
{
  char  *name;
  char  *body;   /* "local authority", "NHS", ... */
  gint64 amount; /* pence */
  gint64 lines;
} WmPublicPayee;

/* The public bodies paid, largest first: the public slice of `summary`, itemised. */
GPtrArray *wm_project_public_payees (WmProject *self, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WmPublicRules, wm_public_rules_free)

G_END_DECLS
