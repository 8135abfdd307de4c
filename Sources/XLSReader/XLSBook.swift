import OLE2
import GridKit
import XLSXCore

/// A BIFF8 `.xls` workbook (Excel 97–2003, and WPS `.et`, which is the same format) read into
/// `Grid`s: values (formula cells with their cached result), merges, hidden rows and columns,
/// sizes and enough of each cell format to tell a date.
///
/// Refuses, with a typed error: a password (FILEPASS → `.encrypted`), Excel 5.0/95 and older
/// (`.xlsBeforeBIFF8`), an OLE2 file without a Workbook stream (`.missingPart`), and damage
/// (`.damagedPart(part: "Workbook" or "OLE2")` naming the record and its offset). The Workbook
/// stream is held in memory (bounded by `limits.maxPartBytes`); cells by `limits.maxCells`.
///
///     let book = try XLSBook(path: "表.xls")
///     let grid = try book.loadGrid(0)
public final class XLSBook: GridReader {
    public let path: String
    public let sheetList: [SheetEntry]
    public let date1904: Bool
    /// Cell formats by XF index (`Cell.style`).
    public let formats: [CellFormat]
    private let stream: [UInt8]
    private let globals: Globals
    private let limits: XLSXLimits

    public convenience init(path: String, limits: XLSXLimits = .default) throws {
        try self.init(CompoundFile(path: path, limits: limits), limits: limits)
    }

    /// Reads the workbook globals from an opened compound file.
    public init(_ cf: CompoundFile, limits: XLSXLimits = .default) throws {
        path = cf.path
        self.limits = limits
        if !cf.has("Workbook") {
            // Excel 5.0/95 named the stream Book; an encrypted .xlsx has EncryptedPackage.
            if cf.has("Book") { throw XLSXError.xlsBeforeBIFF8(file: cf.path) }
            if cf.has("EncryptedPackage") { throw XLSXError.encrypted(file: cf.path) }
            throw XLSXError.missingPart(file: cf.path, part: "Workbook")
        }
        let stream = try cf.read("Workbook")
        self.stream = stream
        globals = try stream.withUnsafeBufferPointer { try Globals($0, file: cf.path, limits: limits) }
        sheetList = globals.sheets.map { SheetEntry(name: $0.name, state: $0.state) }
        formats = globals.formats
        date1904 = globals.date1904
    }

    /// Loads sheet `index` (into `sheetList`); an index out of range is `.noSuchSheet`.
    public func loadGrid(_ index: Int) throws -> Grid {
        guard index >= 0, index < globals.sheets.count else {
            throw XLSXError.noSuchSheet(file: path, sheet: String(index + 1), available: sheetList.map(\.name))
        }
        let s = globals.sheets[index]
        let end = globals.sheets.map(\.offset).filter { $0 > s.offset }.min() ?? stream.count
        let w = try stream.withUnsafeBufferPointer {
            try WorksheetReader($0, at: s.offset, end: min(end, $0.count), globals: globals, file: path, limits: limits)
        }
        return Grid(name: s.name, state: s.state, storage: w.cells, meta: w.meta, hiddenRows: w.hiddenRows,
                    rowHeights: w.rowHeights, formats: formats, date1904: date1904)
    }
}
