/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the CLI's verbs share (wealthmap-cli.c): errors, option parsing, opening a project. */
#pragma once

#include "app/core/wealthmap-core.h"

/* Prints "wealthmap-cli: MESSAGE", frees @error and returns 1. */
int cli_fail (GError *error);
/* Prints "wealthmap-cli: MESSAGE" and returns 2. */
int cli_usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);
/* Parses the options; FALSE (after saying why) unless exactly @n_positional arguments remain. */
gboolean
cli_parse (GOptionContext *context, int *argc, char ***argv, int n_positional, const char *usage);
WmProject *cli_open_project (const char *path);
/* Writes @text to @path whole (a temporary file renamed into place); FALSE after saying why. */
gboolean cli_write_text (const char *path, const char *text);
/* The same, as a GError whose message names PATH (not GLib's temporary file). */
gboolean cli_set_contents (const char *path, const char *text, GError **error);

/* The project's sector named @name (name or slug; an interned string), or NULL after saying
 * which sectors there are. */
const char *cli_sector (WmProject *project, const char *name);

/* The analysis verbs (wm-cli-gaps.c). */
int cli_verb_sectors (int argc, char **argv);
int cli_verb_gaps (int argc, char **argv);
int cli_verb_sites (int argc, char **argv);
int cli_verb_scenario (int argc, char **argv);
int cli_verb_network (int argc, char **argv);
int cli_verb_lots (int argc, char **argv);

/* The reports (wm-cli-report.c). */
int cli_verb_ward_report (int argc, char **argv);

/* Stories (wm-cli-story.c). */
int cli_verb_story (int argc, char **argv);
