#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The cache of spend summed by anchor and payee (spend_pairs: pence, lines and pence not
excluded by the sector lists; schemas 6 and 7), which the map and the summary read, agrees
with the spend lines (summed again here by SQLite from the lines), on the Lancashire project,
after a further import into it, and after the sector lists change (which moves lines in and
out of the excluded spend).

    check_spend_pairs.py CLI LANCASHIRE.wealthmap SHARED_DATA
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


def pairs_agree(path, what):
    db = sqlite3.connect(path)
    lines = db.execute("SELECT anchor_id, coalesce(name_id, -1), redacted, sum(amount_pence),"
                       " count(*), sum(CASE WHEN excluded IS NULL THEN amount_pence ELSE 0 END)"
                       " FROM spend GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()
    pairs = db.execute("SELECT anchor_id, coalesce(name_id, -1), redacted, amount_pence,"
                       " lines, open_pence FROM spend_pairs ORDER BY 1, 2, 3").fetchall()
    db.close()
    check(lines == pairs and len(pairs) > 0,
          f"{what}: spend_pairs has the {len(lines)} anchor/payee sums of the spend lines",
          f"{len(pairs)} rows in the cache, first difference: "
          f"{next(((a, b) for a, b in zip(lines, pairs) if a != b), None)}")


with tempfile.TemporaryDirectory() as tmp:
    p = os.path.join(tmp, "p.wealthmap")
    shutil.copy(lancashire, p)
    pairs_agree(p, "Lancashire")
    r = subprocess.run([cli, "import", "spend", p,
                        os.path.join(shared, "spend/hyndburn_1701.csv"), "--anchor",
                        "Hyndburn Borough Council"], capture_output=True, text=True)
    check(r.returncode == 0, "a further spend import succeeds", r.stderr)
    pairs_agree(p, "after importing hyndburn_1701.csv")

    # Exclude one more sector: its lines' pence leave open_pence.
    rules, excl = os.path.join(tmp, "rules.csv"), os.path.join(tmp, "excl.csv")
    r = subprocess.run([cli, "sectors", p, "--export", rules, "--export-exclusions", excl],
                       capture_output=True, text=True)
    check(r.returncode == 0, "the sector lists export", r.stderr)
    db = sqlite3.connect(p)
    before = db.execute("SELECT sum(open_pence) FROM spend_pairs").fetchone()[0]
    sector = db.execute("SELECT sector FROM spend WHERE excluded IS NULL AND sector <>"
                        " 'Unclassified' GROUP BY 1 ORDER BY sum(amount_pence) DESC").fetchone()[0]
    db.close()
    with open(excl, newline="") as f:
        header = next(csv.reader(f))
    with open(excl, "a", newline="") as f:
        csv.writer(f).writerow(["sector" if h == "source" else sector if h == "pattern"
                                else "checked by check_spend_pairs" if h in ("value", "reason")
                                else "" for h in header])
    r = subprocess.run([cli, "sectors", p, "--import", rules, "--import-exclusions", excl],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"the sector lists import with {sector} excluded", r.stderr)
    db = sqlite3.connect(p)
    after = db.execute("SELECT sum(open_pence) FROM spend_pairs").fetchone()[0]
    db.close()
    check(after < before, f"excluding {sector} lowers the open pence", f"{before} -> {after}")
    pairs_agree(p, f"after excluding {sector}")

finish()
