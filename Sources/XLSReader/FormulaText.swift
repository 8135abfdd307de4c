import GridKit

/// Renders a BIFF8 formula (its parsed tokens, "ptgs", [MS-XLS] 2.5.198) back to A1 text without
/// the leading `=`, as the .xlsx reader keeps formulas. Covers references (also 3-D and shared),
/// constants, operators and the common functions; a deleted reference renders as `#REF!`.
/// Anything else (names, arrays, add-in functions) gives `FormulaText.fallback`, with `#REF!`
/// appended when the tokens hold a deleted reference, so the cell still counts as a formula.
struct FormulaText {
    /// The text of a formula this renderer cannot spell out.
    static let fallback = "?"
    /// Longest formula text rendered (Excel's limit, in characters; here in UTF-8 bytes).
    static let maxLength = 8192
    let sheetNames: [String]
    let externSheets: [(first: Int, last: Int)]

    init(globals: Globals) {
        sheetNames = globals.sheets.map(\.name)
        externSheets = globals.externSheets
    }

    /// The anchor (0-based row, col) of a shared or array formula when the tokens are only a ptgExp.
    static func sharedAnchor<C: Collection>(_ t: C) -> (row: Int, col: Int)? where C.Element == UInt8, C.Index == Int {
        guard t.count == 5, t.first == 0x01 else { return nil }
        let b = t.startIndex
        return (Int(t[b + 1]) | Int(t[b + 2]) << 8, Int(t[b + 3]) | Int(t[b + 4]) << 8)
    }

    /// The tokens `t` of the formula in (0-based) `row`, `col`; `shared` = from a SHRFMLA, whose
    /// relative references are offsets from that cell.
    func render<C: Collection>(_ t: C, row: Int, col: Int, shared: Bool) -> String where C.Element == UInt8, C.Index == Int {
        var sawRefErr = false
        if let s = decode(t, row: row, col: col, shared: shared, sawRefErr: &sawRefErr) { return s }
        return FormulaText.fallback + (sawRefErr ? "#REF!" : "")
    }

