import Foundation

/// A JSON value that keeps key order and writes nulls, as the contract's form shows them.
public indirect enum JSON: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])
    /// An array whose elements are made as they are written: a big form's tree is never built
    /// whole (each indicator's subtree exists while it is written).
    case deferred(Int, (Int) -> JSON)

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.deferred(let n, let f), _): return JSON.array((0..<n).map(f)) == b
        case (_, .deferred(let n, let f)): return a == JSON.array((0..<n).map(f))
        default: return false
        }
    }

    public static func str(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
    public static func num(_ d: Double?) -> JSON { d.map(JSON.number) ?? .null }
    public static func int(_ i: Int?) -> JSON { i.map { JSON.number(Double($0)) } ?? .null }

    public func serialized(pretty: Bool = true) -> String {
        String(decoding: bytes(pretty: pretty), as: UTF8.self)
    }

    /// The UTF-8 text, as bytes (printed without a `String` in between). `level` is the
    /// nesting it is written at: an element of a pretty array is at level 1.
    public func bytes(pretty: Bool = true, level: Int = 0) -> [UInt8] {
        // Bytes, not String appends: forms are written often (inspect, check --json).
        var w = Writer()
        write(&w, indent: pretty ? level : -1)
        return w.out
    }

    struct Writer {
        var out: [UInt8] = []
        init() { out.reserveCapacity(1 << 16) }
    }

    private func write(_ w: inout Writer, indent: Int) {
        let nl = indent >= 0
        func pad(_ w: inout Writer, _ n: Int) {
            guard nl else { return }
            // A line break and the indent in one append (pretty output is half indent).
            let k = 1 + 2 * n
            if k <= JSON.breakAndIndent.count { w.out += JSON.breakAndIndent[..<k] } else {
                w.out.append(10); w.out += repeatElement(32, count: 2 * n)
            }
        }
        func elements(_ w: inout Writer, _ count: Int, _ element: (Int) -> JSON) {
            if count == 0 { w.out += "[]".utf8; return }
            w.out.append(UInt8(ascii: "["))
            for i in 0..<count {
                if i > 0 { w.out.append(UInt8(ascii: ",")) }
                pad(&w, indent + 1)
                element(i).write(&w, indent: nl ? indent + 1 : -1)
            }
            pad(&w, indent)
            w.out.append(UInt8(ascii: "]"))
        }
        switch self {
        case .null: w.out += "null".utf8
        case .bool(let b): w.out += (b ? "true" : "false").utf8
        case .number(let d):
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 { w.out += String(Int64(d)).utf8 } else if d.isFinite {
                w.out += String(d).utf8
            } else { w.out += "null".utf8 }
        case .string(let s): JSON.quote(s, into: &w.out)
        case .array(let a): elements(&w, a.count) { a[$0] }
        case .deferred(let n, let f): elements(&w, n, f)
        case .object(let o):
            if o.isEmpty { w.out += "{}".utf8; return }
            w.out.append(UInt8(ascii: "{"))
            for (i, (k, v)) in o.enumerated() {
                if i > 0 { w.out.append(UInt8(ascii: ",")) }
                pad(&w, indent + 1)
                JSON.quote(k, into: &w.out)
                w.out += (nl ? ": " : ":").utf8
                v.write(&w, indent: nl ? indent + 1 : -1)
            }
            pad(&w, indent)
            w.out.append(UInt8(ascii: "}"))
        }
    }

    static let breakAndIndent: [UInt8] = [10] + [UInt8](repeating: 32, count: 64)

    /// No byte that JSON escapes (control, `"`, `\`): eight bytes at a time (a zero byte of
    /// `x ^ pattern` or a byte under 0x20 sets its high bit in the word below), the tail one by one.
    @inline(__always) static func plain(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = u.count
        guard let p = u.baseAddress else { return true }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i + 8 <= n {
            let x = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let q = x ^ (ones &* 0x22), b = x ^ (ones &* 0x5C)
            // Bytes of 0x80 and over never match: `& ~x` drops them.
            let hit = ((x &- ones &* 0x20) | (q &- ones) | (b &- ones)) & ~x & highs
            if hit != 0 { return false }
            i += 8
        }
        while i < n {
            let c = p[i]
            if c < 0x20 || c == 34 || c == 92 { return false }
            i += 1
        }
        return true
    }

    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: copied whole.
        var s = s
        let plain = s.withUTF8 { u -> Bool in
            guard JSON.plain(u) else { return false }
            out.append(contentsOf: u)
            return true
        }
        if plain { out.append(UInt8(ascii: "\"")); return }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 0..<0x20: out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b) // UTF-8 passes through unchanged
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
