#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bad-input corpus: each file in tests/data/bad/ must fail with exactly the message in
tests/data/bad/expected.txt, a non-zero exit status, and the project file unchanged.

Usage: check_bad_inputs.py WEALTHMAP_CLI BAD_DIR
"""
import os
import subprocess
import sys
import tempfile

CLI, BAD = sys.argv[1], sys.argv[2]
failures = 0
with tempfile.TemporaryDirectory() as tmp:
    project = os.path.join(tmp, "bad.wealthmap")
    subprocess.run([CLI, "new", project], check=True, capture_output=True)
    before = open(project, "rb").read()
    for line in open(os.path.join(BAD, "expected.txt"), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        name, want = line.rstrip("\n").split("\t", 1)
        p = subprocess.run([CLI, "import", "spend", project, os.path.join(BAD, name),
                            "--anchor", "Test"], capture_output=True, text=True)
        got = p.stderr.strip()
        unchanged = open(project, "rb").read() == before
        ok = p.returncode != 0 and got == want and unchanged
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {p.returncode}, unchanged={unchanged}")
        if got != want:
            print(f"     want: {want}\n     got:  {got}")
    # A hand mapping is applied: naming Description as the amount column finds the header, and
    # its text is then refused as an amount, by file and line.
    p = subprocess.run([CLI, "import", "spend", project, os.path.join(BAD, "no-amount-column.csv"),
                        "--anchor", "Test", "--map", "amount=Description"], capture_output=True, text=True)
    want = ('wealthmap-cli: no-amount-column.csv:2: amount "Repairs": not a number (and every other '
            'data row is malformed too: nothing imported)')
    ok = p.returncode != 0 and p.stderr.strip() == want
    failures += not ok
    print(f"{'ok  ' if ok else 'FAIL'} --map amount=Description applied: {p.stderr.strip()}")
    p = subprocess.run([CLI, "import", "spend", project, os.path.join(BAD, "no-amount-column.csv"),
                        "--anchor", "Test", "--map", "cost=Description"], capture_output=True, text=True)
    ok = p.returncode != 0 and "--map cost=Description: expected FIELD=HEADER" in p.stderr
    failures += not ok
    print(f"{'ok  ' if ok else 'FAIL'} --map with an unknown field is refused")
sys.exit(1 if failures else 0)