    private func decode<C: Collection>(_ t: C, row: Int, col: Int, shared: Bool, sawRefErr: inout Bool) -> String? where C.Element == UInt8, C.Index == Int {
        var stack: [String] = []
        var i = t.startIndex
        let end = t.endIndex
        func u8() -> Int? { guard i < end else { return nil }; defer { i += 1 }; return Int(t[i]) }
        func u16() -> Int? { guard i + 2 <= end else { return nil }; defer { i += 2 }; return Int(t[i]) | Int(t[i + 1]) << 8 }
        func skip(_ n: Int) -> Bool { guard i + n <= end else { return false }; i += n; return true }
        func pop() -> String? { stack.popLast() }
        // Excel's own limit on a formula's text; past it (only a hostile token list gets
        // there) rendering would grow quadratically, so the fallback is given instead.
        func push(_ s: String) -> Bool { guard s.utf8.count <= FormulaText.maxLength else { return false }; stack.append(s); return true }

        // One cell reference. `rel` = the token is relative to the cell (ptgRefN/AreaN in shared formulas).
        func ref(_ rw: Int, _ cw: Int, rel: Bool) -> String {
            let rowRel = cw & 0x8000 != 0, colRel = cw & 0x4000 != 0
            var r = rw, c = cw & 0x3FFF
            if rel {
                if rowRel { r = (row + Int(Int16(truncatingIfNeeded: rw))) & 0xFFFF }
                if colRel { c = (col + Int(Int8(truncatingIfNeeded: cw & 0xFF))) & 0xFF }
            }
            return (colRel ? "" : "$") + CellRef.letters(c + 1) + (rowRel ? "" : "$") + String(r + 1)
        }
        func sheet(_ ixti: Int) -> String? {
            guard ixti < externSheets.count else { return nil }
            let x = externSheets[ixti]
            guard x.first >= 0, x.first < sheetNames.count else { return nil }
            func quote(_ n: String) -> String {
                let plain = n.unicodeScalars.allSatisfy { ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_") }
                    && !(n.first?.isNumber ?? true)
                return plain ? n : "'" + n.replacingOccurrences(of: "'", with: "''") + "'"
            }
            var name = sheetNames[x.first]
            if x.last != x.first, x.last >= 0, x.last < sheetNames.count { name += ":" + sheetNames[x.last] }
            return quote(name) + "!"
        }

        while i < end {
            let ptg = Int(t[i]); i += 1
            let base = ptg >= 0x20 ? (ptg & 0x1F) | 0x20 : ptg
            switch base {
            case 0x03...0x11:
                guard let b = pop(), let a = pop() else { return nil }
                let ops = ["+", "-", "*", "/", "^", "&", "<", "<=", "=", ">=", ">", "<>", " ", ",", ":"]
                guard push(a + ops[base - 0x03] + b) else { return nil }
            case 0x12: guard let a = pop(), push("+" + a) else { return nil }
            case 0x13: guard let a = pop(), push("-" + a) else { return nil }
            case 0x14: guard let a = pop(), push(a + "%") else { return nil }
            case 0x15: guard let a = pop(), push("(" + a + ")") else { return nil }
            case 0x16: stack.append("")
            case 0x17:
                guard let n = u8(), let flags = u8() else { return nil }
                var units: [UInt16] = []
                for _ in 0..<n {
                    if flags & 1 != 0 { guard let u = u16() else { return nil }; units.append(UInt16(u)) }
                    else { guard let u = u8() else { return nil }; units.append(UInt16(u)) }
                }
                stack.append("\"" + String(decoding: units, as: UTF16.self).replacingOccurrences(of: "\"", with: "\"\"") + "\"")
            case 0x19:   // ptgAttr
                guard let flags = u8(), let w = u16() else { return nil }
                if flags & 0x04 != 0 { guard skip(2 * (w + 1)) else { return nil } }   // choose jump table
                if flags & 0x10 != 0 { guard let a = pop(), push("SUM(" + a + ")") else { return nil } }
            case 0x1C:
                guard let e = u8() else { return nil }
                stack.append(WorksheetReader.errorNames[UInt8(e)] ?? "#N/A")
            case 0x1D: guard let b = u8() else { return nil }; stack.append(b != 0 ? "TRUE" : "FALSE")
            case 0x1E: guard let n = u16() else { return nil }; stack.append(String(n))
            case 0x1F:
                guard i + 8 <= end else { return nil }
                var bits: UInt64 = 0
                for k in 0..<8 { bits |= UInt64(t[i + k]) << (8 * k) }
                i += 8
                stack.append(CellValue.format(Double(bitPattern: bits)))
            case 0x21, 0x22:   // ptgFunc (fixed count), ptgFuncVar (count in the token)
                var argc: Int
                let id: Int
                if base == 0x22 {
                    guard let n = u8(), let f = u16() else { return nil }
                    argc = n & 0x7F; id = f & 0x7FFF
                } else {
                    guard let f = u16(), let fixed = FormulaText.functions[f]?.args, fixed >= 0 else { return nil }
                    argc = fixed; id = f
                }
                guard let name = FormulaText.functions[id]?.name, argc <= stack.count else { return nil }
                let args = stack.suffix(argc)
                stack.removeLast(argc)
                guard push(name + "(" + args.joined(separator: ",") + ")") else { return nil }
            case 0x24, 0x2C:
                guard let rw = u16(), let cw = u16() else { return nil }
                stack.append(ref(rw, cw, rel: base == 0x2C))
            case 0x25, 0x2D:
                guard let r1 = u16(), let r2 = u16(), let c1 = u16(), let c2 = u16() else { return nil }
                stack.append(ref(r1, c1, rel: base == 0x2D) + ":" + ref(r2, c2, rel: base == 0x2D))
            case 0x26, 0x27, 0x28:   // ptgMemArea/MemErr/MemNoMem: the tokens of the area follow
                guard skip(6) else { return nil }
            case 0x29: guard skip(2) else { return nil }   // ptgMemFunc
            case 0x2A: sawRefErr = true; guard skip(4) else { return nil }; stack.append("#REF!")
            case 0x2B: sawRefErr = true; guard skip(8) else { return nil }; stack.append("#REF!")
            case 0x3A:
                guard let x = u16(), let rw = u16(), let cw = u16() else { return nil }
                guard let s = sheet(x) else { sawRefErr = true; stack.append("#REF!"); continue }
                stack.append(s + ref(rw, cw, rel: shared))
            case 0x3B:
                guard let x = u16(), let r1 = u16(), let r2 = u16(), let c1 = u16(), let c2 = u16() else { return nil }
                guard let s = sheet(x) else { sawRefErr = true; stack.append("#REF!"); continue }
                stack.append(s + ref(r1, c1, rel: shared) + ":" + ref(r2, c2, rel: shared))
            case 0x3C: sawRefErr = true; guard skip(6) else { return nil }; stack.append("#REF!")
            case 0x3D: sawRefErr = true; guard skip(10) else { return nil }; stack.append("#REF!")
            default:
                // Scan on for a deleted reference so the fallback can still say #REF!.
                while i < end {
                    let p = Int(t[i]); let b = p >= 0x20 ? (p & 0x1F) | 0x20 : p
                    if b == 0x2A || b == 0x2B || b == 0x3C || b == 0x3D { sawRefErr = true; break }
                    i += 1
                }
                return nil
            }
        }
        return stack.count == 1 ? stack[0] : nil
    }

    /// Built-in functions by index ([MS-XLS] 2.5.198.17, Ftab): name and fixed argument count
    /// (-1 = variable, only seen in ptgFuncVar).
    static let functions: [Int: (name: String, args: Int)] = [
        0: ("COUNT", -1), 1: ("IF", -1), 2: ("ISNA", 1), 3: ("ISERROR", 1), 4: ("SUM", -1),
        5: ("AVERAGE", -1), 6: ("MIN", -1), 7: ("MAX", -1), 8: ("ROW", -1), 9: ("COLUMN", -1),
        10: ("NA", 0), 15: ("SIN", 1), 16: ("COS", 1), 17: ("TAN", 1), 18: ("ATAN", 1), 19: ("PI", 0),
        20: ("SQRT", 1), 21: ("EXP", 1), 22: ("LN", 1), 23: ("LOG10", 1), 24: ("ABS", 1), 25: ("INT", 1),
        26: ("SIGN", 1), 27: ("ROUND", 2), 28: ("LOOKUP", -1), 29: ("INDEX", -1), 30: ("REPT", 2),
        31: ("MID", 3), 32: ("LEN", 1), 33: ("VALUE", 1), 34: ("TRUE", 0), 35: ("FALSE", 0),
        36: ("AND", -1), 37: ("OR", -1), 38: ("NOT", 1), 39: ("MOD", 2), 48: ("TEXT", 2),
        63: ("RAND", 0), 65: ("DATE", 3), 66: ("TIME", 3), 67: ("DAY", 1), 68: ("MONTH", 1),
        69: ("YEAR", 1), 70: ("WEEKDAY", -1), 71: ("HOUR", 1), 72: ("MINUTE", 1), 73: ("SECOND", 1),
        74: ("NOW", 0), 76: ("ROWS", 1), 77: ("COLUMNS", 1), 78: ("OFFSET", -1), 82: ("SEARCH", -1),
        97: ("ATAN2", 2), 98: ("ASIN", 1), 99: ("ACOS", 1), 100: ("CHOOSE", -1), 101: ("HLOOKUP", -1),
        102: ("VLOOKUP", -1), 111: ("CHAR", 1), 112: ("LOWER", 1), 113: ("UPPER", 1), 115: ("LEFT", -1),
        116: ("RIGHT", -1), 117: ("EXACT", 2), 118: ("TRIM", 1), 119: ("REPLACE", 4), 120: ("SUBSTITUTE", -1),
        124: ("FIND", -1), 126: ("ISERR", 1), 127: ("ISTEXT", 1), 128: ("ISNUMBER", 1), 129: ("ISBLANK", 1),
        140: ("DATEVALUE", 1), 141: ("TIMEVALUE", 1), 169: ("COUNTA", -1), 183: ("PRODUCT", -1),
        184: ("FACT", 1), 197: ("TRUNC", -1), 212: ("ROUNDUP", 2), 213: ("ROUNDDOWN", 2),
        216: ("RANK", -1), 220: ("DAYS360", -1), 221: ("TODAY", 0), 227: ("MEDIAN", -1),
        228: ("SUMPRODUCT", -1), 285: ("FLOOR", 2), 288: ("CEILING", 2), 336: ("CONCATENATE", -1),
        337: ("POWER", 2), 342: ("RADIANS", 1), 343: ("DEGREES", 1), 344: ("SUBTOTAL", -1),
        345: ("SUMIF", -1), 346: ("COUNTIF", 2), 347: ("COUNTBLANK", 1),
    ]
}
