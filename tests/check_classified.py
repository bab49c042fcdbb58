#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A spend import decides each new line's sector as it stores it, and afterwards decides again
only the lines of payees whose supplier changed, and checks against the public-body list only
the suppliers that gained or lost a payee (docs/performance.md). Checked against the whole
project classified afresh (`public --export` then `--import` of the same list checks every
supplier again, and `sectors --export` then `--import` decides every line again), on:

  1. the Lancashire project (22,678 real lines, built import by import);
  2. the same after a further Hyndburn file (new lines of payees already in the project);
  3. a payee first seen without a company number (a supplier made from the spend, sector from
     its text) and then on a line with the company number of a directory supplier: the relink
     moves the payee to that supplier, so the first line must now take the sector of the
     supplier's SIC codes.

    check_classified.py CLI LANCASHIRE.wealthmap SHARED_DATA
"""
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

from wmtest import check, finish

cli, lancashire, shared = sys.argv[1:4]


def run(*args):
    r = subprocess.run([cli, *args], capture_output=True, text=True)
    check(r.returncode == 0, " ".join(args[:2]) + " succeeds", r.stderr)
    return r.stdout


LINES = "SELECT id, sector, sector_source, excluded FROM spend ORDER BY id"
KINDS = "SELECT fid, kind, public_body FROM suppliers ORDER BY fid"


def query(path, sql):
    db = sqlite3.connect(path)
    out = db.execute(sql).fetchall()
    db.close()
    return out


def unchanged_by(path, tmp, verb, sql, what):
    """Rows of @sql before and after the project's own list for @verb is exported and imported
    again, which checks the whole project afresh."""
    before = query(path, sql)
    saved = os.path.join(tmp, verb + ".csv")
    run(verb, path, "--export", saved)
    run(verb, path, "--import", saved)
    after = query(path, sql)
    diff = [(a, b) for a, b in zip(before, after) if a != b]
    check(len(before) == len(after) and len(before) > 0 and not diff,
          f"{what} (all {len(before)})", f"{len(diff)} differ, e.g. {diff[:3]}")


def same_as_afresh(path, tmp, what):
    unchanged_by(path, tmp, "public", KINDS,
                 f"{what}: suppliers' kinds as a check of every supplier gives them")
    unchanged_by(path, tmp, "sectors", LINES, f"{what}: lines classified as they would be afresh")


with tempfile.TemporaryDirectory() as tmp:
    p = os.path.join(tmp, "p.wealthmap")
    shutil.copy(lancashire, p)
    same_as_afresh(p, tmp, "Lancashire")

    run("import", "spend", p, os.path.join(shared, "spend/hyndburn_1701.csv"),
        "--anchor", "Hyndburn Borough Council")
    same_as_afresh(p, tmp, "after hyndburn_1701.csv")

    # A directory supplier with a company number and SIC codes the rules know.
    db = sqlite3.connect(p)
    target = None
    for fid, number, sic in db.execute(
            "SELECT fid, company_number, sic FROM suppliers WHERE source <> 'spend' AND"
            " company_number IS NOT NULL AND sic IS NOT NULL ORDER BY fid"):
        sectors = db.execute("SELECT DISTINCT sector FROM spend s JOIN names n ON n.id ="
                             " s.name_id WHERE n.supplier_id = ? AND s.sector_source = 'sic'",
                             (fid,)).fetchall()
        if len(sectors) == 1:
            target = (fid, number, sectors[0][0])
            break
    db.close()
    check(target is not None, "the project has a directory supplier placed by its SIC codes")
    fid, number, sector = target
    payee = "WEALTHMAP CHECK PAYEE"
    first, second = os.path.join(tmp, "first.csv"), os.path.join(tmp, "second.csv")
    with open(first, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Supplier Name", "Amount", "Date", "Description"])
        w.writerow([payee, "100.00", "01/04/2023", "Stationery"])
    with open(second, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Supplier Name", "Amount", "Date", "Description", "Company Number"])
        w.writerow([payee, "200.00", "02/04/2023", "Stationery", number])
    run("import", "spend", p, first, "--anchor", "Check Anchor")
    db = sqlite3.connect(p)
    q = ("SELECT n.supplier_id, n.method, s.sector FROM spend s JOIN names n ON n.id ="
         " s.name_id WHERE s.supplier_text = ? ORDER BY s.id")
    rows = db.execute(q, (payee,)).fetchall()
    db.close()
    check(len(rows) == 1 and rows[0][1] == "spend",
          "a payee not in the directory gets a supplier made from the spend", repr(rows))
    run("import", "spend", p, second, "--anchor", "Check Anchor")
    db = sqlite3.connect(p)
    rows = db.execute(q, (payee,)).fetchall()
    db.close()
    check(len(rows) == 2 and all(r[0] == fid and r[1] == "company_number" for r in rows),
          "the company number on a later line moves the payee to the directory supplier",
          repr(rows))
    check(all(r[2] == sector for r in rows),
          f"both lines, the earlier one included, now take the supplier's sector ({sector})",
          repr(rows))
    same_as_afresh(p, tmp, "after the payee moved")

finish()
