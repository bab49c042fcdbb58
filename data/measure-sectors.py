#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Measures how much of each real spend file the sector rules classify.

Usage: data/measure-sectors.py SHARED_DATA_DIR [SECTORS_CSV] [--top N] [--markdown] [--lines FILE]

Reads the raw spend files under SHARED_DATA_DIR/spend/ (Hyndburn CSVs in Windows-1252 or
UTF-8 with BOM, Lancashire Fire and PCC workbooks, Oxford CSV) and applies the `expense` and
`supplier` rules of SECTORS_CSV (default: sectors.csv beside this script) as Wealthmap does.
There is no SIC step: the raw files carry no SIC codes.

  * A text is normalised to its words: ASCII letters lowercased, every character that is not
    [a-z0-9] separates words. Patterns are normalised the same way.
  * A pattern matches a text when its words occur in the text's words as a contiguous run.
    Among the matching rules the one with the most words wins; a tie goes to the earlier rule.
  * The expense fields are tried in the order category, classification, description, service;
    the first field whose winning rule has a real sector decides. A winning rule with sector
    `-` says the text is uninformative: the next field is tried.
  * Otherwise the `supplier` rules are tried on the payee name the same way.

Columns (header names compared after the same normalisation, first listed name wins):
Hyndburn `Account Detail` -> category, `Service Area` / `Service Cost Centre` -> service,
`Description`; Fire `Expenditure Category` -> category, `Supplier Classification` ->
classification; PCC `* Expenditure Category` -> category; Oxford `Expenditure Category` ->
category, `Service Area` -> service. Rows whose cells are all empty are skipped.

