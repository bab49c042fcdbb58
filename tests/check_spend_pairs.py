#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The cache of spend summed by anchor, payee, sector and financial year (spend_pairs: pence,
lines and pence not excluded by the sector lists; schemas 6 to 8), which the map, the summary
and its charts read, agrees with the spend lines (summed again here by SQLite from the lines):
on the Lancashire project, after a further import into it, after the sector lists move lines
from one sector to another and out of the influenceable spend, and after a schema 7 project
is opened (which fills the cache again). The summaries by sector and by year, which read the
cache, are checked against the lines summed here with the suppliers' places.

    check_spend_pairs.py CLI LANCASHIRE.wealthmap SHARED_DATA
"""
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

from wmtest import check, finish

cli, lancashire, shared = sys.argv[1:4]

KEY = ("anchor_id, coalesce(name_id, -1), redacted, coalesce(sector, ''), coalesce(fyear, -1),"
       " coalesce(excluded, '')")


def cells_agree(path, what):
    db = sqlite3.connect(path)
    lines = db.execute(f"SELECT {KEY}, sum(amount_pence), count(*), sum(CASE WHEN excluded IS"
                       " NULL THEN amount_pence ELSE 0 END), sum(amount_pence > 0) FROM spend"
                       " GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6").fetchall()
    cells = db.execute(f"SELECT {KEY}, amount_pence, lines, open_pence, positive FROM"
                       " spend_pairs ORDER BY 1, 2, 3, 4, 5, 6").fetchall()
    db.close()
    check(lines == cells and len(cells) > 0,
          f"{what}: spend_pairs has the {len(lines)} anchor/payee/sector/year/exclusion sums"
          " of the lines",
          f"{len(cells)} rows in the cache, first difference: "
          f"{next(((a, b) for a, b in zip(lines, cells) if a != b), None)}")


def cli_run(*args):
    r = subprocess.run([cli, *args], capture_output=True, text=True)
    return r


def summaries_agree(path, what):
    """summary --by sector / --by year against the lines, each joined to its supplier."""
    db = sqlite3.connect(path)
    infl = ("s.excluded IS NULL AND coalesce(p.kind, '') <> 'public'")
    for by, expr in (("sector", "coalesce(s.sector, 'Unclassified')"),
                     ("year", "CASE WHEN s.fyear IS NULL THEN '(no date)' ELSE s.fyear || '/' ||"
                              " substr(s.fyear + 1, 3, 2) END")):
        want = {row[0]: row[1:] for row in db.execute(
            f"SELECT {expr}, sum(s.amount_pence), count(*),"
            f" sum(CASE WHEN {infl} THEN s.amount_pence ELSE 0 END),"
            f" sum(CASE WHEN {infl} AND p.place = 'local' THEN s.amount_pence ELSE 0 END),"
            f" sum(CASE WHEN {infl} AND p.place = 'leaked' THEN s.amount_pence ELSE 0 END)"
            " FROM spend s LEFT JOIN names n ON n.id = s.name_id AND NOT s.redacted"
            " LEFT JOIN suppliers p ON p.fid = n.supplier_id GROUP BY 1")}
        r = cli_run("summary", path, "--by", by, "--json")
        if not check(r.returncode == 0, f"{what}: summary --by {by} runs", r.stderr):
            continue
        got = {g["key"]: (round(g["total"] * 100), g["lines"],
                          round(g["influenceable"]["total"] * 100),
                          round(g["influenceable"]["local"] * 100),
                          round(g["influenceable"]["leaked"] * 100))
               for g in json.loads(r.stdout)["groups"]}
        check(got == want and len(want) > 1,
              f"{what}: summary --by {by} gives the lines' {len(want)} groups to the penny",
              f"{sorted(set(got.items()) ^ set(want.items()))[:4]}")
    db.close()


def filtered_agree(path):
    """summary --json under filters (as the side panel follows the map's filters) against the
    lines under the same conditions: the overall row, every anchor's row and the ward table."""
    db = sqlite3.connect(path)
    infl = "s.excluded IS NULL AND coalesce(p.kind, '') <> 'public'"
    year, sector, category = db.execute(
        "SELECT fyear, sector, category FROM spend WHERE fyear IS NOT NULL AND category IS NOT"
        " NULL GROUP BY 1, 2, 3 ORDER BY count(*) DESC LIMIT 1").fetchone()
    anchor = db.execute("SELECT a.name FROM spend s JOIN anchors a ON a.fid = s.anchor_id"
                        " WHERE s.fyear = ? GROUP BY 1 ORDER BY count(*) DESC", (year,)).fetchone()[0]
    filters = [({"year": year}, "s.fyear = ?", (year,)),
               ({"year": year, "sector": sector}, "s.fyear = ? AND s.sector = ?", (year, sector)),
               ({"anchor": anchor, "kind": "sme"}, "a.name = ? AND p.kind = 'sme'", (anchor,)),
               ({"category": category}, "s.category = ?", (category,))]
    for opts, where, params in filters:
        args = sum(([f"--{k}", str(v)] for k, v in opts.items()), [])
        r = cli_run("summary", path, "--json", *args)
        if not check(r.returncode == 0, f"summary {' '.join(args)} runs", r.stderr):
            continue
        got = json.loads(r.stdout)
        rows = {a["name"]: a for a in got["anchors"]}
        want = db.execute(
            f"SELECT a.name, sum(s.amount_pence), count(*),"
            f" sum(CASE WHEN {infl} THEN s.amount_pence ELSE 0 END),"
            f" sum(CASE WHEN {infl} AND p.place = 'leaked' THEN s.amount_pence ELSE 0 END)"
            " FROM spend s JOIN anchors a ON a.fid = s.anchor_id"
            " LEFT JOIN names n ON n.id = s.name_id AND NOT s.redacted"
            f" LEFT JOIN suppliers p ON p.fid = n.supplier_id WHERE {where} GROUP BY 1",
            params).fetchall()
        bad = [(name, total, lines, rows.get(name, {}).get("total"))
               for name, total, lines, inf, leaked in want
               if name not in rows or round(rows[name]["total"] * 100) != total
               or rows[name]["lines"] != lines
               or round(rows[name]["influenceable"]["total"] * 100) != inf
               or round(rows[name]["influenceable"]["leaked"] * 100) != leaked]
        overall = sum(w[1] for w in want)
        check(not bad and len(rows) == len(want) and round(got["overall"]["total"] * 100) == overall
              and got["filter"]["year"] == opts.get("year"),
              f"summary {' '.join(args)}: {len(want)} anchors and the overall £{overall / 100:,.2f}"
              " equal the lines under the same filter", f"{bad[:3]}")
        wards = dict(db.execute(
            "SELECT p.ward_code, sum(s.amount_pence) FROM spend s JOIN anchors a ON"
            " a.fid = s.anchor_id JOIN names n ON n.id = s.name_id AND NOT s.redacted"
            " JOIN suppliers p ON p.fid = n.supplier_id WHERE p.ward_code IS NOT NULL AND"
            f" p.kind <> 'public' AND {where} GROUP BY 1", params).fetchall())
        got_wards = {w["code"]: round(w["received"] * 100) for w in got["wards"]
                     if w["received"] > 0}
        check(got_wards == wards, f"summary {' '.join(args)}: the {len(wards)} wards' received £"
              " equal the lines'", f"{sorted(set(got_wards.items()) ^ set(wards.items()))[:3]}")
    db.close()


def import_rules(p, rules, excl, what):
    r = cli_run("sectors", p, "--import", rules, "--import-exclusions", excl)
    check(r.returncode == 0, f"the sector lists import with {what}", r.stderr)


with tempfile.TemporaryDirectory() as tmp:
    p = os.path.join(tmp, "p.wealthmap")
    shutil.copy(lancashire, p)
    cells_agree(p, "Lancashire")
    summaries_agree(p, "Lancashire")
    filtered_agree(p)
    r = cli_run("import", "spend", p, os.path.join(shared, "spend/hyndburn_1701.csv"), "--anchor",
                "Hyndburn Borough Council")
    check(r.returncode == 0, "a further spend import succeeds", r.stderr)
    cells_agree(p, "after importing hyndburn_1701.csv")

    rules, excl = os.path.join(tmp, "rules.csv"), os.path.join(tmp, "excl.csv")
    r = cli_run("sectors", p, "--export", rules, "--export-exclusions", excl)
    check(r.returncode == 0, "the sector lists export", r.stderr)
    with open(rules, newline="") as f:
        rule_rows = list(csv.reader(f))

    # Move one sector's lines into another: its cells empty and go, the other's grow.
    db = sqlite3.connect(p)
    moved, into = db.execute("SELECT sector FROM spend WHERE excluded IS NULL AND sector <>"
                             " 'Unclassified' GROUP BY 1 ORDER BY sum(amount_pence) DESC"
                             " LIMIT 2").fetchall()
    moved, into = moved[0], into[0]
    n_moved = db.execute("SELECT count(*) FROM spend WHERE sector = ?", (moved,)).fetchone()[0]
    db.close()
    with open(rules, "w", newline="") as f:
        csv.writer(f).writerows([into if c == moved else c for c in row] for row in rule_rows)
    import_rules(p, rules, excl, f"{moved} merged into {into}")
    db = sqlite3.connect(p)
    left = db.execute("SELECT count(*) FROM spend_pairs WHERE sector = ?", (moved,)).fetchone()[0]
    db.close()
    check(left == 0 and n_moved > 0, f"the {n_moved} lines of {moved} left its cells",
          f"{left} cells left")
    cells_agree(p, f"after moving {moved} into {into}")
    summaries_agree(p, f"after moving {moved} into {into}")

    # Exclude one more sector: its lines' pence leave open_pence.
    db = sqlite3.connect(p)
    before = db.execute("SELECT sum(open_pence) FROM spend_pairs").fetchone()[0]
    db.close()
    with open(excl, newline="") as f:
        header = next(csv.reader(f))
    with open(excl, "a", newline="") as f:
        csv.writer(f).writerow(["sector" if h == "source" else into if h == "pattern"
                                else "checked by check_spend_pairs" if h in ("value", "reason")
                                else "" for h in header])
    import_rules(p, rules, excl, f"{into} excluded")
    db = sqlite3.connect(p)
    after = db.execute("SELECT sum(open_pence) FROM spend_pairs").fetchone()[0]
    db.close()
    check(after < before, f"excluding {into} lowers the open pence", f"{before} -> {after}")
    cells_agree(p, f"after excluding {into}")
    summaries_agree(p, f"after excluding {into}")

    # A project made before schema 8 has pairs without sector or year: opening it fills them.
    old = os.path.join(tmp, "schema7.wealthmap")
    shutil.copy(lancashire, old)
    db = sqlite3.connect(old)
    db.executescript("DELETE FROM spend_pairs; ALTER TABLE spend_pairs DROP COLUMN sector;"
                     " ALTER TABLE spend_pairs DROP COLUMN fyear;"
                     " ALTER TABLE spend_pairs DROP COLUMN excluded;"
                     " ALTER TABLE spend_pairs DROP COLUMN positive;"
                     " UPDATE wm_meta SET value = '7' WHERE key = 'schema_version';")
    db.commit()
    db.close()
    summaries_agree(old, "a schema 7 project")
    db = sqlite3.connect(old)
    version = db.execute("SELECT value FROM wm_meta WHERE key = 'schema_version'").fetchone()[0]
    db.close()
    check(version == "8", "opening it migrates it to schema 8", version)
    cells_agree(old, "a schema 7 project once opened")

finish()
