#!/usr/bin/env bash
# Integration check of the written sheets with independent programs, as the office prints them:
# LibreOffice renders every fixed sample, and the variants of scripts/gen-print-variants.py (long
# texts, many items per indicator, one- and two-column 项目, evaluated), to PDF; scripts/print-check.py
# reads the pages with `pdftotext -tsv`: no 一级指标 block crosses a page, every page shows its
# 项目 labels, no text overflows its row. Also: A4 landscape, header rows, the last column and the
# page number on every page; openpyxl sees live SUM totals, print titles and page breaks.
# Installs LibreOffice, poppler, openpyxl and the fonts when missing. Usage: scripts/integration.sh [BIN]
#   scripts/integration.sh --install-only    only the installs (scripts/test.sh, before the XCTests
#                                            that use openpyxl and LibreOffice as witnesses too)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/kaoping}
has_font() { [ -n "$(fc-list "$1" family 2>/dev/null)" ]; }   # no `| grep -q`: SIGPIPE is 141 under pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
python3 -c 'import openpyxl' 2>/dev/null || need+=(python3-openpyxl)
has_font 'Noto Serif CJK SC' && has_font 'Noto Sans CJK SC' || need+=(fonts-noto-cjk)
has_font 'Carlito' || need+=(fonts-crosextra-carlito)   # Calibri's metrics: the columns' widths
if [ ${#need[@]} -gt 0 ]; then
  echo "integration: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c 'import openpyxl' 2>/dev/null || pip install -q openpyxl
[ "$bin" = --install-only ] && exit 0
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export HOME="$work"   # LibreOffice wants a writable profile; fontconfig reads the font aliases here
mkdir -p "$HOME/.config/fontconfig" && cp scripts/fonts.conf "$HOME/.config/fontconfig/fonts.conf"
pass=0; failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# The inputs: every sample, and the generated variants; `onecol` also printed with a one-column template.
mkdir -p "$work/in" "$work/out" "$work/tpl1"
cp Samples/*.xlsx "$work/in/"
python3 scripts/gen-print-variants.py "$work/in"
cp Templates/*.json "$work/tpl1/"
python3 - "$work/tpl1" <<'PY'
import json, pathlib, sys
for p in pathlib.Path(sys.argv[1]).glob("*.json"):
    t = json.loads(p.read_text(encoding="utf-8"))
    t["projectColumns"] = 1
    t["columns"] = [c for c in t["columns"] if c["key"] != "project2"]
    p.write_text(json.dumps(t, ensure_ascii=False), encoding="utf-8")
PY
for f in "$work"/in/*.xlsx; do
  b=$(basename "${f%.xlsx}")
  "$bin" fix "$f" -o "$work/out/$b.xlsx" 2>/dev/null || [ $? -eq 1 ] || fail "$b: fix"
done
"$bin" fix "$work/in/onecol.xlsx" --templates "$work/tpl1" -o "$work/out/onecol-template1.xlsx" 2>/dev/null || [ $? -eq 1 ] \
  || fail "onecol-template1: fix"
# One LibreOffice start for all: each start costs seconds.
timeout 300 soffice --headless --convert-to pdf "$work"/out/*.xlsx --outdir "$work/out" >/dev/null 2>&1 || true

for x in "$work"/out/*.xlsx; do
  b=$(basename "${x%.xlsx}")
  pdf="$work/out/$b.pdf"
  [ -s "$pdf" ] || { fail "$b: LibreOffice did not convert it"; continue; }
  "$bin" inspect "$x" --json > "$work/out/$b.json" 2>/dev/null || { fail "$b: the fixed sheet does not read back"; continue; }
  ok=1
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  size=$(pdfinfo "$pdf" | awk '/^Page size:/ {print $3 "x" $5}')
  [ "$size" = "841.89x595.304" ] || { fail "$b: page is $size, not A4 landscape"; ok=0; }
  # Header rows repeated, and the table one page wide: every page shows 序号 and the last column.
  for p in $(seq 1 "$pages"); do
    t=$(pdftotext -f "$p" -l "$p" "$pdf" - | tr -d ' \n')
    case "$t" in *序号*) ;; *) fail "$b: page $p has no header row"; ok=0;; esac
    case "$t" in *责任人*|*负责人*) ;; *) fail "$b: page $p lacks the last column (not one page wide)"; ok=0;; esac
    case "$t" in *"第${p}页共${pages}页"*) ;; *) fail "$b: page $p has no page number footer"; ok=0;; esac
  done
  # The pages as the office sees them.
  if ! out=$(python3 scripts/print-check.py "$pdf" "$work/out/$b.json" 2>&1); then
    fail "$b: printed pages"; echo "$out" | head -12 | sed 's/^/    /'; ok=0
  fi
  # The round trip: the fixed sheet keeps every item of its input.
  case "$b" in onecol-template1) src="$work/in/onecol.xlsx";; *) src="$work/in/$b.xlsx";; esac
  "$bin" inspect "$src" --json > "$work/out/$b.src.json" 2>/dev/null || true
  python3 - "$work/out/$b.src.json" "$work/out/$b.json" <<'PY' || { fail "$b: round trip"; ok=0; }
import json, sys
def items(p):
    f = json.load(open(p, encoding="utf-8"))
    return [(i.get("code"), i.get("text"), i.get("weight")) for s in f["sections"] for g in s["groups"]
            for ind in g["indicators"] for i in ind["items"]]
a, b = items(sys.argv[1]), items(sys.argv[2])
missing = [x for x in a if x not in b]
assert not missing, f"items lost: {missing[:3]}"
PY
  python3 - "$x" <<'PY' || { fail "$b: openpyxl"; ok=0; }
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
formulas = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
assert any(f.startswith("=SUM(") for f in formulas), "no live SUM totals"
assert ws.print_title_rows, "no repeated header rows"
assert ws.page_setup.orientation == "landscape", "not landscape"
# A computed scale, not "fit to page": Excel drops manual page breaks under fit to page.
assert ws.page_setup.scale and not ws.sheet_properties.pageSetUpPr.fitToPage, "not at a computed scale"
PY
  [ "$ok" -eq 1 ] && pass=$((pass + 1))
done
echo "integration: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
