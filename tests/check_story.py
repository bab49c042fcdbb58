#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stories (issue 6 item 3, the CLI side) on a copy of the real Lancashire project.

Usage: check_story.py WEALTHMAP_CLI LANCASHIRE_PROJECT

  * views added with --add are listed back (JSON) in order with what was given; a view added
    without --bbox gets the place's extent, which must contain every local ward's centroid
    (GeoPandas on the project's own ward layer, read with GDAL's GPKG driver);
  * --move and --remove reorder and drop views, the others keep their order;
  * --pdf writes one A4 page per view (pdfinfo), each page carrying its own title and caption
    (pdftotext page by page) and not blank; a view filtered to one sector has a smaller
    largest-flow figure in its legend than the unfiltered one;
  * bad input changes nothing (the file's bytes are compared): an extent that is not a box, an
    unknown sector, anchor, story, style, a view number out of range.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import geopandas as gpd
from PIL import Image

CLI, SOURCE = sys.argv[1:3]
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
P = os.path.join(tmp, "story.wealthmap")
shutil.copy(SOURCE, P)
S = "Workshop, 3 December"

r = run("story", P)
check("No stories yet" in r.stdout, "a project without stories says so")
run("story", P, S, "--add", "--title", "Where the money goes",
    "--caption", "Six anchors' spend: most of it leaves Hyndburn.")
run("story", P, S, "--add", "--title", "ICT leaks most", "--caption", "ICT & telecoms: the top gap.",
    "--sector", "ICT & telecoms", "--bbox", "-3.2,53.5,-1.9,54.1")
run("story", P, S, "--add", "--title", "Who received it", "--caption", "£ received by ward.",
    "--style", "received", "--no-flows")
views = json.loads(run("story", P, S, "--json").stdout)["views"]
check([v["title"] for v in views] == ["Where the money goes", "ICT leaks most", "Who received it"],
      "three views listed back in order")
check(views[1]["sector"] == "ICT & telecoms" and views[1]["bbox"] == [-3.2, 53.5, -1.9, 54.1],
      "view 2 keeps its sector and box")
check(views[2]["style"] == "received" and views[2]["flows"] is False, "view 3: £ received, no flows")
stories = json.loads(run("story", P, "--json").stdout)
check(stories == [{"story": S, "views": 3}], f"the project lists the story: {stories}")

# The default extent holds the local area (wards with role local in the ward table).
wards = json.loads(run("summary", P, "--json").stdout)["wards"]
local = {w["code"] for w in wards if w.get("role") == "local"}
layer = gpd.read_file(P, layer="areas")
code_col = next(c for c in layer.columns if c.lower() in ("code", "area_code"))
pts = layer[layer[code_col].isin(local)].to_crs("EPSG:27700").centroid.to_crs("EPSG:4326")
w, s, e, n = views[0]["bbox"]
inside = sum(1 for p in pts if w <= p.x <= e and s <= p.y <= n)
check(len(pts) == len(local) > 0 and inside == len(pts),
      f"view 1's default box holds all {len(pts)} local ward centroids ({inside})")

# The PDF: a page a view, each with its title and caption.
pdf = os.path.join(tmp, "story.pdf")
run("story", P, S, "--pdf", pdf)
info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
check(pages == 3, f"--pdf: {pages} pages for 3 views")
check("842 x 595" in info, "--pdf: A4 landscape by default")
texts = []
for i, v in enumerate(views, 1):
    t = " ".join(subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), pdf, "-"],
                                capture_output=True, text=True).stdout.split())
    texts.append(t)
    check(v["title"] in t and v["caption"] in t, f"page {i} carries '{v['title']}' and its caption")
    check(f"{S} · {i} of {len(views)}" in t, f"page {i} is numbered '{S} · {i} of {len(views)}'")
    subprocess.run(["pdftoppm", "-r", "30", "-f", str(i), "-l", str(i), "-png", pdf,
                    os.path.join(tmp, f"p{i}")], check=True)
    png = next(f for f in os.listdir(tmp) if f.startswith(f"p{i}") and f.endswith(".png"))
    colours = len(Image.open(os.path.join(tmp, png)).convert("RGB").getcolors(1 << 20) or [])
    check(colours > 100, f"page {i} is not blank ({colours} colours)")


def largest_flow(text):
    m = re.search(r"£([\d.]+)([mk]) from one anchor", text)
    return float(m.group(1)) * (1e6 if m.group(2) == "m" else 1e3) if m else None


f1, f2 = largest_flow(texts[0]), largest_flow(texts[1])
check(f1 and f2 and f2 < f1, f"the sector's widest flow (£{f2}) is below all spend's (£{f1})")
check("Spend received by ward" in texts[2] and "Spend flows" not in texts[2],
      "page 3's legend is of £ received, without flows")

# Move and remove.
run("story", P, S, "--move", "3", "--to", "1")
order = [v["title"] for v in json.loads(run("story", P, S, "--json").stdout)["views"]]
check(order == ["Who received it", "Where the money goes", "ICT leaks most"],
      f"--move 3 --to 1: {order}")
run("story", P, S, "--remove", "2")
order = [v["title"] for v in json.loads(run("story", P, S, "--json").stdout)["views"]]
check(order == ["Who received it", "ICT leaks most"], f"--remove 2: {order}")

# Bad input changes nothing.
def digest():
    return hashlib.sha256(open(P, "rb").read()).hexdigest()


before = digest()
cases = [
    (["story", P, S, "--add", "--bbox", "1,2,3"], 2, "--bbox is WEST,SOUTH,EAST,NORTH"),
    (["story", P, S, "--add", "--bbox", "-2,54,-3,53"], 1, "not a box in degrees"),
    (["story", P, S, "--add", "--sector", "Unicorns"], 2, "Unicorns"),
    (["story", P, S, "--add", "--anchor", "Nobody"], 1, "no such anchor"),
    (["story", P, S, "--add", "--style", "pretty"], 1, "style is not imd or received"),
    (["story", P, "No such story"], 1, "no story is called “No such story”"),
    (["story", P, S, "--remove", "9"], 1, "has views 1 to 2, not 9"),
    (["story", P, "  ", "--add"], 1, "a story needs a name"),
]
for args, code, message in cases:
    r = run(*args, ok=False)
    check(r.returncode == code and message in r.stderr,
          f"{' '.join(args[3:]) or args[2]!r}: exit {r.returncode}, {r.stderr.strip()}")
check(digest() == before, "the project's bytes are unchanged by every refused change")

run("story", P, S, "--delete")
check("No stories yet" in run("story", P).stdout, "--delete removes the story")

if failures:
    sys.exit(f"{len(failures)} checks failed")
print("all story checks passed")
