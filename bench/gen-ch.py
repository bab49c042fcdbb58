#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A Companies House BasicCompanyData file at full national size, from a fixed seed.

    bench/gen-ch.py SHARED_DATA OUT.csv [ROWS (5000000)] [--zip]

Companies House publishes BasicCompanyDataAsOneFile-*.csv (about 5M live companies, 2.5 GB
unzipped, as a .zip). The shared data holds a real 0.1% sample of it, which went through R and
so lost the published byte layout (see SOURCES.md). This script rebuilds that layout from the
sample's own rows: the 55 columns in the published order, the header with the leading spaces the
published file has (" CompanyNumber", " RegAddress.AddressLine2", the " PreviousName_n.CompanyName"
and " ConfStmt..." columns), every field quoted, empty dissolution dates empty (not R's NA), CRLF.

Each row copies a random sample row (so categories, statuses, SIC texts, dates and previous names
keep the sample's mix) and changes what must differ between companies: the company number
(unique, 8 digits, some with the SC/NI/OC prefixes of the real register), the name (1-3 words
drawn from the words of the sample's names plus the row's own legal suffix, with a number where
needed so that about 97% of names are distinct, as in the register), the registered postcode (a
real one drawn from the national Code-Point Open file; 2% left empty, 1% malformed) and the URI.
With --zip, OUT.zip is also written (deflate, one member, as published). Same seed, same bytes.
"""
import csv
import gzip
import io
import os
import random
import re
import sys
import zipfile

SEED = 20261124

data, out = sys.argv[1], sys.argv[2]
args = [a for a in sys.argv[3:] if not a.startswith("--")]
rows_wanted = int(args[0]) if args else 5_000_000
want_zip = "--zip" in sys.argv[3:]
rng = random.Random(SEED)

sample_path = os.path.join(data, "suppliers", "ch_BasicCompanyDataAsOneFile-2020-05-01_sample.csv")
with open(sample_path, encoding="utf-8", newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    sample = list(reader)
assert len(header) == 55, len(header)
col = {h: i for i, h in enumerate(header)}

# The published header: these names carry one leading space.
SPACED = {"CompanyNumber", "RegAddress.AddressLine2", "ConfStmtNextDueDate",
          "ConfStmtLastMadeUpDate"} | {f"PreviousName_{i}.CompanyName" for i in range(1, 11)}
published_header = [(" " + h) if h in SPACED else h for h in header]

SUFFIX = re.compile(r"\s+(LIMITED|LTD\.?|PLC|LLP|LP|CIC|C\.I\.C\.|COMMUNITY INTEREST COMPANY)$")
words = sorted({w for r in sample for w in SUFFIX.sub("", r[col["CompanyName"]]).split()
                if w.isalpha() and len(w) > 2})

postcodes = []
with gzip.open(os.path.join(data, "national", "codepoint_open_2014_gb.csv.gz"), "rt",
               encoding="utf-8", newline="") as f:
    for r in csv.reader(f):  # no header; "AB101AA": CH writes "AB10 1AA"
        pc = r[0].replace(" ", "")
        postcodes.append(f"{pc[:-3]} {pc[-3:]}")

PREFIXES = ["", "", "", "", "", "", "", "", "SC", "NI", "OC"]
seen_names = set()


def company_name(base):
    m = SUFFIX.search(base)
    suffix = m.group(0).strip() if m else "LIMITED"
    for attempt in range(4):
        n = rng.choice((1, 2, 2, 3, 3))
        name = " ".join(rng.choice(words) for _ in range(n))
        if attempt == 3:
            name += f" {rng.randrange(1, 10000)}"
        full = f"{name} {suffix}"
        if full not in seen_names or rng.random() < 0.03:
            seen_names.add(full)
            return full
    return full


def write(f):
    w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(published_header)
    numbers = rng.sample(range(1, 14_000_000), rows_wanted)
    counters = {}
    for i in range(rows_wanted):
        r = list(rng.choice(sample))
        prefix = PREFIXES[i % len(PREFIXES)]
        if prefix:  # SC000001...: each prefix counts on its own, so numbers stay unique
            counters[prefix] = counters.get(prefix, 0) + 1
            number = f"{prefix}{counters[prefix]:06d}"
        else:
            number = f"{numbers[i]:08d}"
        r[col["CompanyNumber"]] = number
        r[col["CompanyName"]] = company_name(r[col["CompanyName"]])
        roll = rng.random()
        if roll < 0.02:
            r[col["RegAddress.PostCode"]] = ""
        elif roll < 0.03:
            r[col["RegAddress.PostCode"]] = rng.choice(("UNKNOWN", "BFPO 57", "00000", "N/A"))
        else:
            r[col["RegAddress.PostCode"]] = rng.choice(postcodes)
        r[col["URI"]] = f"http://business.data.gov.uk/id/company/{number}"
        r = ["" if v == "NA" else v for v in r]
        w.writerow(r)


with open(out, "w", encoding="utf-8", newline="") as f:
    write(f)
if want_zip:
    with zipfile.ZipFile(os.path.splitext(out)[0] + ".zip", "w", zipfile.ZIP_DEFLATED,
                         compresslevel=6) as z:
        z.write(out, os.path.basename(out))
print(f"{out}: {rows_wanted} companies, {os.path.getsize(out) >> 20} MB,"
      f" {len(seen_names)} distinct names")
