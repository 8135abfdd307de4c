#!/usr/bin/env python3
"""A 考评表-shaped sheet of ROWS item rows (default 200,000), deterministic, written with
XlsxWriter in constant-memory mode: title, 参评单位, a one-row header, 职能工作目标 with
indicators of 5 items each (merged 一级指标 and 文件依据), 合计, 行政能力目标, the total.
For the memory and speed rows of make bench (issue 16) and the memory-limit test (issue 18).
Usage: bench/gen-big-form.py OUT.xlsx [ROWS]"""
import sys
import xlsxwriter

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
wb = xlsxwriter.Workbook(out, {"constant_memory": False})
ws = wb.add_worksheet("Sheet1")
ws.merge_range(0, 0, 0, 10, "2024年度泉州市测试局绩效目标考评表")
ws.merge_range(1, 0, 1, 10, "参评单位（盖章）：泉州市测试局")
ws.merge_range(2, 0, 2, 1, "项目")
for c, h in enumerate(["序号", "文件依据", "一级指标", "二级指标", "权重分值", "完成时限", "分管领导", "责任科室", "科室负责人"]):
    ws.write_string(2, c + 2, h)
r = 3
per = 5
n_ind = rows // per
top = r
for i in range(n_ind):
    first = r
    for k in range(per):
        ws.write_string(r, 2, f"1-{i + 1}-{k + 1}")
        ws.write_string(r, 5, f"第{i + 1}项任务的第{k + 1}个具体目标，按季度推进并报送进展")
        ws.write_number(r, 6, 0.01)
        ws.write_string(r, 7, "12月底前")
        ws.write_string(r, 8, "张副局长")
        ws.write_string(r, 9, "办公室")
        ws.write_string(r, 10, "王科长")
        r += 1
    ws.merge_range(first, 3, r - 1, 3, "市委市政府工作要点")
    ws.merge_range(first, 4, r - 1, 4, f"推进第{i + 1}项重点工作（0.05分）")
ws.merge_range(top, 0, r - 1, 0, f"职能工作目标（{n_ind * per * 0.01:g}分）")
ws.merge_range(top, 1, r - 1, 1, "重点工作目标")
ws.merge_range(r, 0, r, 5, "合计")
ws.write_formula(r, 6, f"=SUM(G{top + 1}:G{r})", None, n_ind * per * 0.01)
r += 1
ws.merge_range(r, 0, r, 5, "绩效目标考评得分")
ws.write_formula(r, 6, f"=G{r}", None, n_ind * per * 0.01)
wb.close()
