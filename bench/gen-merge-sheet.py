#!/usr/bin/env python3
"""Writes a deterministic sheet with many vertical merges, as a 考评表 has them, only bigger.

    python3 bench/gen-merge-sheet.py OUT.xlsx [ROWS]      (ROWS defaults to 20000)

ROWS x 8 columns. A..D are merged vertically every 3 rows (A1:A3, B1:B3, ... A4:A6, ...), the
text (a shared string) sitting in the top cell; E..H hold numbers, with a SUM formula in H.
Standard library only; the same arguments always give the same content.
"""
import random
import sys
import zipfile
import os

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from xlsxpkg import MAIN, write_package  # noqa: E402

CJK = "项目文件依据一级指标二级指标三级指标考评内容评分标准产出效益满意度管理制度预算执行"


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen-merge-sheet.py OUT.xlsx [ROWS]")
    out, rows = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    rnd = random.Random(20240602)
    pool, index = [], {}

    def sst(s):
        if s not in index:
            index[s] = len(pool)
            pool.append(s)
        return index[s]

    body, merges = [], []
    for r in range(1, rows + 1):
        cells = []
        if (r - 1) % 3 == 0:
            for c in "ABCD":
                text = "".join(rnd.choice(CJK) for _ in range(rnd.randint(4, 16)))
                cells.append(f'<c r="{c}{r}" t="s"><v>{sst(text)}</v></c>')
                merges.append(f'{c}{r}:{c}{min(r + 2, rows)}')
        a, b, c = rnd.randint(0, 100), round(rnd.uniform(0, 10), 1), rnd.randint(1, 5)
        cells.append(f'<c r="E{r}"><v>{a}</v></c><c r="F{r}"><v>{b}</v></c><c r="G{r}"><v>{c}</v></c>')
        cells.append(f'<c r="H{r}"><f>SUM(E{r}:G{r})</f><v>{a + b + c}</v></c>')
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
             f'<dimension ref="A1:H{rows}"/><sheetData>{"".join(body)}</sheetData>'
             f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
             + '</mergeCells></worksheet>')
    strings = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               f'<sst xmlns="{MAIN}" count="{len(pool)}" uniqueCount="{len(pool)}">'
               + "".join(f"<si><t>{s}</t></si>" for s in pool) + "</sst>")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        write_package(z, "合并")
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", strings)
    print(f"{out}: {rows} rows x 8 columns, {len(merges)} merges, {len(pool)} shared strings")


if __name__ == "__main__":
    main()
