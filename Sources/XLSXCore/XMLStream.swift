import CExpat
#if canImport(Glibc)
import Glibc
#endif

/// An element's local name as expat hands it over: namespaces are resolved, so `x:c` in
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
            if XMLName(raw: XMLStream.local(k)).is(name) { return raw[i + 1] }
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
            try body(XMLName(raw: XMLStream.local(k)), v)
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

/// Streams one zip part through expat, chunk by chunk: memory does not grow with the part.
/// DTDs are refused outright (OOXML never has one), so neither entity expansion
/// nor external entities can happen.
public enum XMLStream {
    @usableFromInline static let separator: CChar = 0x01

    @inlinable @inline(__always) static func local(_ name: UnsafePointer<CChar>) -> UnsafePointer<CChar> {
        // Short names (attributes, mostly unprefixed: `r`, `s`, `t`) are settled inline; a name
        // holds at most one separator, since XML 1.0 allows no U+0001 in a namespace URI.
        var i = 0
        while i < 8 {
            let b = name[i]
            if b == 0 { return name }
            if b == 0x01 { return name + i + 1 }
            i += 1
        }
        // The separator as a literal: reading the static here cost a `swift_once` check per name.
        if let p = strrchr(name, 0x01) { return UnsafePointer(p + 1) }
        return name
    }

    final class Context {
        let handler: XMLHandler
        var error: Error?
        /// Set with `error` or `dtd`: the one flag every callback reads, unchecked for speed.
        @exclusivity(unchecked) var stopped = false
        var dtd = false
        var parser: OpaquePointer?
        init(handler: XMLHandler) { self.handler = handler }
        /// Stops expat at once, so nothing after the offending token is expanded or read.
        func stop(_ e: Error? = nil) {
            if error == nil { error = e }
            stopped = true
            if let parser { XML_StopParser(parser, XML_FALSE) }
        }
    }

    /// Bytes inflated per step; expat parses each step in place (`XML_GetBuffer`), no copy.
    static let chunk = 1 << 16

    /// Parses a part, inflating it on a second thread when it is big (`PartPrefetch`).
    public static func parse(_ archive: ZipArchive, part: String, handler: XMLHandler) throws {
        try parse(archive, part: part, prefetched: archive.prefetch(part), handler: handler)
    }

    /// Parses a part whose inflation may already be under way on another thread (`prefetched`,
    /// from `ZipArchive.prefetch`); without one, inflates inline into expat's own buffer.
    public static func parse(_ archive: ZipArchive, part: String, prefetched: PartPrefetch?, handler: XMLHandler) throws {
        defer { prefetched?.finish() }
        var sep = separator
        guard let parser = withUnsafePointer(to: &sep, { XML_ParserCreateNS("UTF-8", $0.pointee) }) else {
            throw XLSXError.unreadable(file: archive.path, reason: "XML parser could not be created")
        }
        defer { XML_ParserFree(parser) }
        let ctx = Context(handler: handler)
        ctx.parser = parser
        let unmanaged = Unmanaged.passUnretained(ctx)
        XML_SetUserData(parser, unmanaged.toOpaque())
        XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER)
        // The callbacks borrow the context (`_withUnsafeGuaranteedRef`): `ctx` outlives the parse,
        // so no retain and release per event.
        XML_SetElementHandler(parser, { ud, name, attrs in
            Unmanaged<Context>.fromOpaque(ud!)._withUnsafeGuaranteedRef { c in
                guard !c.stopped else { return }
                do {
                    try c.handler.startElement(XMLName(raw: XMLStream.local(name!)), XMLAttributes(raw: attrs!))
                } catch {
                    c.stop(error)
                }
            }
        }, { ud, name in
            Unmanaged<Context>.fromOpaque(ud!)._withUnsafeGuaranteedRef { c in
                guard !c.stopped else { return }
                do { try c.handler.endElement(XMLName(raw: XMLStream.local(name!))) } catch { c.stop(error) }
            }
        })
        XML_SetCharacterDataHandler(parser, { ud, s, len in
            Unmanaged<Context>.fromOpaque(ud!)._withUnsafeGuaranteedRef { c in
                guard !c.stopped, let s else { return }
                UnsafeRawPointer(s).withMemoryRebound(to: UInt8.self, capacity: Int(len)) {
                    c.handler.characters(UnsafeBufferPointer(start: $0, count: Int(len)))
                }
            }
        })
        XML_SetStartDoctypeDeclHandler(parser, { ud, _, _, _, _ in
            let c = Unmanaged<Context>.fromOpaque(ud!).takeUnretainedValue()
            c.dtd = true
            c.stop()
        })
        XML_SetEntityDeclHandler(parser, { ud, _, _, _, _, _, _, _, _ in
            let c = Unmanaged<Context>.fromOpaque(ud!).takeUnretainedValue()
            c.dtd = true
            c.stop()
        })

        func fail(_ p: OpaquePointer) throws -> Never {
            let line = Int(XML_GetCurrentLineNumber(p))
            if ctx.dtd { throw XLSXError.forbiddenDTD(file: archive.path, part: part, line: line) }
            if let e = ctx.error {
                // Damage a handler found (line 0 there): the line expat stopped on.
                if case .damagedPart(let f, let pt, 0, let r)? = e as? XLSXError, line > 0 {
                    throw XLSXError.damagedPart(file: f, part: pt, line: line, reason: r)
                }
                throw e
            }
            let msg = XML_ErrorString(XML_GetErrorCode(p)).map { String(cString: $0) } ?? "XML error"
            throw XLSXError.damagedPart(file: archive.path, part: part, line: line, reason: msg)
        }

        if let pre = prefetched {
            var more = true
            while more {
                more = try pre.next { chunk in
                    let p = chunk.baseAddress?.assumingMemoryBound(to: CChar.self)
                    if XML_Parse(parser, p, Int32(chunk.count), chunk.count == 0 ? 1 : 0) != XML_STATUS_OK
                        || ctx.stopped || ctx.dtd {
                        try fail(parser)
                    }
                }
            }
            return
        }
        let stream = try archive.open(part)
        while true {
            guard let buf = XML_GetBuffer(parser, Int32(chunk)) else {
                throw XLSXError.unreadable(file: archive.path, reason: "out of memory parsing \(part)")
            }
            let n = try stream.read(into: buf, count: chunk)
            // The last call (n == 0) tells expat the document is complete.
            if XML_ParseBuffer(parser, Int32(n), n == 0 ? 1 : 0) != XML_STATUS_OK || ctx.stopped || ctx.dtd {
                try fail(parser)
            }
            if n == 0 { break }
        }
    }
}
