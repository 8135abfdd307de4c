#!/usr/bin/env python3
"""Writes 考评表 variants that stress the printed pages (issue 12), with openpyxl, as a unit's
sheet would come in: one header row, merged 项目 / 文件依据 / 一级指标 cells, a 合计 per section.

    python3 scripts/gen-print-variants.py OUTDIR

Writes into OUTDIR:
  long.xlsx       long 文件依据 / 一级指标 / 二级指标 texts (rows of 10+ lines)
  many.xlsx       many 二级指标 per 一级指标: one block taller than a page, others of 8-12 rows
  onecol.xlsx     项目 in one column (section and group on separate lines of one cell)
  twocol.xlsx     项目 in two columns, section label merged over both groups
  evaluated.xlsx  with 档次 and 得分 columns filled (weight × the default coefficient)
Deterministic: the same run always writes the same cells.
"""
import os
import random
import sys

import openpyxl
from openpyxl.styles import Alignment

COEF = {"A+": 1.00, "A": 0.95, "A-": 0.90, "B+": 0.85, "B": 0.80, "C": 0.60}
WORDS = ("深入开展安全生产专项整治行动，督促专题整治组牵头单位落实责任，有力有效遏制重特大事故；"
         "推进城市更新和老旧小区改造，完善基础设施，提升公共服务水平；加强生态环境保护，"
         "打好污染防治攻坚战，持续改善空气和水环境质量；优化营商环境，深化放管服改革，")
ADMIN = ["科学民主依法决策", "政务公开", "机关效能建设", "党风廉政建设", "意识形态工作", "法治政府建设",
         "平安建设综治工作", "信访工作", "保密工作", "档案工作"]


def text(rnd, n):
    start = rnd.randrange(len(WORDS))
    s = (WORDS * (n // len(WORDS) + 2))[start:start + n]
    return s.rstrip("，；") + "。"


def sheet(path, *, onecol=False, evaluated=False, long=False, many=False, seed=1):
    rnd = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "考评表"
    pc = 1 if onecol else 2
    head = ["项目"] * pc + ["序号", "文件依据", "一级指标", "二级指标", "权重分值", "完成时限", "分管领导", "责任科室", "科室负责人"]
    if evaluated:
        head += ["档次", "得分"]
    col = {k: i + 1 for i, k in enumerate(head) if k != "项目"}
    last = len(head)
    ws.cell(1, 1, "2024年度泉州市测试局绩效目标考评表")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws.cell(2, 1, "参评单位（盖章）：泉州市测试局")
    for i, h in enumerate(head, 1):
        ws.cell(3, i, h)
    if pc == 2:
        ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=2)
    r = 4
    wrap = Alignment(wrap_text=True, vertical="center")

    def label(top, bottom, c, value):
        ws.cell(top, c, value).alignment = wrap
        if bottom > top:
            ws.merge_cells(start_row=top, start_column=c, end_row=bottom, end_column=c)

    def items(sec, ind_no, weights, text_len, basis_len):
        nonlocal r
        top = r
        pts = sum(weights)
        for k, w in enumerate(weights, 1):
            ws.cell(r, col["序号"], f"{sec}-{ind_no}-{k}")
            ws.cell(r, col["二级指标"], text(rnd, text_len)).alignment = wrap
            ws.cell(r, col["权重分值"], w)
            ws.cell(r, col["完成时限"], "12月底前")
            ws.cell(r, col["分管领导"], "王 明")
            ws.cell(r, col["责任科室"], "综合科")
            ws.cell(r, col["科室负责人"], "李  华")
            if evaluated:
                g = rnd.choice(["A+", "A", "A", "A-", "B+", "B", "C"])
                ws.cell(r, col["档次"], g)
                ws.cell(r, col["得分"], round(w * COEF[g], 4))
            r += 1
        label(top, r - 1, col["文件依据"], text(rnd, basis_len))
        pts_s = f"{pts:g}"
        label(top, r - 1, col["一级指标"], text(rnd, 40 if not long else 160) + f"（{pts_s}分）")

    # 职能工作目标 68: 重点 48, 常规 12, 动态 8.
    sec_top = r
    groups = [("重点工作目标", 1, 48), ("常规工作目标", 2, 12), ("动态工作目标", 3, 8)]
    for gname, gno, gpts in groups:
        g_top = r
        if many and gno == 1:
            plan = [[1] * 26, [1] * 10, [1] * 12]
        else:
            plan = []
        left = gpts - sum(map(sum, plan))
        while left > 0:
            w = 2 if left >= 4 else left / 2 if left > 1 else left
            plan.append([w, w] if left >= 2 else [left])
            left -= sum(plan[-1])
        for i, ws_ in enumerate(plan, 1):
            items(gno, i, ws_, 150 if long else 40, 220 if long else 30)
        if pc == 2:
            label(g_top, r - 1, 2, gname)
        else:
            label(g_top, r - 1, 1, ("职能工作目标（68分）\n" if gno == 1 else "") + gname)
    if pc == 2:
        label(sec_top, r - 1, 1, "职能工作目标（68分）")
    ws.cell(r, 1, "合计")
    ws.cell(r, col["权重分值"], f"=SUM({openpyxl.utils.get_column_letter(col['权重分值'])}{sec_top}:"
                               f"{openpyxl.utils.get_column_letter(col['权重分值'])}{r - 1})")
    r += 1
    # 行政能力目标 20: ten rows of 2.
    adm_top = r
    for i, name in enumerate(ADMIN, 1):
        ws.cell(r, col["序号"], f"4-{i}")
        ws.cell(r, col["一级指标"], f"{name}（2分）")
        ws.cell(r, col["权重分值"], 2)
        ws.cell(r, col["完成时限"], "12月")
        ws.cell(r, col["分管领导"], "王 明")
        ws.cell(r, col["责任科室"], "办公室")
        ws.cell(r, col["科室负责人"], "张三")
        if evaluated:
            ws.cell(r, col["档次"], "A")
            ws.cell(r, col["得分"], 1.9)
        r += 1
    label(adm_top, r - 1, 1, "行政能力目标（20分）")
    if pc == 2:
        ws.merge_cells(start_row=adm_top, start_column=1, end_row=r - 1, end_column=2)
    ws.cell(r, 1, "合计")
    r += 1
    for code, name in (("5", "精神文明建设成效（6分）"), ("6", "平安建设成效（6分）")):
        ws.cell(r, 1, name)
        ws.cell(r, col["序号"], code)
        ws.cell(r, col["一级指标"], name.replace("（6分）", "") + "工作（6分）")
        ws.cell(r, col["权重分值"], 6)
        ws.cell(r, col["完成时限"], "12月")
        ws.cell(r, col["分管领导"], "王 明")
        ws.cell(r, col["责任科室"], "办公室")
        ws.cell(r, col["科室负责人"], "张三")
        if evaluated:
            ws.cell(r, col["档次"], "A")
            ws.cell(r, col["得分"], 5.7)
        r += 1
    ws.cell(r, 1, "绩效目标考评得分")
    ws.cell(r, col["权重分值"], 100)
    wb.save(path)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    sheet(os.path.join(out, "long.xlsx"), long=True, seed=2)
    sheet(os.path.join(out, "many.xlsx"), many=True, seed=3)
    sheet(os.path.join(out, "onecol.xlsx"), onecol=True, long=True, seed=4)
    sheet(os.path.join(out, "twocol.xlsx"), seed=5)
    sheet(os.path.join(out, "evaluated.xlsx"), evaluated=True, seed=6)


if __name__ == "__main__":
    main()
