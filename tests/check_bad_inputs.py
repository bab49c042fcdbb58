#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bad-input corpus: every case in tests/data/bad/expected.txt runs one CLI command on
one bad file and must give exactly the output written there and the exit status; a refused
file must leave the project byte for byte as it was, an accepted one must have counted what
it skipped.

The few inputs too big to write by hand (a 10,000-column line, a 1 MB field, a 20 MB line,
a polygon of a million vertices) and the project files that need a real project under them
(one from a newer version, one that is read-only) are made here, by the generators below.

Usage: check_bad_inputs.py WEALTHMAP_CLI BAD_DIR
"""
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import pyproj

from wmtest import check, finish

CLI, BAD = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
NOBODY = 65534


def gen_wide(path):
    with open(path, "w") as f:
        f.write(",".join(f"Column {i}" for i in range(10000)) + "\n")
        f.write(",".join("x" for _ in range(10000)) + "\n")


def gen_field_1mb(path):
    with open(path, "w") as f:
        f.write("Supplier,Amount,Date\n")
        f.write('"' + "A" * (1 << 20) + '",10.00,01/02/2024\n')
        f.write("Acme Ltd,5.00,01/02/2024\n")


def gen_line_20mb(path):
    with open(path, "wb") as f:
        f.write(b"Supplier,Amount,Date\n")
        f.write(b"x" * (20 << 20))


def gen_polygon_1m(path):
    n = 1000000
    ring = [[round(-2.35 + 0.05 * math.cos(2 * math.pi * i / n), 7),
             round(53.75 + 0.03 * math.sin(2 * math.pi * i / n), 7)] for i in range(n)]
    ring.append(ring[0])
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"WD23CD": "E05000009", "WD23NM": "Million"},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}]}, f)


def gen_newer(path):
    subprocess.run([CLI, "new", path], check=True, capture_output=True)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE wm_meta SET value = '99' WHERE key = 'schema_version'")


def gen_read_only(path):
    subprocess.run([CLI, "new", path], check=True, capture_output=True)
    os.chmod(path, 0o444)


GENERATED = {
    "wide-10000-columns.csv": gen_wide,
    "field-1mb.csv": gen_field_1mb,
    "line-20mb-no-newline.csv": gen_line_20mb,
    "polygon-1m-vertices.geojson": gen_polygon_1m,
    "newer-version.wealthmap": gen_newer,
    "read-only.wealthmap": gen_read_only,
}


def as_nobody():
    """Root writes to any file: run the read-only cases as an ordinary user."""
    if os.geteuid() == 0:
        os.setgid(NOBODY)
        os.setgroups([])
        os.setuid(NOBODY)


def run(args, cwd, unprivileged=False):
    p = subprocess.run([CLI] + args, cwd=cwd, capture_output=True, text=True,
                       preexec_fn=as_nobody if unprivileged else None)
    lines = p.stdout.splitlines() + p.stderr.splitlines()
    return p.returncode, " | ".join(line.rstrip() for line in lines if line.strip())


def fresh_project(tmp, with_lsoas=False):
    path = os.path.join(tmp, "p.wealthmap")
    if os.path.exists(path):
        os.unlink(path)
    subprocess.run([CLI, "new", path], check=True, capture_output=True)
    if with_lsoas:
        subprocess.run([CLI, "import", "areas", path, "lsoas.geojson"], cwd=tmp, check=True,
                       capture_output=True)
    return "p.wealthmap"


def command(kind, name, tmp):
    """The command line for a case and the file whose bytes must not change on refusal."""
    if kind == "spend":
        p = fresh_project(tmp)
        return ["import", "spend", p, name, "--anchor", "Test"], p, False
    if kind == "areas":
        p = fresh_project(tmp)
        return ["import", "areas", p, name], p, False
    if kind == "deprivation":
        p = fresh_project(tmp, with_lsoas=True)
        return ["import", "deprivation", p, name], p, False
    if kind == "open":
        return ["summary", name], name, False
    if kind == "write":
        return ["import", "spend", name, "postcode-garbage.csv", "--anchor", "Test"], name, True
    raise SystemExit(f"expected.txt: unknown kind {kind}")


with tempfile.TemporaryDirectory() as tmp:
    os.chmod(tmp, 0o755)
    for entry in os.listdir(BAD):
        shutil.copy(os.path.join(BAD, entry), tmp)
    for name, make in GENERATED.items():
        make(os.path.join(tmp, name))

    cases = []
    for line in open(os.path.join(BAD, "expected.txt"), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        name, kind, status, want = line.rstrip("\n").split("\t", 3)
        cases.append(name)
        args, guarded, unprivileged = command(kind, name, tmp)
        guarded = os.path.join(tmp, guarded)
        before = open(guarded, "rb").read()
        code, got = run(args, tmp, unprivileged)
        changed = open(guarded, "rb").read() != before
        check(code == int(status) and got == want and changed == (code == 0),
              f"{name} ({kind}): exit {code}, project {'changed' if changed else 'unchanged'}",
              f"want: {want}\n     got:  {got}")

    # Every file in the corpus and every generated input is a case.
    inputs = {e for e in os.listdir(BAD) if e != "expected.txt"} | set(GENERATED)
    helpers = {"lsoas.geojson", "no-prj.dbf", "no-prj.shx"}
    check(inputs - helpers <= set(cases), "every bad input has an expected outcome",
          f"no case for {sorted(inputs - helpers - set(cases))}")

    # What the accepted files stored. Two encodings in one file: both lines are the same name.
    p = fresh_project(tmp)
    run(["import", "spend", p, "mixed-encodings.csv", "--anchor", "Test"], tmp)
    with sqlite3.connect(os.path.join(tmp, p)) as db:
        names = [r[0] for r in db.execute("SELECT supplier_text FROM spend ORDER BY line")]
    check(names == ["Café Ltd", "Café Ltd"], "UTF-8 and Windows-1252 lines both read as Café",
          f"stored {names}")
    # A line with an unusable postcode is kept, without a postcode, and counted.
    p = fresh_project(tmp)
    run(["import", "spend", p, "postcode-garbage.csv", "--anchor", "Test"], tmp)
    with sqlite3.connect(os.path.join(tmp, p)) as db:
        rows = db.execute("SELECT supplier_text, postcode FROM spend ORDER BY line").fetchall()
    check(rows == [("Acme Ltd", "BB5 1AA"), ("Beta Ltd", None), ("Gamma Ltd", None)],
          "lines with garbage postcodes are kept without one", f"stored {rows}")
    # A million-vertex polygon is stored whole.
    p = fresh_project(tmp)
    run(["import", "areas", p, "polygon-1m-vertices.geojson"], tmp)
    probe = subprocess.run(["ogrinfo", "-ro", "-al", "-geom=SUMMARY", "-q",
                            os.path.join(tmp, p), "areas"], capture_output=True, text=True)
    check("1000001 points" in probe.stdout, "the million-vertex polygon keeps its vertices",
          probe.stdout[-400:] + probe.stderr[-400:])
    # Told the CRS, the same British National Grid file lands in Lancashire, where PROJ (through
    # pyproj, not GDAL) puts its corners.
    bng = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    corners = [bng.transform(x, y) for x in (370000, 375000) for y in (428000, 432000)]
    want_w, want_s = min(c[0] for c in corners), min(c[1] for c in corners)
    p = fresh_project(tmp)
    code, got = run(["import", "areas", p, "bng-without-crs.geojson", "--crs", "EPSG:27700"], tmp)
    with sqlite3.connect(os.path.join(tmp, p)) as db:
        extent = db.execute("SELECT min_x, min_y FROM gpkg_contents WHERE table_name = 'areas'"
                            ).fetchone()
    check(code == 0 and abs(extent[0] - want_w) < 1e-6 and abs(extent[1] - want_s) < 1e-6,
          "with --crs EPSG:27700 the grid square is reprojected", f"{got}; extent {extent}, want {want_w}, {want_s}")
    # A read-only project still opens for reading.
    code, got = run(["summary", "read-only.wealthmap", "--json"], tmp, unprivileged=True)
    check(code == 0 and got.startswith("{"), "a read-only project still reads", got[:200])

    # A hand mapping is applied: naming Description as the amount column finds the header, and
    # its text is then refused as an amount, by file and line.
    p = fresh_project(tmp)
    code, got = run(["import", "spend", p, "no-amount-column.csv", "--anchor", "Test",
                     "--map", "amount=Description"], tmp)
    want = ('wealthmap-cli: no-amount-column.csv:2: amount "Repairs": not a number (and every other '
            'data row is malformed too: nothing imported)')
    check(code != 0 and got == want, "--map amount=Description applied", got)
    code, got = run(["import", "spend", p, "no-amount-column.csv", "--anchor", "Test",
                     "--map", "cost=Description"], tmp)
    check(code != 0 and "--map cost=Description: expected FIELD=HEADER" in got,
          "--map with an unknown field is refused", got)
finish()
