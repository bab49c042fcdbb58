#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Time and memory of importing the full Companies House file (issue "placing suppliers"):
# bench/gen-ch.py writes BasicCompanyDataAsOneFile in its published layout at ROWS companies
# (5M by default, about 2.4 GB, and its .zip), then the CLI imports it into a new project and,
# when BASE is given, into a copy of BASE (a project with areas and postcodes, so every company
# is also located), reading the CSV and then the .zip through /vsizip/.
# Prints seconds, MB/s and peak RSS split into heap (RssAnon) and the mapped project file
# (RssFile: SQLite reads the project through a memory map; those pages are page cache).
#   bench/ch-import.sh BUILD_DIR WORK_DIR [ROWS (5000000)] [BASE.wealthmap] [SHARED_DATA]
set -euo pipefail
build=$(realpath "$1")
work=$2
rows=${3:-5000000}
base=${4:-}
shared=$(realpath "${5:-$(dirname "$0")/../../shared/data}")
cli=$build/app/cli/wealthmap-cli
mkdir -p "$work"
csv=$work/BasicCompanyDataAsOneFile-$rows.csv
[ -s "$csv" ] && [ -s "${csv%.csv}.zip" ] \
  || /usr/bin/python3 "$(dirname "$0")/gen-ch.py" "$shared" "$csv" "$rows" --zip

# run NAME PROJECT FILE: import FILE into PROJECT, sampling /proc for the peak heap and map.
run () {
  local name=$1 project=$2 file=$3 t0 t1 pid anon=0 mapped=0 a f
  t0=$(date +%s.%N)
  "$cli" import suppliers "$project" "$file" > "$work/out.txt" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2> /dev/null; do
    a=$(awk '/RssAnon/ { print $2 }' "/proc/$pid/status" 2> /dev/null || echo 0)
    f=$(awk '/RssFile/ { print $2 }' "/proc/$pid/status" 2> /dev/null || echo 0)
    [ "${a:-0}" -gt "$anon" ] && anon=$a
    [ "${f:-0}" -gt "$mapped" ] && mapped=$f
    sleep 0.2
  done
  wait "$pid" || { cat "$work/out.txt"; exit 1; }
  t1=$(date +%s.%N)
  awk -v n="$name" -v t0="$t0" -v t1="$t1" -v b="$(stat -c %s "$csv")" -v a="$anon" -v f="$mapped" \
    -v out="$(head -c 200 "$work/out.txt" | tr '\n' ' ')" \
    'BEGIN { s = t1 - t0; printf "%s: %.1f s, %.1f MB/s of CSV, peak heap %d MB + mapped project %d MB | %s\n", n, s, b / 1048576 / s, a / 1024, f / 1024, out }'
}

rm -f "$work/empty.wealthmap"
"$cli" new "$work/empty.wealthmap" > /dev/null
run "csv into an empty project" "$work/empty.wealthmap" "$csv"
rm -f "$work/empty.wealthmap"
"$cli" new "$work/empty.wealthmap" > /dev/null
run "zip into an empty project" "$work/empty.wealthmap" "${csv%.csv}.zip"
if [ -n "$base" ]; then
  cp "$base" "$work/national.wealthmap"
  run "csv into $(basename "$base") (companies located)" "$work/national.wealthmap" "$csv"
fi
ls -l "$work"/*.wealthmap
