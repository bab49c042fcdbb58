#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end on real Lancashire data: the 2023/24 spend of Hyndburn council, Lancashire Fire and Lancashire PCC, the Lancashire supplier
directory, Code-Point Open for all of Great Britain and the 2013 wards; local = Hyndburn (E07000120),
region = the 14 Lancashire LADs. The local / regional / leaked / unlocated totals from
`wealthmap-cli summary --json` must equal an independent computation done here with GeoPandas
(Debian's python3-geopandas): names matched by a separate Python normaliser (exact name, then
alias, then name without company suffixes, a key shared by two suppliers never used), postcodes
reprojected from BNG with pyproj, wards found with geopandas.sjoin.

Usage: check_place.py WEALTHMAP_CLI SHARED_DATA_DIR
"""
import csv
import glob
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal

import geopandas as gpd
import openpyxl
import pandas as pd

CLI, DATA = sys.argv[1], sys.argv[2]
LADS = ["E06000008", "E06000009"] + [f"E07000{n}" for n in range(117, 129)]
LOCAL = "E07000120"


def run(*args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)}\n{p.stdout}{p.stderr}")
    return p.stdout


# ---- an independent name normaliser (DESIGN.md section 3) ----
def norm(name):
    s = (name or "").replace("&amp;", "&").replace("&#039;", "'").replace("\u2019", "'").upper()
    s = s.replace("&", " AND ").replace("+", " AND ")
    s = re.sub(r"['.]", "", s)
    s = re.sub(r"[^0-9A-Z\u0080-\uffff]+", " ", s).split()
    if s and s[0] == "THE":
        s = s[1:]
    s = ["LTD" if w == "LIMITED" else w for w in s]
    out = " ".join(s).replace("PUBLIC LTD COMPANY", "PLC")
    return out


SUFFIXES = {"LTD", "PLC", "LLP", "LP", "CO", "COMPANY", "UK", "GROUP", "INC", "CIC", "CYF",
            "CYFYNGEDIG"}


def bare(name):
    w = norm(name).split()
    while len(w) > 1 and w[-1] in SUFFIXES:
        w.pop()
    return " ".join(w)


def redacted(name):
    n = norm(name)
    # police forces write withheld suppliers "THIRD PARTY ..." (Lancashire PCC)
    return n == "" or n.startswith("THIRD PARTY") or any(m in n for m in ("REDACTED", "PERSONAL INFORMATION", "PERSONAL DATA",
                                            "WITHHELD", "NOT DISCLOSED", "PRIVATE INDIVIDUAL",
                                            "DATA PROTECTION", "NAME REMOVED",
                                            "SENSITIVE PAYMENT", "NOT PUBLISHED"))


def amount(text):
    t = str(text).strip().replace("\u00a3", "").replace(",", "")
    neg = t.startswith("(") and t.endswith(")")
    d = Decimal(t.strip("()"))
    return -d if neg else d


SUPPLIER_HEADERS = ("name", "supplier name", "supplier final")
AMOUNT_HEADERS = ("amount paid", "amount", "total")


def header_of(cells):
    low = [str(c).strip().lstrip("*").strip().rstrip(":").strip().lower() for c in cells]
    s = [i for i, c in enumerate(low) if c in SUPPLIER_HEADERS]
    a = [i for i, c in enumerate(low) if c.startswith("net amount") or c in AMOUNT_HEADERS]
    return (s[0], a[0]) if s and a else None


def rows_after_header(rows):
    header = None
    for cells in rows:
        cells = ["" if c is None else (repr(c) if isinstance(c, float) else str(c)) for c in cells]
        if header is None:
            header = header_of(cells)
            continue
        if all(c.strip() == "" for c in cells):
            continue
        yield cells[header[0]].strip(), amount(cells[header[1]])


def spend_rows(path):
    if path.endswith(".xlsx"):
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for ws in wb.worksheets:
            yield from rows_after_header(ws.iter_rows(values_only=True))
        return
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    yield from rows_after_header(csv.reader(io.StringIO(text, newline="")))


# ---- directory -> keys ----
directory = pd.read_csv(os.path.join(DATA, "suppliers", "lancashire_suppliers_ch_enriched_DERIVED.csv"),
                        dtype=str, keep_default_na=False)
keys = {"name": {}, "alias": {}, "nosuffix": {}}
for i, r in directory.iterrows():
    for how, k in [("name", norm(r.supplier_canonical)), ("nosuffix", bare(r.supplier_canonical))] + \
                  [("alias", norm(a)) for a in r.aliases.split("|") if a]:
        if how == "alias" and k == norm(r.supplier_canonical):
            continue
        keys[how].setdefault(k, set()).add(i)


def match(name):
    for how, k in (("name", norm(name)), ("alias", norm(name)), ("nosuffix", bare(name))):
        hits = keys[how].get(k)
        if hits:
            return next(iter(hits)) if len(hits) == 1 else None
    return None


def pc_norm(p):
    p = re.sub(r"\s+", "", (p or "").upper())
    return f"{p[:-3]} {p[-3:]}" if len(p) >= 5 else None


# ---- postcodes -> points -> wards ----
NATIONAL_PC = os.path.join(DATA, "national", "codepoint_open_2014_gb.csv.gz")
cp = pd.read_csv(NATIONAL_PC, header=None, usecols=[0, 2, 3], names=["pc", "e", "n"], dtype={0: str})
cp["pc"] = cp.pc.map(pc_norm)
cp = cp[(cp.e != 0) | (cp.n != 0)].drop_duplicates("pc", keep="last").set_index("pc")
wards = pd.concat(gpd.read_file(os.path.join(DATA, "boundaries", "wards_2013_by_lad", f"{lad}.json"))
                  .assign(lad=lad) for lad in LADS)
wards = gpd.GeoDataFrame(wards, geometry="geometry", crs="EPSG:4326")

totals = {"local": Decimal(0), "regional": Decimal(0), "leaked": Decimal(0), "unlocated": Decimal(0)}
# The anchors' head offices (Hyndburn: Scaitcliffe House; Fire: Fulwood HQ; PCC: County Hall).
ANCHOR_PC = {"Hyndburn Borough Council": "BB5 0PF", "Lancashire Fire and Rescue Service": "PR2 3LH",
             "Lancashire PCC": "PR1 0LD"}
ANCHORS = [("Hyndburn Borough Council", sorted(glob.glob(os.path.join(DATA, "spend", "hyndburn_2023-24", "*.csv")))),
           ("Lancashire Fire and Rescue Service", [os.path.join(DATA, "spend", "lancashire_fire", "fire-2023-24.xlsx")]),
           ("Lancashire PCC", [os.path.join(DATA, "spend", "lancashire_pcc", "pcc-2023-24.xlsx")])]
lines = [(n, a) for _, files in ANCHORS for f in files for n, a in spend_rows(f)]
sup_pc = {}
for name, _ in lines:
    if not redacted(name):
        i = match(name)
        sup_pc[name] = pc_norm(directory.reg_postal_code[i]) if i is not None else None
located = {n: p for n, p in sup_pc.items() if p in cp.index}
pts = gpd.GeoDataFrame({"name": list(located)},
                       geometry=gpd.points_from_xy([cp.e[p] for p in located.values()],
                                                   [cp.n[p] for p in located.values()]),
                       crs="EPSG:27700").to_crs("EPSG:4326")
joined = gpd.sjoin(pts, wards[["lad", "WD13CD", "geometry"]], how="left", predicate="within")
joined = joined[~joined.index.duplicated(keep="first")]
place = {r["name"]: ("local" if r.lad == LOCAL else "regional" if isinstance(r.lad, str) else "leaked")
         for _, r in joined.iterrows()}
ward_of = {r["name"]: r.WD13CD for _, r in joined.iterrows() if isinstance(r.WD13CD, str)}


def tally(public):
    """Totals by place and the lines behind each ward; payees whose normalised name is in
    @public (the project's public bodies, checked against a reviewed list by check_public.py)
    are their own slice, as in DESIGN.md."""
    totals["public_bodies"] = Decimal(0)
    ward_lines = {}
    for name, a in lines:
        if redacted(name):
            totals["unlocated"] += a
        elif norm(name) in public:
            totals["public_bodies"] += a
        else:
            totals[place.get(name, "unlocated")] += a
            if name in ward_of:
                n, t = ward_lines.get(ward_of[name], (0, Decimal(0)))
                ward_lines[ward_of[name]] = (n + 1, t + a)
    busiest = max((w for w in ward_lines if w in set(wards[wards.lad == LOCAL].WD13CD)),
                  key=lambda w: ward_lines[w][1])
    return ward_lines, busiest

# ---- ward deprivation: population-weighted mean IMD rank, its decile, share in deciles 1-2 ----
f1 = pd.read_csv(os.path.join(DATA, "imd", "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"),
                 encoding="utf-8-sig", thousands=",")
f6 = pd.read_csv(os.path.join(DATA, "imd", "File_6_-_IoD2019_Population_Denominators.csv"),
                 encoding="utf-8-sig", thousands=",")
lk = pd.read_csv(os.path.join(DATA, "derived", "lsoa11_to_ward13_lancashire_DERIVED.csv"))
dep = (lk.merge(f1, left_on="LSOA11CD", right_on="LSOA code (2011)")
         .merge(f6[["LSOA code (2011)", "Total population: mid 2015 (excluding prisoners)"]],
                on="LSOA code (2011)"))
dep["pop"] = dep["Total population: mid 2015 (excluding prisoners)"]
dep["wr"] = dep["Index of Multiple Deprivation (IMD) Rank"] * dep["pop"]
dep["d12"] = (dep["Index of Multiple Deprivation (IMD) Decile"] <= 2) * dep["pop"]
by_ward = dep.groupby("WD13CD").agg(wr=("wr", "sum"), pop=("pop", "sum"), d12=("d12", "sum"))
# ---- the map, checked by pixels against positions computed here with pyproj ----
from PIL import Image
from pyproj import Transformer

to_merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
to_lonlat = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
bng_to_merc = Transformer.from_crs("EPSG:27700", "EPSG:3857", always_xy=True)
VIRIDIS = [(0x44, 0x01, 0x54), (0x48, 0x28, 0x78), (0x3e, 0x49, 0x89), (0x31, 0x68, 0x8e),
           (0x26, 0x82, 0x8e), (0x1f, 0x9e, 0x89), (0x35, 0xb7, 0x79), (0x6e, 0xce, 0x58),
           (0xb5, 0xde, 0x2b), (0xfd, 0xe7, 0x25)]
VIRIDIS_1 = VIRIDIS[0]
PLACE_RGB = {"local": (0.0, 0.62, 0.45), "regional": (0.90, 0.62, 0.0), "leaked": (0.80, 0.47, 0.65)}
W, H = 800, 600


def box_for(xs, ys, pad):
    """A Web Mercator box around the points with W:H shape; returns it and the --bbox text."""
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max(x1 - x0, (y1 - y0) * W / H) / 2 * (1 + pad)
    half_h = half_w * H / W
    box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    w, s = to_lonlat.transform(box[0], box[1])
    e, n = to_lonlat.transform(box[2], box[3])
    return box, f"{w:.8f},{s:.8f},{e:.8f},{n:.8f}"


def pixel(box, x, y):
    return ((x - box[0]) / (box[2] - box[0]) * W, (box[3] - y) / (box[3] - box[1]) * H)


def check_render(project, tmp):
    results = []
    # 1. The largest ward in IMD decile 1 (by the pandas figures above) is filled with viridis' first
    #    colour at a point inside it.
    ward_decile = {code: min(10, int((e["wr"] / e["pop"] - 1) * 10 // len(f1)) + 1)
                   for code, e in by_ward.iterrows()}
    merc = wards.to_crs("EPSG:3857")
    merc["decile"] = merc["WD13CD"].map(ward_decile)
    target = merc[merc.decile == 1].assign(area=lambda d: d.area).sort_values("area").iloc[-1]
    inside = target.geometry.representative_point()
    bx = target.geometry.bounds
    box, bbox = box_for([bx[0], bx[2]], [bx[1], bx[3]], 0.2)
    png = os.path.join(tmp, "decile.png")
    run("render", project, "--png", png, "--width", str(W), "--height", str(H), "--layer", "areas",
        "--bbox", bbox)
    img = Image.open(png).convert("RGB")
    px, py = pixel(box, inside.x, inside.y)
    got = img.getpixel((int(px), int(py)))
    ok = all(abs(a - b) <= 2 for a, b in zip(got, VIRIDIS_1))
    results.append((ok, f"render: {target.WD13NM} ({target.WD13CD}, IMD decile 1 by pandas) is "
                        f"filled {got} at ({px:.0f},{py:.0f}); decile-1 colour is {VIRIDIS_1}"))

    # 1b. The same for the income domain (File_2, weighted by File_6's population here).
    f2 = pd.read_csv(os.path.join(DATA, "imd", "File_2_-_IoD2019_Domains_of_Deprivation.csv"),
                     encoding="utf-8-sig", thousands=",")
    inc = (lk.merge(f2, left_on="LSOA11CD", right_on="LSOA code (2011)")
             .merge(f6[["LSOA code (2011)", "Total population: mid 2015 (excluding prisoners)"]],
                    on="LSOA code (2011)"))
    inc["pop"] = inc["Total population: mid 2015 (excluding prisoners)"]
    inc["wr"] = inc["Income Rank (where 1 is most deprived)"] * inc["pop"]
    inc_ward = inc.groupby("WD13CD").agg(wr=("wr", "sum"), pop=("pop", "sum"))
    inc_decile = {code: min(10, int((e["wr"] / e["pop"] - 1) * 10 // len(f2)) + 1)
                  for code, e in inc_ward.iterrows()}
    merc["income_decile"] = merc["WD13CD"].map(inc_decile)
    # The largest ward whose income decile differs from its IMD decile: a test that the domain,
    # not the IMD, colours it.
    pick = merc[(merc.income_decile != merc.decile)].assign(area=lambda d: d.area) \
        .sort_values("area").iloc[-1]
    inside = pick.geometry.representative_point()
    bx = pick.geometry.bounds
    box, bbox = box_for([bx[0], bx[2]], [bx[1], bx[3]], 0.2)
    png = os.path.join(tmp, "income.png")
    run("render", project, "--png", png, "--width", str(W), "--height", str(H), "--layer", "areas",
        "--domain", "income", "--bbox", bbox)
    img = Image.open(png).convert("RGB")
    px, py = pixel(box, inside.x, inside.y)
    got = img.getpixel((int(px), int(py)))
    want = VIRIDIS[int(pick.income_decile) - 1]
    ok = all(abs(a - b) <= 2 for a, b in zip(got, want))
    results.append((ok, f"render --domain income: {pick.WD13NM} (income decile {pick.income_decile}, "
                        f"IMD decile {pick.decile} by pandas) is filled {got}; want {want}"))

    # 2. Hyndburn's largest located supplier (by the spend summed here): with only flows of at least
    #    its total drawn, the flow's pixels lie in a corridor between the anchor and the supplier.
    hyndburn = [(n, a) for f in ANCHORS[0][1] for n, a in spend_rows(f)]
    by_supplier = {}
    for name, a in hyndburn:
        if not redacted(name) and name in located:
            i = match(name)
            by_supplier[i] = by_supplier.get(i, Decimal(0)) + a
    top = max(by_supplier, key=by_supplier.get)
    amount = by_supplier[top]
    top_pc = pc_norm(directory.reg_postal_code[top])
    top_name = next(n for n in located if match(n) == top)
    sx, sy = bng_to_merc.transform(cp.e[top_pc], cp.n[top_pc])
    ax, ay = bng_to_merc.transform(cp.e["BB5 0PF"], cp.n["BB5 0PF"])
    box, bbox = box_for([ax, sx], [ay, sy], 0.6)
    png = os.path.join(tmp, "flow.png")
    run("render", project, "--png", png, "--width", str(W), "--height", str(H), "--layer", "flows",
        "--anchor", "Hyndburn Borough Council", "--min-flow", str(amount - Decimal("0.01")),
        "--bbox", bbox)
    img = Image.open(png).convert("RGB")
    (pax, pay), (psx, psy) = pixel(box, ax, ay), pixel(box, sx, sy)
    length = ((psx - pax) ** 2 + (psy - pay) ** 2) ** 0.5
    # the page is white where nothing is drawn
    lit = [(x, y) for y in range(H) for x in range(W) if sum(img.getpixel((x, y))) < 720]
    def dist(x, y):
        t = max(0.0, min(1.0, ((x - pax) * (psx - pax) + (y - pay) * (psy - pay)) / length ** 2))
        return ((x - pax - t * (psx - pax)) ** 2 + (y - pay - t * (psy - pay)) ** 2) ** 0.5, t
    near = [(x, y) for x, y in lit if dist(x, y)[0] <= 0.12 * length + 12]
    middle = [(x, y) for x, y in near if 0.4 <= dist(x, y)[1] <= 0.6]
    colour = PLACE_RGB[place[top_name]]
    mid_rgb = img.getpixel(middle[len(middle) // 2]) if middle else (0, 0, 0)
    hue_ok = max(range(3), key=lambda c: colour[c]) == max(range(3), key=lambda c: mid_rgb[c])
    ok = len(lit) > 50 and len(near) >= 0.98 * len(lit) and len(middle) > 10 and hue_ok
    results.append((ok, f"render: flow Hyndburn -> {top_name} (£{amount:.2f}, {place[top_name]}): "
                        f"{len(lit)} pixels drawn, {len(near)} in the corridor, {len(middle)} mid-way, "
                        f"colour {mid_rgb}"))
    return results

# ---- the same through wealthmap-cli ----
with tempfile.TemporaryDirectory() as tmp:
    p = os.path.join(tmp, "place.wealthmap")
    run("new", p)
    for lad in LADS:
        run("import", "areas", p, os.path.join(DATA, "boundaries", "wards_2013_by_lad", f"{lad}.json"))
    run("import", "postcodes", p, NATIONAL_PC)
    run("import", "suppliers", p, os.path.join(DATA, "suppliers",
                                                "lancashire_suppliers_ch_enriched_DERIVED.csv"))
    for anchor, files in ANCHORS:
        for f in files:
            run("import", "spend", p, f, "--anchor", anchor, "--anchor-postcode", ANCHOR_PC[anchor])
    imd = os.path.join(DATA, "imd")
    run("import", "deprivation", p, os.path.join(imd, "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"),
        "--population", os.path.join(imd, "File_6_-_IoD2019_Population_Denominators.csv"))
    run("import", "deprivation", p, os.path.join(imd, "File_2_-_IoD2019_Domains_of_Deprivation.csv"))
    run("import", "lookup", p, os.path.join(DATA, "derived", "lsoa11_to_ward13_lancashire_DERIVED.csv"))
    run("place", p, "--local", LOCAL, "--region", ",".join(l for l in LADS if l != LOCAL))
    full = json.loads(run("summary", p, "--json"))
    got = full["overall"]
    import sqlite3
    db = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
    public = {r[0] for r in db.execute("SELECT n.norm FROM names n JOIN suppliers s"
                                       " ON s.fid = n.supplier_id WHERE s.kind = 'public'")}
    db.close()
    ward_lines, busiest = tally(public)
    render_checks = check_render(p, tmp)
    behind = json.loads(run("lines", p, "--ward", busiest, "--json", "--limit", "0"))
    want_n, want_t = ward_lines[busiest]
    render_checks.append((behind["count"] == want_n and len(behind["lines"]) == want_n
                          and abs(Decimal(str(behind["total"])) - want_t) < Decimal("0.01")
                          and all(":" in l["source"] for l in behind["lines"]),
                          f"lines --ward {busiest}: {behind['count']} lines £{behind['total']:.2f}; "
                          f"geopandas {want_n} lines £{want_t:.2f}"))

ward_fail = 0
for w in full["wards"]:
    if w["role"] != "local":
        continue
    e = by_ward.loc[w["code"]]
    mean = e["wr"] / e["pop"]
    decile = min(10, int((mean - 1) * 10 // len(f1)) + 1)
    ok = (abs(w["imd_mean_rank"] - mean) < 1e-6 and w["imd_decile"] == decile
          and abs(w["share_decile_1_2"] - e["d12"] / e["pop"]) < 1e-9)
    ward_fail += not ok
    if not ok:
        print(f"FAIL ward {w['code']}: pandas mean rank {mean:.3f} decile {decile}; got {w}")
print(f"{'ok  ' if not ward_fail else 'FAIL'} IMD of Hyndburn's "
      f"{sum(w['role'] == 'local' for w in full['wards'])} wards equals pandas")

failures = 0
for ok, text in render_checks:
    failures += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {text}")
for k, want in totals.items():
    ok = abs(Decimal(str(got[k])) - want) < Decimal("0.01")
    failures += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {k}: geopandas £{want:.2f}, wealthmap-cli £{got[k]:.2f}")
sys.exit(1 if failures or ward_fail else 0)
