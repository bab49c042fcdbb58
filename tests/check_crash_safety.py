#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Crash safety: the CLI is killed with SIGKILL at random points of a large spend import, 20
times. Each time the project must open again, pass PRAGMA integrity_check, and hold exactly
what it held before that import (same SQL dump, same `summary --json`); a run that was not
killed in time must have imported the whole file.

The large file is made here from real Hyndburn rows (../shared/data), repeated to 100,000
lines; the project first holds one real month of Hyndburn spend, so "what it held" is not
nothing. The kill times are drawn with a fixed seed across the whole length of an import
measured on a copy first.

Usage: check_crash_safety.py WEALTHMAP_CLI SHARED_DATA
"""
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

from wmtest import check, finish

CLI, SHARED = sys.argv[1], sys.argv[2]
MONTH = os.path.join(SHARED, "spend", "hyndburn_2023-24", "April-2023.csv")
ROWS = 100000
KILLS = 20
SEED = 20261124


def make_big(path):
    lines = open(MONTH, "rb").read().split(b"\n")
    header = next(i for i, l in enumerate(lines) if b"Name" in l and b"Amount" in l)
    rows = [l for l in lines[header + 1:] if l.strip(b", \r")]
    with open(path, "wb") as f:
        f.write(lines[header] + b"\n")
        for i in range(ROWS):
            f.write(rows[i % len(rows)] + b"\n")


def fingerprint(project):
    """The project's content, as SQL, and what the CLI makes of it."""
    summary = subprocess.run([CLI, "summary", project, "--json"], capture_output=True, text=True)
    db = sqlite3.connect(project)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        dump = hashlib.sha256("\n".join(db.iterdump()).encode()).hexdigest()
        lines = db.execute("SELECT count(*) FROM spend").fetchone()[0]
    finally:
        db.close()
    return summary.returncode, summary.stdout, integrity, dump, lines


def import_args(project, big):
    return [CLI, "import", "spend", project, big, "--anchor", "Hyndburn Borough Council",
            "--anchor-kind", "council"]


with tempfile.TemporaryDirectory() as tmp:
    base = os.path.join(tmp, "base.wealthmap")
    big = os.path.join(tmp, "big.csv")
    make_big(big)
    subprocess.run([CLI, "new", base], check=True, capture_output=True)
    subprocess.run([CLI, "import", "spend", base, MONTH, "--anchor", "Hyndburn Borough Council",
                    "--anchor-kind", "council"], check=True, capture_output=True)
    before = fingerprint(base)
    check(before[0] == 0 and before[2] == "ok" and before[4] > 0,
          f"the project before: {before[4]} lines, integrity {before[2]}")

    # How long a whole import takes, on a copy.
    whole = os.path.join(tmp, "whole.wealthmap")
    shutil.copy(base, whole)
    t0 = time.monotonic()
    p = subprocess.run(import_args(whole, big), capture_output=True, text=True)
    duration = time.monotonic() - t0
    after_whole = fingerprint(whole)
    check(p.returncode == 0 and after_whole[4] == before[4] + ROWS,
          f"a whole import adds {ROWS} lines in {duration:.2f} s", p.stderr)

    rng = random.Random(SEED)
    killed = completed = 0
    for i in range(KILLS):
        project = os.path.join(tmp, f"kill-{i}.wealthmap")
        shutil.copy(base, project)
        delay = rng.uniform(0.0, duration * 1.05)
        proc = subprocess.Popen(import_args(project, big), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        was_running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        journal = os.path.exists(project + "-journal")
        got = fingerprint(project)
        as_before = got[3] == before[3] and got[1] == before[1]
        # Killed after its commit, an import is whole: the same figures as the measured one.
        as_whole = got[4] == before[4] + ROWS and got[1] == after_whole[1]
        if was_running:
            killed += 1
            ok = got[0] == 0 and got[2] == "ok" and (as_before or as_whole)
            check(ok, f"kill {i + 1} at {delay:.2f} s (journal left: {journal}): opens, "
                  f"integrity {got[2]}, {got[4]} lines, "
                  f"{'as before' if as_before else 'whole' if as_whole else 'PARTIAL'}",
                  f"summary exit {got[0]}, dump {'same' if got[3] == before[3] else 'changed'}")
        else:
            completed += 1
            ok = got[0] == 0 and got[2] == "ok" and got[4] == before[4] + ROWS
            check(ok, f"kill {i + 1} at {delay:.2f} s came after the import ended: "
                  f"{got[4]} lines, integrity {got[2]}")
        os.unlink(project)
    check(killed >= KILLS // 2, f"{killed} imports killed mid-way, {completed} had finished")
finish()
