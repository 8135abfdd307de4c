import XLSXCore

/// One `<row>` as it streams past.
public struct Row {
    public var index: Int
    public var hidden: Bool
    /// Custom height in points, when the sheet sets one.
    public var height: Double?
    public var cells: [Cell]
}

/// Sheet-level facts that come before or after `sheetData`.
public struct SheetMeta: Sendable {
    public var merges: [CellRange] = []
    public var hiddenCols: Set<Int> = []
    public var colWidths: [Int: Double] = [:]
    public var defaultRowHeight: Double?
    public var declaredDimension: String?
}

/// SAX handler for a worksheet part: emits rows as they close and keeps only the current row.
final class SheetHandler: XMLHandler {
    let strings: [String]
    let file: String, part: String
    let limits: XLSXLimits
    let onRow: (Row) throws -> Void
    var meta = SheetMeta()

    private var row = Row(index: 0, hidden: false, height: nil, cells: [])
    private var inRow = false
    private var lastRow = 0, lastCol = 0
    private var cellRow = 0, cellCol = 0, cellType = CellKind.number, cellStyle = 0
    private var formulaKind: FormulaKind = .none, formulaSI: Int?, formulaRef: String?
    private var capture: Capture = .none
    private var inIS = false, inRPh = false
    private var value: TextBuffer, formula: TextBuffer
    private var hasV = false, hasF = false
    private var shared: [Int: (text: String, row: Int, col: Int)] = [:]
    var cellCount = 0

    enum CellKind { case number, shared, inline, str, bool, error, date }
    enum FormulaKind { case none, normal, shared, array }
    enum Capture { case none, v, f, t }

    init(strings: [String], file: String, part: String, limits: XLSXLimits, onRow: @escaping (Row) throws -> Void) {
        self.strings = strings; self.file = file; self.part = part; self.limits = limits; self.onRow = onRow
        value = TextBuffer(limit: limits.maxStringBytes)
        formula = TextBuffer(limit: limits.maxStringBytes)
    }

    func startElement(_ name: XMLName, _ a: XMLAttributes) throws {
        if name.is("c") {
            if !inRow { try openRow(nil, hidden: false, height: nil) }
            if let r = a.pointer("r"), let c = SheetHandler.column(of: r) {
                // The row wins over a cell ref naming another row; only the column is read.
                cellRow = row.index; cellCol = c
            } else {
                cellRow = row.index; cellCol = lastCol + 1
            }
            lastCol = cellCol
            cellStyle = a.int("s") ?? 0
            cellType = .number
            if let t = a.pointer("t") {
                // Compared byte by byte: this runs for every cell.
                switch (t[0], t[1]) {
                case (0x73, 0): cellType = .shared                       // "s"
                case (0x69, _): cellType = .inline                       // "inlineStr"
                case (0x73, 0x74): cellType = .str                      // "str"
                case (0x62, 0): cellType = .bool                         // "b"
                case (0x65, 0): cellType = .error                        // "e"
                case (0x64, 0): cellType = .date                         // "d"
                default: cellType = .number
                }
            }
            value.reset(); formula.reset(); hasV = false; hasF = false
            formulaKind = .none; formulaSI = nil; formulaRef = nil
        } else if name.is("v") {
            capture = .v; hasV = true
        } else if name.is("f") {
            capture = .f; hasF = true
            switch a["t"] {
            case "shared"?: formulaKind = .shared
            case "array"?: formulaKind = .array
            default: formulaKind = .normal
            }
            formulaSI = a.int("si"); formulaRef = a["ref"]
        } else if name.is("is") {
            inIS = true
        } else if name.is("t") {
            if inIS && !inRPh { capture = .t; hasV = true }
        } else if name.is("rPh") {
            inRPh = true
        } else if name.is("row") {
            let height = (a.bool("customHeight") ?? true) ? a.double("ht") : nil
            try openRow(a.int("r"), hidden: a.bool("hidden") ?? false, height: height)
        } else if name.is("mergeCell") {
            if let ref = a["ref"], let r = CellRange(ref) { meta.merges.append(r) }
        } else if name.is("col") {
            if let lo = a.int("min"), let hi = a.int("max"), lo >= 1, hi >= lo {
                let top = min(hi, 16_384)
                let hidden = a.bool("hidden") ?? false
                let width = a.double("width")
                if lo <= top {
                    for c in lo...top {
                        if hidden { meta.hiddenCols.insert(c) }
                        if let width { meta.colWidths[c] = width }
                    }
                }
            }
        } else if name.is("sheetFormatPr") {
            meta.defaultRowHeight = a.double("defaultRowHeight")
        } else if name.is("dimension") {
            meta.declaredDimension = a["ref"]
        }
    }

