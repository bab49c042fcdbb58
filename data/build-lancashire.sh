#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds a Lancashire project from the real published data in ../shared/data (never copied
# here): the 14 Lancashire authorities' wards, Code-Point Open, the Companies House enriched
# supplier list, three anchors' 2023-24 spend and the IoD 2019 (index and domains), with
# Hyndburn as the local area and the rest of Lancashire as the region. The anchors are placed
# at their head offices.
# Usage: data/build-lancashire.sh WEALTHMAP_CLI SHARED_DATA_DIR OUT.wealthmap
set -euo pipefail
CLI=$1
DATA=$2
OUT=$3
LADS="E06000008 E06000009 E07000117 E07000118 E07000119 E07000120 E07000121 E07000122
      E07000123 E07000124 E07000125 E07000126 E07000127 E07000128"
rm -f "$OUT"
"$CLI" new "$OUT" >/dev/null
for lad in $LADS; do
  "$CLI" import areas "$OUT" "$DATA/boundaries/wards_2013_by_lad/$lad.json" >/dev/null
done
"$CLI" import postcodes "$OUT" "$DATA/national/codepoint_open_2014_gb.csv.gz" >/dev/null
"$CLI" import suppliers "$OUT" "$DATA/suppliers/lancashire_suppliers_ch_enriched_DERIVED.csv" \
  >/dev/null
for f in "$DATA"/spend/hyndburn_2023-24/*.csv; do
  "$CLI" import spend "$OUT" "$f" --anchor "Hyndburn Borough Council" --anchor-kind council \
    --anchor-postcode "BB5 0PF" >/dev/null
done
"$CLI" import spend "$OUT" "$DATA/spend/lancashire_fire/fire-2023-24.xlsx" \
  --anchor "Lancashire Fire and Rescue Service" --anchor-kind fire --anchor-postcode "PR2 3LH" \
  >/dev/null
"$CLI" import spend "$OUT" "$DATA/spend/lancashire_pcc/pcc-2023-24.xlsx" \
  --anchor "Lancashire PCC" --anchor-kind police --anchor-postcode "PR1 0LD" >/dev/null
"$CLI" import deprivation "$OUT" "$DATA/imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" \
  --population "$DATA/imd/File_6_-_IoD2019_Population_Denominators.csv" >/dev/null
"$CLI" import deprivation "$OUT" "$DATA/imd/File_2_-_IoD2019_Domains_of_Deprivation.csv" \
  >/dev/null
"$CLI" import lookup "$OUT" "$DATA/derived/lsoa11_to_ward13_lancashire_DERIVED.csv" >/dev/null
region=$(echo $LADS | tr ' ' '\n' | grep -v E07000120 | paste -sd,)
"$CLI" place "$OUT" --local E07000120 --region "$region" >/dev/null
echo "Lancashire project: $OUT"
