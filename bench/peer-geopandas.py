#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The GeoPandas peer of bench/run: what an analyst would write instead of Wealthmap.

    bench/peer-geopandas.py SHARED_DATA GEN_DIR LINES PLACE_JSON OUT_JSON

Reads the same inputs as the Wealthmap run (all English LSOAs, the national postcode table,
the generated supplier directory and spend files), places each supplier of the
directory: postcode -> point (BNG) -> LSOA (geopandas.sjoin, predicate "within", the LSOAs
reprojected to BNG once), then joins spend -> supplier by upper-cased name and totals each anchor's spend as local / regional / leaked /
unlocated by the LSOA codes of the place. Writes the step times and the totals as JSON.
"""
import gzip
import json
import sys
import time

import geopandas as gpd
import pandas as pd

shared, gen, lines, place_path, out_path = sys.argv[1:6]
place = json.load(open(place_path))
local, region = set(place["local"]), set(place["region"])
times = {}
t0 = last = time.monotonic()


def step(name):
    global last
    now = time.monotonic()
    times[name] = now - last
    last = now


# areas: every English LSOA, into the postcodes' grid once
with gzip.open(shared + "/national/england_lsoa2011.geojson.gz") as f:
    lsoa = gpd.read_file(f)
lsoa = lsoa[["LSOA11CD", "geometry"]].to_crs(27700)
step("areas")

# postcodes: Code-Point Open has no header; the postcode is padded to 7 characters
pc = pd.read_csv(shared + "/national/codepoint_open_2014_gb.csv.gz", header=None,
                 usecols=[0, 2, 3], names=["pc", "e", "n"], dtype={"pc": str})
pc = pc[(pc.e != 0) | (pc.n != 0)]
pc["key"] = pc.pc.str.replace(" ", "", regex=False)
step("postcodes")

# spend: the directory, then the two anchors' files, joined by name to the directory
sup = pd.read_csv(gen + "/suppliers.csv", usecols=["supplier_canonical", "reg_postal_code"],
                  dtype=str)
sup["name_key"] = sup.supplier_canonical.str.upper().str.strip()
sup["key"] = sup.reg_postal_code.str.upper().str.replace(" ", "", regex=False)
hyn = pd.read_csv(gen + "/hyndburn-%s.csv" % lines, encoding="cp1252", skiprows=1,
                  usecols=["Name", "Net Amount (\u00a3)"], thousands=",")
hyn = hyn.rename(columns={"Name": "name", "Net Amount (\u00a3)": "amount"})
hyn["anchor"] = "Hyndburn Borough Council"
fire = pd.read_excel(gen + "/fire-%s.xlsx" % lines, usecols=["Supplier Name", "Amount"])
fire = fire.rename(columns={"Supplier Name": "name", "Amount": "amount"})
fire["anchor"] = "Lancashire Fire and Rescue Service"
spend = pd.concat([hyn, fire], ignore_index=True)
spend["name_key"] = spend.name.str.upper().str.strip()
sup = sup.merge(pc[["key", "e", "n"]], on="key", how="left").dropna(subset=["e"])
points = gpd.GeoDataFrame(sup, geometry=gpd.points_from_xy(sup.e, sup.n), crs=27700)
placed = gpd.sjoin(points, lsoa, how="left", predicate="within")
placed = placed[~placed.index.duplicated()]
code = placed.LSOA11CD.fillna("")
placed["place"] = "leaked"
placed.loc[code.isin(region), "place"] = "regional"
placed.loc[code.isin(local), "place"] = "local"
spend = spend.merge(placed[["name_key", "place"]], on="name_key", how="left")
spend["place"] = spend.place.fillna("unlocated")
step("spend")

# summary: local / regional / leaked / unlocated per anchor
totals = {}
for (anchor, where), amount in spend.groupby(["anchor", "place"]).amount.sum().items():
    totals.setdefault(anchor, {})[where] = round(amount, 2)
for anchor, group in spend.groupby("anchor"):
    totals[anchor]["total"] = round(group.amount.sum(), 2)
step("summary")
times["total"] = time.monotonic() - t0
json.dump({"times": times, "totals": totals}, open(out_path, "w"), indent=1)
