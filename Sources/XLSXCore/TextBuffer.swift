import Foundation

/// Collects character data into a byte buffer with a length limit. Inlinable: the readers of
/// other modules call it for every cell.
public struct TextBuffer {
    public var bytes: [UInt8] = []
    public var overflow = false
    public let limit: Int
    @inlinable public init(limit: Int) { self.limit = limit; bytes.reserveCapacity(256) }
    @inlinable public mutating func reset() {
        if !bytes.isEmpty { bytes.removeAll(keepingCapacity: true) }
        overflow = false
    }
    // Not inlinable: compiled here, the copy is specialized (inlined elsewhere it went through
    // a generic element-by-element copy).
    public mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        if bytes.count + b.count > limit { overflow = true; return }
        bytes.append(contentsOf: b)
    }
    @inlinable public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes as a non-negative integer (a shared-string index), without a String.
    @inlinable public var integer: Int? {
        var v = 0, any = false
        for b in bytes {
            if b >= 0x30 && b <= 0x39 { v = v &* 10 &+ Int(b - 0x30); any = true; if v > 1 << 40 { return nil } }
            else if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { if any { break } }
            else { return nil }
        }
        return any ? v : nil
    }

    /// Powers of ten that a Double holds exactly.
    public static let exactPowers: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { p, _ in p * 10 } }

    /// The common plain decimal (`-123.45`: optional sign, at most 15 digits, no exponent, no
    /// blanks) without strtod. With at most 15 digits the digits are an exact integer below 2^53
    /// and 10^k is exact, so the one division is correctly rounded: the same Double strtod gives.
    /// Anything else is nil, for strtod to decide.
    @inlinable @inline(__always) public static func exactDecimal(_ bytes: [UInt8]) -> Double? {
        bytes.withUnsafeBufferPointer { b -> Double? in
            var i = 0, negative = false
            if b[0] == 0x2D { negative = true; i = 1 } else if b[0] == 0x2B { i = 1 }
            var mantissa: UInt64 = 0, digits = 0, fraction = 0, dot = false
            while i < b.count {
                let c = b[i]
                if c >= 0x30 && c <= 0x39 {
                    mantissa = mantissa &* 10 &+ UInt64(c &- 0x30)
                    digits += 1
                    if dot { fraction += 1 }
                } else if c == 0x2E && !dot {
                    dot = true
                } else {
                    return nil
                }
                i += 1
            }
            guard digits > 0, digits <= 15 else { return nil }
            var d = Double(mantissa)
            if fraction > 0 { d /= exactPowers[fraction] }
            return negative ? -d : d
        }
    }

    /// The bytes as a number, parsed in place; nil unless the whole text is one number.
    @inlinable public var double: Double? {
        guard !bytes.isEmpty, bytes.count < 64 else { return nil }
        if let d = TextBuffer.exactDecimal(bytes) { return d }
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
