#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The least time any spend import can take to store a project's lines: copies the spend table
# of PROJECT (e.g. after importing bench/gen-spend.py's 900,000-line CSV) into an empty SQLite
# file with one INSERT ... SELECT (no parsing, no binding, no matching) and builds the same
# three indexes, with the pragmas the importer uses. Prints sqlite3's timer for each step.
#   bench/store-floor.sh PROJECT.wealthmap
set -euo pipefail
project=$1
out=$(mktemp -d)/floor.db
trap 'rm -rf "$(dirname "$out")"' EXIT
schema=$(sqlite3 "$project" "SELECT sql FROM sqlite_master WHERE name = 'spend'")
indexes=$(sqlite3 "$project" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index'
                              AND tbl_name = 'spend' AND sql IS NOT NULL")
/usr/bin/time -f "whole run %e s" sqlite3 "$out" <<SQL
PRAGMA journal_mode=DELETE;
PRAGMA synchronous=NORMAL;
PRAGMA threads=2;
PRAGMA cache_size=-65536;
ATTACH '$project' AS src;
$schema;
.timer on
BEGIN;
INSERT INTO spend SELECT * FROM src.spend;
$indexes
COMMIT;
.timer off
SELECT count(*) || ' lines stored' FROM spend;
SQL
