#!/usr/bin/env bash
# The register's benchmark (issue 14): `kaoping import` of 100 typical sheets into a new register,
# and `kaoping status` on a register of 1,000 submissions (500 units × 2 rounds, one year).
# Targets: import under 2 s, status under 100 ms. Release build in .build-bench/ like bench.sh.
#   scripts: bench/register.sh [RUNS]    (RUNS defaults to 5)
set -euo pipefail
cd "$(dirname "$0")/.."
B=.build-bench
D=$B/bench-data
RUNS=${1:-5}
if [ ! -x "$B/release/kaoping" ] || [ -n "$(find Sources Package.swift -newer "$B/release/kaoping" -print -quit)" ]; then
  echo "bench: building release ($B)" >&2
  swift build -c release --static-swift-stdlib --scratch-path "$B" --product kaoping 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || true
fi
K=$B/release/kaoping
export KAOPING_TEMPLATES=$PWD/Templates
mkdir -p "$D"
[ -d "$D/batch" ] || python3 bench/make-batch.py Samples "$D/batch" 100 >&2
if [ ! -d "$D/batch500b" ]; then
  python3 bench/make-batch.py Samples "$D/batch500" 500 >&2
  # Round 2 of each unit: the same sheet stored again at another compression level (other bytes).
  python3 - "$D/batch500" "$D/batch500b" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for n in sorted(os.listdir(src)):
    with zipfile.ZipFile(os.path.join(src, n)) as z, zipfile.ZipFile(os.path.join(out, "r2-" + n), "w", zipfile.ZIP_DEFLATED, compresslevel=1) as o:
        for i in z.infolist():
            o.writestr(i.filename, z.read(i))
PY
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

echo "bench: $(nproc) cores, $(uptime | sed 's/.*load/load/')" >&2
t=()
for i in $(seq "$RUNS"); do
  rm -f "$D/reg100.db"*
  s=$(now); "$K" import "$D/batch" --db "$D/reg100.db" 2>/dev/null || true; e=$(now)
  t+=("$(echo "$e - $s" | bc)")
done
imp=$(printf '%s\n' "${t[@]}" | median)
n=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from submission').fetchone()[0])" "$D/reg100.db")

if [ ! -f "$D/reg1000.db" ]; then
  "$K" import "$D/batch500" "$D/batch500b" --year 2024 --db "$D/reg1000.db" 2>/dev/null || true
fi
m=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from submission').fetchone()[0])" "$D/reg1000.db")
t=(); tj=()
for i in $(seq "$RUNS"); do
  s=$(now); "$K" status --db "$D/reg1000.db" --year 2024 >/dev/null; e=$(now); t+=("$(echo "$e - $s" | bc)")
  s=$(now); "$K" status --db "$D/reg1000.db" --year 2024 --json >/dev/null; e=$(now); tj+=("$(echo "$e - $s" | bc)")
done
st=$(printf '%s\n' "${t[@]}" | median)
sj=$(printf '%s\n' "${tj[@]}" | median)
echo "| measurement | median of $RUNS (s) | target |"
echo "|---|---|---|"
echo "| import of $n sheets into a new register | $imp | < 2 |"
echo "| status on $m submissions (text) | $st | < 0.1 |"
echo "| status on $m submissions (--json) | $sj | < 0.1 |"
