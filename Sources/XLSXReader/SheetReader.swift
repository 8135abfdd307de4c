import GridKit
import XLSXCore

/// One `<row>` as it streams past.
public struct Row {
    public var index: Int
    public var hidden: Bool
    /// Custom height in points, when the sheet sets one.
    public var height: Double?
    public var cells: [Cell]
}


/// SAX handler for a worksheet part: emits rows as they close and keeps only the current row.
final class SheetHandler: XMLHandler {
    let strings: [String]
    let file: String, part: String
    let limits: XLSXLimits
    let onRow: (Row) throws -> Void
    var meta = SheetMeta()

    // The per-cell state is touched several times for every cell: its accesses are not
    // checked dynamically for exclusivity (each check cost a thread-local lookup). Nothing
    // here is reentrant: the scanner calls one callback at a time.
    @exclusivity(unchecked) private var row = Row(index: 0, hidden: false, height: nil, cells: [])
    @exclusivity(unchecked) private var inRow = false
    @exclusivity(unchecked) private var lastRow = 0, lastCol = 0
    @exclusivity(unchecked) private var cellRow = 0, cellCol = 0, cellType = CellKind.number, cellStyle = 0
    @exclusivity(unchecked) private var formulaKind: FormulaKind = .none, formulaSI: Int?, formulaRef: String?
    @exclusivity(unchecked) private var capture: Capture = .none
    @exclusivity(unchecked) private var inIS = false, inRPh = false
    @exclusivity(unchecked) private var value: TextBuffer, formula: TextBuffer
    @exclusivity(unchecked) private var hasV = false, hasF = false
    private var shared: [Int: (text: String, row: Int, col: Int)] = [:]
    @exclusivity(unchecked) var cellCount = 0
    /// Shared-string cells of the current row whose text is filled in when the row closes:
    /// (position in `row.cells`, string index). See `resolveStrings()`.
    @exclusivity(unchecked) private var pending: [(cell: Int, index: Int)] = []
    @exclusivity(unchecked) private var sink: UInt = 0