Prints per file: lines, gross £ (sum of |amount|), classified £, share, and the expense
strings (first non-empty expense field, else the payee) that leave the most £ unclassified.
--markdown prints the same as a Markdown table (as in docs/sectors.md); --lines FILE writes
every line with its sector as CSV (for checking by hand).
"""
import csv
import datetime
import glob
import io
import os
import re
import sys
from collections import Counter

import openpyxl

FIELDS = ("category", "classification", "description", "service")
HEADERS = {  # field -> normalised header names, in order of preference
    "category": ["account detail", "expenditure category", "expense type"],
    "classification": ["supplier classification"],
    "description": ["description"],
    "service": ["service area", "service cost centre"],
    "supplier": ["supplier name", "supplier final", "name"],
    "amount": ["net amount", "amount", "amount paid", "total"],
}
UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def words(text):
    return tuple(re.findall(r"[a-z0-9]+", str(text or "").translate(UPPER)))


def contains(text, pat):
    n = len(pat)
    return any(text[i:i + n] == pat for i in range(len(text) - n + 1))


class Rules:
    def __init__(self, path):
        self.rules = {"expense": [], "supplier": []}
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["source"] in self.rules:
                    self.rules[row["source"]].append((words(row["pattern"]), row["sector"]))
        self.cache = {}

    def best(self, source, text):
        """The sector of the winning rule for one text, or None when no rule matches."""
        key = (source, text)
        if key not in self.cache:
            w, best = words(text), None
            for pat, sector in self.rules[source]:
                if pat and (best is None or len(pat) > len(best[0])) and contains(w, pat):
                    best = (pat, sector)
            self.cache[key] = best and best[1]
        return self.cache[key]

    def sector(self, line):
        for field in FIELDS:
            s = self.best("expense", line.get(field))
            if s and s != "-":
                return s
        s = self.best("supplier", line.get("supplier"))
        return s if s and s != "-" else None


def cell(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    return str(v).strip()


def pence(text):
    t = text.replace("£", "").replace(",", "").replace(" ", "")
    neg = t.startswith("(") and t.endswith(")")
    v = round(float(t.strip("()")) * 100)
    return -v if neg else v


def lines_of(rows):
    """Finds the header among rows (lists of str) and yields each data row as a dict."""
    cols = None
    for row in rows:
        if not any(row):
            continue
        if cols is None:
            keys = [" ".join(words(c)) for c in row]
            found = {f: next((keys.index(h) for h in names if h in keys), None)
                     for f, names in HEADERS.items()}
            if found["supplier"] is not None and found["amount"] is not None:
                cols = found
            continue
        line = {f: (row[i] if i is not None and i < len(row) else "") for f, i in cols.items()}
        try:
            line["pence"] = pence(line["amount"])
        except ValueError:  # no amount: the importer skips such a row too
            continue
        yield line


def read_csv(path):
    raw = open(path, "rb").read()
    try:  # UTF-8 (with or without BOM), else Windows-1252
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", "replace")
    return lines_of([c.strip() for c in r] for r in csv.reader(io.StringIO(text, newline="")))


def read_xlsx(path):
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:  # each sheet has its own header row
        yield from lines_of([cell(v) for v in r] for r in ws.iter_rows(values_only=True))


def spend_files(data):
    s = os.path.join(data, "spend")
    return ([os.path.join(s, n) for n in
             ("hyndburn_1701.csv", "hyndburn_Jan-2023.csv", "hyndburn_April-2023.csv")]
            + sorted(glob.glob(os.path.join(s, "hyndburn_2023-24", "*.csv")))
            + sorted(glob.glob(os.path.join(s, "lancashire_fire", "*.xlsx")))
            + sorted(glob.glob(os.path.join(s, "lancashire_pcc", "*.xlsx")))
            + [os.path.join(s, "oxford_expenditure-over-500-oct-dec-2017.csv")])


def measure(path, rules, dump=None):
    """Returns lines, gross pence, classified pence and a Counter of unclassified pence."""
    n = gross = done = 0
    missing = Counter()
    for line in (read_xlsx if path.endswith(".xlsx") else read_csv)(path):
        s = rules.sector(line)
        n += 1
        gross += abs(line["pence"])
        if s:
            done += abs(line["pence"])
        else:
            what = next((line[f] for f in FIELDS if line.get(f)), None)
            missing[what or "(payee) " + line["supplier"]] += abs(line["pence"])
        if dump:
            dump.writerow([os.path.basename(path), s or "", line["pence"]]
                          + [line.get(f, "") for f in FIELDS] + [line["supplier"]])
    return n, gross, done, missing


def main(argv):
    args, top, dump, markdown = [], 5, None, False
    it = iter(argv[1:])
    for a in it:
        if a == "--top":
            top = int(next(it))
        elif a == "--markdown":
            markdown = True
        elif a == "--lines":
            dump = csv.writer(open(next(it), "w", newline="", encoding="utf-8"))
            dump.writerow(["file", "sector", "pence"] + list(FIELDS) + ["supplier"])
        else:
            args.append(a)
    if not args:
        sys.exit(__doc__)
    rules = Rules(args[1] if len(args) > 1 else
                  os.path.join(os.path.dirname(os.path.abspath(__file__)), "sectors.csv"))
    if markdown:
        print(f"| file | lines | gross £ | £ with a sector | share | top {top} unclassified (£) |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
    worst = 100.0
    for path in spend_files(args[0]):
        n, gross, done, missing = measure(path, rules, dump)
        share = 100.0 * done / gross if gross else 100.0
        worst = min(worst, share)
        name = os.path.relpath(path, os.path.join(args[0], "spend"))
        if markdown:
            tops = "; ".join(f"{w.replace('|', '/')} ({p / 100:,.0f})"
                             for w, p in missing.most_common(top))
            print(f"| {name} | {n} | {gross / 100:,.2f} | {done / 100:,.2f} | {share:.1f}% "
                  f"| {tops or '-'} |")
            continue
        print(f"{name}: {n} lines, gross £{gross / 100:,.2f}, "
              f"classified £{done / 100:,.2f}, {share:.1f}%")
        for what, p in missing.most_common(top):
            print(f"    unclassified £{p / 100:,.2f}  {what}")
    if not markdown:
        print(f"lowest share: {worst:.1f}%")


if __name__ == "__main__":
    main(sys.argv)
