#!/usr/bin/env python3
"""Make evaluated copies of sample 考评表 for `kaoping summary`.

For each source sheet, adds two hidden columns after the table, 档次 and 得分, and fills
every scoring row (a row whose 权重 cell holds a number, outside 合计/得分 rows) with a
deterministic 档次 (random.Random seeded by the file name) and 得分 = 权重 × coefficient
(the documented default coefficients). The sources are not modified.

    python3 scripts/make-evaluated-samples.py            # writes Samples/NNN-…-evaluated.xlsx
    python3 scripts/make-evaluated-samples.py --check    # only prints what it would write
"""
import copy
import os
import random
import re
import shutil
import sys
import tempfile
import zipfile

try:
    import openpyxl
except ImportError:  # pragma: no cover
    import subprocess
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "openpyxl"])
    import openpyxl
from openpyxl.utils import get_column_letter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "Samples")
SOURCES = ["000-chengguan-2024.xlsx", "001-guoziwei-2024.xlsx", "003-yingji-2021.xlsx"]
COEFFICIENTS = {"A+": 1.00, "A": 0.95, "A-": 0.90, "B+": 0.85, "B": 0.80, "C": 0.60}
# Grades as evaluators hand them out: mostly A and A-, few C.
GRADES = ["A+", "A", "A-", "B+", "B", "C"]
GRADE_WEIGHTS = [10, 35, 25, 15, 10, 5]
WEIGHT_LABELS = {"权重", "权重分值", "分值"}
STOP_WORDS = ("合计", "小计", "考评得分", "总分")


def squeeze(v):
    return re.sub(r"\s+", "", str(v)) if v is not None else ""


def number(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        t = v.strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789.")).rstrip("分")
        try:
            return float(t)
        except ValueError:
            return None
    return None


def evaluate(src, dst):
    stem = os.path.basename(src).rsplit(".", 1)[0]
    rng = random.Random(stem)
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    header_row = weight_col = None
    for row in ws.iter_rows():
        for c in row:
            if squeeze(c.value) in WEIGHT_LABELS:
                header_row, weight_col = c.row, c.column
                break
        if header_row:
            break
    if not header_row:
        raise SystemExit(f"{src}: no 权重 header")
    last_col = ws.max_column
    grade_col, score_col = last_col + 1, last_col + 2
    ref = ws.cell(header_row, weight_col)
    for col, label in ((grade_col, "档次"), (score_col, "得分")):
        c = ws.cell(header_row, col, label)
        c.font = copy.copy(ref.font)
        c.border = copy.copy(ref.border)
        c.alignment = copy.copy(ref.alignment)
        ws.column_dimensions[get_column_letter(col)].hidden = True
        ws.column_dimensions[get_column_letter(col)].width = 8
    merged_weight = {(r, weight_col) for m in ws.merged_cells.ranges
                     if m.min_col <= weight_col <= m.max_col and m.min_row != m.max_row
                     for r in range(m.min_row + 1, m.max_row + 1)}
    graded = 0
    for r in range(header_row + 1, ws.max_row + 1):
        texts = [squeeze(ws.cell(r, c).value) for c in range(1, last_col + 1)]
        if any(w in t for t in texts for w in STOP_WORDS):
            continue
        if any(t in WEIGHT_LABELS for t in texts):  # a repeated header row
            continue
        if (r, weight_col) in merged_weight:
            continue
        w = number(ws.cell(r, weight_col).value)
        if w is None:
            continue
        g = rng.choices(GRADES, GRADE_WEIGHTS)[0]
        gc = ws.cell(r, grade_col, g)
        sc = ws.cell(r, score_col, round(w * COEFFICIENTS[g], 4))
        for c in (gc, sc):
            c.border = copy.copy(ref.border)
            c.alignment = copy.copy(ref.alignment)
        graded += 1
    wb.save(dst)
    restore_cached_values(src, dst, ws.title)
    return graded


def restore_cached_values(src, dst, sheet):
    """openpyxl keeps formulas but drops their cached values (`<v />`); put the source's back,
    so that a reader that does not recalculate (kaoping) sees the 合计 values as Excel shows them."""
    cached = openpyxl.load_workbook(src, data_only=True)[sheet]
    pattern = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f><v\s*/></c>', re.S)

    def fill(m):
        ref, attrs, formula = m.group(1), m.group(2), m.group(3)
        v = cached[ref].value
        attrs = re.sub(r'\s+t="[^"]*"', "", attrs)
        if v is None:
            return m.group(0)
        if isinstance(v, bool):
            return f'<c r="{ref}"{attrs} t="b"><f>{formula}</f><v>{int(v)}</v></c>'
        if isinstance(v, (int, float)):
            return f'<c r="{ref}"{attrs}><f>{formula}</f><v>{v!r}</v></c>'
        text = str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        kind = "e" if text.startswith("#") else "str"
        return f'<c r="{ref}"{attrs} t="{kind}"><f>{formula}</f><v>{text}</v></c>'

    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=os.path.dirname(dst))
    os.close(fd)
    with zipfile.ZipFile(dst) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet") and info.filename.endswith(".xml"):
                data = pattern.sub(fill, data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    shutil.move(tmp, dst)
    os.chmod(dst, 0o644)


def main():
    check = "--check" in sys.argv
    for name in SOURCES:
        src = os.path.join(SAMPLES, name)
        dst = os.path.join(SAMPLES, name.rsplit(".", 1)[0] + "-evaluated.xlsx")
        if check:
            print(f"{src} -> {dst}")
            continue
        n = evaluate(src, dst)
        print(f"{os.path.relpath(dst, ROOT)}: {n} rows graded")


if __name__ == "__main__":
    main()
