import CExpat
#if canImport(Glibc)
import Glibc
#endif

/// An element's local name as expat hands it over: namespaces are resolved, so `x:c` in
/// Transitional and `c` in Strict both arrive as `c`. Valid only during the callback.
public struct XMLName {
    public let raw: UnsafePointer<CChar>
    @inline(__always) public func `is`(_ s: StaticString) -> Bool {
        strcmp(raw, UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }
    public var string: String { String(cString: raw) }
}

/// The attributes of a start tag, by local name. Valid only during the callback.
public struct XMLAttributes {
    let raw: UnsafeMutablePointer<UnsafePointer<CChar>?>

    /// The value of the attribute whose local name is `name`, without allocating a key.
    @inline(__always) public func pointer(_ name: StaticString) -> UnsafePointer<CChar>? {
        let key = UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
        var i = 0
        while let k = raw[i] {
            if strcmp(XMLStream.local(k), key) == 0 { return raw[i + 1] }
            i += 2
        }
        return nil
    }
    public subscript(_ name: StaticString) -> String? {
        pointer(name).map { String(cString: $0) }
    }
    /// Parses a non-negative integer attribute without allocating.
    public func int(_ name: StaticString) -> Int? {
        guard let p = pointer(name) else { return nil }
        var v = 0, i = 0, any = false
        while p[i] == 0x20 { i += 1 }
        while p[i] >= 0x30 && p[i] <= 0x39 {
            v = v &* 10 &+ Int(p[i] - 0x30); i += 1; any = true
            if v > 1 << 40 { return nil }
        }
        return any ? v : nil
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
    static let separator: CChar = 0x01

    @inline(__always) static func local(_ name: UnsafePointer<CChar>) -> UnsafePointer<CChar> {
        if let p = strrchr(name, Int32(separator)) { return UnsafePointer(p + 1) }
        return name
    }

    final class Context {
        let handler: XMLHandler
        var error: Error?
        var dtd = false
        var parser: OpaquePointer?
        init(handler: XMLHandler) { self.handler = handler }
        /// Stops expat at once, so nothing after the offending token is expanded or read.
        func stop(_ e: Error? = nil) {
            if error == nil { error = e }
            if let parser { XML_StopParser(parser, XML_FALSE) }
        }
    }

    public static func parse(_ archive: ZipArchive, part: String, handler: XMLHandler) throws {
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
        XML_SetElementHandler(parser, { ud, name, attrs in
            let c = Unmanaged<Context>.fromOpaque(ud!).takeUnretainedValue()
            guard c.error == nil else { return }
            do {
                try c.handler.startElement(XMLName(raw: XMLStream.local(name!)), XMLAttributes(raw: attrs!))
            } catch {
                c.stop(error)
            }
        }, { ud, name in
            let c = Unmanaged<Context>.fromOpaque(ud!).takeUnretainedValue()
            guard c.error == nil else { return }
            do { try c.handler.endElement(XMLName(raw: XMLStream.local(name!))) } catch { c.stop(error) }
        })
        XML_SetCharacterDataHandler(parser, { ud, s, len in
            let c = Unmanaged<Context>.fromOpaque(ud!).takeUnretainedValue()
            guard c.error == nil, let s else { return }
            s.withMemoryRebound(to: UInt8.self, capacity: Int(len)) {
                c.handler.characters(UnsafeBufferPointer(start: $0, count: Int(len)))
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
            if let e = ctx.error { throw e }
            let msg = XML_ErrorString(XML_GetErrorCode(p)).map { String(cString: $0) } ?? "XML error"
            throw XLSXError.damagedPart(file: archive.path, part: part, line: line, reason: msg)
        }

        try archive.read(part) { chunk in
            let ok = chunk.withMemoryRebound(to: CChar.self) {
                XML_Parse(parser, $0.baseAddress, Int32($0.count), 0)
            }
            if ok != XML_STATUS_OK || ctx.error != nil || ctx.dtd {
                try fail(parser)
            }
        }
        if XML_Parse(parser, nil, 0, 1) != XML_STATUS_OK || ctx.error != nil || ctx.dtd {
            try fail(parser)
        }
    }
}
