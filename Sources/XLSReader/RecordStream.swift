import XLSXCore

/// One BIFF record: its type, where it starts in the stream, its body and the bodies of the
/// CONTINUE records that follow it (as ranges into the stream, nothing copied).
struct Record {
    var type: UInt16
    var offset: Int
    var body: Range<Int>
    var continues: [Range<Int>]
}

/// BIFF record types the reader acts on ([MS-XLS] 2.3).
enum RT {
    static let bof: UInt16 = 0x0809, eof: UInt16 = 0x000A, cont: UInt16 = 0x003C
    static let filePass: UInt16 = 0x002F, codePage: UInt16 = 0x0042, dateMode: UInt16 = 0x0022
    static let boundSheet: UInt16 = 0x0085, sst: UInt16 = 0x00FC, format: UInt16 = 0x041E
    static let xf: UInt16 = 0x00E0, font: UInt16 = 0x0031, externSheet: UInt16 = 0x0017
    static let labelSst: UInt16 = 0x00FD, label: UInt16 = 0x0204, rString: UInt16 = 0x00D6
    static let number: UInt16 = 0x0203, rk: UInt16 = 0x027E, mulRk: UInt16 = 0x00BD
    static let boolErr: UInt16 = 0x0205, formula: UInt16 = 0x0006, string: UInt16 = 0x0207
    static let shrFmla: UInt16 = 0x04BC
    static let mergedCells: UInt16 = 0x00E5, row: UInt16 = 0x0208, colInfo: UInt16 = 0x007D
    /// BOF records of BIFF2, BIFF3 and BIFF4.
    static let oldBOFs: Set<UInt16> = [0x0009, 0x0209, 0x0409]
}

/// Walks the records of a Workbook stream from an offset. Bounds: a record's declared length
/// must fit in the stream (a 16-bit length already caps it at 65,535 bytes); CONTINUE chains
/// are at most as long as the stream.
/// The bytes are borrowed (`withUnsafeBufferPointer` around the whole walk): a retained array
/// per record cost a fifth of the time on a 2,000,000-cell file.
struct RecordStream {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    var pos: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, file: String, at pos: Int = 0) { self.bytes = bytes; self.file = file; self.pos = pos }

    /// The next record with its CONTINUEs, or nil at the end of the stream.
    mutating func next() throws -> Record? {
        guard pos + 4 <= bytes.count else {
            if pos < bytes.count && bytes[pos..<bytes.count].contains(where: { $0 != 0 }) {
                throw damaged(pos, "流末尾有不完整的记录头 (truncated record header)")
            }
            return nil
        }
        let type = u16(pos), len = Int(u16(pos + 2))
        let start = pos + 4
        guard start + len <= bytes.count else {
            throw damaged(pos, "记录 0x\(hex(type)) 长度 \(len) 超出流末尾 (record 0x\(hex(type)) runs past the end of the stream)")
        }
        var rec = Record(type: type, offset: pos, body: start..<(start + len), continues: [])
        pos = start + len
        // Cell records never continue: peeking only after the records that can keeps the hot
        // path free of the array.
        if type == RT.sst || type == RT.string || type == RT.label || type == RT.format || type == RT.rString || type == RT.externSheet {
            while pos + 4 <= bytes.count, u16(pos) == RT.cont {
                let l = Int(u16(pos + 2))
                guard pos + 4 + l <= bytes.count else {
                    throw damaged(pos, "CONTINUE 记录长度 \(l) 超出流末尾 (CONTINUE runs past the end of the stream)")
                }
                rec.continues.append((pos + 4)..<(pos + 4 + l))
                pos += 4 + l
            }
        }
        return rec
    }

    func damaged(_ offset: Int, _ why: String) -> XLSXError {
        .damagedPart(file: file, part: "Workbook", line: 0, reason: "偏移 \(offset)：\(why) (at offset \(offset))")
    }

    @inline(__always) func u16(_ i: Int) -> UInt16 { UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 }
}

@inline(__always) func hex(_ v: UInt16) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}

