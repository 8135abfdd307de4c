import Foundation
import GridKit
import XLSXReader

/// `kaoping cells`: a debugging window into the readers. An .xlsx streams row by row (only the
/// current row held); other formats load their grid and print it the same way.
public enum CellsJob {
    /// Every non-empty cell as `REF<TAB>TYPE<TAB>VALUE[<TAB>=FORMULA]`, then merges and hidden rows/columns.
    public static func list(_ file: String, sheet: String?, _ line: @escaping (String) -> Void) throws {
        let reader = try InputFile.open(file)
        let index = try sheetIndex(reader, sheet)
        let entry = reader.sheetList[index]
        line("# sheet\t\(entry.name)\t\(entry.state.rawValue)")
        var hiddenRows: [Int] = []
        func emit(_ c: Cell) {
            var l = c.ref + "\t" + (c.value?.typeCode ?? "f") + "\t" + escape(c.value?.text ?? "")
            if let f = c.formula { l += "\t=" + escape(f) }
            line(l)
        }
        let meta: SheetMeta
        if let wb = reader as? Workbook {
            meta = try wb.streamRows(wb.sheets[index]) { row in
                if row.hidden { hiddenRows.append(row.index) }
                for c in row.cells where !c.isEmpty { emit(c) }
            }
        } else {
            let grid = try reader.loadGrid(index)
            for c in grid.cells where !c.isEmpty { emit(c) }
            hiddenRows = grid.hiddenRows.sorted()
            var m = SheetMeta(); m.merges = grid.merges; m.hiddenCols = grid.hiddenCols
            meta = m
        }
        for m in meta.merges { line("merge\t\(m)") }
        if !hiddenRows.isEmpty { line("hidden-rows\t" + hiddenRows.map(String.init).joined(separator: ",")) }
        if !meta.hiddenCols.isEmpty {
            line("hidden-cols\t" + meta.hiddenCols.sorted().map(CellRef.letters).joined(separator: ","))
        }
    }

    /// The counts of `--count`: the same reading as the listing, without a line per cell.
    public static func count(_ file: String, sheet: String?, _ line: (String) -> Void) throws {
        /// The counts, in a class whose fields skip the dynamic exclusivity checks a captured
        /// `var` would get on every cell.
        final class Tally {
            @exclusivity(unchecked) var n = 0, s = 0, b = 0, e = 0, d = 0, f = 0
            @exclusivity(unchecked) var formulas = 0, hiddenRows = 0, rows = 0, textBytes = 0
            func add(_ c: Cell) {
                if c.formula != nil { formulas += 1 }
                switch c.value {
                case .number?: n += 1
                case .string(let str)?: s += 1; textBytes &+= str.utf8.count
                case .bool?: b += 1
                case .error?: e += 1
                case .date?: d += 1
                case nil: f += 1
                }
            }
        }
        let reader = try InputFile.open(file)
        let index = try sheetIndex(reader, sheet)
        let entry = reader.sheetList[index]
        let t = Tally()
        let merges: Int, hiddenCols: Int
        if let wb = reader as? Workbook {
            let meta = try wb.streamRows(wb.sheets[index]) { row in
                t.rows += 1
                if row.hidden { t.hiddenRows += 1 }
                for c in row.cells where !c.isEmpty { t.add(c) }
            }
            merges = meta.merges.count; hiddenCols = meta.hiddenCols.count
        } else {
            let grid = try reader.loadGrid(index)
            for c in grid.cells where !c.isEmpty { t.add(c) }
            t.rows = grid.rowsWithCells.count; t.hiddenRows = grid.hiddenRows.count
            merges = grid.merges.count; hiddenCols = grid.hiddenCols.count
        }
        line("# sheet\t\(entry.name)\t\(entry.state.rawValue)")
        line("cells\t\(t.n + t.s + t.b + t.e + t.d + t.f)")
        for (code, n) in [("n", t.n), ("s", t.s), ("b", t.b), ("e", t.e), ("d", t.d), ("f", t.f)] where n > 0 {
            line("\(code)\t\(n)")
        }
        line("formulas\t\(t.formulas)")
        line("string-bytes\t\(t.textBytes)")
        line("rows\t\(t.rows)")
        line("merges\t\(merges)")
        line("hidden-rows\t\(t.hiddenRows)")
        line("hidden-cols\t\(hiddenCols)")
    }

    static func sheetIndex(_ reader: GridReader, _ name: String?) throws -> Int {
        let sheets = reader.sheetList
        guard let name else {
            guard !sheets.isEmpty else { throw MapError.noSheets(file: reader.path) }
            return 0
        }
        guard let i = sheets.firstIndex(where: { $0.name == name }) else {
            throw MapError.noSuchSheet(file: reader.path, sheet: name, available: sheets.map(\.name))
        }
        return i
    }

    /// Line breaks, tabs and backslashes shown as `\n`, `\t`, `\\`, so one cell stays one line.
    static func escape(_ s: String) -> String {
        // Most values have none of these bytes and are printed as they are.
        guard s.utf8.contains(where: { $0 == 10 || $0 == 9 || $0 == 13 || $0 == 92 }) else { return s }
        var o = ""
        for ch in s {
            switch ch {
            case "\n": o += "\\n"
            case "\r\n": o += "\\r\\n"
            case "\t": o += "\\t"
            case "\r": o += "\\r"
            case "\\": o += "\\\\"
            default: o.append(ch)
            }
        }
        return o
    }
}
