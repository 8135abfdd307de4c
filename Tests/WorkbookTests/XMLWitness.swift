// expat as the witness for XMLScanner: set up as Kaoping's reader had it before issue 16
// (namespace processing on, every part read as UTF-8, a DTD stops the parse), and the same
// events recorded from both. Shared by WorkbookTests (ScannerTests) and the differential fuzzer
// (scripts/fuzz-xml.sh compiles this file beside Fuzz/FuzzXML.swift); no XCTest here.

import CExpat
import XLSXCore

enum XMLWitness {
    /// What a parser made of a document: its events, or that it refused it (and why).
    enum Outcome: Equatable, CustomStringConvertible {
        case events([String])
        case dtd
        case rejected(String)
        var accepted: Bool { if case .events = self { return true } else { return false } }
        var description: String {
            switch self {
            case .events(let e): return "events(\(e.count)): " + e.prefix(40).joined(separator: " | ")
            case .dtd: return "DTD refused"
            case .rejected(let r): return "rejected: \(r)"
            }
        }
    }

    /// Events as strings: `S name\u{1}attr\u{1}value…`, `E name`, `T text` (adjacent texts joined).
    final class Recorder: XMLHandler {
        var events: [String] = []
        var text: [UInt8] = []
        func flush() {
            if !text.isEmpty { events.append("T" + String(decoding: text, as: UTF8.self)); text.removeAll() }
        }
        func start(_ name: String, _ attrs: [(String, String)]) {
            flush()
            events.append("S" + name + attrs.map { "\u{1}" + $0.0 + "\u{1}" + $0.1 }.joined())
        }
        func end(_ name: String) { flush(); events.append("E" + name) }
        func startElement(_ name: XMLName, _ a: XMLAttributes) throws {
            var list: [(String, String)] = []
            a.forEach { n, v in list.append((n.string, String(cString: v))) }
            start(name.string, list)
        }
        func endElement(_ name: XMLName) throws { end(name.string) }
        func characters(_ bytes: UnsafeBufferPointer<UInt8>) { text += bytes }
    }

    /// The scanner, fed `chunk` bytes at a time.
    static func scanner(_ bytes: [UInt8], chunk: Int = 1 << 16) -> Outcome {
        let r = Recorder()
        do {
            try bytes.withUnsafeBytes { try XMLStream.parse(bytes: $0, handler: r, chunk: max(chunk, 1)) }
        } catch XLSXError.forbiddenDTD {
            return .dtd
        } catch {
            return .rejected("\(error)")
        }
        r.flush()
        return .events(r.events)
    }

    private final class Box {
        let r = Recorder()
        var dtd = false
        var parser: OpaquePointer?
    }

    /// The local part of expat's `uri\u{1}local`.
    private static func local(_ p: UnsafePointer<CChar>) -> String {
        let s = String(cString: p)
        if let i = s.lastIndex(of: "\u{1}") { return String(s[s.index(after: i)...]) }
        return s
    }

    static func expat(_ bytes: [UInt8]) -> Outcome {
        var sep: CChar = 0x01
        guard let p = withUnsafePointer(to: &sep, { XML_ParserCreateNS("UTF-8", $0.pointee) }) else { return .rejected("no parser") }
        defer { XML_ParserFree(p) }
        let box = Box()
        box.parser = p
        let u = Unmanaged.passUnretained(box)
        XML_SetUserData(p, u.toOpaque())
        XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER)
        XML_SetElementHandler(p, { ud, name, attrs in
            let b = Unmanaged<Box>.fromOpaque(ud!).takeUnretainedValue()
            var list: [(String, String)] = []
            var i = 0
            while let k = attrs![i], let v = attrs![i + 1] { list.append((XMLWitness.local(k), String(cString: v))); i += 2 }
            b.r.start(XMLWitness.local(name!), list)
        }, { ud, name in
            Unmanaged<Box>.fromOpaque(ud!).takeUnretainedValue().r.end(XMLWitness.local(name!))
        })
        XML_SetCharacterDataHandler(p, { ud, s, len in
            let b = Unmanaged<Box>.fromOpaque(ud!).takeUnretainedValue()
            UnsafeRawPointer(s!).withMemoryRebound(to: UInt8.self, capacity: Int(len)) {
                b.r.text += UnsafeBufferPointer(start: $0, count: Int(len))
            }
        })
        XML_SetStartDoctypeDeclHandler(p, { ud, _, _, _, _ in
            let b = Unmanaged<Box>.fromOpaque(ud!).takeUnretainedValue()
            b.dtd = true
            XML_StopParser(b.parser, XML_FALSE)
        })
        let ok = (bytes.isEmpty ? [0] : bytes).withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                XML_Parse(p, $0, Int32(bytes.count), 1)
            }
        }
        if box.dtd { return .dtd }
        guard ok == XML_STATUS_OK else {
            let why = XML_ErrorString(XML_GetErrorCode(p)).map { String(cString: $0) } ?? "error"
            return .rejected(why + " at byte \(XML_GetCurrentByteIndex(p))")
        }
        box.r.flush()
        return .events(box.r.events)
    }

    /// The scanner's promise: whatever expat reads, it reads the same, in any chunking; whatever
    /// expat refuses as a DTD, it refuses too. Nil when kept, else what broke it.
    static func compare(_ bytes: [UInt8], chunks: [Int] = [1 << 16, 1, 7]) -> String? {
        let want = expat(bytes)
        for c in chunks {
            let got = scanner(bytes, chunk: c)
            switch want {
            case .events: if got != want { return "chunk \(c): expat \(want)\nscanner \(got)" }
            case .dtd: if got != .dtd { return "chunk \(c): expat refused a DTD, scanner \(got)" }
            case .rejected: break
            }
        }
        return nil
    }
}
