import GridKit
import XLSXCore

/// One BOUNDSHEET8: a sheet's name, visibility and where its substream starts.
struct SheetRecord {
    var name: String
    var state: SheetState
    var offset: Int
}

/// The workbook globals substream ([MS-XLS] 2.1.7.20.1): sheets, shared strings, number formats,
/// fonts, cell formats, the date system and the sheet list of 3-D references.
struct Globals {
    var sheets: [SheetRecord] = []
    var strings: [String] = []
    var formats: [CellFormat] = []
    var date1904 = false
    /// Read for the record only: BIFF8 stores text as Unicode, and BIFF5 (whose strings would
    /// need it) is refused.
    var codePage: UInt16 = 1200
    /// EXTERNSHEET entries: (first, last) sheet index of each, for 3-D references in formulas.
    var externSheets: [(first: Int, last: Int)] = []

    /// Most sheets one workbook may list, as for .xlsx.
    static let maxSheets = SheetLimits.maxSheets

    init(_ bytes: UnsafeBufferPointer<UInt8>, file: String, limits: XLSXLimits) throws {
        var rs = RecordStream(bytes, file: file)
        guard let bof = try rs.next() else {
            throw XLSXError.damagedPart(file: file, part: "Workbook", line: 0, reason: "Workbook 流为空 (empty Workbook stream)")
        }
        if RT.oldBOFs.contains(bof.type) { throw XLSXError.xlsBeforeBIFF8(file: file) }
        guard bof.type == RT.bof, bof.body.count >= 4 else {
            throw rs.damaged(0, "流不以 BOF 记录开始 (stream does not start with BOF)")
        }
        var r0 = RecordReader(bytes, bof, file: file, maxString: limits.maxStringBytes)
        let version = try r0.u16()
        guard version == 0x0600 else { throw XLSXError.xlsBeforeBIFF8(file: file) }

        var fonts: [(bold: Bool, size: Double?)] = []
        var customDate: Set<Int> = []
        var xfs: [(font: Int, fmt: Int, wrap: Bool)] = []
        records: while let rec = try rs.next() {
            var r = RecordReader(bytes, rec, file: file, maxString: limits.maxStringBytes)
            switch rec.type {
            case RT.eof:
                break records
            case RT.filePass:
                throw XLSXError.encrypted(file: file)
            case RT.codePage:
                codePage = try r.u16()
            case RT.dateMode:
                date1904 = try r.u16() == 1
            case RT.boundSheet:
                let offset = Int(try r.u32())
                let hs = try r.u8() & 0x03, dt = try r.u8()
                let name = try r.string(shortLength: true)
                // Worksheets and macro sheets hold cells; chart and VB module sheets do not.
                guard dt == 0 || dt == 1 else { continue }
                guard sheets.count < Globals.maxSheets else {
                    throw XLSXError.limitExceeded(file: file, part: "Workbook", what: "工作表超过 \(Globals.maxSheets) 个 (more than \(Globals.maxSheets) sheets)")
                }
                sheets.append(SheetRecord(name: name, state: hs == 1 ? .hidden : hs == 2 ? .veryHidden : .visible, offset: offset))
            case RT.sst:
                _ = try r.u32()
                let unique = Int(try r.u32())
                guard unique <= limits.maxSharedStrings else {
                    throw XLSXError.limitExceeded(file: file, part: "Workbook", what: "共享字符串超过 \(limits.maxSharedStrings) 个 (more than \(limits.maxSharedStrings) shared strings)")
                }
                // The count is a claim: reserve no more than the record could hold (3 bytes a string).
                strings.reserveCapacity(min(unique, bytes.count / 3))
                var total = 0
                while strings.count < unique && !r.atEnd {
                    let s = try r.string(rich: true)
                    total += s.utf8.count
                    guard total <= Int(clamping: limits.maxPartBytes) else {
                        throw XLSXError.limitExceeded(file: file, part: "Workbook", what: "共享字符串总长超过上限 (shared strings too long)")
                    }
                    strings.append(s)
                }
            case RT.format:
                let id = Int(try r.u16())
                let code = try r.string()
                if Globals.isDateCode(code) { customDate.insert(id) }
            case RT.font:
                let height = try r.u16()
                _ = try r.u16(); _ = try r.u16()
                let weight = try r.u16()
                fonts.append((weight >= 700, Double(height) / 20))
            case RT.xf:
                let font = Int(try r.u16()), fmt = Int(try r.u16())
                _ = try r.u16()
                let align = try r.u8()
                xfs.append((font, fmt, align & 0x08 != 0))
            case RT.externSheet:
                let n = Int(try r.u16())
                for _ in 0..<min(n, rec.body.count) {
                    _ = try r.u16()
                    let a = Int(Int16(bitPattern: try r.u16())), b = Int(Int16(bitPattern: try r.u16()))
                    externSheets.append((a, b))
                }
            default:
                continue
            }
        }
        formats = xfs.map { x in
                var f = CellFormat()
                // Font index 4 does not exist in BIFF: the fifth FONT record is font 5.
                let fi = x.font < 4 ? x.font : x.font - 1
                if fi >= 0 && fi < fonts.count { f.bold = fonts[fi].bold; f.fontSize = fonts[fi].size }
                f.wrap = x.wrap
                f.isDate = Globals.isBuiltinDate(x.fmt) || customDate.contains(x.fmt)
                return f
            }
    }

    /// The built-in date formats, the same ids the .xlsx reader's `StylesHandler` counts
    /// (14–22, 45–47, and the CJK date formats 27–36, 50–58).
    static func isBuiltinDate(_ id: Int) -> Bool {
        (14...22).contains(id) || (45...47).contains(id) || (27...36).contains(id) || (50...58).contains(id)
    }

    /// A format code shows a date when it has d, m or y outside quotes and brackets — the
    /// .xlsx reader's rule, so both formats call the same cells dates.
    static func isDateCode(_ code: String) -> Bool {
        var inQuote = false, inBracket = false
        for ch in code.lowercased() {
            if ch == "\"" { inQuote.toggle() } else if ch == "[" { inBracket = true } else if ch == "]" { inBracket = false }
            else if !inQuote && !inBracket && (ch == "d" || ch == "y" || ch == "m") { return true }
        }
        return false
    }
}
