@_exported import Workbook
