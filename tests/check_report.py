#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ward report on the real Lancashire project (local area: Hyndburn).

Usage: check_report.py WEALTHMAP_CLI LANCASHIRE_PROJECT SHARED_DATA

What is checked, and against what:
  * the PDF's text (pdftotext): the ward's name and code, its IMD decile and the £ its suppliers
    received, against `summary --json --by ward` (the ward table) and against the raw IoD 2019
    File_1 and File_6 with the LSOA-to-ward lookup (population-weighted mean rank -> decile);
  * the count of the ward's LSOAs in England's most deprived 10% and 20%, from raw File_1;
  * the page is not blank (pdftoppm, colours counted with PIL);
  * the CSV: a UTF-8 BOM, parses, and holds the PDF's figures; its by-anchor rows add up to
    the ward's received £;
  * --all DIR writes a PDF and a CSV for each ward of the local area;
  * an unknown ward is an error that names it, and writes nothing.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile

import pandas as pd
from PIL import Image

CLI, PROJECT, SHARED = sys.argv[1:4]
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


def pounds(x):
    return f"£{round(x):,}"


summary = json.loads(run("summary", PROJECT, "--json", "--by", "ward").stdout)
local = [w for w in summary["wards"] if w.get("role") == "local"]
# The local ward whose suppliers received the most: a ward with figures in every section.
ward = max(local, key=lambda w: w["received"])
code = ward["code"]

# Independent deprivation figures from the raw IoD files.
imd = pd.read_csv(os.path.join(SHARED, "imd", "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"),
                  thousands=",", encoding="utf-8-sig")
rank_col = next(c for c in imd.columns if "Rank" in c and "Multiple" in c)
dec_col = next(c for c in imd.columns if "Decile" in c and "Multiple" in c)
pop = pd.read_csv(os.path.join(SHARED, "imd", "File_6_-_IoD2019_Population_Denominators.csv"),
                  thousands=",", encoding="utf-8-sig")
pop_col = next(c for c in pop.columns if c.startswith("Total population"))
look = pd.read_csv(os.path.join(SHARED, "derived", "lsoa11_to_ward13_lancashire_DERIVED.csv"))
lsoa_col = next(c for c in look.columns if c.upper().startswith("LSOA11CD"))
ward_col = next(c for c in look.columns if c.upper().startswith("WD13CD"))
m = look[[lsoa_col, ward_col]].merge(imd[[imd.columns[0], rank_col, dec_col]], left_on=lsoa_col,
                                     right_on=imd.columns[0]).merge(
    pop[[pop.columns[0], pop_col]], left_on=lsoa_col, right_on=pop.columns[0])
mine = m[m[ward_col] == code]
n_lsoas = int(imd[rank_col].max())
mean_rank = (mine[rank_col] * mine[pop_col]).sum() / mine[pop_col].sum()
want_decile = min(10, int((mean_rank - 1) * 10 // n_lsoas) + 1)
want_d1 = int((mine[dec_col] == 1).sum())
want_d12 = int((mine[dec_col] <= 2).sum())
check(want_decile == ward["imd_decile"],
      f"{ward['name']} ({code}): IMD decile {want_decile} from the raw IoD files, as the ward table")

with tempfile.TemporaryDirectory() as tmp:
    pdf = os.path.join(tmp, "ward.pdf")
    out_csv = os.path.join(tmp, "ward.csv")
    run("ward-report", PROJECT, code, "--pdf", pdf, "--csv", out_csv)
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                          text=True).stdout
    pages = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    check(re.search(r"^Pages:\s+1$", pages, re.M) is not None, "the report is one page")
    for want, what in [(ward["name"], "the ward's name"), (code, "its code"),
                       (f"IMD decile {want_decile} of 10", "its IMD decile"),
                       (pounds(ward["received"]), f"the £ its suppliers received ({pounds(ward['received'])})"),
                       (f"{want_d1} of the ward's {len(mine)} neighbourhoods",
                        f"LSOAs in decile 1 ({want_d1} of {len(mine)}, raw File_1)"),
                       (f"{want_d12} in the most deprived 20%", f"LSOAs in deciles 1-2 ({want_d12})")]:
        check(want in " ".join(text.split()), f"the PDF shows {what}")
    share = 100 * ward["received"] / sum(w["received"] for w in local)
    check(f"{share:.1f}% of local spend" in text,
          f"the PDF shows the ward's share of the local area's £ ({share:.1f}%)")
    subprocess.run(["pdftoppm", "-r", "50", "-png", pdf, os.path.join(tmp, "page")], check=True)
    img = Image.open(os.path.join(tmp, "page-1.png")).convert("RGB")
    colours = len(set(img.getdata()))
    check(colours > 200, f"the page is not blank ({colours} colours at 50 dpi)")

    raw = open(out_csv, "rb").read()
    check(raw.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 BOM")
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))
    get = {(r["section"], r["item"]): r["value"] for r in rows}
    check(abs(float(get[("spend received", "all anchors")]) - ward["received"]) < 0.005,
          "the CSV's received £ is the ward table's")
    by_anchor = sum(float(r["value"]) for r in rows if r["section"] == "by anchor")
    by_year = sum(float(r["value"]) for r in rows if r["section"] == "by financial year")
    check(abs(by_anchor - ward["received"]) < 0.01 and abs(by_year - ward["received"]) < 0.01,
          f"by anchor and by year add up to the received £ ({by_anchor:,.2f})")
    check(int(get[("deprivation decile", "Index of Multiple Deprivation")]) == want_decile
          and int(get[("deprivation", "LSOAs in decile 1")]) == want_d1,
          "the CSV's deprivation figures are the raw files'")
    for r in rows:
        if r["section"] == "by anchor":
            check(pounds(float(r["value"])) in text, f"the PDF shows {r['item']}'s {pounds(float(r['value']))}")

    # Every ward of the local area at once.
    folder = os.path.join(tmp, "all")
    run("ward-report", PROJECT, "--all", folder)
    made = sorted(os.listdir(folder))
    check(sorted(f"{w['code']}.{ext}" for w in local for ext in ("csv", "pdf")) == made,
          f"--all wrote a PDF and a CSV for each of the {len(local)} local wards")

    # A ward that is not there.
    bad = os.path.join(tmp, "bad.pdf")
    r = run("ward-report", PROJECT, "E05999999", "--pdf", bad, ok=False)
    check(r.returncode == 1 and "E05999999" in r.stderr and not os.path.exists(bad),
          f"an unknown ward is refused by name and nothing is written ({r.stderr.strip()})")

    # A CSV into a folder that is not there: the message names the file asked for.
    missing = os.path.join(tmp, "no-such-folder", "ward.csv")
    r = run("ward-report", PROJECT, code, "--csv", missing, ok=False)
    check(r.returncode == 1 and f"{missing}: cannot write it: its folder does not exist" in r.stderr,
          f"a CSV into a missing folder names it ({r.stderr.strip()})")

if failures:
    sys.exit(f"{len(failures)} checks failed")
