#!/usr/bin/env bash
# Integration check of the written sheets with independent programs: LibreOffice renders every
# fixed sample to PDF (A4 landscape, header rows and page numbers on every page, one page wide),
# openpyxl opens them (live SUM totals, print titles, fit to width).
# Installs LibreOffice, poppler and openpyxl when missing. Usage: scripts/integration.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/kaoping}
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
python3 -c 'import openpyxl' 2>/dev/null || need+=(python3-openpyxl)
fc-list 2>/dev/null | grep -qi 'wqy\|noto.*cjk' || need+=(fonts-wqy-zenhei)
if [ ${#need[@]} -gt 0 ]; then
  echo "integration: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c 'import openpyxl' 2>/dev/null || pip install -q openpyxl
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export HOME="$work"   # LibreOffice wants a writable profile
pass=0; failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
for f in Samples/*.xlsx; do
  b=$(basename "${f%.xlsx}")
  "$bin" fix "$f" -o "$work/$b.xlsx" 2>/dev/null || [ $? -eq 1 ] || { fail "$b: fix"; continue; }
  "$bin" inspect "$f" > "$work/$b.json"
  timeout 180 soffice --headless --convert-to pdf "$work/$b.xlsx" --outdir "$work" >/dev/null 2>&1 || true
  [ -s "$work/$b.pdf" ] || { fail "$b: LibreOffice did not convert it"; continue; }
  pages=$(pdfinfo "$work/$b.pdf" | awk '/^Pages:/ {print $2}')
  size=$(pdfinfo "$work/$b.pdf" | awk '/^Page size:/ {print $3 "x" $5}')
  [ "$size" = "841.89x595.304" ] || fail "$b: page is $size, not A4 landscape"
  # Header rows repeated, and the table one page wide: every page shows 序号 and the last column.
  for p in $(seq 1 "$pages"); do
    t=$(pdftotext -f "$p" -l "$p" "$work/$b.pdf" - | tr -d ' \n')
    case "$t" in *序号*) ;; *) fail "$b: page $p has no header row";; esac
    case "$t" in *责任人*|*负责人*) ;; *) fail "$b: page $p lacks the last column (not one page wide)";; esac
    case "$t" in *"第${p}页共${pages}页"*) ;; *) fail "$b: page $p has no page number footer";; esac
  done
  python3 - "$work/$b.xlsx" <<'PY' || { fail "$b: openpyxl"; continue; }
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
formulas = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
assert any(f.startswith("=SUM(") for f in formulas), "no live SUM totals"
assert ws.print_title_rows, "no repeated header rows"
assert ws.page_setup.orientation == "landscape", "not landscape"
assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, "not one page wide"
PY
  pass=$((pass + 1))
done
echo "integration: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