    static let maxRow = 1_048_576
    private var hiddenFill = ColumnFill(), widthFill = ColumnFill()

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
            // One pass over the attributes; the first of each name counts, as `pointer(_:)` has it.
            var rAttr: UnsafePointer<CChar>? = nil, sAttr: UnsafePointer<CChar>? = nil, tAttr: UnsafePointer<CChar>? = nil
            a.forEach { n, v in
                guard n.raw[0] != 0, n.raw[1] == 0 else { return }
                switch n.raw[0] {
                case 0x72: if rAttr == nil { rAttr = v }   // r
                case 0x73: if sAttr == nil { sAttr = v }   // s
                case 0x74: if tAttr == nil { tAttr = v }   // t
                default: break
                }
            }
            if let r = rAttr, let c = SheetHandler.column(of: r) {
                // The row wins over a cell ref naming another row; only the column is read.
                cellRow = row.index; cellCol = c
            } else {
                cellRow = row.index; cellCol = lastCol + 1
            }
            guard cellCol <= 16_384 else {   // only cells without `r` can count past XFD
                throw XLSXError.damagedPart(file: file, part: part, line: 0,
                                            reason: "row \(row.index) has a cell past the last column (XFD)")
            }
            lastCol = cellCol
            cellStyle = sAttr.flatMap(XMLAttributes.parseInt) ?? 0
            cellType = .number
            if let t = tAttr {
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
            // An inline string's text is its <is>; a <v> beside it (some writers add one) is ignored.
            if cellType != .inline { capture = .v; hasV = true }
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
            if let p = a.pointer("ref"), let r = SheetHandler.plainRange(p) ?? CellRange(String(cString: p)) {
                meta.merges.append(r)
            }
        } else if name.is("col") {
            if let lo = a.int("min"), let hi = a.int("max"), lo >= 1, hi >= lo {
                let top = min(hi, 16_384)
                if lo <= top {
                    // Each column is set once (`ColumnFill`): thousands of overlapping
                    // `<col min="1" max="16384">` cost no more than one.
                    if a.bool("hidden") ?? false { hiddenFill.fill(lo, top) { meta.hiddenCols.insert($0) } }
                    if let width = a.double("width") { widthFill.fill(lo, top) { meta.colWidths[$0] = width } }
                }
            }
        } else if name.is("sheetFormatPr") {
            meta.defaultRowHeight = a.double("defaultRowHeight")
        } else if name.is("dimension") {
            meta.declaredDimension = a["ref"]
        }
    }

    /// `A1:B3` (or `A1`, `$A$1:$B$3`) read straight from the bytes, when it is that plain: ASCII
    /// letters and digits in the usual places. Anything else is nil, for `CellRange(_:)` to
    /// decide, so the result is always the one `CellRange(_:)` gives.
    static func plainRange(_ p: UnsafePointer<CChar>) -> CellRange? {
        var i = 0
        func ref() -> (row: Int, col: Int)? {
            if p[i] == 0x24 { i += 1 }
            var col = 0, letters = 0
            while true {
                let ch = UInt8(bitPattern: p[i])
                if ch >= 65 && ch <= 90 { col = col * 26 + Int(ch - 64) } else if ch >= 97 && ch <= 122 { col = col * 26 + Int(ch - 96) } else { break }
                i += 1; letters += 1
                if letters > 3 { return nil }
            }
            guard letters > 0, col <= 16_384 else { return nil }
            if p[i] == 0x24 { i += 1 }
            var row = 0, digits = 0
            while p[i] >= 0x30 && p[i] <= 0x39 {
                row = row * 10 + Int(p[i] - 0x30); i += 1; digits += 1
                if digits > 7 { return nil }
            }
            guard digits > 0, row > 0, row <= 1_048_576 else { return nil }
            return (row, col)
        }
        guard let a = ref() else { return nil }
        if p[i] == 0 { return CellRange(top: a.row, left: a.col, bottom: a.row, right: a.col) }
        guard p[i] == 0x3A else { return nil } // :
        i += 1
        guard let b = ref(), p[i] == 0 else { return nil }
        return CellRange(top: a.row, left: a.col, bottom: b.row, right: b.col)
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
        // Past Excel's last row the file is damaged; letting it through made later layers walk
        // up to a row number as large as the attribute (`r="1099511627775"`).
        guard idx <= SheetHandler.maxRow else {
            throw XLSXError.damagedPart(file: file, part: part, line: 0,
                                        reason: "row \(idx) is past the last row of a sheet (\(SheetHandler.maxRow))")
        }
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
        if !pending.isEmpty { resolveStrings() }
        try onRow(row)
    }

    /// Fills in the row's shared strings. With hundreds of thousands of strings each lookup is
    /// a cache miss; loading all the row's slots first lets those misses overlap instead of
    /// waiting for one another behind each retain.
    private func resolveStrings() {
        strings.withUnsafeBufferPointer { sb in
            let raw = UnsafeRawPointer(sb.baseAddress!)
            var touch: UInt = 0
            for p in pending { touch &+= raw.load(fromByteOffset: p.index &* MemoryLayout<String>.stride, as: UInt.self) }
            // Then the strings' own storage (their first byte), again all at once.
            for p in pending { touch &+= UInt(sb[p.index].utf8.first ?? 0) }
            sink = touch   // keeps the loads
            for p in pending { row.cells[p.cell].value = .string(sb[p.index]) }
        }
        pending.removeAll(keepingCapacity: true)
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
                    // An empty <v/> names no string: Excel shows an empty cell.
                    if raw.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) { break }
                    throw XLSXError.damagedPart(file: file, part: part, line: 0,
                                                reason: "cell \(CellRef.format(row: cellRow, col: cellCol)) names shared string \(raw), which does not exist")
                }
                v = .string("")   // filled in when the row closes (resolveStrings)
                pending.append((row.cells.count, i))
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

/// Sets each column 1…16384 at most once however the `<col>` ranges overlap: a union-find over
/// "the next column not yet set". The first range to name a column wins; in a valid sheet the
/// ranges do not overlap, so that is the only range naming it.
struct ColumnFill {
    private var next: [Int32] = []
    mutating func fill(_ lo: Int, _ hi: Int, _ set: (Int) -> Void) {
        // Grown to the columns named so far (a form's `<cols>` stop at J, not XFD).
        if next.count < hi + 2 { next += (next.count...(hi + 1)).map { Int32($0) } }
        var c = find(lo)
        while c <= hi {
            set(c)
            next[c] = Int32(c + 1)
            c = find(c + 1)
        }
    }
    private mutating func find(_ c: Int) -> Int {
        var c = c
        while Int(next[c]) != c {
            next[c] = next[Int(next[c])]   // path halving
            c = Int(next[c])
        }
        return c
    }
}