/// Reads little-endian fields out of one record's body, across its CONTINUE bodies when asked.
/// Every read is bounds-checked and throws `damagedPart` naming the record and its offset.
struct RecordReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let rec: Record
    let file: String
    let maxString: Int
    private var frag = 0
    private(set) var pos: Int
    private var end: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, _ rec: Record, file: String, maxString: Int) {
        self.bytes = bytes; self.rec = rec; self.file = file; self.maxString = maxString
        pos = rec.body.lowerBound; end = rec.body.upperBound
    }

    var remainingInFragment: Int { end - pos }
    var atEnd: Bool { pos >= end && frag >= rec.continues.count }

    func damaged(_ why: String) -> XLSXError {
        .damagedPart(file: file, part: "Workbook", line: 0,
                     reason: "记录 0x\(hex(rec.type))（偏移 \(rec.offset)）\(why) (record 0x\(hex(rec.type)) at offset \(rec.offset))")
    }

    /// Moves to the next CONTINUE body; false when there is none.
    private mutating func nextFragment() -> Bool {
        guard frag < rec.continues.count else { return false }
        let r = rec.continues[frag]
        frag += 1
        pos = r.lowerBound; end = r.upperBound
        return true
    }

    mutating func u8() throws -> UInt8 {
        while pos >= end { guard nextFragment() else { throw damaged("过短 (too short)") } }
        defer { pos += 1 }
        return bytes[pos]
    }
    mutating func u16() throws -> UInt16 {
        if pos + 2 <= end { defer { pos += 2 }; return UInt16(bytes[pos]) | UInt16(bytes[pos + 1]) << 8 }
        let a = try u8(), b = try u8()
        return UInt16(a) | UInt16(b) << 8
    }
    mutating func u32() throws -> UInt32 {
        let a = try u16(), b = try u16()
        return UInt32(a) | UInt32(b) << 16
    }
    mutating func f64() throws -> Double {
        let a = UInt64(try u32()), b = UInt64(try u32())
        return Double(bitPattern: a | b << 32)
    }
    mutating func skip(_ n: Int) throws {
        var n = n
        while n > 0 {
            if pos >= end { guard nextFragment() else { throw damaged("过短 (too short)") } }
            let k = min(n, end - pos)
            pos += k; n -= k
        }
    }

    /// A BIFF8 string (XLUnicodeString, or XLUnicodeRichExtendedString when `rich`): a 16-bit
    /// (or 8-bit, `shortLength`) count, flags, then 8-bit or UTF-16 characters. Characters that
    /// cross into a CONTINUE restart with a fresh flags byte there ([MS-XLS] 2.5.294).
    mutating func string(shortLength: Bool = false, rich: Bool = false) throws -> String {
        let cch = shortLength ? Int(try u8()) : Int(try u16())
        var flags = try u8()
        var runs = 0, ext = 0
        if rich {
            if flags & 0x08 != 0 { runs = Int(try u16()) }
            if flags & 0x04 != 0 { ext = Int(try u32()) }
        }
        guard cch <= maxString else { throw damaged("字符串长度 \(cch) 超过上限 (string longer than \(maxString))") }
        // Transcoded to UTF-8 straight into the string's own storage (at most 3 bytes a UTF-16
        // unit): decoding a [UInt16] through String(decoding:as: UTF16.self) was the slow path.
        var left = cch
        var pendingHigh: UInt32 = 0
        let text = try String(unsafeUninitializedCapacity: max(cch * 3, 1)) { out in
            var n = 0
            @inline(__always) func put(_ v: UInt32) {
                if v < 0x80 { out[n] = UInt8(v); n += 1 }
                else if v < 0x800 { out[n] = UInt8(0xC0 | v >> 6); out[n + 1] = UInt8(0x80 | v & 0x3F); n += 2 }
                else if v < 0x10000 {
                    out[n] = UInt8(0xE0 | v >> 12); out[n + 1] = UInt8(0x80 | v >> 6 & 0x3F); out[n + 2] = UInt8(0x80 | v & 0x3F); n += 3
                } else {
                    out[n] = UInt8(0xF0 | v >> 18); out[n + 1] = UInt8(0x80 | v >> 12 & 0x3F)
                    out[n + 2] = UInt8(0x80 | v >> 6 & 0x3F); out[n + 3] = UInt8(0x80 | v & 0x3F); n += 4
                }
            }
            @inline(__always) func unit(_ u: UInt32) {
                if pendingHigh != 0 {
                    if u >= 0xDC00 && u <= 0xDFFF { put(0x10000 + (pendingHigh - 0xD800) << 10 + (u - 0xDC00)); pendingHigh = 0; return }
                    put(0xFFFD); pendingHigh = 0
                }
                if u >= 0xD800 && u <= 0xDBFF { pendingHigh = u } else if u >= 0xDC00 && u <= 0xDFFF { put(0xFFFD) } else { put(u) }
            }
            while left > 0 {
                if pos >= end {
                    guard nextFragment() else { throw damaged("字符串被截断 (truncated string)") }
                    flags = try u8()
                    continue
                }
                if flags & 0x01 != 0 {
                    let k = min(left, (end - pos) / 2)
                    if k == 0 {   // one odd byte before the boundary: the record is malformed
                        throw damaged("UTF-16 字符跨记录边界 (UTF-16 character split across records)")
                    }
                    for i in 0..<k { unit(UInt32(bytes[pos + 2 * i]) | UInt32(bytes[pos + 2 * i + 1]) << 8) }
                    pos += 2 * k; left -= k
                } else {
                    let k = min(left, end - pos)
                    for i in 0..<k { unit(UInt32(bytes[pos + i])) }
                    pos += k; left -= k
                }
            }
            if pendingHigh != 0 { put(0xFFFD) }
            return n
        }
        if runs > 0 || ext > 0 { try skip(4 * runs + ext) }
        return text
    }
}
