#!/usr/bin/env python3
"""Builds the .ods and .docx test files of Tests/ODSDOCXTests/Fixtures from Samples/*.xlsx,
with the tools the units' offices use.

  * <sample>.ods            LibreOffice headless: soffice --convert-to ods
  * features.xlsx/.ods      a small openpyxl workbook of the cases the samples lack (a date, a
                            boolean, an error formula, hidden rows/columns/sheet, line breaks),
                            converted by LibreOffice
  * <sample>.pydocx.docx    python-docx: the sheet's rows above the table (title, 参评单位) as
                            paragraphs, the rest as one Word table with the sheet's merges
  * <sample>.split.docx     the same, with the table split in two after a page break and the
                            header rows repeated at the top of the second part
  * <sample>.lo.docx        LibreOffice: xlsx → html (Calc), html → docx (Writer); the whole
                            sheet, title rows included, is the table

Mapping used by the tests (Tests/ODSDOCXTests): the python-docx table starts at the sheet's first
row holding three or more non-empty cells (the header); table row r is sheet row r + start - 1,
table column c is sheet column c. The LibreOffice table starts at sheet row 1. Only the text of a
merge's top-left cell is written (Word shows no other). The LibreOffice route goes through HTML,
which collapses runs of spaces; hidden columns/rows and the print area are cleared first so that
nothing is left out. Usage: scripts/gen-format-fixtures-odsdocx.py [ods|lo|pydocx …] (default: all)
"""
import datetime
import glob
import os
import shutil
import subprocess
import sys
import tempfile

import docx
import openpyxl
from docx.enum.text import WD_BREAK

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "Tests", "ODSDOCXTests", "Fixtures")
samples = sorted(glob.glob(os.path.join(root, "Samples", "*.xlsx")))
os.makedirs(out, exist_ok=True)
work = tempfile.mkdtemp(prefix="kaoping-odsdocx-")
profile = "file://" + os.path.join(work, "lo-profile")


