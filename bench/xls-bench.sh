#!/usr/bin/env bash
# Times reading a 200,000-row .xls (4 sheets × 50,000 rows × 10 columns, bench/gen-big-xls.py)
# with XLSBook (bench/xls-read) beside python-calamine and xlrd; prints one Markdown table.
# Wall and CPU (user + sys) time are medians of BENCH_RUNS runs (default 3); CPU time is the
# figure to trust on a shared machine. Peak RSS from /usr/bin/time.
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
measure() {   # name, command…: prints "| name | wall s | cpu s | peak MB | output |"
  local name=$1; shift
  local times=() cpus=() mem=0 out=""
  for _ in $(seq "$runs"); do
    out=$(/usr/bin/time -f "%e %M %U %S" -o "$B/time.txt" "$@")
    read -r t m u s < "$B/time.txt"
    times+=("$t"); cpus+=("$(echo "$u + $s" | bc)"); [ "$m" -gt "$mem" ] && mem=$m
  done
  local mid=$(( (runs + 1) / 2 ))
  echo "| $name | $(printf '%s\n' "${times[@]}" | sort -n | sed -n "${mid}p") | $(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "${mid}p") | $((mem / 1024)) | $out |"
}
echo "| reader | wall s | CPU s (user+sys) | peak RSS MB | read |"
echo "|---|---|---|---|---|"
measure "kaoping XLSBook" "$B/release/xls-read" "$B/big.xls"
measure "python-calamine $($py -c 'import importlib.metadata as m; print(m.version("python-calamine"))')" $py bench/xls_witness.py calamine "$B/big.xls"
measure "xlrd $($py -c 'import xlrd; print(xlrd.__VERSION__)')" $py bench/xls_witness.py xlrd "$B/big.xls"