    /// The column of an A1 reference straight from the attribute bytes; nil when malformed.
    @inline(__always) static func column(of p: UnsafePointer<CChar>) -> Int? {
        var i = 0, col = 0
        if p[i] == 0x24 { i += 1 } // $
        while true {
            let ch = UInt8(bitPattern: p[i])
            if ch >= 65 && ch <= 90 { col = col * 26 + Int(ch - 64) } else if ch >= 97 && ch <= 122 { col = col * 26 + Int(ch - 96) } else { break }
            i += 1
            if col > 16_384 { return nil }
        }
        if p[i] == 0x24 { i += 1 }
        guard col > 0, p[i] >= 0x30, p[i] <= 0x39 else { return nil }
        return col
    }

    private func openRow(_ r: Int?, hidden: Bool, height: Double?) throws {
        if inRow { try closeRow() }
        let idx = r ?? (lastRow + 1)
        row.index = max(idx, 1)
        row.hidden = hidden
        row.height = height
        row.cells.removeAll(keepingCapacity: true)
        lastRow = row.index
        lastCol = 0
        inRow = true
    }

    private func closeRow() throws {
        inRow = false
        try onRow(row)
    }

    func endElement(_ name: XMLName) throws {
        if name.is("c") {
            try finishCell()
        } else if name.is("v") || name.is("f") || name.is("t") {
            if capture == .t && !name.is("t") { return }
            capture = .none
        } else if name.is("is") {
            inIS = false
        } else if name.is("rPh") {
            inRPh = false
        } else if name.is("row") {
            if inRow { try closeRow() }
        } else if name.is("sheetData") {
            if inRow { try closeRow() }
        }
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch capture {
        case .v, .t: value.append(bytes)
        case .f: formula.append(bytes)
        case .none: break
        }
    }

    private func finishCell() throws {
        if value.overflow || formula.overflow {
            throw XLSXError.limitExceeded(file: file, part: part,
                                          what: "cell \(CellRef.format(row: cellRow, col: cellCol)) longer than \(limits.maxStringBytes) bytes")
        }
        var f: String? = nil
        if hasF {
            let text = formula.string
            switch formulaKind {
            case .shared:
                if let si = formulaSI {
                    if !text.isEmpty {
                        shared[si] = (text, cellRow, cellCol)
                        f = text
                    } else if let m = shared[si] {
                        f = FormulaShift.shift(m.text, rows: cellRow - m.row, cols: cellCol - m.col)
                    }
                } else if !text.isEmpty { f = text }
            default:
                if !text.isEmpty { f = text }
            }
        }
        var v: CellValue? = nil
        if hasV {
            switch cellType {
            case .shared:
                guard let i = value.integer, i >= 0, i < strings.count else {
                    let raw = value.string
                    throw XLSXError.damagedPart(file: file, part: part, line: 0,
                                                reason: "cell \(CellRef.format(row: cellRow, col: cellCol)) names shared string \(raw), which does not exist")
                }
                v = .string(strings[i])
            case .inline, .str:
                v = .string(OOXMLText.unescape(value.string))
            case .bool:
                let s = value.string.trimmingCharacters(in: .whitespaces)
                v = .bool(s == "1" || s.lowercased() == "true")
            case .error:
                v = .error(value.string)
            case .date:
                v = .date(value.string)
            case .number:
                if let d = value.double { v = .number(d) } else {
                    let s = value.string.trimmingCharacters(in: .whitespaces)
                    if !s.isEmpty { v = .string(s) } // keep, never drop
                }
            }
        }
        if v == nil && f == nil { return }
        cellCount += 1
        if cellCount > limits.maxCells {
            throw XLSXError.limitExceeded(file: file, part: part, what: "more than \(limits.maxCells) cells")
        }
        row.cells.append(Cell(row: cellRow, col: cellCol, value: v, formula: f, style: cellStyle))
    }
}

import Foundation
