#!/usr/bin/env bash
# The office's year on the bundled Samples/, with a temporary register: import → status → notice
# of one unit → import of its corrected sheet (round 2) → status (what was fixed) → grading sheets
# → filled in (openpyxl, recalculated by LibreOffice when present) → summary. Outputs in out/.
# KAOPING=path/to/kaoping uses that binary instead of building the release one.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -n "${KAOPING:-}" ]; then bin=$KAOPING; else scripts/setup.sh release || exit 1; bin=.build/release/kaoping; fi
export KAOPING_TEMPLATES="$PWD/Templates"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kaoping-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export KAOPING_DB="$tmp/kaoping.db"
mkdir -p out
step() { printf '\n== %s\n' "$*" >&2; }
have_openpyxl() { python3 -c 'import openpyxl' 2>/dev/null; }

step "1. 登记：各单位报送的考评表（未考评的 5 份）→ 临时登记簿"
"$bin" import Samples/00?-*-20[0-9][0-9].xlsx

step "2. 登记情况（2024 年度）"
"$bin" status --year 2024

step "3. 退改通知：城管局 → out/城管局-通知.xlsx（问题清单 + 标出待改单元格的修正表）"
"$bin" notice --unit 泉州市城市管理局 --year 2024 -o out/城管局-通知.xlsx 2>&1 | head -4
echo "   …（退出码 1：仍有错误需单位修改）" >&2

step "4. 单位改正后再次报送（第 2 轮）"
resent="$tmp/城管局-第2轮.xlsx"
if have_openpyxl && command -v soffice >/dev/null 2>&1; then
  # The unit fixes two errors in its own sheet: the missing 责任人 and the changed 行政能力 text;
  # LibreOffice then saves it as Excel would (openpyxl keeps no formula results).
  "$bin" check --json Samples/000-chengguan-2024.xlsx | python3 -c '
import json, re, sys, openpyxl
form = json.load(sys.stdin)[0]
wb = openpyxl.load_workbook(sys.argv[1]); ws = wb[form["source"]["sheet"]]
for f in form["findings"]:
    if f["rule"] == "item.persons-missing": ws[f["cell"]] = "林晓"
    if f["rule"] == "admin.text-changed": ws[f["cell"]] = re.search("「(.*)」", f["message"]).group(1)
wb.save(sys.argv[2])' Samples/000-chengguan-2024.xlsx "$tmp/edited.xlsx"
  mkdir -p "$tmp/lo" && HOME="$tmp" soffice --headless --convert-to xlsx --outdir "$tmp/lo" "$tmp/edited.xlsx" >/dev/null 2>&1
  mv "$tmp/lo/edited.xlsx" "$resent"
  echo "   （单位改正了 责任人 缺失 和 行政能力目标 内容 两处错误：openpyxl 修改，LibreOffice 保存）" >&2
else
  echo "   （未安装 python3-openpyxl 或 LibreOffice：以 kaoping fix 的修正表作为第 2 轮）" >&2
  "$bin" fix Samples/000-chengguan-2024.xlsx -o "$resent" 2>/dev/null
fi
"$bin" import "$resent"

step "5. 登记情况：城管局第 2 轮，修复与新增"
"$bin" status --year 2024
# What round 2 fixed, from kaoping.status/1 (findings matched by rule + 序号).
"$bin" status --year 2024 --json | python3 -c '
import json, sys
for u in json.load(sys.stdin)["units"]:
    for word, key in (("已修复", "resolved"), ("新出现", "introduced")):
        for f in u[key]: print("   " + word, u["unit"], f["cell"] or "", f["message"], sep="  ")' >&2 || true

step "6. 评分表：每个单位的最新一轮 → out/评分/（档次下拉、得分公式）"
rm -rf out/评分 out/评分-已填
"$bin" grading --year 2024 --db "$KAOPING_DB" -o out/评分/

step "7. 评审填写档次"
if have_openpyxl; then
  mkdir -p out/评分-已填
  for f in out/评分/*.xlsx; do
    python3 - "$f" "out/评分-已填/$(basename "$f")" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1]); ws = wb.worksheets[0]
grades = ["A+", "A", "A", "A-", "B+", "A"]
i = 0
for dv in ws.data_validations.dataValidation:
    for r in dv.sqref.ranges:
        for row in range(r.min_row, r.max_row + 1):
            ws.cell(row, r.min_col).value = grades[i % len(grades)]; i += 1
wb.save(sys.argv[2])
print(f"   {sys.argv[2]}：填写 {i} 个档次")
PY
  done >&2
  if command -v soffice >/dev/null 2>&1; then
    # LibreOffice recalculates the 得分 formulas, as opening the sheet in Excel or WPS would.
    (cd out/评分-已填 && HOME="$tmp" soffice --headless --convert-to xlsx --outdir "$tmp/lo" ./*.xlsx >/dev/null 2>&1 \
      && mv "$tmp"/lo/*.xlsx . && echo "   LibreOffice 已重新计算得分公式" >&2)
  else
    echo "   （未安装 LibreOffice：得分由 kaoping 按档次计算）" >&2
  fi

  step "8. 汇总：填好的评分表 → out/summary.xlsx"
  "$bin" summary out/评分-已填/ -o out/summary.xlsx
else
  echo "   （未安装 python3-openpyxl，跳过填写与汇总；可在 out/评分/ 中手工填写档次后运行 kaoping summary）" >&2
fi
ls out/ >&2
exit 0
