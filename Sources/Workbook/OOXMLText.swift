import Foundation
/// OOXML text helpers shared by the part readers.
enum OOXMLText {
    /// Decodes `_xHHHH_` escapes (`_x000D_` for CR, `_x005F_` for a literal underscore).
    static func unescape(_ s: String) -> String {
        guard s.contains("_x") else { return s }
        var out = ""
        out.reserveCapacity(s.count)
        let u = Array(s.unicodeScalars)
        var i = 0
        while i < u.count {
            if u[i] == "_", i + 6 < u.count, u[i + 1] == "x", u[i + 6] == "_" {
                var v: UInt32 = 0, ok = true
                for k in 2...5 {
                    guard let d = UInt32(String(u[i + k]), radix: 16) else { ok = false; break }
                    v = v * 16 + d
                }
                if ok, let sc = Unicode.Scalar(v) {
                    out.unicodeScalars.append(sc)
                    i += 7
                    continue
                }
            }
            out.unicodeScalars.append(u[i])
            i += 1
        }
        return out
    }
}

/// Collects character data into a byte buffer with a length limit.
struct TextBuffer {
    var bytes: [UInt8] = []
    var overflow = false
    let limit: Int
    init(limit: Int) { self.limit = limit; bytes.reserveCapacity(256) }
    mutating func reset() { bytes.removeAll(keepingCapacity: true); overflow = false }
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        if bytes.count + b.count > limit { overflow = true; return }
        bytes.append(contentsOf: b)
    }
    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes as a non-negative integer (a shared-string index), without a String.
    var integer: Int? {
        var v = 0, any = false
        for b in bytes {
            if b >= 0x30 && b <= 0x39 { v = v &* 10 &+ Int(b - 0x30); any = true; if v > 1 << 40 { return nil } }
            else if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { if any { break } }
            else { return nil }
        }
        return any ? v : nil
    }

    /// The bytes as a number, parsed in place; nil unless the whole text is one number.
    var double: Double? {
        guard !bytes.isEmpty, bytes.count < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buf -> Double? in
            for (i, b) in bytes.enumerated() { buf[i] = CChar(bitPattern: b) }
            buf[bytes.count] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let d = strtod(buf.baseAddress!, &end)
            guard let end, end != buf.baseAddress! else { return nil }
            var e = end
            while e.pointee == 0x20 || e.pointee == 0x0A || e.pointee == 0x0D || e.pointee == 0x09 { e += 1 }
            return e.pointee == 0 ? d : nil
        }
    }
}
