#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Boundaries from other containers and CRSs: Hyndburn's real wards turned by ogr2ogr into a
zipped Shapefile in British National Grid import to the same areas as the GeoJSON (areas
compared with GDAL's own SQL on the project file, which also proves GDAL reads it as a
GeoPackage); the same Shapefile without its .prj is refused with a hint, and imports with
--crs EPSG:27700. Usage: check_areas.py WEALTHMAP_CLI SHARED_DATA_DIR"""
import os
import subprocess
import sys
import tempfile
import zipfile

CLI, DATA = sys.argv[1], sys.argv[2]
SRC = os.path.join(DATA, "boundaries", "wards_2013_by_lad", "E07000120.json")
failures = 0


def check(name, ok, detail=""):
    global failures
    failures += not ok
    print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""))


def cli(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


def areas_km2(project):
    """code -> area in km2 (EPSG:27700), computed by GDAL's SQLite dialect on the project."""
    out = subprocess.run(["ogrinfo", "-ro", "-q", project, "-dialect", "SQLite", "-sql",
                          "SELECT code, ST_Area(ST_Transform(geom, 27700)) / 1e6 AS km2 FROM areas"],
                         capture_output=True, text=True, check=True).stdout
    result, code = {}, None
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("code (String) = "):
            code = line.split("= ", 1)[1]
        elif line.startswith("km2 (Real) = ") and code:
            result[code] = float(line.split("= ", 1)[1])
    return result


with tempfile.TemporaryDirectory() as tmp:
    shp_dir = os.path.join(tmp, "shp")
    os.mkdir(shp_dir)
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", "EPSG:27700", "-nlt", "MULTIPOLYGON",
                    os.path.join(shp_dir, "hyndburn_wards.shp"), SRC], check=True)
    zpath = os.path.join(tmp, "hyndburn_wards.zip")
    with zipfile.ZipFile(zpath, "w") as z:
        for f in os.listdir(shp_dir):
            z.write(os.path.join(shp_dir, f), f)

    a, b = os.path.join(tmp, "a.wealthmap"), os.path.join(tmp, "b.wealthmap")
    cli("new", a), cli("new", b)
    r1, r2 = cli("import", "areas", a, SRC), cli("import", "areas", b, zpath)
    check("GeoJSON imports", r1.returncode == 0, r1.stderr)
    check("zipped BNG Shapefile imports", r2.returncode == 0, r2.stderr)
    def extent(*args):
        out = subprocess.run(["ogrinfo", "-ro", "-so", *args], capture_output=True, text=True).stdout
        return next((l for l in out.splitlines() if l.startswith("Extent:")), None)
    check("the project's areas extent (gpkg_contents) is the source's",
          extent(a, "areas") is not None and extent(a, "areas") == extent("-al", SRC),
          f"{extent(a, 'areas')} vs {extent('-al', SRC)}")
    ka, kb = areas_km2(a), areas_km2(b)
    check("16 wards each", len(ka) == 16 and len(kb) == 16, f"{len(ka)} {len(kb)}")
    worst = max(abs(ka[c] - kb[c]) / ka[c] for c in ka) if ka and set(ka) == set(kb) else 1
    check("same areas within 0.01%", worst < 1e-4, f"worst relative difference {worst}")
    check("total area 73 km2 (Hyndburn)", 70 < sum(ka.values()) < 76, f"{sum(ka.values())}")

    os.remove(os.path.join(shp_dir, "hyndburn_wards.prj"))
    c = os.path.join(tmp, "c.wealthmap")
    cli("new", c)
    before = open(c, "rb").read()
    r3 = cli("import", "areas", c, os.path.join(shp_dir, "hyndburn_wards.shp"))
    check("no .prj: refused with a --crs hint",
          r3.returncode != 0 and "--crs" in r3.stderr and "hyndburn_wards.shp" in r3.stderr, r3.stderr)
    check("no .prj: project unchanged", open(c, "rb").read() == before)
    r4 = cli("import", "areas", c, os.path.join(shp_dir, "hyndburn_wards.shp"), "--crs", "EPSG:27700")
    kc = areas_km2(c) if r4.returncode == 0 else {}
    check("no .prj with --crs EPSG:27700 imports the same areas",
          set(kc) == set(ka) and max(abs(ka[k] - kc[k]) / ka[k] for k in ka) < 1e-4, r4.stderr)

    r5 = cli("import", "areas", c, SRC)
    check("re-importing updates, no duplicates", r5.returncode == 0 and len(areas_km2(c)) == 16,
          r5.stderr)
sys.exit(1 if failures else 0)
