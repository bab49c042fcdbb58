#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables out as CSV (issue 6 item 4) on the real Lancashire project.

Usage: check_tables.py WEALTHMAP_CLI LANCASHIRE_PROJECT

The figures themselves are checked against the raw files elsewhere (check_spend.py for the
shares, check_report.py for the ward table's deprivation); here we check that what a user
takes to a spreadsheet carries them whole and opens right in Excel:
  * every file starts with a UTF-8 BOM and parses as CSV with the documented header;
  * `summary --csv` (by anchor and by sector): each row's £ equal `summary --json`'s to the
    penny, the "All" row equals the overall figures, and the rows add up to it;
  * `summary --wards-csv`: each ward's received £, decile and residents equal the JSON's, and
    the local wards' shares of the local area add up to 1;
  * `unmatched --csv`: one row per unlocated supplier, the same as `unmatched --json`, adding
    up to the summary's unlocated £;
  * writing into a folder that does not exist fails (exit 1), names the file, leaves nothing.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

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


def read_csv(path, name):
    raw = open(path, "rb").read()
    check(raw.startswith(b"\xef\xbb\xbf"), f"{name}: starts with a UTF-8 BOM")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    check(len(rows) > 0, f"{name}: {len(rows)} rows")
    return rows


def pence(text):
    return round(float(text) * 100)


tmp = tempfile.mkdtemp()
COLUMNS = ["total", "local", "regional", "leaked", "unlocated", "redacted", "unclassified",
           "public_bodies", "suggested"]

for by in ["anchor", "sector"]:
    path = os.path.join(tmp, f"summary-{by}.csv")
    run("summary", PROJECT, "--by", by, "--csv", path)
    js = json.loads(run("summary", PROJECT, "--by", by, "--json").stdout)
    rows = read_csv(path, f"summary --by {by} --csv")
    groups = js["anchors" if by == "anchor" else "groups"]
    keyname = "name" if by == "anchor" else "key"
    check(list(rows[0].keys())[0] == by, f"by {by}: first column is '{by}'")
    check(len(rows) == len(groups) + 1, f"by {by}: {len(groups)} rows and an All row")
    bad = []
    for row, g in zip(rows, groups):
        for c in COLUMNS:
            if pence(row[c + "_gbp"]) != round(g[c] * 100):
                bad.append((g[keyname], c, row[c + "_gbp"], g[c]))
        if pence(row["influenceable_gbp"]) != round(g["influenceable"]["total"] * 100):
            bad.append((g[keyname], "influenceable"))
        if row[by] != g[keyname]:
            bad.append((row[by], g[keyname]))
        if int(row["lines"]) != g["lines"]:
            bad.append((g[keyname], "lines"))
    check(not bad, f"by {by}: every row's figures equal the JSON's to the penny {bad[:3]}")
    last = rows[-1]
    check(last[by] == "All", f"by {by}: the last row is All")
    for c in COLUMNS:
        total = sum(pence(r[c + "_gbp"]) for r in rows[:-1])
        check(total == pence(last[c + "_gbp"]) == round(js["overall"][c] * 100),
              f"by {by}: {c} rows add up to All = overall £{pence(last[c + '_gbp']) / 100:,.2f}")
    located = pence(last["local_gbp"]) + pence(last["regional_gbp"]) + pence(last["leaked_gbp"])
    if located:
        check(abs(float(last["leaked_share"]) - pence(last["leaked_gbp"]) / located) < 1e-4,
              f"by {by}: leaked share {last['leaked_share']} = leaked / located")

# the ward table
path = os.path.join(tmp, "wards.csv")
run("summary", PROJECT, "--wards-csv", path)
js = json.loads(run("summary", PROJECT, "--json").stdout)
rows = read_csv(path, "summary --wards-csv")
check(len(rows) == len(js["wards"]), f"wards: {len(rows)} rows, one per ward of the JSON")
bad = []
for row, w in zip(rows, js["wards"]):
    if row["ward_code"] != w["code"] or pence(row["received_gbp"]) != round(w["received"] * 100):
        bad.append((row["ward_code"], w["code"], "received"))
    if (w["imd_decile"] or "") != (int(row["imd_decile"]) if row["imd_decile"] else ""):
        bad.append((row["ward_code"], "decile"))
    if row["ward_name"] != w["name"]:
        bad.append((row["ward_code"], "name"))
check(not bad, f"wards: code, name, received £ and decile equal the JSON's {bad[:3]}")
local = [r for r in rows if r["role"] == "local"]
shares = sum(float(r["share_of_local_area_received"]) for r in local)
check(len(local) > 0 and abs(shares - 1) < 1e-3,
      f"wards: the {len(local)} local wards' shares of the local area add up to {shares:.4f}")
check(all(r["share_of_local_area_received"] == "" for r in rows if r["role"] != "local"),
      "wards: wards outside the local area have no share of it")

# unlocated suppliers
path = os.path.join(tmp, "unlocated.csv")
run("unmatched", PROJECT, "--csv", path)
js_rows = json.loads(run("unmatched", PROJECT, "--json").stdout)
rows = read_csv(path, "unmatched --csv")
js_list = js_rows if isinstance(js_rows, list) else js_rows.get("suppliers", js_rows.get("rows"))
check(len(rows) == len(js_list), f"unlocated: {len(rows)} rows = the JSON's {len(js_list)}")
check([r["supplier"] for r in rows] == [r["name"] for r in js_list],
      "unlocated: the same suppliers in the same order (largest £ first)")
total = sum(pence(r["amount_gbp"]) for r in rows)
overall = json.loads(run("summary", PROJECT, "--json").stdout)["overall"]
check(total == round(overall["unlocated"] * 100),
      f"unlocated: the rows add up to the summary's unlocated £{total / 100:,.2f}")

# a folder that does not exist
missing = os.path.join(tmp, "no-such-folder", "out.csv")
r = run("summary", PROJECT, "--csv", missing, ok=False)
check(r.returncode == 1 and missing in r.stderr and "folder does not exist" in r.stderr,
      f"a missing folder: exit {r.returncode}, '{r.stderr.strip()}'")
check(not os.path.exists(os.path.dirname(missing)), "a missing folder: nothing written")

if failures:
    sys.exit(f"{len(failures)} checks failed")
print("all table checks passed")
