#!/usr/bin/env python3
"""The Python witnesses for reading: every cell value of the first sheet, and the merges.

    read_py.py openpyxl|openpyxl-ro|calamine BOOK.xlsx
    read_py.py calamine-all BOOK.xlsx...     (every book in one process: the batch witness)

Prints counts like `kaoping cells --count` so a run can be checked, not the cells.
"""
import sys


def main():
    how, path = sys.argv[1], sys.argv[2]
    cells = merges = 0
    if how == "calamine-all":
        from python_calamine import CalamineWorkbook
        for p in sys.argv[2:]:
            sheet = CalamineWorkbook.from_path(p).get_sheet_by_index(0)
            for row in sheet.iter_rows():
                for v in row:
                    if v != "":
                        cells += 1
            merges += len(sheet.merged_cell_ranges or [])
    elif how == "calamine":
        from python_calamine import CalamineWorkbook
        wb = CalamineWorkbook.from_path(path)
        sheet = wb.get_sheet_by_index(0)
        for row in sheet.iter_rows():
            for v in row:
                if v != "":
                    cells += 1
        merges = len(sheet.merged_cell_ranges or [])
    else:
        import openpyxl
        ro = how == "openpyxl-ro"
        # data_only=False keeps formulas, as kaoping reads both formula and cached value; openpyxl
        # gives one or the other, so this is the cheaper half for it.
        wb = openpyxl.load_workbook(path, read_only=ro, data_only=True)
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if v is not None:
                    cells += 1
        if not ro:
            merges = len(ws.merged_cells.ranges)
        else:
            merges = -1  # read-only mode does not read merges
    print(f"{how}\tcells\t{cells}\tmerges\t{merges}")


if __name__ == "__main__":
    main()
