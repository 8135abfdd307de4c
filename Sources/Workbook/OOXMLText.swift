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
}
