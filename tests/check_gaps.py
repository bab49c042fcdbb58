#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sectors, gaps, sites, scenario, network and lots on the real Lancashire project.

Usage: check_gaps.py WEALTHMAP_CLI LANCASHIRE_PROJECT SHARED_DATA DATA_DIR CASES_CSV

Every expected figure is computed here, independently of the C code:
  * each spend line's sector and exclusion, by a Python reading of the rules (the matcher of
    data/measure-sectors.py for word rules, prefixes here for SIC) over the line's fields;
  * the coverage of each real spend file from the raw files (data/measure-sectors.py), which
    must be at least 90% of the file's gross £;
  * the gap figures by pandas over the spend lines; the score by its formula (docs/gaps.md);
  * the sites' deprivation from the raw IoD 2019 files, the ward lookup and the population
    denominators, and their distances by pyproj's geodesic on the WGS 84 ellipsoid from the
    anchors' postcodes in the raw Code-Point Open file;
  * the scenario's arithmetic by hand.
"""
import csv
import gzip
import importlib.util
import io
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import pandas as pd
from pyproj import Geod

CLI, PROJECT, SHARED, DATA, CASES = sys.argv[1:6]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(*args, ok=True):
    r = subprocess.run([CLI, *args], capture_output=True, text=True)
    if ok and r.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {r.stderr}")
    return r


def cli_json(*args):
    return json.loads(run(*args, "--json").stdout)


spec = importlib.util.spec_from_file_location("measure", os.path.join(DATA, "measure-sectors.py"))
measure = importlib.util.module_from_spec(spec)
spec.loader.exec_module(measure)

# ---- the rules, read independently --------------------------------------------------------
rules = measure.Rules(os.path.join(DATA, "sectors.csv"))
sic_rules = {}
with open(os.path.join(DATA, "sectors.csv"), encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        if row["source"] == "sic":
            sic_rules.setdefault(row["pattern"].strip(), row["sector"].strip())
excl = {"sector": {}, "expense": [], "supplier": []}
with open(os.path.join(DATA, "non-influenceable.csv"), encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        if row["source"] == "sector":
            excl["sector"].setdefault(row["pattern"].strip().casefold(), row["reason"].strip())
        else:
            excl[row["source"]].append((measure.words(row["pattern"]), row["reason"].strip()))


def sic_sector(sic):
    for code in (sic or "").replace(",", " ").replace(";", " ").split():
        code = code[:5]
        for n in range(len(code), 1, -1):
            if code[:n] in sic_rules:
                if sic_rules[code[:n]] != "-":
                    return sic_rules[code[:n]]
                break
    return None


def best(rule_list, text):
    w, found = measure.words(text), None
    for pat, value in rule_list:
        if pat and (found is None or len(pat) > len(found[0])) and measure.contains(w, pat):
            found = (pat, value)
    return found and found[1]


def expected(line):
    sector = sic_sector(line["sic"])
    if sector is None:
        sector = rules.sector(line) or "Unclassified"
    if line["public"]:
        why = "public body"
    else:
        why = excl["sector"].get(sector.casefold())
        for field in measure.FIELDS:
            why = why or best(excl["expense"], line[field])
        why = why or best(excl["supplier"], line["supplier"])
    return sector, why


db = sqlite3.connect(f"file:{PROJECT}?mode=ro", uri=True)
lines = pd.read_sql_query(
    "SELECT s.id, s.anchor_id, a.name AS anchor, s.amount_pence, s.fyear, s.category,"
    " s.classification, s.description, s.service,"
    " CASE WHEN s.redacted THEN NULL ELSE coalesce(n.display, s.supplier_text) END AS supplier,"
    " p.fid, p.name AS supplier_name, p.sic, p.place, p.kind,"
    " coalesce(p.kind = 'public' AND NOT s.redacted, 0) AS public, s.sector, s.excluded"
    " FROM spend s JOIN anchors a ON a.fid = s.anchor_id"
    " LEFT JOIN names n ON n.id = s.name_id AND NOT s.redacted"
    " LEFT JOIN suppliers p ON p.fid = n.supplier_id", db)
lines = lines.astype(object).where(lines.notna(), None)

# ---- 1. every line's sector and exclusion ---------------------------------------------------
mismatch = []
for line in lines.to_dict("records"):
    sector, why = expected(line)
    if sector != line["sector"] or why != line["excluded"]:
        mismatch.append((line["id"], sector, line["sector"], why, line["excluded"]))
check(not mismatch, f"sector and exclusion of all {len(lines)} lines agree with the rules read"
      f" in Python ({len(mismatch)} differ{': ' + repr(mismatch[:3]) if mismatch else ''})")

# ---- 2. coverage of each real file, from the raw files ---------------------------------------
r = subprocess.run(["/usr/bin/python3", os.path.join(DATA, "measure-sectors.py"), SHARED],
                   capture_output=True, text=True, check=True)
shares = [float(l.rsplit(",", 1)[1].strip(" %")) for l in r.stdout.splitlines()
          if ": " in l and l.rstrip().endswith("%") and "lines, gross" in l]
check(len(shares) == 18, f"measure-sectors read the 18 real spend files ({len(shares)})")
check(min(shares) >= 90.0, f"the rules give a sector to at least 90% of each real file's gross £"
      f" (lowest {min(shares):.1f}%)")
cov = cli_json("sectors", PROJECT)
check(all(f["covered_share"] >= 0.90 for f in cov["files"]),
      "in the project (with SIC codes too), every file is at least 90% covered: "
      + ", ".join(f"{f['covered_share']:.1%}" for f in cov["files"]))

# ---- 3. hand-written cases: real expense strings and the sector they must get ---------------
with open(CASES, encoding="utf-8", newline="") as f:
    cases = list(csv.DictReader(f))
out = run("sectors", PROJECT, *sum((["--test", c["text"]] for c in cases), [])).stdout
got = {l.split("\t")[0]: l.split("\t")[1:] for l in out.splitlines()}
wrong = [(c["text"], c["sector"], got.get(c["text"])) for c in cases
         if got.get(c["text"], [None, None])[0] != c["sector"]
         or (got[c["text"]][1] == "influenceable") != (c["influenceable"] == "yes")]
check(not wrong, f"{len(cases)} hand-classified real expense strings get their sector and"
      f" influenceability ({wrong[:3]})")

# ---- 4. gaps: figures from the lines, the score, the ranking ---------------------------------
weights = (0.5, 1.0)
gaps = cli_json("gaps", PROJECT)
summary = cli_json("summary", PROJECT)
infl = lines[(lines.excluded.isna()) & (lines.public == 0)]
by_sector = infl.groupby("sector")
check(abs(sum(g["leaked"] for g in gaps["sectors"])
          - summary["overall"]["influenceable"]["leaked"]) < 0.005,
      "the sectors' leaked £ add up to summary's leaked influenceable £"
      f" ({summary['overall']['influenceable']['leaked']:,.2f})")
check(abs(gaps["influenceable"] - summary["overall"]["influenceable"]["total"]) < 0.005,
      "gaps' influenceable £ equals summary's")
bad = []
for g in gaps["sectors"]:
    sec = by_sector.get_group(g["sector"])
    leaked = sec[sec.place == "leaked"]
    want = {
        "total": sec.amount_pence.sum() / 100,
        "leaked": leaked.amount_pence.sum() / 100,
        "local": sec[sec.place == "local"].amount_pence.sum() / 100,
        "anchors_buying": sec[sec.amount_pence > 0].anchor_id.nunique(),
    }
    for k, v in want.items():
        if abs(g[k] - v) > 0.005:
            bad.append((g["sector"], k, g[k], v))
    score = max(g["leaked"], 0) * (1 + weights[0] * max(g["anchors_buying"] - 1, 0)) \
        / (1 + weights[1] * g["local_suppliers"])
    if abs(score - g["score"]) > 0.01 * max(1, score) / 100:
        bad.append((g["sector"], "score", g["score"], score))
    if g["local_suppliers"] < sec[sec.place == "local"].fid.nunique():
        bad.append((g["sector"], "local_suppliers", g["local_suppliers"]))
    top = leaked.groupby("fid").amount_pence.sum().sort_values(ascending=False)
    if g["top_leaked"] and abs(g["top_leaked"][0]["amount"] - top.iloc[0] / 100) > 0.005:
        bad.append((g["sector"], "top_leaked", g["top_leaked"][0], top.iloc[0] / 100))
check(not bad, f"each of the {len(gaps['sectors'])} sectors' figures and score match pandas"
      f" and the formula ({bad[:3]})")
scores = [g["score"] for g in gaps["sectors"]]
check(scores == sorted(scores, reverse=True) and [g["rank"] for g in gaps["sectors"]]
      == list(range(1, len(scores) + 1)), "sectors are ranked by score")
# The property the score is built for: with the same (or less) leaked £, a sector that 2+
# anchors buy and no local firm serves outranks one that local firms already serve (holds while
# at most 4 anchors buy, at the default weights: docs/gaps.md).
pairs = [(a["sector"], b["sector"]) for a in gaps["sectors"] for b in gaps["sectors"]
         if a["local_suppliers"] == 0 and a["anchors_buying"] >= 2 and b["local_suppliers"] >= 1
         and b["anchors_buying"] <= 4 and 0 < b["leaked"] <= a["leaked"]]
check(all(next(g["rank"] for g in gaps["sectors"] if g["sector"] == x)
          < next(g["rank"] for g in gaps["sectors"] if g["sector"] == y) for x, y in pairs),
      f"no-local-supplier sectors bought by 2+ anchors outrank served ones with no more leaked £"
      f" ({len(pairs)} pairs)")
# The app's "Lines" button lists a gap's leaked lines: `lines --influenceable` must total the
# gap's leaked £ (checked on the top sector against pandas' figure above).
top_gap = gaps["sectors"][0]
listed = cli_json("lines", PROJECT, "--sector", top_gap["sector"], "--place", "leaked",
                  "--influenceable", "--limit", "1")
check(abs(listed["total"] - top_gap["leaked"]) < 0.005
      and listed["count"] == len(by_sector.get_group(top_gap["sector"]).query("place == 'leaked'")),
      f"lines --influenceable lists {top_gap['sector']}'s {listed['count']} leaked lines,"
      f" £{listed['total']:,.2f}")
excluded = sum(e["amount"] for e in gaps["not_influenceable"])
check(abs(excluded + gaps["influenceable"] - summary["overall"]["total"]) < 0.005,
      f"influenceable + not influenceable = all spend (£{excluded:,.2f} set apart)")
# CSV: BOM, parses, same figures.
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "gaps.csv")
    run("gaps", PROJECT, "--csv", path)
    raw = open(path, "rb").read()
    check(raw.startswith(b"\xef\xbb\xbf"), "the gaps CSV starts with a UTF-8 BOM")
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))
    check([r["sector"] for r in rows] == [g["sector"] for g in gaps["sectors"]]
          and all(abs(float(r["leaked_gbp"]) - g["leaked"]) < 0.005
                  for r, g in zip(rows, gaps["sectors"])), "the CSV holds the JSON's figures")
# Weights are settings: other weights change the scores as the formula says.
heavy = cli_json("gaps", PROJECT, "--anchor-weight", "2", "--local-weight", "0")
check(all(abs(h["score"] - max(h["leaked"], 0) * (1 + 2 * max(h["anchors_buying"] - 1, 0)))
          < 0.01 for h in heavy["sectors"]), "--anchor-weight 2 --local-weight 0 scores by formula")

# ---- 5. sites: deprivation from the raw IoD files, distance by pyproj -----------------------
top_gap = gaps["sectors"][0]["sector"]
sites = cli_json("sites", PROJECT, "--sector", top_gap, "--limit", "0")
imd = pd.read_csv(os.path.join(SHARED, "imd", "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"),
                  thousands=",", encoding="utf-8-sig")
rank_col = next(c for c in imd.columns if "Rank" in c and "Multiple" in c)
pop = pd.read_csv(os.path.join(SHARED, "imd", "File_6_-_IoD2019_Population_Denominators.csv"),
                  thousands=",", encoding="utf-8-sig")
pop_col = next(c for c in pop.columns if c.startswith("Total population"))
look = pd.read_csv(os.path.join(SHARED, "derived", "lsoa11_to_ward13_lancashire_DERIVED.csv"))
lsoa_col = next(c for c in look.columns if c.upper().startswith("LSOA11CD"))
ward_col = next(c for c in look.columns if c.upper().startswith("WD13CD"))
m = look[[lsoa_col, ward_col]].merge(imd[[imd.columns[0], rank_col]], left_on=lsoa_col,
                                     right_on=imd.columns[0]).merge(
    pop[[pop.columns[0], pop_col]], left_on=lsoa_col, right_on=pop.columns[0])
m["w"] = m[rank_col] * m[pop_col]
mean_rank = (m.groupby(ward_col).w.sum() / m.groupby(ward_col)[pop_col].sum()).to_dict()
n_lsoas = int(imd[rank_col].max())
# anchors' positions from their postcodes in the raw Code-Point Open file (OSGB36 grid -> WGS 84)
anchor_pc = dict(db.execute("SELECT name, postcode FROM anchors"))
want_pc = {pc.replace(" ", ""): name for name, pc in anchor_pc.items()}
east_north = {}
with gzip.open(os.path.join(SHARED, "national", "codepoint_open_2014_gb.csv.gz"), "rt") as f:
    for row in csv.reader(f):
        if row and row[0].replace(" ", "") in want_pc:
            east_north[want_pc[row[0].replace(" ", "")]] = (float(row[2]), float(row[3]))
from pyproj import Transformer
to_wgs = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
pos = {name: to_wgs.transform(*en) for name, en in east_north.items()}
geod = Geod(ellps="WGS84")
labels = {c: (x, y) for c, x, y in db.execute(
    "SELECT code, label_x, label_y FROM areas WHERE level = 'ward'")}
buy = {a["name"]: a["amount"] for a in sites["anchors"]}
bad = []
for w in sites["wards"]:
    want_rank = mean_rank[w["code"]]
    dist = sum(buy[a] * geod.inv(*labels[w["code"]], *pos[a])[2] / 1000 for a in buy) / sum(buy.values())
    dep = 1 - (want_rank - 1) / n_lsoas
    score = 0.6 * dep + 0.3 / (1 + dist / 10) + 0.1 / (1 + w["suppliers"])
    if abs(w["mean_rank"] - want_rank) > 0.01 or abs(w["distance_km"] - dist) > 0.05 \
            or abs(w["score"] - score) > 1e-3:
        bad.append((w["code"], w["mean_rank"], want_rank, w["distance_km"], dist))
check(len(sites["wards"]) == 16 and not bad,
      f"sites for {top_gap}: the 16 Hyndburn wards' mean IMD rank, distance and score match the"
      f" raw IoD files and pyproj ({bad[:2]})")
check([w["score"] for w in sites["wards"]] == sorted((w["score"] for w in sites["wards"]),
                                                      reverse=True), "sites are ranked by score")
emp = cli_json("sites", PROJECT, "--sector", top_gap, "--domain", "employment", "--limit", "3")
check(emp["domain"] == "employment" and len(emp["wards"]) == 3, "sites by the employment domain")
r = run("sites", PROJECT, "--sector", "no such sector", ok=False)
check(r.returncode == 2 and "no sector" in r.stderr, "an unknown sector is named in the error")

# ---- 6. scenario -----------------------------------------------------------------------------
zero = cli_json("scenario", PROJECT, "--shift", "0")
check(all(a["shifted"] == 0 and a["local_after"] == a["local_before"] for a in zero["anchors"])
      and zero["round_1"] == 0, "a 0% shift changes nothing")
full = cli_json("scenario", PROJECT, "--shift", "100")
by_anchor = {a["name"]: a for a in summary["anchors"]}
check(all(abs(a["local_after"] - (by_anchor[a["name"]]["influenceable"]["local"]
                                  + by_anchor[a["name"]]["influenceable"]["leaked"])) < 0.005
          for a in full["anchors"] if a["name"] in by_anchor),
      "a 100% shift makes every anchor's leaked influenceable spend local")
part = cli_json("scenario", PROJECT, "--shift", "25", "--sector", top_gap, "--respend", "50,20",
                "--per-job", "50000")
sector_leaked = infl[(infl.sector == top_gap) & (infl.place == "leaked")]
per_anchor = sector_leaked.groupby("anchor").amount_pence.sum()
r1 = sum(round(max(v, 0) * 0.25) for v in per_anchor) / 100
check(abs(part["round_1"] - r1) < 0.02 and abs(part["round_2"] - round(r1 * 0.5, 2)) < 0.02
      and abs(part["round_3"] - round(r1 * 0.5 * 0.2, 2)) < 0.02
      and abs(part["lm3"] - 1.6) < 1e-3 and abs(part["jobs_direct"] - r1 / 50000) < 1e-3,
      f"scenario 25% of {top_gap}, re-spend 50%/20%: rounds £{r1:,.2f}, ×0.5, ×0.2; LM3 1.6")

# ---- 7. network and lots ---------------------------------------------------------------------
net = cli_json("network", PROJECT)
check(all(abs(a["local"] - by_anchor[a["name"]]["local"]) < 0.005
          and abs(a["public_bodies"] - by_anchor[a["name"]]["public_bodies"]) < 0.005
          for a in net["anchors"] if a["name"] in by_anchor), "network baseline equals summary")
paid = lines[lines.fid.notna() & (lines.kind != "public")].groupby("fid").anchor_id.nunique()
check(len(net["shared_suppliers"]) == int((paid >= 2).sum()),
      f"{len(net['shared_suppliers'])} suppliers are paid by two or more anchors")
lots = cli_json("lots", PROJECT, "--sector", top_gap)
pos_lines = infl[(infl.sector == top_gap) & (infl.amount_pence > 0)]
bands = pd.cut(pos_lines.amount_pence, [-1, 999999, 2499999, 4999999, float("inf")], labels=False)
want = pos_lines.groupby(bands).amount_pence.agg(["count", "sum"])
check(all(b["payments"] == int(want["count"].get(i, 0))
          and abs(b["payment_amount"] - want["sum"].get(i, 0) / 100) < 0.005
          for i, b in enumerate(lots["bands"])), f"lots of {top_gap}: payments by band")

# The lines behind a gap: `lines --sector --place leaked` (any influenceability, not public).
got = cli_json("lines", PROJECT, "--sector", top_gap, "--place", "leaked", "--limit", "2")
want = lines[(lines.sector == top_gap) & (lines.place == "leaked") & (lines.public == 0)]
check(got["count"] == len(want) and got["total_pence"] == int(want.amount_pence.sum())
      and len(got["lines"]) == 2, f"lines --sector {top_gap} --place leaked: {len(want)} lines,"
      f" £{want.amount_pence.sum() / 100:,.2f}")

# ---- 8. the rules round trip, and a bad rules file changes nothing ---------------------------
with tempfile.TemporaryDirectory() as tmp:
    copy = os.path.join(tmp, "p.wealthmap")
    shutil.copy(PROJECT, copy)
    exp = os.path.join(tmp, "sectors.csv")
    run("sectors", copy, "--export", exp, "--export-exclusions", os.path.join(tmp, "excl.csv"))
    before = run("gaps", copy, "--json").stdout
    run("sectors", copy, "--import", exp)
    check(run("gaps", copy, "--json").stdout == before, "exported rules import back unchanged")
    bad_rules = os.path.join(tmp, "bad.csv")
    with open(bad_rules, "w") as f:
        f.write("source,pattern,sector\nexpense,petrol,Transport & fleet\nsic,4x,Construction\n")
    r = run("sectors", copy, "--import", bad_rules, ok=False)
    check(r.returncode == 1 and "bad.csv:3:" in r.stderr,
          f"a bad rule is refused naming file and line ({r.stderr.strip()})")
    check(run("gaps", copy, "--json").stdout == before, "... and the project is unchanged")
    with open(bad_rules, "w") as f:
        f.write("source,pattern,sector\nexpense,rates,Transport & fleet\n")
    run("sectors", copy, "--import", bad_rules)
    moved = cli_json("summary", copy, "--by", "sector")
    check(any(g["key"] == "Transport & fleet" for g in moved["groups"])
          and sum(1 for g in moved["groups"]) <= 2,
          "an edited list gives every line its sector again")

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
