#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Supplier directories as published: the Companies House BasicCompanyData sample (R-written:
no leading spaces, NA for empty dates) and the Lancashire dictionary (aliases, API company
types). Counts, postcodes and SIC codes in the project equal what Python's csv module reads.
Usage: check_suppliers.py WEALTHMAP_CLI SHARED_DATA_DIR"""
import csv
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

CLI, DATA = sys.argv[1], sys.argv[2]
CH = os.path.join(DATA, "suppliers", "ch_BasicCompanyDataAsOneFile-2020-05-01_sample.csv")
LANCS = os.path.join(DATA, "suppliers", "lancashire_suppliers_ch_enriched_DERIVED.csv")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")  # the UK format
failures = 0


def check(name, ok, detail=""):
    global failures
    failures += not ok
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))


with tempfile.TemporaryDirectory() as tmp:
    p = os.path.join(tmp, "s.wealthmap")
    subprocess.run([CLI, "new", p], check=True, capture_output=True)
    for f in (CH, LANCS):
        r = subprocess.run([CLI, "import", "suppliers", p, f], capture_output=True, text=True)
        check(f"imports {os.path.basename(f)}", r.returncode == 0, r.stderr)
    db = sqlite3.connect(p)

    rows = list(csv.DictReader(open(CH, encoding="utf-8", newline="")))
    got = dict(db.execute("SELECT company_number, coalesce(postcode, '') || '|' || coalesce(sic, '')"
                          " FROM suppliers WHERE source LIKE 'directory:ch_%'"))
    check("every CH company stored", len(got) == len(rows), f"{len(got)} vs {len(rows)}")
    bad = 0
    for r in rows:
        pc = re.sub(r"\s+", "", r["RegAddress.PostCode"].upper())
        pc = f"{pc[:-3]} {pc[-3:]}" if POSTCODE.match(pc) else ""
        sic = " ".join(s.split(" - ")[0].strip() for s in
                       (r[f"SICCode.SicText_{i}"] for i in range(1, 5))
                       if s and " - " in s and not s.startswith("None Supplied"))
        if got.get(r["CompanyNumber"]) != f"{pc}|{sic}":
            bad += 1
    check("postcode and SIC codes of every CH company", bad == 0, f"{bad} differ")

    lancs = list(csv.DictReader(open(LANCS, encoding="utf-8", newline="")))
    n = db.execute("SELECT count(*) FROM suppliers WHERE source LIKE 'directory:lancashire%'").fetchone()[0]
    check("every Lancashire supplier stored", n == len(lancs), f"{n} vs {len(lancs)}")
    aliases = db.execute("SELECT count(*) FROM supplier_keys WHERE how = 'alias'").fetchone()[0]
    check("aliases kept as matching keys", aliases > 0)
    plc = db.execute("SELECT count(*) FROM suppliers WHERE category = 'plc' AND kind = 'large'"
                     " AND kind_inferred = 0").fetchone()[0]
    check("CH API type plc -> large, from the data",
          plc == sum(1 for r in lancs if r["ch_company_type"] == "plc"
                     and not re.search(r"COUNCIL|NHS|UNIVERSITY|POLICE", r["supplier_canonical"].upper())),
          f"{plc}")
sys.exit(1 if failures else 0)
