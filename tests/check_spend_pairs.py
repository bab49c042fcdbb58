#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The map's cache of spend summed by anchor and payee (spend_pairs, schema 6) agrees with the
spend lines (summed again here by SQLite from the lines), on the Lancashire project and
after a further import into it.

    check_spend_pairs.py CLI LANCASHIRE.wealthmap SHARED_DATA
"""
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
    lines = db.execute("SELECT anchor_id, coalesce(name_id, -1), redacted, sum(amount_pence)"
                       " FROM spend GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()
    pairs = db.execute("SELECT anchor_id, coalesce(name_id, -1), redacted, amount_pence"
                       " FROM spend_pairs ORDER BY 1, 2, 3").fetchall()
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

finish()
