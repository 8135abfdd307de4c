#!/usr/bin/env python3
"""The Python XlsxWriter witness for writing: a ROWS x 10 sheet of the same shape as
bench/write.c and `kaoping bench-write` (row number, 4 CJK strings ~30% new, 5 numbers, ~10% of
G..J formulas with cached values). Python's own Random draws the data: same shape, not the same bytes.

    write_xlsxwriter.py OUT.xlsx ROWS normal|constant
"""
import random
import sys

import xlsxwriter

CJK = "考评指标绩效目标完成情况预算执行率资金使用效益社会满意度项目管理制度建设产出数量质量时效成本生态环境保护应急救援交通城管国资监督评分标准"


def main():
    out, rows, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rnd = random.Random(20240601)
    wb = xlsxwriter.Workbook(out, {"constant_memory": mode == "constant"})
    ws = wb.add_worksheet("大表")
    pool = []
    for r in range(rows):
        ws.write_number(r, 0, r + 1)
        for c in range(1, 5):
            if not pool or rnd.random() < 0.30:
                s = "".join(rnd.choice(CJK) for _ in range(rnd.randint(2, 12))) + str(len(pool))
                pool.append(s)
            else:
                s = pool[rnd.randrange(len(pool))]
            ws.write_string(r, c, s)
        f = int(rnd.random() * 100000) / 100
        ws.write_number(r, 5, f)
        for c in range(6, 10):
            if rnd.random() < 0.10:
                k = c - 4
                ws.write_formula(r, c, f"=F{r + 1}*{k}", None, f * k)
            else:
                ws.write_number(r, c, int(rnd.random() * 100000) / 100)
    wb.close()


if __name__ == "__main__":
    main()
