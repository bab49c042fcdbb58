#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Map export (issue 6 item 2) on the real Lancashire project: sizes, layers, errors.

Usage: check_export.py WEALTHMAP_CLI LANCASHIRE_PROJECT

Expected figures are worked out here, not read back from the program:
  * paper sizes from ISO 216 in millimetres: pixels = mm / 25.4 * dpi (PNG), points =
    mm / 25.4 * 72 (PDF, read back with pdfinfo);
  * the SVG's layers by their colours: the IMD decile colours (viridis, the legend's key) of
    every decile the ward table gives the local area's wards must be filled; flows are stroked in the Okabe-Ito local / regional /
    leaked colours; `--layer base,areas` must leave every flow colour out;
  * the PDF's text (pdftotext) carries the asked title and the OGL attribution, and its page
    is not blank (pdftoppm, colours counted);
  * bad sizes, an unknown paper and a folder that does not exist fail with a message naming
    what is wrong, and a failed export leaves no half-written file and what was there intact.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from PIL import Image

CLI, PROJECT = sys.argv[1:3]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(*args, ok=True):
    r = subprocess.run([CLI, *args], capture_output=True, text=True)
    if ok and r.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r


tmp = tempfile.mkdtemp()
A3 = (420, 297)
A4 = (297, 210)

# PNG at 300 dpi on A3 landscape, 150 dpi on A4 portrait.
png = os.path.join(tmp, "a3.png")
run("render", PROJECT, "--png", png, "--paper", "a3", "--dpi", "300", "--north-arrow")
size = Image.open(png).size
want = (round(A3[0] / 25.4 * 300), round(A3[1] / 25.4 * 300))
check(size == want, f"--paper a3 --dpi 300: {size} pixels, ISO 216 gives {want}")
colours = len(Image.open(png).convert("RGB").resize((600, 424)).getcolors(1 << 20) or [])
check(colours > 500, f"the A3 PNG is a map, not a blank page: {colours} colours")
# The PNG says its resolution (pHYs, in pixels per metre), so a print shop reads 300 dpi.
dpi = Image.open(png).info.get("dpi")
check(dpi is not None and all(abs(d - 300) < 0.5 for d in dpi),
      f"the A3 PNG carries its 300 dpi (pHYs: {dpi})")
png4 = os.path.join(tmp, "a4.png")
run("render", PROJECT, "--png", png4, "--paper", "A4-portrait", "--dpi", "150")
dpi = Image.open(png4).info.get("dpi")
check(dpi is not None and all(abs(d - 150) < 0.5 for d in dpi),
      f"the A4 PNG carries its 150 dpi (pHYs: {dpi})")
size = Image.open(png4).size
want = (round(A4[1] / 25.4 * 150), round(A4[0] / 25.4 * 150))
check(size == want, f"--paper A4-portrait --dpi 150: {size} pixels, ISO 216 gives {want}")

# PDF on A3: the page size in points, the title and the credits in its text.
pdf = os.path.join(tmp, "a3.pdf")
title = "Where Lancashire's anchors spend"
run("render", PROJECT, "--pdf", pdf, "--paper", "a3", "--title", title, "--north-arrow")
info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
pts = (float(m.group(1)), float(m.group(2))) if m else (0, 0)
want = (A3[0] / 25.4 * 72, A3[1] / 25.4 * 72)
check(abs(pts[0] - want[0]) < 1 and abs(pts[1] - want[1]) < 1,
      f"--pdf --paper a3: {pts} points, ISO 216 gives ({want[0]:.1f}, {want[1]:.1f})")
text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
flat = " ".join(text.split())
check(title in flat, "the PDF carries the asked title")
check("Open Government Licence" in flat and "Natural Earth" in flat,
      "the PDF carries the data credits (OGL, Natural Earth)")
check("km" in flat, "the PDF has a scale bar (a length in km)")
subprocess.run(["pdftoppm", "-r", "40", "-png", pdf, os.path.join(tmp, "page")], check=True)
page = Image.open(os.path.join(tmp, "page-1.png")).convert("RGB")
check(len(page.getcolors(1 << 20) or []) > 200, "the PDF page is not blank")

# SVG: valid XML; the layers by their colours.
VIRIDIS = [(0x44, 0x01, 0x54), (0x48, 0x28, 0x78), (0x3e, 0x49, 0x89), (0x31, 0x68, 0x8e),
           (0x26, 0x82, 0x8e), (0x1f, 0x9e, 0x89), (0x35, 0xb7, 0x79), (0x6e, 0xce, 0x58),
           (0xb5, 0xde, 0x2b), (0xfd, 0xe7, 0x25)]
FLOWS = {"local": (0, 158, 115), "regional": (230, 158, 0), "leaked": (204, 120, 166)}


def svg_colours(path):
    root = ET.parse(path).getroot()  # raises on anything that is not XML
    fills, strokes = set(), set()
    for e in root.iter():
        style = e.get("style", "")
        for kind, r, g, b in re.findall(r"(fill|stroke):rgb\(([\d.]+)%,([\d.]+)%,([\d.]+)%\)",
                                        style):
            rgb = tuple(round(float(v) * 255 / 100) for v in (r, g, b))
            (fills if kind == "fill" else strokes).add(rgb)
    return root, fills, strokes


def has(colours, rgb):
    return any(all(abs(a - b) <= 2 for a, b in zip(c, rgb)) for c in colours)


svg = os.path.join(tmp, "map.svg")
run("render", PROJECT, "--svg", svg, "--width", "1400", "--height", "900")
root, fills, strokes = svg_colours(svg)
check(root.tag.endswith("svg") and root.get("width", "").startswith("1400"),
      f"the SVG is XML, <svg width={root.get('width')}>")
