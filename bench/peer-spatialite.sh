#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The GDAL/SpatiaLite peer of bench/run: the same join with ogr2ogr loads and SpatiaLite SQL
# run through ogrinfo, as an analyst with GDAL's tools would do it.
#   bench/peer-spatialite.sh SHARED_DATA GEN_DIR LINES PLACE_DIR WORK_DIR
# PLACE_DIR holds local.txt and region.txt (one LSOA code a line). Each step is one command
# run under /usr/bin/time; the times go to WORK_DIR/times.txt as "STEP SECONDS PEAK_KB" and
# the totals to WORK_DIR/totals.txt as "anchor|place|amount".
set -euo pipefail
shared=$1 gen=$2 lines=$3 place=$4 work=$5
db=$work/peer.sqlite
rm -f "$db" "$work/times.txt"
export CPL_LOG=/dev/null OGR_SQLITE_CACHE=512

run() { # STEP COMMAND...: time one command, add it to the step
  local step=$1
  shift
  /usr/bin/time -f "$step %e %M" -a -o "$work/times.txt" "$@" > "$work/last.log" 2>&1 \
    || { cat "$work/last.log"; exit 1; }
  # ogrinfo exits 0 when its SQL fails
  if grep -q "^ERROR" "$work/last.log"; then cat "$work/last.log"; exit 1; fi
}
sql() { run "$1" ogrinfo -q "$db" -sql "$2"; }

# areas: every English LSOA, reprojected to the postcodes' grid, with a spatial index
run areas ogr2ogr -f SQLite -dsco SPATIALITE=YES "$db" \
  "/vsigzip/$shared/national/england_lsoa2011.geojson.gz" -nln lsoa -t_srs EPSG:27700 \
  -nlt PROMOTE_TO_MULTI -select LSOA11CD -gt 65536

# postcodes: no header; the postcode is padded to 7 characters; points made in SQL
run postcodes ogr2ogr -append "$db" "CSV:/vsigzip/$shared/national/codepoint_open_2014_gb.csv.gz" \
  -oo HEADERS=NO -nln postcodes_raw -gt 65536
sql postcodes "CREATE TABLE postcodes AS SELECT replace(field_1, ' ', '') AS key,
  CAST(field_3 AS REAL) AS e, CAST(field_4 AS REAL) AS n FROM postcodes_raw
  WHERE field_3 <> '0' OR field_4 <> '0'"
sql postcodes "CREATE INDEX postcodes_key ON postcodes (key)"

# spend: the directory and both anchors' files, then each supplier placed in an LSOA
run spend ogr2ogr -append "$db" "$gen/suppliers.csv" -nln suppliers -gt 65536
run spend ogr2ogr -append "$db" "$gen/hyndburn-$lines.csv" -oo HEADERS=NO -nln hyndburn \
  -gt 65536
run spend ogr2ogr -append "$db" "$gen/fire-$lines.xlsx" -nln fire -gt 65536
sql spend "CREATE TABLE spend AS
  SELECT 'Hyndburn Borough Council' AS anchor, upper(trim(field_5)) AS name_key,
         CAST(replace(field_7, ',', '') AS REAL) AS amount FROM hyndburn
   WHERE field_5 <> '' AND field_5 <> 'Name'
  UNION ALL
  SELECT 'Lancashire Fire and Rescue Service', upper(trim(\"supplier name\")), amount FROM fire"
sql spend "CREATE TABLE placed AS
  SELECT upper(trim(s.supplier_canonical)) AS name_key,
         (SELECT l.lsoa11cd FROM lsoa l WHERE l.ROWID IN
            (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'lsoa'
              AND search_frame = MakePoint(p.e, p.n, 27700))
            AND ST_Within(MakePoint(p.e, p.n, 27700), l.GEOMETRY)) AS code
    FROM suppliers s JOIN postcodes p ON p.key = upper(replace(s.reg_postal_code, ' ', ''))"
sql spend "CREATE INDEX placed_name ON placed (name_key)"

# summary: local / regional / leaked / unlocated per anchor
sql summary "CREATE TABLE place_codes (code TEXT PRIMARY KEY, role TEXT)"
{
  echo "code,role"
  sed "s/$/,local/" "$place/local.txt"
  sed "s/$/,regional/" "$place/region.txt"
} > "$work/place.csv"
run summary ogr2ogr -append "$db" "$work/place.csv" -nln place_csv
sql summary "INSERT INTO place_codes SELECT code, role FROM place_csv"
run summary ogrinfo "$db" -sql "SELECT anchor || '|' || place || '|' || printf('%.2f', sum(amount))
    AS line FROM (SELECT s.anchor AS anchor, s.amount AS amount, CASE WHEN p.name_key IS NULL
    THEN 'unlocated' ELSE coalesce(c.role, 'leaked') END AS place FROM spend s
    LEFT JOIN placed p ON p.name_key = s.name_key LEFT JOIN place_codes c ON c.code = p.code)
    GROUP BY anchor, place"
grep -o "line (String) = .*" "$work/last.log" | sed 's/line (String) = //' > "$work/totals.txt"