def soffice(*args, cwd):
    subprocess.run(["soffice", "-env:UserInstallation=" + profile, "--headless", *args],
                   cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def text(v):
    """A cell value as the .xlsx reader's Grid prints it (CellValue.text)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return f"{v.year}年{v.month}月{v.day}日"
    return str(v)


def features():
    """The cases the samples lack, in one small workbook."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "特性"
    ws["A1"] = "2024年度泉州市某局绩效目标考评表"
    ws.merge_cells("A1:E1")
    ws["A2"] = "完成时限"
    ws["B2"] = datetime.datetime(2024, 12, 31)
    ws["B2"].number_format = 'yyyy"年"m"月"d"日"'
    ws["A3"] = "布尔"
    ws["B3"] = True
    ws["A4"] = "错误"
    ws["B4"] = "=1/0"
    ws["A5"] = "隐藏行"
    ws.row_dimensions[5].hidden = True
    ws["A6"] = "第一行\n第二行"
    ws["A7"] = "a  b   c"          # runs of spaces: text:s in the .ods
    ws["D2"] = "隐藏列"
    ws.column_dimensions["D"].hidden = True
    ws.column_dimensions["C"].width = 30
    ws["A8"] = 0.25
    ws["A8"].number_format = "0%"
    for r in range(10, 13):         # the same value in a row of cells: LibreOffice repeats them
        for c in range(1, 6):
            ws.cell(r, c, 7)
    ws["A13"] = "=SUM(A10:E12)"
    ws.merge_cells("B14:C16")
    ws["B14"] = "合并"
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    path = os.path.join(out, "features.xlsx")
    wb.save(path)
    return path


def layout(ws):
    """(first table row, last row, last column) of a sheet, as the python-docx table takes it."""
    anchors = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None and str(c.value).strip() != "":
                anchors.setdefault(c.row, []).append(c.column)
    last_row = max(anchors) if anchors else 1
    last_col = max((max(cs) for cs in anchors.values()), default=1)
    for m in ws.merged_cells.ranges:
        last_col = max(last_col, m.max_col)
    start = next((r for r in sorted(anchors) if len(anchors[r]) >= 3), 1)
    return start, last_row, last_col


def word_table(doc, ws, rows, last_col, merges):
    """A Word table of the sheet rows `rows` (a list of sheet row numbers)."""
    t = doc.add_table(rows=len(rows), cols=last_col)
    t.style = "Table Grid"
    where = {r: i for i, r in enumerate(rows)}
    for m in merges:
        if m.min_row in where and m.max_row in where:
            a = t.cell(where[m.min_row], m.min_col - 1)
            b = t.cell(where[m.max_row], min(m.max_col, last_col) - 1)
            a.merge(b)
    covered = set()
    for m in merges:
        for r in range(m.min_row, m.max_row + 1):
            for c in range(m.min_col, m.max_col + 1):
                if (r, c) != (m.min_row, m.min_col):
                    covered.add((r, c))
    for r in rows:
        for c in range(1, last_col + 1):
            if (r, c) in covered:
                continue
            v = text(ws.cell(r, c).value)
            if v:
                t.cell(where[r], c - 1).text = v


def pydocx(src, split):
    wb = openpyxl.load_workbook(src, data_only=True)
    ws = wb.worksheets[0]
    start, last_row, last_col = layout(ws)
    merges = [m for m in ws.merged_cells.ranges if m.min_row >= start]
    doc = docx.Document()
    for r in range(1, start):
        parts = [text(ws.cell(r, c).value) for c in range(1, last_col + 1)]
        line = "\t".join(p for p in parts if p)
        if line:
            doc.add_paragraph(line)
    rows = list(range(start, last_row + 1))
    if not split:
        word_table(doc, ws, rows, last_col, merges)
    else:
        head_end = max([m.max_row for m in merges if m.min_row == start] + [start])
        cut = (start + last_row) // 2
        while any(m.min_row < cut <= m.max_row for m in merges):
            cut += 1
        word_table(doc, ws, list(range(start, cut)), last_col, merges)
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        word_table(doc, ws, list(range(start, head_end + 1)) + list(range(cut, last_row + 1)), last_col, merges)
    base = os.path.splitext(os.path.basename(src))[0]
    doc.save(os.path.join(out, f"{base}.{'split' if split else 'pydocx'}.docx"))


def main():
    kinds = set(sys.argv[1:]) or {"ods", "lo", "pydocx"}
    if "ods" in kinds:
        feat = features()
        # .ods by LibreOffice Calc, all at once (one start of soffice).
        for s in samples:
            shutil.copy(s, work)
        shutil.copy(feat, work)
        names = [os.path.basename(s) for s in samples] + ["features.xlsx"]
        soffice("--convert-to", "ods", "--outdir", out, *names, cwd=work)
    if "lo" in kinds:
        # Word by LibreOffice: Calc writes the sheet as HTML, Writer saves that HTML as .docx.
        # HTML export leaves out hidden columns and rows and honours a print area: each sample goes
        # without them (a unit's Word table shows every column).
        html = os.path.join(work, "html")
        os.makedirs(html, exist_ok=True)
        for s in samples:
            # Cached values as the text they print as: HTML carries the displayed text, and
            # LibreOffice would recompute formulas, shorten 1.275 to 1.28 in a narrow column and
            # read a constant error value as 0.
            wb = openpyxl.load_workbook(s, data_only=True)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for c in row:
                        if c.value is not None and not isinstance(c.value, str):
                            c.value = text(c.value)
                        elif c.data_type == "e":
                            c.value = str(c.value)
                            c.data_type = "s"
                ws.print_area = None
                for d in list(ws.column_dimensions.values()) + list(ws.row_dimensions.values()):
                    d.hidden = False
            for name in list(wb.defined_names):
                if name.startswith("_xlnm.Print"):
                    del wb.defined_names[name]
            wb.save(os.path.join(html, os.path.basename(s)))
        soffice("--convert-to", "html", "--outdir", html, *[os.path.basename(s) for s in samples], cwd=html)
        pages = sorted(f for f in os.listdir(html) if f.endswith(".html"))
        soffice("--infilter=HTML (StarWriter)", "--convert-to", "docx:MS Word 2007 XML", "--outdir", html, *pages, cwd=html)
        for p in pages:
            base = p[:-5]
            shutil.copy(os.path.join(html, base + ".docx"), os.path.join(out, base + ".lo.docx"))
    if "pydocx" in kinds:
        # Word by python-docx.
        for s in samples:
            pydocx(s, split=False)
            pydocx(s, split=True)
    shutil.rmtree(work, ignore_errors=True)
    for f in sorted(os.listdir(out)):
        size = os.path.getsize(os.path.join(out, f))
        print(f"{size:>8}  {f}")
        if size > 100_000:
            print(f"warning: {f} is over 100 KB", file=sys.stderr)


if __name__ == "__main__":
    main()
