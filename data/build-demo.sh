#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the demo project from data/demo/ (made by data/make-demo.py) with wealthmap-cli.
# Usage: data/build-demo.sh WEALTHMAP_CLI OUT.wealthmap
set -euo pipefail
CLI=$1
OUT=$2
DEMO="$(dirname "$0")/demo"
rm -f "$OUT"
"$CLI" new "$OUT" >/dev/null
"$CLI" import areas "$OUT" "$DEMO/lads.geojson" >/dev/null
"$CLI" import areas "$OUT" "$DEMO/wards.geojson" >/dev/null
"$CLI" import areas "$OUT" "$DEMO/lsoas.geojson" >/dev/null
"$CLI" import deprivation "$OUT" "$DEMO/imd.csv" >/dev/null
"$CLI" import lookup "$OUT" "$DEMO/lookup.csv" >/dev/null
"$CLI" import postcodes "$OUT" "$DEMO/postcodes.csv" >/dev/null
"$CLI" import suppliers "$OUT" "$DEMO/suppliers.csv" >/dev/null
"$CLI" import spend "$OUT" "$DEMO/council-spend.csv" --anchor "Millbrook Borough Council" \
  --anchor-kind council --anchor-postcode "MB5 1AE" >/dev/null
"$CLI" import spend "$OUT" "$DEMO/hospital-spend.csv" --anchor "Millbrook Hospitals NHS Trust" \
  --anchor-kind nhs --anchor-postcode "MB8 2BH" >/dev/null
"$CLI" place "$OUT" --local X00000001 --region X00000002 >/dev/null
echo "demo project: $OUT"
