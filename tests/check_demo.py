#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bundled demo builds with data/build-demo.sh and its totals equal the generated CSVs
(summed here with Python's csv module); every share is non-empty so a demo map has something
to show. Usage: check_demo.py WEALTHMAP_CLI SOURCE_ROOT"""
import csv
import json
import os
import struct
import xml.etree.ElementTree as ET
import subprocess
import sys
import tempfile
from decimal import Decimal

CLI, ROOT = sys.argv[1], sys.argv[2]
DEMO = os.path.join(ROOT, "data", "demo")


def total(path, encoding, amount_col):
    with open(path, encoding=encoding, newline="") as f:
        rows = list(csv.reader(f))
    start = next(i for i, r in enumerate(rows) if amount_col in r)
    col = rows[start].index(amount_col)
    vals = [r[col].replace(",", "") for r in rows[start + 1:] if r]
    return len(vals), sum(-Decimal(v.strip("()")) if v.startswith("(") else Decimal(v) for v in vals)


n1, t1 = total(os.path.join(DEMO, "council-spend.csv"), "cp1252", "Net Amount (\u00a3)")
n2, t2 = total(os.path.join(DEMO, "hospital-spend.csv"), "utf-8-sig", "Amount")
with tempfile.TemporaryDirectory() as tmp:
    p = os.path.join(tmp, "demo.wealthmap")
    subprocess.run(["bash", os.path.join(ROOT, "data", "build-demo.sh"), CLI, p], check=True)
    s = json.loads(subprocess.run([CLI, "summary", p, "--json"], check=True,
                                  capture_output=True, text=True).stdout)
    # Map export: the PNG has the asked size and more than a handful of colours, the SVG is
    # XML with a path per ward and more, the PDF is a PDF.
    png, svg, pdf = (os.path.join(tmp, f"map.{e}") for e in ("png", "svg", "pdf"))
    for flag, out in (("--png", png), ("--svg", svg), ("--pdf", pdf)):
        subprocess.run([CLI, "render", p, flag, out, "--width", "1200", "--height", "800"],
                       check=True, capture_output=True)
    with open(png, "rb") as f:
        head = f.read(24)
    png_size = struct.unpack(">II", head[16:24]) if head[:8] == b"\x89PNG\r\n\x1a\n" else None
    svg_paths = sum(1 for e in ET.parse(svg).iter() if e.tag.endswith("path"))
    pdf_ok = open(pdf, "rb").read(5) == b"%PDF-"
    bad_size = subprocess.run([CLI, "render", p, "--png", png, "--width", "10"], capture_output=True,
                              text=True)
    by = {k: json.loads(subprocess.run([CLI, "summary", p, "--json", "--by", k], check=True,
                                       capture_output=True, text=True).stdout)["groups"]
          for k in ("sector", "kind", "year", "ward")}
    unmatched = json.loads(subprocess.run([CLI, "unmatched", p, "--json"], check=True,
                                          capture_output=True, text=True).stdout)
    # The LSOA choropleth: every LSOA's fill at a point inside it (GeoPandas) is the viridis
    # colour of the decile imd.csv gives it (pandas), with the view placed by pyproj.
    from PIL import Image
    from pyproj import Transformer
    import pandas as pd
    import geopandas as gpd
    VIRIDIS = [(0x44, 0x01, 0x54), (0x48, 0x28, 0x78), (0x3e, 0x49, 0x89), (0x31, 0x68, 0x8e),
               (0x26, 0x82, 0x8e), (0x1f, 0x9e, 0x89), (0x35, 0xb7, 0x79), (0x6e, 0xce, 0x58),
               (0xb5, 0xde, 0x2b), (0xfd, 0xe7, 0x25)]
    imd = pd.read_csv(os.path.join(DEMO, "imd.csv"), thousands=",")
    decile_of = dict(zip(imd["LSOA code (2011)"], imd["Index of Multiple Deprivation (IMD) Decile"]))
    lsoas = gpd.read_file(os.path.join(DEMO, "lsoas.geojson")).to_crs("EPSG:3857")
    x0, y0, x1, y1 = lsoas.total_bounds
    W, H = 900, int(900 * (y1 - y0) / (x1 - x0))
    to_ll = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    w_, s_ = to_ll.transform(x0, y0)
    e_, n_ = to_ll.transform(x1, y1)
    lsoa_png = os.path.join(tmp, "lsoa.png")
    subprocess.run([CLI, "render", p, "--png", lsoa_png, "--level", "lsoa", "--layer", "areas",
                    "--width", str(W), "--height", str(H), "--bbox", f"{w_},{s_},{e_},{n_}"],
                   check=True, capture_output=True)
    img = Image.open(lsoa_png).convert("RGB")
    lsoa_ok = 0
    for _, r in lsoas.iterrows():
        pt = r.geometry.representative_point()
        px = int((pt.x - x0) / (x1 - x0) * W)
        py = int((y1 - pt.y) / (y1 - y0) * H)
        want = VIRIDIS[decile_of[r.LSOA11CD] - 1]
        lsoa_ok += all(abs(a - b) <= 2 for a, b in zip(img.getpixel((px, py)), want))
    # Fixing an unlocated supplier by hand: a postcode inside a local ward (found here with
    # GeoPandas) moves exactly its £ from unlocated to local; an unknown postcode changes nothing.
    local_wards = {w["code"] for w in s["wards"] if w["role"] == "local"}
    pcs = pd.read_csv(os.path.join(DEMO, "postcodes.csv"))
    pts = gpd.GeoDataFrame(pcs, geometry=gpd.points_from_xy(pcs.lon, pcs.lat), crs="EPSG:4326")
    wards_gdf = gpd.read_file(os.path.join(DEMO, "wards.geojson"))
    code_col = next(c for c in wards_gdf.columns if c.upper().endswith("CD"))
    inside = gpd.sjoin(pts, wards_gdf[[code_col, "geometry"]], predicate="within")
    local_pc = inside[inside[code_col].isin(local_wards)].postcode.iloc[0]
    smith = next(u for u in unmatched if u["name"] == "J. Smith Plumbing")
    before_bytes = open(p, "rb").read()
    bad_pc = subprocess.run([CLI, "locate", p, "--supplier", "J. Smith Plumbing", "--postcode",
                             "ZZ9 9ZZ"], capture_output=True, text=True)
    unchanged = open(p, "rb").read() == before_bytes
    subprocess.run([CLI, "locate", p, "--supplier", "J. Smith Plumbing", "--postcode", local_pc],
                   check=True, capture_output=True)
    fixed = json.loads(subprocess.run([CLI, "summary", p, "--json"], check=True,
                                      capture_output=True, text=True).stdout)["overall"]
    still = {u["name"] for u in json.loads(subprocess.run(
        [CLI, "unmatched", p, "--json"], check=True, capture_output=True, text=True).stdout)}
    # The region as a distance: the "far" suppliers are in London, ~290 km from Millbrook.
    km = {}
    for d in ("1000", "100"):
        subprocess.run([CLI, "place", p, "--local", "X00000001", "--region-km", d], check=True,
                       capture_output=True)
        km[d] = json.loads(subprocess.run([CLI, "summary", p, "--json"], check=True,
                                          capture_output=True, text=True).stdout)["overall"]
o = s["overall"]
checks = [
    ("lines", o["lines"] == n1 + n2),
    ("total", abs(Decimal(str(o["total"])) - (t1 + t2)) < Decimal("0.005")),
    ("place set", s["place"]["set"]),
    ("local, regional, leaked and unlocated all non-zero",
     all(o[k] > 0 for k in ("local", "regional", "leaked", "unlocated"))),
    ("18 wards listed", len(s["wards"]) == 18),
    ("render --png writes 1200x800", png_size == (1200, 800)),
    ("render --svg is XML with at least 18 paths", svg_paths >= 18),
    ("render --pdf is a PDF", pdf_ok),
    ("render refuses a 10-pixel-wide map", bad_size.returncode != 0 and "map size" in bad_size.stderr),
    ("every --by grouping adds up to the overall total and lines",
     all(abs(sum(g["total"] for g in by[k]) - o["total"]) < 0.01
         and sum(g["lines"] for g in by[k]) == o["lines"] for k in by)),
    ("years are 2023/24", [g["key"] for g in by["year"]] == ["2023/24"]),
    ("unmatched adds up to unlocated", abs(sum(u["amount"] for u in unmatched) - o["unlocated"]) < 0.01),
    ("unmatched lists the suppliers no directory has",
     {"Millbrook Community Garden Group", "J. Smith Plumbing"} <= {u["name"] for u in unmatched}),
    ("--region-km 1000: nothing leaks", km["1000"]["leaked"] == 0 and km["1000"]["regional"] > 0),
    ("--region-km 100: London leaks, Eastvale is regional",
     abs(km["100"]["leaked"] - o["leaked"]) < 0.01 and abs(km["100"]["regional"] - o["regional"]) < 0.01),
    ("local is the same however the region is given",
     abs(km["1000"]["local"] - fixed["local"]) < 0.01),
    ("every ward has an IMD decile", all(1 <= w["imd_decile"] <= 10 for w in s["wards"])),
    (f"render --level lsoa: {lsoa_ok} of {len(lsoas)} LSOAs filled with their imd.csv decile colour",
     lsoa_ok == len(lsoas) == 36),
    (f"locate J. Smith Plumbing at {local_pc}: £{smith['amount']:.2f} moves from unlocated to local",
     abs(fixed["local"] - (s["overall"]["local"] + smith["amount"])) < 0.01
     and abs(fixed["unlocated"] - (s["overall"]["unlocated"] - smith["amount"])) < 0.01
     and "J. Smith Plumbing" not in still),
    ("locate at an unknown postcode fails, naming it, and leaves the file as it was",
     bad_pc.returncode == 1 and "ZZ9 9ZZ" in bad_pc.stderr and unchanged),
]
for name, ok in checks:
    print(("ok   " if ok else "FAIL ") + name)
sys.exit(0 if all(ok for _, ok in checks) else 1)
