#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Spend files at national scale for bench/run, from a fixed seed.

    bench/gen-spend.py SHARED_DATA OUT_DIR [LINES ...]   (default 10000 100000 1000000)

Writes into OUT_DIR:
  suppliers.csv        50,000 suppliers in the layout of the Lancashire supplier directory
                       (suppliers/lancashire_suppliers_ch_enriched_DERIVED.csv), each with a real
                       postcode drawn from the national Code-Point Open file (about 93% English,
                       the rest Welsh and Scottish, as the file holds them);
  hyndburn-N.csv       90% of N lines in the real Hyndburn layout (Windows-1252, the £ of the
                       header as byte 0xA3, CRLF, a line of commas before the header, amounts
                       quoted with thousands separators, dates as "6 Jun 2023");
  fire-N.xlsx          10% of N lines in the real Lancashire Fire layout (one sheet, a real date
                       cell, a dotted expenditure category, lower-case supplier names);
  expected-N.json      the totals an independent reader gets from the generator's own records:
                       £ per supplier postcode, £ of names that are in no directory.

Suppliers are drawn with a Zipf-like weight (a few take many lines, as in the real files); 4% of
the names on spend lines are in no directory (individuals, redacted, misspelt).  The same seed
gives the same files byte for byte.
"""
import csv
import datetime
import gzip
import io
import json
import os
import random
import sys

import openpyxl

SEED = 20261124
N_SUPPLIERS = 50_000

WORDS = (
    "Acorn Albion Anchor Apex Arden Ash Aspen Atlas Beacon Birch Bluebell Bridge Brook Castle "
    "Cedar Central Chapel Civic Clarke Coastal Crown Dale Delta Eden Elm Fern Forge Fox Garden "
    "Granite Green Harbour Hawthorn Heath Heritage Hill Holly Horizon Ivy Kestrel Lake Lantern "
    "Laurel Lime Linden Maple Meadow Mercury Mill Moor Northern Oak Orchard Pennine Phoenix Pine "
    "Quarry Red Ribble River Rose Rowan Summit Swift Thistle Tower Union Vale Valley Willow York"
).split()
TRADES = (
    "Building Cleaning Catering Consulting Electrical Engineering Facilities Fencing Glazing "
    "Grounds Haulage Heating IT Joinery Laundry Legal Media Office Plumbing Print Roofing "
    "Security Signs Software Solar Surveying Training Transport Tyres Vehicle Waste"
).split()
SUFFIXES = ["Ltd", "Limited", "Ltd", "LLP", "& Sons", "Services Ltd", "Group Ltd", "plc"]
SIC = ["43210", "81210", "56290", "70229", "62020", "49410", "38110", "69102", "18129", "43910"]

CENTRES = [
    ("Willows Lane Depot", "Private Contractors Work"),
    ("Accountancy", "Training Expenses"),
    ("Revenues & Benefits", "Computer Software"),
    ("Parks & Open Spaces", "Grounds Maintenance"),
    ("Refuse Collection", "Vehicle Repairs"),
    ("Town Hall", "Cleaning Contract"),
    ("Housing Standards", "Consultants Fees"),
    ("Leisure Centres", "Utilities - Electricity"),
]
CATEGORIES = [
    ("works - construction, repair & maint.buildings.maintenance.planned", "Programmed Work"),
    ("human resources.professional & advisory services.professional & advisory services.service",
     "Professional Services"),
    ("information communication technology.hardware.hardware.products", "Computer Hardware"),
    ("horticultural.tree trimming.tree trimming.service", "Delegated Grounds Maintenance"),
    ("vehicle management.vehicle repair.vehicle repair.service", "Vehicle Maintenance"),
    ("catering.catering services.catering services.service", "Catering"),
]
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def read_postcodes(shared):
    """Every postcode of the national file with its country code (E/W/S)."""
    out = []
    with gzip.open(os.path.join(shared, "national/codepoint_open_2014_gb.csv.gz"), "rt",
                   encoding="ascii", newline="") as f:
        for row in csv.reader(f):
            out.append(row[0][:-3].strip() + " " + row[0][-3:])
    return out


def make_suppliers(rng, postcodes):
    names, seen = [], set()
    while len(names) < N_SUPPLIERS:
        key = "%s %s %s" % (rng.choice(WORDS), rng.choice(WORDS), rng.choice(TRADES))
        name = key + " " + rng.choice(SUFFIXES)
        if key in seen:
            continue
        seen.add(key)
        names.append(name)
    chosen = rng.sample(range(len(postcodes)), N_SUPPLIERS)
    return [(names[i], postcodes[chosen[i]]) for i in range(N_SUPPLIERS)]


def write_suppliers(path, suppliers, rng):
    header = ("supplier_canonical,aliases,ch_company_number,ch_company_name,ch_status,"
              "ch_company_type,ch_sic_codes,ch_date_of_creation,ch_date_of_cessation,"
              "reg_address_line_1,reg_address_line_2,reg_locality,reg_region,reg_postal_code,"
              "reg_country,match_confidence,enriched_date,taxonomy_note").split(",")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for i, (name, pc) in enumerate(suppliers):
            w.writerow([name.upper(), name.upper(), "%08d" % (10_000_000 + i), name.upper(),
                        "active", "ltd", rng.choice(SIC), "2001-05-17", "",
                        "%d High Street" % (1 + i % 200), "", "", "", pc,
                        "England", "high", "2026-01-05", ""])


def weights(n):
    # Zipf-like, s = 0.9, then shuffled so the heavy suppliers are not the first names
    return [1.0 / (k + 1) ** 0.9 for k in range(n)]


def draw_lines(rng, suppliers, n):
    """(supplier name or None for a name in no directory, name as written, pence, date)"""
    cum, total = [], 0.0
    for w in weights(len(suppliers)):
        total += w
        cum.append(total)
    order = list(range(len(suppliers)))
    rng.shuffle(order)
    start = datetime.date(2023, 4, 1)
    lines = []
    for _ in range(n):
        pence = int(rng.lognormvariate(7.3, 1.3) * 100) + 25_000  # over £250, as published
        day = start + datetime.timedelta(days=rng.randrange(366))
        if rng.random() < 0.04:
            lines.append((None, "Mr J %s %s" % (rng.choice(WORDS), rng.randrange(10_000)), pence,
                          day))
            continue
        k = rng.random() * total
        lo, hi = 0, len(cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cum[mid] < k:
                lo = mid + 1
            else:
                hi = mid
        i = order[lo]
        lines.append((i, suppliers[i][0], pence, day))
    return lines


def money(pence):
    return "{:,}.{:02d}".format(pence // 100, pence % 100)


def write_hyndburn(path, lines, rng):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    buf.write(",,,,,,\r\n")
    w.writerow(["Service Cost Centre", "Account Detail", "Description", "HBC ref no", "Name",
                "Payment Date", "Net Amount (\u00a3)"])
    for n, (_, name, pence, day) in enumerate(lines):
        centre, account = CENTRES[n % len(CENTRES)]
        w.writerow([centre, account, "PAYMENT %d" % n, "B%09d/%05d" % (n, n % 99991), name,
                    "%d %s %d" % (day.day, MONTHS[day.month - 1], day.year), money(pence)])
    with open(path, "wb") as f:
        f.write(buf.getvalue().encode("cp1252"))


def write_fire(path, lines, rng):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("23-24 transparency")
    ws.append(["Transaction Number", "Date", "Expenditure Category", "Supplier Name",
               "Supplier Classification", "Amount"])
    for n, (_, name, pence, day) in enumerate(lines):
        cat, cls = CATEGORIES[n % len(CATEGORIES)]
        ws.append([6_000_000 + n, datetime.datetime(day.year, day.month, day.day, 1, 0), cat,
                   name.lower(), cls, pence / 100])
    wb.save(path)


def main():
    shared, out = sys.argv[1], sys.argv[2]
    sizes = [int(s) for s in sys.argv[3:]] or [10_000, 100_000, 1_000_000]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)
    postcodes = read_postcodes(shared)
    suppliers = make_suppliers(rng, postcodes)
    write_suppliers(os.path.join(out, "suppliers.csv"), suppliers, rng)
    for n in sizes:
        rng = random.Random(SEED + n)
        lines = draw_lines(rng, suppliers, n)
        n_fire = n // 10
        write_hyndburn(os.path.join(out, "hyndburn-%d.csv" % n), lines[n_fire:], rng)
        write_fire(os.path.join(out, "fire-%d.xlsx" % n), lines[:n_fire], rng)
        by_postcode, unknown = {}, 0
        for i, _, pence, _ in lines:
            if i is None:
                unknown += pence
            else:
                pc = suppliers[i][1]
                by_postcode[pc] = by_postcode.get(pc, 0) + pence
        with open(os.path.join(out, "expected-%d.json" % n), "w") as f:
            json.dump({"lines": n, "total_pence": sum(l[2] for l in lines),
                       "unknown_name_pence": unknown, "pence_by_postcode": by_postcode}, f)
        print("%d lines: hyndburn-%d.csv %d, fire-%d.xlsx %d" % (n, n, n - n_fire, n, n_fire))


if __name__ == "__main__":
    main()
