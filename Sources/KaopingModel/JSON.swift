import Foundation

/// A JSON value that keeps key order and writes nulls, as the contract's form shows them.
public indirect enum JSON: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
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
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        write(&out, indent: pretty ? level : -1)
        return out
    }

    /// A pretty array of values already written at level 1 (`bytes(level: 1)`), as
    /// `JSON.array(values).serialized()` writes it: the elements can be written on every core.
    public static func prettyArray(_ elements: [[UInt8]]) -> [UInt8] {
        if elements.isEmpty { return Array("[]".utf8) }
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(elements.reduce(16) { $0 + $1.count + 4 })
        for (i, e) in elements.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += [10, 32, 32]
            out += e
        }
        out += [10, UInt8(ascii: "]")]
        return out
    }

    private func write(_ out: inout [UInt8], indent: Int) {
        let nl = indent >= 0
        func pad(_ n: Int) { if nl { out.append(10); for _ in 0..<(2 * n) { out.append(32) } } }
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .number(let d):
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 { out += String(Int64(d)).utf8 } else if d.isFinite {
                out += String(d).utf8
            } else { out += "null".utf8 }
        case .string(let s): JSON.quote(s, into: &out)
        case .array(let a):
            if a.isEmpty { out += "[]".utf8; return }
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                pad(indent + 1)
                v.write(&out, indent: nl ? indent + 1 : -1)
            }
            pad(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            if o.isEmpty { out += "{}".utf8; return }
            out.append(UInt8(ascii: "{"))
            for (i, (k, v)) in o.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                pad(indent + 1)
                JSON.quote(k, into: &out)
                out += (nl ? ": " : ":").utf8
                v.write(&out, indent: nl ? indent + 1 : -1)
            }
            pad(indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: copied whole.
        var s = s
        let plain = s.withUTF8 { u -> Bool in
            for b in u where b < 0x20 || b == 34 || b == 92 { return false }
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
