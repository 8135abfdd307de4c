#!/usr/bin/env python3
"""Writes a big, deterministic .xlsx for memory and speed checks of the streaming reader.

    python3 scripts/gen-big-sheet.py BIG.xlsx [ROWS]      (ROWS defaults to 200000)

One sheet of ROWS x 10 columns:
  A      row number
  B..E   CJK text through shared strings; about 30% of these cells bring a new string,
         the rest reuse one already seen
  F..J   numbers; about 10% of them (5% of all cells) are formulas with cached values
Standard library only; the same arguments always give the same bytes' worth of content.
"""
import random
import sys
import zipfile
from xml.sax.saxutils import escape

from xlsxpkg import MAIN, write_package


CJK = "考评指标绩效目标完成情况预算执行率资金使用效益社会满意度项目管理制度建设产出数量质量时效成本生态环境保护应急救援交通城管国资监督评分标准"


def col(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen-big-sheet.py OUT.xlsx [ROWS]")
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    rnd = random.Random(20240601)
    pool = []          # shared strings in index order
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        write_package(z, "大表")

        string_cells = 0
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
                     f'<dimension ref="A1:J{rows}"/><sheetData>').encode())
            buf = []
            for r in range(1, rows + 1):
                nums = [round(rnd.uniform(0, 1000), 2) for _ in range(5)]
                cells = [f'<c r="A{r}"><v>{r}</v></c>']
                for c in range(2, 6):
                    string_cells += 1
                    if not pool or rnd.random() < 0.30:
                        n = rnd.randint(2, 12)
                        pool.append("".join(rnd.choice(CJK) for _ in range(n)) + str(len(pool)))
                        i = len(pool) - 1
                    else:
                        i = rnd.randrange(len(pool))
                    cells.append(f'<c r="{col(c)}{r}" t="s"><v>{i}</v></c>')
                for k, c in enumerate(range(6, 11)):
                    ref = f"{col(c)}{r}"
                    if k > 0 and rnd.random() < 0.10:
                        # A formula over the cells to its left, with its cached value.
                        cached = round(sum(nums[:k]), 2)
                        nums[k] = cached
                        cells.append(f'<c r="{ref}"><f>SUM(F{r}:{col(c - 1)}{r})</f><v>{cached}</v></c>')
                    else:
                        cells.append(f'<c r="{ref}"><v>{nums[k]}</v></c>')
                buf.append(f'<row r="{r}" spans="1:10">' + "".join(cells) + "</row>")
                if len(buf) >= 1000:
                    f.write("".join(buf).encode())
                    buf.clear()
            f.write("".join(buf).encode())
            f.write(b"</sheetData></worksheet>")

        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                     f'<sst xmlns="{MAIN}" count="{string_cells}" uniqueCount="{len(pool)}">').encode())
            for k in range(0, len(pool), 1000):
                f.write("".join(f"<si><t>{escape(s)}</t></si>" for s in pool[k:k + 1000]).encode())
            f.write(b"</sst>")
    print(f"{out}: {rows} rows x 10 columns, {len(pool)} shared strings of {string_cells} string cells")


if __name__ == "__main__":
    main()
