#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Memory and time of importing a huge spend CSV: the real April 2023 Hyndburn rows (as
# published: Windows-1252, 70 trailing commas a line) repeated up to SIZE_MB, imported into a
# new project by the CLI under /usr/bin/time -v. Prints size, rows, seconds, MB/s and peak RSS.
#   bench/spend-memory.sh BUILD_DIR [SIZE_MB (1024)] [SHARED_DATA (../shared/data)]
set -euo pipefail
build=$1
size_mb=${2:-1024}
shared=${3:-$(dirname "$0")/../../shared/data}
cli=$build/app/cli/wealthmap-cli
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wm-spend-memory-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 - "$shared/spend/hyndburn_2023-24/April-2023.csv" "$tmp/huge.csv" "$size_mb" <<'PY'
import sys
src, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3]) << 20
lines = open(src, "rb").read().split(b"\n")
header = next(i for i, l in enumerate(lines) if b"Net Amount" in l)
rows = [l + b"\n" for l in lines[header + 1:] if l.strip(b", \r")]
block = b"".join(rows)
with open(out, "wb") as f:
    f.write(lines[header] + b"\n")
    written = 0
    while written + len(block) <= size:
        f.write(block)
        written += len(block)
PY
bytes=$(stat -c %s "$tmp/huge.csv")
"$cli" new "$tmp/p.wealthmap" > /dev/null
/usr/bin/time -v "$cli" import spend "$tmp/p.wealthmap" "$tmp/huge.csv" --anchor "Hyndburn Borough Council" \
  --anchor-kind council > "$tmp/out.txt" 2> "$tmp/time.txt" || { cat "$tmp/out.txt" "$tmp/time.txt"; exit 1; }
secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time.txt" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
rows=$(sed -n 's/.*: \([0-9]*\) rows imported.*/\1/p' "$tmp/out.txt")
echo "spend import: $((bytes >> 20)) MB, $rows rows, ${secs} s, $(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / 1048576 / s }') MB/s, peak RSS $((rss / 1024)) MB, project $(( $(stat -c %s "$tmp/p.wealthmap") >> 20 )) MB"
