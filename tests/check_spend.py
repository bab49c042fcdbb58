#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every real spend file in ../shared/data/spend imports with no hand mapping, and its rows,
total and redacted amount equal an independent computation done here with Python's csv module
and openpyxl (not GDAL, not libcsv): header row found by name, amounts parsed with Decimal.

Usage: check_spend.py WEALTHMAP_CLI SHARED_DATA_DIR
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal

import openpyxl

CLI, DATA = sys.argv[1], sys.argv[2]
SPEND = os.path.join(DATA, "spend")


def is_supplier_header(cell):
    c = cell.strip().lstrip("*").strip().rstrip(":").strip().lower()
    return c in ("name", "supplier name", "supplier final")


def is_amount_header(cell):
    c = cell.strip().lstrip("*").strip().lower()
    return c.startswith("net amount") or c in ("amount", "amount paid", "total")


def amount(text):
    t = str(text).strip().replace("\u00a3", "").replace(",", "")
    neg = t.startswith("(") and t.endswith(")")
    t = t.strip("()")
    d = Decimal(t)
    return -d if neg else d


def redacted(name):
    n = (name or "").strip().upper()
    # police forces write withheld suppliers "THIRD PARTY ..." (Lancashire PCC)
    return (n == "" or n.startswith("THIRD PARTY") or "REDACTED" in n or "PERSONAL INFORMATION" in n
            or "PERSONAL DATA" in n)


def tally_rows(rows):
    """rows: lists of cell strings. Returns (lines, total, redacted_total)."""
    lines, total, red = 0, Decimal(0), Decimal(0)
    header = None
    for row in rows:
        cells = ["" if c is None else str(c) for c in row]
        if header is None:
            s = [i for i, c in enumerate(cells) if is_supplier_header(c)]
            a = [i for i, c in enumerate(cells) if is_amount_header(c)]
            if s and a:
                header = (s[0], a[0])
            continue
        if all(c.strip() == "" for c in cells):
            continue
        si, ai = header
        value = amount(cells[ai])
        lines += 1
        total += value
        if redacted(cells[si] if si < len(cells) else ""):
            red += value
    return lines, total, red


def tally_csv(path):
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return tally_rows(csv.reader(io.StringIO(text, newline="")))


def tally_xlsx(path):
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    lines, total, red = 0, Decimal(0), Decimal(0)
    for ws in wb.worksheets:
        rows = []
        for r in ws.iter_rows(values_only=True):
            rows.append(["" if v is None else (repr(v) if isinstance(v, float) else str(v)) for v in r])
        l, t, d = tally_rows(rows)
        lines, total, red = lines + l, total + t, red + d
    return lines, total, red


def run(*args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)}\n{p.stdout}{p.stderr}")
    return p.stdout


GROUPS = [
    ("Hyndburn 2023/24", sorted(os.path.join(SPEND, "hyndburn_2023-24", f)
                                for f in os.listdir(os.path.join(SPEND, "hyndburn_2023-24")))),
    ("Hyndburn samples", [os.path.join(SPEND, f) for f in
                          ("hyndburn_1701.csv", "hyndburn_Jan-2023.csv", "hyndburn_April-2023.csv")]),
    ("Lancashire Fire", [os.path.join(SPEND, "lancashire_fire", "fire-2023-24.xlsx")]),
    ("Lancashire PCC", [os.path.join(SPEND, "lancashire_pcc", "pcc-2023-24.xlsx")]),
    ("Oxford City Council", [os.path.join(SPEND, "oxford_expenditure-over-500-oct-dec-2017.csv")]),
]

failures = 0
with tempfile.TemporaryDirectory() as tmp:
    project = os.path.join(tmp, "real.wealthmap")
    run("new", project)
    expected = {}
    for anchor, files in GROUPS:
        lines, total, red = 0, Decimal(0), Decimal(0)
        for f in files:
            l, t, d = tally_xlsx(f) if f.endswith(".xlsx") else tally_csv(f)
            lines, total, red = lines + l, total + t, red + d
            run("import", "spend", project, f, "--anchor", anchor)
        expected[anchor] = (lines, total, red)
    summary = json.loads(run("summary", project, "--json"))
    got = {a["name"]: a for a in summary["anchors"]}
    for anchor, (lines, total, red) in expected.items():
        a = got.get(anchor)
        ok = (a is not None and a["lines"] == lines
              and abs(Decimal(str(a["total"])) - total) < Decimal("0.005")
              and abs(Decimal(str(a["redacted"])) - red) < Decimal("0.005"))
        print(f"{'ok  ' if ok else 'FAIL'} {anchor}: expected {lines} lines, £{total:.2f}, "
              f"redacted £{red:.2f}; got {a and a['lines']} lines, £{a and a['total']}, "
              f"redacted £{a and a['redacted']}")
        failures += not ok
sys.exit(1 if failures else 0)
