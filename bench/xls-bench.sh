#!/usr/bin/env bash
# Times reading a 200,000-row .xls (4 sheets × 50,000 rows × 10 columns, bench/gen-big-xls.py)
# with XLSBook (bench/xls-read) beside python-calamine and xlrd; prints one Markdown table.
# Wall time is the median of BENCH_RUNS runs (default 3); peak RSS from /usr/bin/time.
# Everything lives under .build-bench-xls/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
B=.build-bench-xls
runs=${BENCH_RUNS:-3}
mkdir -p "$B"
swift build -c release --scratch-path "$B" --product xls-read 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || true
test -x "$B/release/xls-read" || { echo "xls-bench: build failed" >&2; exit 1; }
[ -f "$B/big.xls" ] || python3 bench/gen-big-xls.py "$B/big.xls" 200000 >&2
py=python3
if ! $py -c 'import python_calamine, xlrd' 2>/dev/null; then
  [ -x "$B/venv/bin/python" ] || { python3 -m venv "$B/venv"; "$B/venv/bin/pip" install -q python-calamine xlrd >&2; }
  py="$B/venv/bin/python"
fi
measure() {   # name, command…: prints "| name | median s | peak MB | output |"
  local name=$1; shift
  local times=() mem=0 out=""
  for _ in $(seq "$runs"); do
    out=$(/usr/bin/time -f "%e %M" -o "$B/time.txt" "$@")
    read -r t m < "$B/time.txt"
    times+=("$t"); [ "$m" -gt "$mem" ] && mem=$m
  done
  local med
  med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  echo "| $name | $med | $((mem / 1024)) | $out |"
}
echo "| reader | wall s (median of $runs) | peak RSS MB | read |"
echo "|---|---|---|---|"
measure "kaoping XLSBook" "$B/release/xls-read" "$B/big.xls"
measure "python-calamine $($py -c 'import importlib.metadata as m; print(m.version("python-calamine"))')" $py bench/xls_witness.py calamine "$B/big.xls"
measure "xlrd $($py -c 'import xlrd; print(xlrd.__VERSION__)')" $py bench/xls_witness.py xlrd "$B/big.xls"
