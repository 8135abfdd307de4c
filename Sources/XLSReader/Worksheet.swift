import GridKit
import XLSXCore

/// A worksheet substream ([MS-XLS] 2.1.7.20.5) read into cells, merges, hidden rows/columns and
/// sizes. BIFF8 bounds: 65,536 rows and 256 columns; a cell past column IV is damage.
struct WorksheetReader {
    static let maxCol = 255   // 0-based: IV
    static let errorNames: [UInt8: String] = [
        0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
        0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA",
    ]

    var cells = CellStorage()
    var meta = SheetMeta()
    var hiddenRows = Set<Int>()
    var rowHeights: [Int: Double] = [:]

    /// `end`: where the next substream starts (or the stream's end), to size the cell list.
    init(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, end: Int, globals: Globals, file: String, limits: XLSXLimits) throws {
        guard offset >= 0, offset < bytes.count else {
            throw XLSXError.damagedPart(file: file, part: "Workbook", line: 0,
                                        reason: "工作表起点偏移 \(offset) 超出流 (sheet substream offset \(offset) out of range)")
        }
        var rs = RecordStream(bytes, file: file, at: offset)
        guard let bof = try rs.next(), bof.type == RT.bof else {
            throw rs.damaged(offset, "工作表不以 BOF 记录开始 (sheet substream does not start with BOF)")
        }
        var r0 = RecordReader(bytes, bof, file: file, maxString: limits.maxStringBytes)
        guard try r0.u16() == 0x0600 else { throw XLSXError.xlsBeforeBIFF8(file: file) }

        // Locals, stored once at the end: the nested `add` must not capture `self` in an init.
        let cells = CellStorage()
        var meta = SheetMeta(), hiddenRows = Set<Int>(), rowHeights: [Int: Double] = [:]
        // The smallest cell record (RK, LABELSST) is 14 bytes: room for every cell at once (pages
        // only touched as cells come; the rest given back when the grid is made).
        cells.reserve(min(max(0, end - offset) / 14, limits.maxCells))
        let strings = globals.strings
        let formula = FormulaText(globals: globals)
        var depth = 0                  // charts embedded in a sheet bring their own BOF…EOF
        var pendingString: Int? = nil  // the formula cell whose text result the STRING record gives
        var sharedWaiting: [Int: [Int]] = [:]   // shared-formula anchor → cells waiting for its SHRFMLA
        var sharedSeen: [Int: [UInt8]] = [:]

        // Union-find over "the next column no COLINFO has set yet" (0…256; 256 = past IV).
        var nextUnset = Array(0...(WorksheetReader.maxCol + 1))
        func unsetCol(_ c: Int) -> Int {
            var c = min(c, WorksheetReader.maxCol + 1)
            while nextUnset[c] != c { nextUnset[c] = nextUnset[nextUnset[c]]; c = nextUnset[c] }
            return c
        }
        func add(_ rec: Record, _ row: UInt16, _ column: UInt16, _ xf: UInt16, _ v: CellValue?, _ f: String? = nil) throws {
            // In Int: column 65535 + 1 overflowed UInt16 here (found by scripts/fuzz.sh --xls).
            let col = Int(column)
            guard col <= WorksheetReader.maxCol else {
                throw RecordReader(bytes, rec, file: file, maxString: 0).damaged("列 \(col + 1) 超过 BIFF8 的 256 列 (column past IV)")
            }
            guard cells.count < limits.maxCells else {
                throw XLSXError.limitExceeded(file: file, part: "Workbook", what: "单元格超过 \(limits.maxCells) 个 (more than \(limits.maxCells) cells)")
            }
            cells.append(Cell(row: Int(row) + 1, col: Int(col) + 1, value: v, formula: f, style: Int(xf)))
        }

        @inline(__always) func u16(_ i: Int) -> UInt16 { UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 }
        @inline(__always) func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) | UInt32(u16(i + 2)) << 16 }
        records: while let rec = try rs.next() {
            if depth > 0 {
                if rec.type == RT.bof { depth += 1 } else if rec.type == RT.eof { depth -= 1 }
                continue
            }
            // The three records that make up most of a sheet, read straight from the bytes once
            // their length is known to hold them; short ones go the checked way below.
            let b = rec.body.lowerBound, len = rec.body.count
            switch rec.type {
            case RT.number where len >= 14:
                let bits = UInt64(u32(b + 6)) | UInt64(u32(b + 10)) << 32
                try add(rec, u16(b), u16(b + 2), u16(b + 4), .number(Double(bitPattern: bits)))
                continue
            case RT.rk where len >= 10:
                try add(rec, u16(b), u16(b + 2), u16(b + 4), .number(WorksheetReader.rk(u32(b + 6))))
                continue
            case RT.labelSst where len >= 10:
                let i = Int(u32(b + 6))
                if i < strings.count {
                    if !strings[i].isEmpty { try add(rec, u16(b), u16(b + 2), u16(b + 4), .string(strings[i])) }
                    continue
                }
            default: break
            }
            var r = RecordReader(bytes, rec, file: file, maxString: limits.maxStringBytes)
            switch rec.type {
            case RT.eof:
                break records
            case RT.bof:
                depth = 1
            case RT.number:
                let row = try r.u16(), col = try r.u16(), xf = try r.u16()
                try add(rec, row, col, xf, .number(try r.f64()))
            case RT.rk:
                let row = try r.u16(), col = try r.u16(), xf = try r.u16()
                try add(rec, row, col, xf, .number(WorksheetReader.rk(try r.u32())))
            case RT.mulRk:
                let row = try r.u16(), first = try r.u16()
                let n = (rec.body.count - 6) / 6
                guard n >= 0, Int(first) + n <= WorksheetReader.maxCol + 1 else {
                    throw r.damaged("MULRK 的列超过 256 列或长度无效 (MULRK past column IV or bad length)")
                }
                for k in 0..<n {
                    let xf = try r.u16(), v = try r.u32()
                    try add(rec, row, first + UInt16(k), xf, .number(WorksheetReader.rk(v)))
                }
            case RT.labelSst:
                let row = try r.u16(), col = try r.u16(), xf = try r.u16(), i = Int(try r.u32())
                guard i < strings.count else {
                    throw r.damaged("引用的共享字符串 \(i) 不存在（共 \(strings.count) 个）(shared string \(i) does not exist)")
                }
                let s = strings[i]
                if !s.isEmpty { try add(rec, row, col, xf, .string(s)) }
            case RT.label, RT.rString:
                let row = try r.u16(), col = try r.u16(), xf = try r.u16()
                let s = try r.string()
                if !s.isEmpty { try add(rec, row, col, xf, .string(s)) }
            case RT.boolErr:
                let row = try r.u16(), col = try r.u16(), xf = try r.u16()
                let v = try r.u8(), isErr = try r.u8()
                try add(rec, row, col, xf, isErr != 0 ? .error(WorksheetReader.errorNames[v] ?? "#N/A") : .bool(v != 0))
            case RT.formula:
                let row = try r.u16(), col = try r.u16(), xf = try r.u16()
                var res = [UInt8](repeating: 0, count: 8)
                for k in 0..<8 { res[k] = try r.u8() }
                _ = try r.u16(); _ = try r.u32()
                let cce = Int(try r.u16())
                let start = r.pos
                guard start + cce <= rec.body.upperBound else { throw r.damaged("公式长度 \(cce) 超出记录 (formula runs past its record)") }
                let rgce = bytes[start..<(start + cce)]
                var value: CellValue?
                var wantsString = false
                if res[6] == 0xFF && res[7] == 0xFF {
                    switch res[0] {
                    case 0: wantsString = true
                    case 1: value = .bool(res[2] != 0)
                    case 2: value = .error(WorksheetReader.errorNames[res[2]] ?? "#N/A")
                    default: value = .string("")
                    }
                } else {
                    var bits: UInt64 = 0
                    for k in 0..<8 { bits |= UInt64(res[k]) << (8 * k) }
                    value = .number(Double(bitPattern: bits))
                }
                var text: String
                if let anchor = FormulaText.sharedAnchor(rgce) {
                    let key = anchor.row << 8 | anchor.col
                    if let sh = sharedSeen[key] {
                        text = formula.render(sh[...], row: Int(row), col: Int(col), shared: true)
                    } else {
                        text = FormulaText.fallback
                        sharedWaiting[key, default: []].append(cells.count)
                    }
                } else {
                    text = formula.render(rgce, row: Int(row), col: Int(col), shared: false)
                }
                try add(rec, row, col, xf, value, text)
                pendingString = wantsString ? cells.count - 1 : nil
            case RT.string:
                let s = try r.string()
                if let i = pendingString { cells[i].value = .string(s) }
                pendingString = nil
            case RT.shrFmla:
                let top = Int(try r.u16()), bottom = Int(try r.u16())
                let left = Int(try r.u8()), right = Int(try r.u8())
                _ = try r.u16()
                let cce = Int(try r.u16())
                guard r.pos + cce <= rec.body.upperBound else { throw r.damaged("共享公式长度 \(cce) 超出记录 (shared formula runs past its record)") }
                let rgce = Array(bytes[r.pos..<(r.pos + cce)])
                let key = top << 8 | left
                _ = (bottom, right)   // the range is implied by the cells that point here
                sharedSeen[key] = rgce
                for i in sharedWaiting.removeValue(forKey: key) ?? [] {
                    let c = cells[i]
                    cells[i].formula = formula.render(rgce[...], row: c.row - 1, col: c.col - 1, shared: true)
                }
            case RT.mergedCells:
                let n = Int(try r.u16())
                guard 2 + 8 * n <= rec.body.count else { throw r.damaged("合并区域个数 \(n) 超出记录 (MERGEDCELLS count past its record)") }
                for _ in 0..<n {
                    let r1 = Int(try r.u16()), r2 = Int(try r.u16()), c1 = Int(try r.u16()), c2 = Int(try r.u16())
                    guard c1 <= WorksheetReader.maxCol, c2 <= WorksheetReader.maxCol else {
                        throw r.damaged("合并区域列超过 256 列 (merge past column IV)")
                    }
                    meta.merges.append(CellRange(top: r1 + 1, left: c1 + 1, bottom: r2 + 1, right: c2 + 1))
                }
            case RT.row:
                let rw = Int(try r.u16()) + 1
                _ = try r.u16(); _ = try r.u16()
                let height = try r.u16() & 0x7FFF
                _ = try r.u16(); _ = try r.u16()
                let flags = try r.u16()
                if flags & 0x20 != 0 { hiddenRows.insert(rw) }
                if flags & 0x40 != 0 { rowHeights[rw] = Double(height) / 20 }
            case RT.colInfo:
                let first = Int(try r.u16()), last = Int(try r.u16())
                let width = Double(try r.u16()) / 256
                _ = try r.u16()
                let flags = try r.u16()
                // Excel writes 256 as the last column of a "to the end" range; clamp, never walk further.
                // Each column is set once, by the first range naming it (as the .xlsx reader does),
                // so thousands of overlapping ranges cost no more than one.
                let hi = min(last, WorksheetReader.maxCol)
                var c = unsetCol(first)
                while c <= hi {
                    if flags & 0x01 != 0 { meta.hiddenCols.insert(c + 1) }
                    meta.colWidths[c + 1] = width
                    nextUnset[c] = c + 1
                    c = unsetCol(c + 1)
                }
            default:
                continue
            }
        }
        // (No empty cell was added: empty strings are skipped, and formula cells are never empty.)
        self.cells = cells; self.meta = meta; self.hiddenRows = hiddenRows; self.rowHeights = rowHeights
    }

    /// An RK number: a 30-bit integer or the high 30 bits of a double, optionally ÷ 100.
    static func rk(_ v: UInt32) -> Double {
        let d = v & 0x02 != 0 ? Double(Int32(bitPattern: v) >> 2) : Double(bitPattern: UInt64(v & 0xFFFF_FFFC) << 32)
        return v & 0x01 != 0 ? d / 100 : d
    }
}
