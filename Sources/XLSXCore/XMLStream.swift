#if canImport(Glibc)
import Glibc
#endif

/// An element's local name as the scanner hands it over: the prefix is cut off, so `x:c` in
/// Transitional and `c` in Strict both arrive as `c`. Valid only during the callback.
public struct XMLName {
    public let raw: UnsafePointer<CChar>
    public init(raw: UnsafePointer<CChar>) { self.raw = raw }
    /// Compared inline, byte by byte: this runs for every element, and most names differ
    /// from the one asked for in their first byte.
    @inlinable @inline(__always) public func `is`(_ s: StaticString) -> Bool {
        let p = s.utf8Start, n = s.utf8CodeUnitCount
        var i = 0
        while i < n {
            if UInt8(bitPattern: raw[i]) != p[i] { return false }
            i += 1
        }
        return raw[n] == 0
    }
    public var string: String { String(cString: raw) }
}

/// The attributes of a start tag, by local name. Valid only during the callback.
public struct XMLAttributes {
    @usableFromInline let raw: UnsafeMutablePointer<UnsafePointer<CChar>?>
    init(raw: UnsafeMutablePointer<UnsafePointer<CChar>?>) { self.raw = raw }

    /// The value of the attribute whose local name is `name`, without allocating a key.
    @inlinable @inline(__always) public func pointer(_ name: StaticString) -> UnsafePointer<CChar>? {
        var i = 0
        while let k = raw[i] {
            if XMLName(raw: k).is(name) { return raw[i + 1] }
            i += 2
        }
        return nil
    }

    /// Every attribute in document order, as (local name, value): one pass where a start tag
    /// needs several attributes.
    @inlinable @inline(__always)
    public func forEach(_ body: (XMLName, UnsafePointer<CChar>) throws -> Void) rethrows {
        var i = 0
        while let k = raw[i], let v = raw[i + 1] {
            try body(XMLName(raw: k), v)
            i += 2
        }
    }

    /// A non-negative integer in attribute text, as `int(_:)` reads it.
    @inlinable public static func parseInt(_ p: UnsafePointer<CChar>) -> Int? {
        var v = 0, i = 0, any = false
        while p[i] == 0x20 { i += 1 }
        while p[i] >= 0x30 && p[i] <= 0x39 {
            v = v &* 10 &+ Int(p[i] - 0x30); i += 1; any = true
            if v > 1 << 40 { return nil }
        }
        return any ? v : nil
    }
    public subscript(_ name: StaticString) -> String? {
        pointer(name).map { String(cString: $0) }
    }
    /// Parses a non-negative integer attribute without allocating.
    public func int(_ name: StaticString) -> Int? {
        guard let p = pointer(name) else { return nil }
        return XMLAttributes.parseInt(p)
    }
    public func double(_ name: StaticString) -> Double? {
        guard let p = pointer(name) else { return nil }
        var end: UnsafeMutablePointer<CChar>? = nil
        let v = strtod(p, &end)
        return end == UnsafeMutablePointer(mutating: p) ? nil : v
    }
    /// XML Schema boolean: "1"/"true" (also "on", which some writers emit).
    public func bool(_ name: StaticString) -> Bool? {
        guard let p = pointer(name) else { return nil }
        switch String(cString: p) {
        case "1", "true", "True", "TRUE", "on": return true
        default: return false
        }
    }
}

/// Receives SAX events from `XMLStream`. Throwing stops the parse with that error.
public protocol XMLHandler: AnyObject {
    func startElement(_ name: XMLName, _ attrs: XMLAttributes) throws
    func endElement(_ name: XMLName) throws
    func characters(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// Streams one zip part through `XMLScanner`, chunk by chunk: memory does not grow with the part.
/// DTDs are refused outright (OOXML never has one), so neither entity expansion
/// nor external entities can happen.
public enum XMLStream {
    /// Bytes inflated per step, straight into the scanner's buffer.
    static let chunk = 1 << 16

    /// Parses a part, inflating it on a second thread when it is big (`PartPrefetch`).
    public static func parse(_ archive: ZipArchive, part: String, handler: XMLHandler) throws {
        try parse(archive, part: part, prefetched: archive.prefetch(part), handler: handler)
    }

    /// Parses a part whose inflation may already be under way on another thread (`prefetched`,
    /// from `ZipArchive.prefetch`); without one, inflates inline into the scanner's buffer.
    public static func parse(_ archive: ZipArchive, part: String, prefetched: PartPrefetch?, handler: XMLHandler) throws {
        defer { prefetched?.finish() }
        let scanner = XMLScanner(handler: handler, file: archive.path, part: part)
        do {
            if let pre = prefetched {
                var more = true
                while more {
                    more = try pre.next { chunk in try scanner.feed(chunk) }
                }
                return
            }
            let stream = try archive.open(part)
            while true {
                let n = try stream.read(into: scanner.reserve(chunk), count: chunk)
                try scanner.commit(n)
                if n == 0 { break }
            }
        } catch let e as XLSXError {
            // Damage a handler found (line 0 there): the line the scanner stopped on.
            if case .damagedPart(let f, let pt, 0, let r) = e, scanner.line > 0 {
                throw XLSXError.damagedPart(file: f, part: pt, line: scanner.line, reason: r)
            }
            throw e
        }
    }

    /// Parses bytes already in memory (tests, and the fuzzer's comparison with expat).
    public static func parse(bytes: UnsafeRawBufferPointer, file: String = "-", part: String = "-", handler: XMLHandler, chunk: Int = 1 << 16) throws {
        let scanner = XMLScanner(handler: handler, file: file, part: part)
        var i = 0
        while i < bytes.count {
            let n = min(chunk, bytes.count - i)
            try scanner.feed(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + n)]))
            i += n
        }
        try scanner.commit(0)
    }
}
