#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the bundled demo place, "Millbrook": fictional, so the app and the README work with
no download. Fixed seed: running it again gives the same bytes.

Writes into data/demo/:
  wards.geojson        18 wards in two districts (Millbrook X00000001, Eastvale X00000002)
  lads.geojson         the two districts
  lsoas.geojson        two LSOAs per ward
  imd.csv              IMD-like ranks and deciles per LSOA (the IoD 2019 File_1 layout)
  lookup.csv           LSOA -> ward
  postcodes.csv        postcode,lat,lon (simple layout)
  suppliers.csv        a supplier directory (name, aliases, company number, postcode, SIC, kind)
  council-spend.csv    Millbrook Borough Council, payments over 500 (a council's CSV layout)
  hospital-spend.csv   Millbrook Hospitals NHS Trust (another layout, with a redacted line)
"""
import csv
import json
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo")
rng = random.Random(20261123)
os.makedirs(OUT, exist_ok=True)

# Two districts side by side, each 3 x 3 wards of 0.03 x 0.02 degrees, near 53.75N 2.4W.
LON0, LAT0, DX, DY = -2.50, 53.70, 0.03, 0.02
WARD_NAMES = ["Abbey", "Brookside", "Castle", "Deanfield", "Eastgate", "Fernhill", "Greenbank",
              "Hollins", "Ivy Bank", "Jubilee", "Kingsway", "Larkhill", "Moorside", "Northfield",
              "Oakwood", "Parkside", "Queens", "Riverside"]


def square(x0, y0, x1, y1):
    return [[[round(x0, 6), round(y0, 6)], [round(x1, 6), round(y0, 6)], [round(x1, 6), round(y1, 6)],
             [round(x0, 6), round(y1, 6)], [round(x0, 6), round(y0, 6)]]]


def fc(features):
    return {"type": "FeatureCollection", "features": features}


wards, lsoas, lads = [], [], []
ward_info = []
for d, (lad, lad_name) in enumerate([("X00000001", "Millbrook"), ("X00000002", "Eastvale")]):
    lads.append({"type": "Feature", "properties": {"LAD13CD": lad, "LAD13NM": lad_name},
                 "geometry": {"type": "Polygon",
                              "coordinates": square(LON0 + d * 3 * DX, LAT0, LON0 + (d + 1) * 3 * DX,
                                                    LAT0 + 3 * DY)}})
    for j in range(3):
        for i in range(3):
            n = d * 9 + j * 3 + i
            code = f"X05{n + 1:06d}"
            x0, y0 = LON0 + (d * 3 + i) * DX, LAT0 + j * DY
            wards.append({"type": "Feature", "properties": {"WD13CD": code, "WD13NM": WARD_NAMES[n]},
                          "geometry": {"type": "Polygon", "coordinates": square(x0, y0, x0 + DX, y0 + DY)}})
            ward_info.append((code, WARD_NAMES[n], x0, y0, lad))
            for k in range(2):
                lsoa = f"X01{n * 2 + k + 1:06d}"
                lsoas.append({"type": "Feature",
                              "properties": {"LSOA11CD": lsoa, "LSOA11NM": f"{lad_name} {n * 2 + k + 1:03d}"},
                              "geometry": {"type": "Polygon",
                                           "coordinates": square(x0 + k * DX / 2, y0, x0 + (k + 1) * DX / 2,
                                                                 y0 + DY)}})

for name, feats in (("wards", wards), ("lsoas", lsoas), ("lads", lads)):
    with open(os.path.join(OUT, f"{name}.geojson"), "w") as f:
        json.dump(fc(feats), f, indent=0)

# Deprivation: the west of Millbrook is the most deprived (ranks out of 32,844 as in England).
with open(os.path.join(OUT, "imd.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["LSOA code (2011)", "LSOA name (2011)", "Local Authority District code (2019)",
                "Local Authority District name (2019)", "Index of Multiple Deprivation (IMD) Rank",
                "Index of Multiple Deprivation (IMD) Decile"])
    for feat in lsoas:
        p = feat["properties"]
        x = feat["geometry"]["coordinates"][0][0][0]
        base = (x - LON0) / (6 * DX)  # 0 west .. 1 east
        rank = max(1, min(32844, int(32844 * (0.05 + 0.8 * base) + rng.randint(-2000, 2000))))
        lad = "X00000001" if base < 0.5 else "X00000002"
        w.writerow([p["LSOA11CD"], p["LSOA11NM"], lad, "Millbrook" if base < 0.5 else "Eastvale",
                    f"{rank:,}", min(10, (rank - 1) * 10 // 32844 + 1)])

with open(os.path.join(OUT, "lookup.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["LSOA11CD", "LSOA11NM", "WD13CD", "WD13NM"])
    for n, feat in enumerate(lsoas):
        code, name = ward_info[n // 2][:2]
        w.writerow([feat["properties"]["LSOA11CD"], feat["properties"]["LSOA11NM"], code, name])

# Postcodes: 12 per ward (MB in Millbrook, EV in Eastvale), and 30 far away (ZZ, "London").
postcodes = []
for n, (code, name, x0, y0, lad) in enumerate(ward_info):
    area = "MB" if lad == "X00000001" else "EV"
    for k in range(12):
        pc = f"{area}{n % 9 + 1} {k % 9 + 1}{chr(65 + k)}{chr(65 + n)}"
        postcodes.append((pc, round(y0 + rng.uniform(0.001, DY - 0.001), 6),
                          round(x0 + rng.uniform(0.001, DX - 0.001), 6)))
for k in range(30):
    postcodes.append((f"ZZ{k % 9 + 1} {k % 9 + 1}{chr(65 + k % 26)}{chr(66 + k % 20)}",
                      round(51.50 + rng.uniform(-0.05, 0.05), 6), round(-0.12 + rng.uniform(-0.05, 0.05), 6)))
with open(os.path.join(OUT, "postcodes.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["postcode", "lat", "lon"])
    w.writerows(postcodes)

# Suppliers: local, regional and national firms; some only in the spend (not in the directory).
SECTORS = [("Cleaning", "81210"), ("Catering", "56290"), ("Building repairs", "43390"),
           ("IT services", "62020"), ("Laundry", "96010"), ("Energy", "35140"),
           ("Legal services", "69102"), ("Transport", "49410"), ("Printing", "18129")]
FIRST = ["Acorn", "Beacon", "Cedar", "Dale", "Elm", "Falcon", "Granite", "Harbour", "Iris", "Juniper",
         "Kestrel", "Linden", "Maple", "Nimbus", "Orchard", "Pennine", "Quarry", "Rowan", "Summit", "Thistle"]
suppliers = []
local_pcs = [p for p in postcodes if p[0].startswith("MB")]
region_pcs = [p for p in postcodes if p[0].startswith("EV")]
far_pcs = [p for p in postcodes if p[0].startswith("ZZ")]
for n in range(60):
    sector, sic = SECTORS[n % len(SECTORS)]
    where = n % 5
    pc = rng.choice(local_pcs if where < 1 else region_pcs if where < 2 else far_pcs)[0]
    suffix = "PLC" if where >= 4 else "CIC" if n % 11 == 0 else "Ltd"
    name = f"{FIRST[n % 20]} {sector} {suffix}" if n >= 20 else f"{FIRST[n]} {sector} {suffix}"
    if n >= 20:
        name = f"{FIRST[n % 20]} & {FIRST[(n * 7) % 20]} {sector} {suffix}"
    kind = "large" if suffix == "PLC" else "vcse" if suffix == "CIC" else "sme"
    suppliers.append((name, f"{n + 1:08d}", pc, sic, kind, sector))
with open(os.path.join(OUT, "suppliers.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "aliases", "company number", "postcode", "sic", "kind"])
    for name, number, pc, sic, kind, _ in suppliers:
        alias = name.upper().replace(" LTD", " LIMITED") if "Ltd" in name else ""
        w.writerow([name, alias, number, pc, sic, kind])

UNLISTED = ["Millbrook Community Garden Group", "J. Smith Plumbing", "Eastvale Borough Council",
            "HM Revenue & Customs"]


def lines(count, seed_offset):
    out = []
    for k in range(count):
        month = k % 12
        year, mon = (2023, month + 4) if month < 9 else (2024, month - 8)
        day = 1 + (k * 7 + seed_offset) % 28
        r = rng.random()
        if r < 0.85:
            s = rng.choice(suppliers)
            name, sector = s[0], s[5]
        elif r < 0.97:
            name, sector = rng.choice(UNLISTED), "Other"
        else:
            name, sector = "REDACTED", "Care"
        amount = round(rng.lognormvariate(7.5, 1.1), 2)
        if rng.random() < 0.02:
            amount = -amount
        out.append((name, sector, (day, mon, year), amount))
    return out


with open(os.path.join(OUT, "council-spend.csv"), "w", newline="", encoding="cp1252") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["Millbrook Borough Council - payments over \u00a3500, 2023/24"])
    w.writerow([])
    w.writerow(["Service Area", "Expense Type", "Supplier Name", "Payment Date", "Net Amount (\u00a3)"])
    for name, sector, (d, m, y), amount in lines(220, 1):
        w.writerow(["Corporate", sector, name, f"{d:02d}/{m:02d}/{y}",
                    f"({abs(amount):,.2f})" if amount < 0 else f"{amount:,.2f}"])

with open(os.path.join(OUT, "hospital-spend.csv"), "w", newline="", encoding="utf-8-sig") as f:
    w = csv.writer(f)
    w.writerow(["Expenditure Category", "Date", "Supplier", "Amount"])
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    for name, sector, (d, m, y), amount in lines(180, 3):
        w.writerow([sector, f"{d} {months[m - 1]} {y}", name, f"{amount:.2f}"])
print("demo written to", OUT)
