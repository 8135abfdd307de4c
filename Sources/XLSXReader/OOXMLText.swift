import GridKit
import Foundation
/// OOXML text helpers shared by the part readers.
enum OOXMLText {
    /// Decodes `_xHHHH_` escapes (`_x000D_` for CR, `_x005F_` for a literal underscore).
    static func unescape(_ s: String) -> String {
        guard hasEscapeMark(s) else { return s }
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

extension OOXMLText {
    /// Whether the bytes hold `_x`: the cheap test before the scalar-by-scalar decoding
    /// (a Foundation substring search here cost a tenth of reading a big sheet).
    @inline(__always) static func hasEscapeMark(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { b in
            guard b.count >= 7 else { return false } // `_xHHHH_` is 7 bytes
            var i = 0
            let last = b.count - 1
            while i < last {
                if b[i] == 0x5F && b[i + 1] == 0x78 { return true }
                i += 1
            }
            return false
        }
    }
}
