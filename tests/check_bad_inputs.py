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
sys.exit(1 if failures else 0)
