#!/usr/bin/env python3
"""Writes the .xls/.et test files under Tests/XLSReaderTests/Fixtures/.

Every Samples/*.xlsx is converted to BIFF8 .xls by LibreOffice headless, the way an office
that still uses the old format would get one. A few targeted workbooks are built with
openpyxl first (hidden rows/columns, dates in both systems, error values, formulas with
#REF!, long strings that force SST CONTINUE splits) and converted the same way.
The `.et` is a byte copy of an `.xls`: WPS saves .et as the same BIFF8 compound file.
Usage: scripts/gen-format-fixtures.py   (needs soffice and openpyxl)
"""
import glob, os, shutil, subprocess, sys, tempfile
import openpyxl
from openpyxl.styles import Font, Alignment

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "Tests", "XLSReaderTests", "Fixtures")
os.makedirs(out, exist_ok=True)
tmp = tempfile.mkdtemp(prefix="kaoping-fixtures-")

def features(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "特征"
    ws["A1"] = "2024年度泉州市某局绩效目标考评表"
    ws["A1"].font = Font(bold=True, size=16)
    ws.merge_cells("A1:F1")
    ws["A2"] = "序号"; ws["B2"] = "指标"; ws["C2"] = "隐藏列"; ws["D2"] = "权重"; ws["E2"] = "日期"; ws["F2"] = "说明"
    ws["B2"].alignment = Alignment(wrap_text=True)
    ws["A3"] = "1-1-1"; ws["B3"] = "隐藏行"; ws["D3"] = 2.5; ws["E3"] = "2024-12-31"
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["C"].hidden = True
    ws.column_dimensions["B"].width = 40
    ws.row_dimensions[4].height = 30
    import datetime
    ws["A4"] = "1-1-2"; ws["D4"] = 3; ws["E4"] = datetime.date(2024, 6, 30); ws["E4"].number_format = "yyyy-mm-dd"
    ws["E5"] = datetime.datetime(2023, 1, 2, 12, 30); ws["E5"].number_format = "m/d/yy h:mm"
    ws["D5"] = -1234567.125; ws["D6"] = 1e-7; ws["D7"] = 123456789012; ws["D8"] = 0.1
    ws["D9"] = True; ws["D10"] = False
    errs = ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"]
    for i, e in enumerate(errs):
        ws.cell(row=11 + i, column=2, value=e)
    ws["A18"] = "合计"; ws["D18"] = "=SUM(D3:D4)"
    ws["D19"] = "=SUM(#REF!)"
    ws["D20"] = '=IF(D4>1,"达标","未达标")'
    ws["D21"] = "=D4>1"
    ws["D22"] = "=1/0"
    ws["D23"] = "=D3*2+D4"
    ws.merge_cells("B20:C21")
    hidden = wb.create_sheet("隐藏表")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    wb.save(path)

def long_strings(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "长文本"
    # Many distinct strings so the SST passes several 8224-byte records, and single strings
    # longer than a record, CJK (UTF-16 in BIFF8) and ASCII (stored compressed, 8-bit).
    for i in range(1, 160):
        ws.cell(row=i, column=1, value=f"指标{i}：按时完成年度目标任务第{i}项")
        ws.cell(row=i, column=2, value=f"ascii text number {i} " + "x" * (i % 40))
    ws["C1"] = "考" * 5000
    ws["C2"] = "a" * 9000
    ws["C3"] = ("混合mixed文本" * 800)
    wb.save(path)

def date1904(path):
    import datetime
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "1904"
    ws["A1"] = datetime.date(2024, 3, 1); ws["A1"].number_format = "yyyy/m/d"
    ws["A2"] = 5
    wb.save(path)

def convert(src, dest_dir):
    subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "xls", "--outdir", dest_dir, src],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return os.path.join(dest_dir, os.path.splitext(os.path.basename(src))[0] + ".xls")

made = []
for name, fn in [("features", features), ("long-strings", long_strings), ("date1904", date1904)]:
    x = os.path.join(out, name + ".xlsx")
    fn(x)
    made.append(x)
sources = sorted(glob.glob(os.path.join(root, "Samples", "*.xlsx"))) + made
for s in sources:
    xls = convert(s, tmp)
    dest = os.path.join(out, os.path.basename(xls))
    shutil.move(xls, dest)
    print("wrote", os.path.relpath(dest, root))
shutil.copyfile(os.path.join(out, "000-chengguan-2024.xls"), os.path.join(out, "000-chengguan-2024.et"))
print("wrote Tests/XLSReaderTests/Fixtures/000-chengguan-2024.et (copy: WPS .et is BIFF8 too)")
shutil.rmtree(tmp, ignore_errors=True)
