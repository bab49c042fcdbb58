#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`place --list`: the local authorities a place can be made of. On the Lancashire project
(wards of 14 authorities, national postcodes, Hyndburn local and the other 13 the region)
every authority must be listed with its name, its ward count and its role, worked out here
from the boundary files themselves: one file per authority, its features are its wards; names
from the 2013 LAD TopoJSON. On the demo (authority boundaries, no postcodes) the two fictional
authorities must be listed with the wards whose label points lie in them (geopandas).

Usage: check_place_list.py WEALTHMAP_CLI LANCASHIRE_PROJECT DEMO_PROJECT SHARED_DATA
"""
import glob
import json
import os
import subprocess
import sys

import geopandas

from wmtest import check, finish

CLI, LANCS, DEMO, SHARED = sys.argv[1:5]


def listed(project):
    p = subprocess.run([CLI, "place", project, "--list", "--json"], capture_output=True, text=True)
    check(p.returncode == 0, f"place --list --json on {os.path.basename(project)}", p.stderr)
    return json.loads(p.stdout)


topo = json.load(open(os.path.join(SHARED, "boundaries", "lad_england_2013_topo.json")))
names = {g["properties"]["LAD13CD"]: g["properties"]["LAD13NM"]
         for g in topo["objects"]["lad"]["geometries"]}
want = {}
for f in glob.glob(os.path.join(SHARED, "boundaries", "wards_2013_by_lad", "*.json")):
    code = os.path.basename(f)[:-5]
    want[code] = {"code": code, "name": names[code], "wards": len(json.load(open(f))["features"]),
                  "role": "local" if code == "E07000120" else "region"}
got = listed(LANCS)
rows = {a["code"]: a for a in got["authorities"]}
check(set(rows) == set(want), f"the 14 Lancashire authorities are listed ({len(rows)})",
      f"extra {sorted(set(rows) - set(want))}, missing {sorted(set(want) - set(rows))}")
for code in sorted(want):
    check(rows.get(code) == want[code], f"{code} {want[code]['name']}: "
          f"{want[code]['wards']} wards, {want[code]['role']}", f"got {rows.get(code)}")
check([a["name"] for a in got["authorities"]] == sorted(a["name"] for a in got["authorities"]),
      "sorted by name")
check(got["region_km"] == 0, "region by codes, not by distance")

# The demo: authorities by their boundaries, wards by label point (representative point here:
# any point inside the ward; a ward lies in one authority).
demo = listed(DEMO)
lads = geopandas.read_file(DEMO, layer="areas").query("level == 'lad'")
wards = geopandas.read_file(DEMO, layer="areas").query("level == 'ward'")
points = wards.copy()
points["geometry"] = wards.representative_point()
joined = geopandas.sjoin(points, lads[["code", "name", "geometry"]], predicate="within")
counts = joined.groupby("code_right").size().to_dict()
want_demo = {row.code: {"code": row.code, "name": row.name, "wards": counts.get(row.code, 0)}
             for row in lads.itertuples()}
got_demo = {a["code"]: {k: a[k] for k in ("code", "name", "wards")} for a in demo["authorities"]}
check(got_demo == want_demo, f"demo: {want_demo}", f"got {got_demo}")
roles = {a["code"]: a["role"] for a in demo["authorities"]}
check(roles == {"X00000001": "local", "X00000002": "region"}, "demo roles", f"got {roles}")
finish()
