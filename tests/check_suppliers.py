#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Supplier directories as published: the Companies House BasicCompanyData sample (R-written:
no leading spaces, NA for empty dates) and the Lancashire dictionary (aliases, API company
types). Counts, postcodes and SIC codes in the project equal what Python's csv module reads.
Then a 100,000-company file in the byte layout Companies House publishes (bench/gen-ch.py:
leading spaces in the header, every field quoted, CRLF), as a CSV and as its .zip: big enough
that the importer drops the directory's indexes and builds them again at the end.
Usage: check_suppliers.py WEALTHMAP_CLI SHARED_DATA_DIR GEN_CH"""
import csv
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

CLI, DATA, GEN_CH = sys.argv[1], sys.argv[2], sys.argv[3]
CH = os.path.join(DATA, "suppliers", "ch_BasicCompanyDataAsOneFile-2020-05-01_sample.csv")
LANCS = os.path.join(DATA, "suppliers", "lancashire_suppliers_ch_enriched_DERIVED.csv")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")  # the UK format
failures = 0


def check(name, ok, detail=""):
    global failures
    failures += not ok
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))


def expected(r, spaced=False):
    """postcode|SIC codes of a CH row as the importer should store them"""
    get = lambda k: r[(" " + k) if spaced and f" {k}" in r else k]
    pc = re.sub(r"\s+", "", get("RegAddress.PostCode").upper())
    pc = f"{pc[:-3]} {pc[-3:]}" if POSTCODE.match(pc) else ""
    sic = " ".join(s.split(" - ")[0].strip() for s in
                   (get(f"SICCode.SicText_{i}") for i in range(1, 5))
                   if s and " - " in s and not s.startswith("None Supplied"))
    return f"{pc}|{sic}"


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
    bad = sum(got.get(r["CompanyNumber"]) != expected(r) for r in rows)
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
    db.close()

    # The published layout at 100,000 companies, as CSV and as the .zip it comes in.
    big = os.path.join(tmp, "BasicCompanyDataAsOneFile-100000.csv")
    subprocess.run(["/usr/bin/python3", GEN_CH, DATA, big, "100000", "--zip"], check=True,
                   capture_output=True)
    rows = list(csv.DictReader(open(big, encoding="utf-8", newline="")))
    check("the generated file has the published header", " CompanyNumber" in rows[0])
    want = {r[" CompanyNumber"]: expected(r, spaced=True) for r in rows}
    for f in (big, big[:-4] + ".zip"):
        p = os.path.join(tmp, os.path.basename(f) + ".wealthmap")
        subprocess.run([CLI, "new", p], check=True, capture_output=True)
        r = subprocess.run([CLI, "import", "suppliers", p, f], capture_output=True, text=True)
        check(f"imports {os.path.basename(f)}", r.returncode == 0, r.stderr)
        bad_pc = sum(1 for r in rows if r["RegAddress.PostCode"].strip()
                     and want[r[" CompanyNumber"]].startswith("|"))
        check(f"{os.path.basename(f)}: companies with an unusable postcode counted",
              f"{bad_pc} rows with an unknown code or postcode" in r.stdout
              or (bad_pc == 0 and "unknown" not in r.stdout), r.stdout)
        db = sqlite3.connect(p)
        got = dict(db.execute("SELECT company_number, coalesce(postcode, '') || '|' ||"
                              " coalesce(sic, '') FROM suppliers"))
        check(f"{os.path.basename(f)}: every company stored, postcode and SIC as read by Python",
              got == want, f"{len(got)} stored, {sum(got.get(k) != v for k, v in want.items())} differ")
        indexes = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'"
                                            " AND tbl_name IN ('suppliers', 'supplier_keys')")}
        check(f"{os.path.basename(f)}: the directory's indexes are there after a bulk import",
              indexes >= {"suppliers_company", "supplier_keys_key", "supplier_keys_supplier"},
              str(indexes))
        keys = db.execute("SELECT count(*) FROM supplier_keys k JOIN suppliers s ON s.fid ="
                          " k.supplier_id WHERE k.how = 'name'").fetchone()[0]
        check(f"{os.path.basename(f)}: a name key per company", keys == len(want), f"{keys}")
        check(f"{os.path.basename(f)}: integrity", db.execute("PRAGMA integrity_check")
              .fetchone()[0] == "ok")
        db.close()
sys.exit(1 if failures else 0)