wards = json.loads(run("summary", PROJECT, "--json").stdout)["wards"]
deciles = sorted({w["imd_decile"] for w in wards if w.get("role") == "local" and w["imd_decile"]})
missing = [d for d in deciles if not has(fills, VIRIDIS[d - 1])]
check(deciles and not missing,
      f"areas layer: the local wards' deciles {deciles} are all filled in their colours")
flow_seen = [p for p, rgb in FLOWS.items() if has(strokes, rgb)]
check(set(flow_seen) == set(FLOWS), f"flows layer: local, regional and leaked flows drawn {flow_seen}")
svg2 = os.path.join(tmp, "areas.svg")
run("render", PROJECT, "--svg", svg2, "--width", "1400", "--height", "900", "--layer",
    "base,areas")
_, fills2, strokes2 = svg_colours(svg2)
check(not any(has(strokes2, rgb) for rgb in FLOWS.values()),
      "--layer base,areas: no flow colours")
check(all(has(fills2, VIRIDIS[d - 1]) for d in deciles), "--layer base,areas: the areas are there")

# Errors.
r = run("render", PROJECT, "--png", png, "--paper", "b7", ok=False)
check(r.returncode == 2 and "paper b7" in r.stderr, f"unknown paper: {r.stderr.strip()}")
r = run("render", PROJECT, "--png", png, "--paper", "a4", "--dpi", "5", ok=False)
check(r.returncode == 2 and "5 dpi" in r.stderr, f"5 dpi: {r.stderr.strip()}")
r = run("render", PROJECT, "--png", png, "--paper", "a4", "--width", "800", ok=False)
check(r.returncode == 2 and "--paper" in r.stderr, f"--paper and --width: {r.stderr.strip()}")
r = run("render", PROJECT, "--png", png, "--width", "10", "--height", "10", ok=False)
check(r.returncode == 2 and "map size 10x10" in r.stderr, f"10x10: {r.stderr.strip()}")
missing_dir = os.path.join(tmp, "no-such-folder", "map.pdf")
r = run("render", PROJECT, "--pdf", missing_dir, ok=False)
check(r.returncode == 1 and missing_dir in r.stderr, f"missing folder: {r.stderr.strip()}")
# A failed export leaves what was there: a folder in the way of the file stays a folder.
blocker = os.path.join(tmp, "in-the-way.png")
os.mkdir(blocker)
open(os.path.join(blocker, "keep.txt"), "w").write("x")
r = run("render", PROJECT, "--png", blocker, ok=False)
check(r.returncode == 1 and blocker in r.stderr, f"a folder in the way: {r.stderr.strip()}")
check(os.path.isfile(os.path.join(blocker, "keep.txt")), "a folder in the way: left as it was")
left = [f for f in os.listdir(tmp) if f.endswith(".part")]
check(not left, f"no half-written files left behind {left}")

# Raster tiles under the map (--basemap): an MBTiles file made here with GDAL's own tools, a
# flat magenta (200, 0, 200) raster over 4°W-0°, 52-56°N (all of Lancashire and the sea west
# of it), tiled at zooms 5-7 with overviews.
MAGENTA = (200, 0, 200)
flat = os.path.join(tmp, "magenta.tif")
mbtiles = os.path.join(tmp, "magenta.mbtiles")
subprocess.run(["gdal_create", "-q", "-of", "GTiff", "-outsize", "512", "512", "-bands", "3",
                "-burn", "200", "-burn", "0", "-burn", "200", "-ot", "Byte", "-a_srs", "EPSG:4326",
                "-a_ullr", "-4", "56", "0", "52", flat], check=True)
subprocess.run(["gdal_translate", "-q", "-of", "MBTILES", "-co", "TILE_FORMAT=PNG", "-co",
                "NAME=Magenta test tiles", flat, mbtiles], check=True)
subprocess.run(["gdaladdo", "-q", mbtiles, "2", "4", "8"], check=True)


def magenta_share(path):
    img = Image.open(path).convert("RGB")
    w, h = img.size
    map_part = img.crop((0, 0, int(w * 0.78), h))  # the legend column is white
    n = sum(count for count, rgb in map_part.getcolors(1 << 24) if rgb == MAGENTA)
    return n / (map_part.size[0] * map_part.size[1])


plain, tiled, warped = (os.path.join(tmp, f"{n}.png") for n in ("plain", "tiled", "warped"))
run("render", PROJECT, "--png", plain)
run("render", PROJECT, "--png", tiled, "--basemap", mbtiles)
run("render", PROJECT, "--png", warped, "--basemap", flat)
share = magenta_share(tiled)
check(magenta_share(plain) == 0 and share > 0.2,
      f"--basemap: the tiles show round the wards ({share:.0%} of the map magenta, none without)")
share = magenta_share(warped)
check(share > 0.2, f"--basemap: a GeoTIFF in longitude/latitude is warped under the map too"
      f" ({share:.0%})")
pdf_tiled = os.path.join(tmp, "tiled.pdf")
run("render", PROJECT, "--pdf", pdf_tiled, "--basemap", mbtiles)
text = " ".join(subprocess.run(["pdftotext", pdf_tiled, "-"], capture_output=True,
                               text=True).stdout.split())
check("Basemap: Magenta test tiles" in text, "--basemap: the credits name the tiles")
r = run("render", PROJECT, "--png", png, "--basemap", CLI, ok=False)
check(r.returncode == 1 and CLI in r.stderr and "not a raster" in r.stderr,
      f"--basemap with a file that is not a raster: {r.stderr.strip()}")

if failures:
    sys.exit(f"{len(failures)} checks failed")
print("all export checks passed")
