#!/usr/bin/env python3
"""Writes the .xls benchmark input: 200,000 rows as 4 sheets of 50,000 (BIFF8 stops at 65,536
rows a sheet), with the content scheme of scripts/gen-big-sheet.py (row number, 4 CJK text
columns of which ~30% bring a new string, 5 number columns with ~10% SUM formulas).

    python3 bench/gen-big-xls.py OUT.xls [ROWS]

Built as .xlsx with openpyxl (write-only), then converted by LibreOffice headless, which
computes the formulas' cached values, as the office's own software would.
"""
import os, random, shutil, subprocess, sys, tempfile
import openpyxl

CJK = "考评指标绩效目标完成情况预算执行率资金使用效益社会满意度项目管理制度建设产出数量质量时效成本生态环境保护应急救援交通城管国资监督评分标准"
COLS = "ABCDEFGHIJ"

def main():
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    per = 50_000
    rnd = random.Random(20240601)
    pool = []
    wb = openpyxl.Workbook(write_only=True)
    done = 0
    while done < rows:
        n = min(per, rows - done)
        ws = wb.create_sheet(f"大表{done // per + 1}")
        for r in range(1, n + 1):
            nums = [round(rnd.uniform(0, 1000), 2) for _ in range(5)]
            row = [done + r]
            for _ in range(4):
                if not pool or rnd.random() < 0.30:
                    pool.append("".join(rnd.choice(CJK) for _ in range(rnd.randint(2, 12))) + str(len(pool)))
                    row.append(pool[-1])
                else:
                    row.append(pool[rnd.randrange(len(pool))])
            for k in range(5):
                if k > 0 and rnd.random() < 0.10:
                    row.append(f"=SUM(F{r}:{COLS[4 + k]}{r})")
                else:
                    row.append(nums[k])
            ws.append(row)
        done += n
    tmp = tempfile.mkdtemp(prefix="kaoping-bigxls-")
    x = os.path.join(tmp, "big.xlsx")
    wb.save(x)
    subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "xls", "--outdir", tmp, x],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.move(os.path.join(tmp, "big.xls"), out)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"{out}: {rows} rows x 10 columns in {(rows + per - 1) // per} sheets, {len(pool)} distinct strings")

if __name__ == "__main__":
    main()
