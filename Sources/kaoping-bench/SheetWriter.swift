import CXlsxWriter
import Foundation
import KaopingWriter

/// One cell for `SheetWriter.row(_:_:)`.
public enum SheetValue: Sendable {
    case blank
    case number(Double)
    case string(String)
    /// A formula (with or without its leading `=`) and the value it shows until recalculated.
    case formula(String, cached: Double)
}

/// A general, fast row writer over libxlsxwriter: strings, numbers and formulas with cached
/// values, one plain worksheet, no formats. In constant-memory mode (the default) libxlsxwriter
/// flushes each row as the next begins, so rows must come in ascending order and memory stays
/// flat however big the sheet; strings are then written inline.
///
/// The output goes through `writeAtomically`: whole or not at all, never over an input.
public final class SheetWriter {
    private let ws: UnsafeMutablePointer<lxw_worksheet>
    private var firstError: lxw_error = LXW_NO_ERROR

    private init(_ ws: UnsafeMutablePointer<lxw_worksheet>) { self.ws = ws }

    /// Writes one workbook with one sheet named `sheet`; `body` writes the cells.
    public static func write(to path: String, sheet: String, constantMemory: Bool = true,
                             inputs: [String] = [], _ body: (SheetWriter) throws -> Void) throws {
        try writeAtomically(to: path, inputs: inputs, constantMemory: constantMemory) { wb in
            let name = String(sheet.prefix(31))
            guard let ws = workbook_add_worksheet(wb, name) else {
                throw WriteError.libxlsxwriter(path: path, reason: "cannot add worksheet '\(name)'")
            }
            let w = SheetWriter(ws)
            try body(w)
            if w.firstError != LXW_NO_ERROR {
                throw WriteError.libxlsxwriter(path: path, reason: String(cString: lxw_strerror(w.firstError)))
            }
        }
    }

    @inline(__always) private func check(_ rc: lxw_error) {
        if rc != LXW_NO_ERROR && firstError == LXW_NO_ERROR { firstError = rc }
    }

    /// Rows and columns are 0-based here, as in libxlsxwriter.
    public func number(_ row: Int, _ col: Int, _ value: Double) {
        check(worksheet_write_number(ws, lxw_row_t(row), lxw_col_t(col), value, nil))
    }

    public func string(_ row: Int, _ col: Int, _ value: String) {
        // A native Swift string is already NUL-terminated UTF-8: no copy.
        check(value.withCString { worksheet_write_string(ws, lxw_row_t(row), lxw_col_t(col), $0, nil) })
    }

    /// A string already in NUL-terminated UTF-8, for callers that keep their own buffers.
    public func string(_ row: Int, _ col: Int, cString: UnsafePointer<CChar>) {
        check(worksheet_write_string(ws, lxw_row_t(row), lxw_col_t(col), cString, nil))
    }

    public func formula(_ row: Int, _ col: Int, _ formula: String, cached: Double) {
        check(formula.withCString { worksheet_write_formula_num(ws, lxw_row_t(row), lxw_col_t(col), $0, nil, cached) })
    }

    /// A whole row from column 0; blanks are skipped.
    public func row(_ row: Int, _ values: [SheetValue]) {
        for (col, v) in values.enumerated() {
            switch v {
            case .blank: break
            case .number(let d): number(row, col, d)
            case .string(let s): string(row, col, s)
            case .formula(let f, let cached): formula(row, col, f, cached: cached)
            }
        }
    }
}
