"""The witnesses of bench/xls-bench.sh: read every cell of an .xls with python-calamine or
xlrd and print the same line as xls-read (cell count, sum of the numbers)."""
import sys

def calamine(path):
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(path)
    cells, total = 0, 0.0
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False):
            for v in row:
                if v == "" or v is None:
                    continue
                cells += 1
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    total += v
    return cells, total

def xlrd_(path):
    import xlrd
    wb = xlrd.open_workbook(path)
    cells, total = 0, 0.0
    for sh in wb.sheets():
        for r in range(sh.nrows):
            for c in sh.row(r):
                if c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                cells += 1
                if c.ctype == xlrd.XL_CELL_NUMBER:
                    total += c.value
    return cells, total

if __name__ == "__main__":
    fn = {"calamine": calamine, "xlrd": xlrd_}[sys.argv[1]]
    cells, total = fn(sys.argv[2])
    print(f"cells {cells} sum {total:.2f}")
