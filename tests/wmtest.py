# SPDX-License-Identifier: GPL-3.0-or-later
"""What the Python checks share: a named check that prints ok/FAIL (with the detail on
failure) and counts failures, and the exit status at the end. The newer checks use it; the
older ones still carry their own copies."""
import sys

failures = 0


def check(ok, what, detail=""):
    global failures
    failures += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {what}" + (f"\n     {detail}" if detail and not ok else ""))
    return ok


def finish():
    print(f"{failures} failures")
    sys.exit(1 if failures else 0)
