#!/usr/bin/env bash
# The benchmark (make bench): builds release, makes its inputs, installs its witnesses, times
# kaoping beside them and prints one table (Markdown) on stdout; progress goes to stderr.
# Everything lives under .build-bench/ (its own scratch path, so other builds are untouched).
#   BENCH_RUNS=N  runs per measurement (default 3; the one-form commands at least 10)
set -euo pipefail
cd "$(dirname "$0")/.."
B=.build-bench
D=$B/bench-data

# Build tools and libraries (as scripts/setup.sh, plus gcc for the C witnesses, python3-venv).
need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ -x /usr/bin/time ] || need+=(time)
for pair in libzip:libzip-dev xlsxwriter:libxlsxwriter-dev expat:libexpat1-dev libcurl:libcurl4-openssl-dev; do
  pkg-config --exists "${pair%%:*}" 2>/dev/null || need+=("${pair#*:}")
done
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "bench: building release ($B)" >&2
swift build -c release --static-swift-stdlib --scratch-path "$B" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || true
test -x "$B/release/kaoping" || { echo "bench: build failed" >&2; exit 1; }
gcc -O2 -o "$B/floor" bench/floor.c $(pkg-config --cflags --libs libzip expat)
gcc -O2 -o "$B/write" bench/write.c $(pkg-config --cflags --libs xlsxwriter)

if [ ! -x "$B/venv/bin/python" ] || ! "$B/venv/bin/python" -c 'import openpyxl, python_calamine, xlsxwriter' 2>/dev/null; then
  echo "bench: installing the Python witnesses (openpyxl, python-calamine, XlsxWriter) in $B/venv" >&2
  python3 -m venv "$B/venv"
  "$B/venv/bin/pip" install -q openpyxl python-calamine XlsxWriter >&2
fi

mkdir -p "$D"
[ -f "$D/big.xlsx" ] || python3 scripts/gen-big-sheet.py "$D/big.xlsx" 200000 >&2
[ -f "$D/merges.xlsx" ] || python3 bench/gen-merge-sheet.py "$D/merges.xlsx" 20000 >&2
[ -d "$D/batch" ] || python3 bench/make-batch.py Samples "$D/batch" 100 >&2
for n in 20000 200000; do
  [ -f "$D/form$((n / 1000))k.xlsx" ] || "$B/venv/bin/python" bench/gen-big-form.py "$D/form$((n / 1000))k.xlsx" "$n" >&2
done

echo "bench: $(nproc) cores, $(uptime | sed 's/.*load/load/')" >&2
exec "$B/venv/bin/python" bench/bench.py
