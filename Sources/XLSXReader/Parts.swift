import GridKit
import XLSXCore

/// `_rels/*.rels`: relationship id → (type, target part).
struct Relationships {
    struct Rel { var id: String; var type: String; var target: String; var external: Bool }
    var rels: [Rel] = [] { didSet { ids = [:] } }
    /// Id → first relationship with it, built by `index()` once the part is read: a workbook of
    /// many sheets looked each up with a linear scan (100,000 sheets took minutes).
    private var ids: [String: Int] = [:]

    func byId(_ id: String) -> Rel? {
        if ids.isEmpty { return rels.first { $0.id == id } }
        return ids[id].map { rels[$0] }
    }

    /// Builds the id index once all relationships are read.
    mutating func index() {
        var d: [String: Int] = [:]
        d.reserveCapacity(rels.count)
        for (i, r) in rels.enumerated() where d[r.id] == nil { d[r.id] = i }
        ids = d
    }
    /// Matches on the type's last segment, so Transitional and Strict URIs both work.
    func byType(_ suffix: String) -> Rel? { rels.first { $0.type.hasSuffix("/" + suffix) } }

    static func relsPart(for part: String) -> String {
        let (dir, base) = splitPath(part)
        return (dir.isEmpty ? "" : dir + "/") + "_rels/" + base + ".rels"
    }

    /// Resolves a target against the part that names it: absolute (`/xl/x.xml`) or relative (`../x.xml`).
    static func resolve(_ target: String, from source: String) -> String {
        var comps: [Substring]
        if target.hasPrefix("/") {
            comps = []
        } else {
            comps = splitPath(source).dir.split(separator: "/")
        }
        for c in target.split(separator: "/") {
            if c == "." || c.isEmpty { continue }
            if c == ".." { if !comps.isEmpty { comps.removeLast() }; continue }
            comps.append(c)
        }
        return comps.joined(separator: "/")
    }

    static func splitPath(_ p: String) -> (dir: String, base: String) {
        var s = p
        while s.hasPrefix("/") { s.removeFirst() }
        if let slash = s.lastIndex(of: "/") {
            return (String(s[..<slash]), String(s[s.index(after: slash)...]))
        }
        return ("", s)
    }

    static func read(_ zip: ZipArchive, for part: String) throws -> Relationships {
        let relsPart = relsPart(for: part)
        guard zip.has(relsPart) else { return Relationships() }
        final class H: XMLHandler {
            var out = Relationships()
            func startElement(_ name: XMLName, _ a: XMLAttributes) throws {
                guard name.is("Relationship") else { return }
                out.rels.append(Rel(id: a["Id"] ?? "", type: a["Type"] ?? "", target: a["Target"] ?? "",
                                    external: a["TargetMode"] == "External"))
            }
            func endElement(_ name: XMLName) throws {}
            func characters(_ bytes: UnsafeBufferPointer<UInt8>) {}
        }
        let h = H()
        try XMLStream.parse(zip, part: relsPart, handler: h)
        var out = h.out
        out.index()
        return out
    }
}

/// `workbook.xml`: the sheets in order, and the date system.
final class WorkbookPartHandler: XMLHandler {
    struct Entry { var name: String; var state: SheetState; var relId: String }
    var sheets: [Entry] = []
    var date1904 = false
    func startElement(_ name: XMLName, _ a: XMLAttributes) throws {
        if name.is("sheet") {
            let state = SheetState(rawValue: a["state"] ?? "visible") ?? .visible
            sheets.append(Entry(name: a["name"] ?? "", state: state, relId: a["id"] ?? ""))
        } else if name.is("workbookPr") {
            date1904 = a.bool("date1904") ?? false
        }
    }
    func endElement(_ name: XMLName) throws {}
    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {}
}

/// `sharedStrings.xml`: rich-text runs are concatenated, phonetic runs (`rPh`) skipped.
final class SharedStringsHandler: XMLHandler {
    var strings: [String] = []
    var text: TextBuffer
    var inT = false, inRPh = false, inSI = false
    let maxCount: Int
    let file: String, part: String
    init(limits: XLSXLimits, file: String, part: String) {
        text = TextBuffer(limit: limits.maxStringBytes)
        maxCount = limits.maxSharedStrings
        self.file = file; self.part = part
    }
    func startElement(_ name: XMLName, _ a: XMLAttributes) throws {
        if name.is("si") {
            inSI = true; text.reset()
            if strings.count >= maxCount {
                throw XLSXError.limitExceeded(file: file, part: part, what: "more than \(maxCount) shared strings")
            }
        } else if name.is("rPh") { inRPh = true
        } else if name.is("t") { inT = true }
    }
    func endElement(_ name: XMLName) throws {
        if name.is("si") {
            if text.overflow {
                throw XLSXError.limitExceeded(file: file, part: part, what: "a string longer than \(text.limit) bytes")
            }
            strings.append(OOXMLText.unescape(text.string)); inSI = false
        } else if name.is("rPh") { inRPh = false
        } else if name.is("t") { inT = false }
    }
    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        if inSI && inT && !inRPh { text.append(bytes) }
    }
}

/// `styles.xml`: per cell format, bold, wrapped, date-formatted, font size.
final class StylesHandler: XMLHandler {
    var fonts: [(bold: Bool, size: Double?)] = []
    var formats: [CellFormat] = []
    var customDateFormats: Set<Int> = []
    private var inFonts = false, inCellXfs = false, inXf = false
    private var xf = CellFormat()

    static func isBuiltinDate(_ id: Int) -> Bool { (14...22).contains(id) || (45...47).contains(id) || (27...36).contains(id) || (50...58).contains(id) }

    func startElement(_ name: XMLName, _ a: XMLAttributes) throws {
        if name.is("numFmt") {
            if let id = a.int("numFmtId"), let code = a["formatCode"] {
                // A date format has d, m or y outside quotes and brackets.
                var inQuote = false, inBracket = false, date = false
                for ch in code.lowercased() {
                    if ch == "\"" { inQuote.toggle() } else if ch == "[" { inBracket = true } else if ch == "]" { inBracket = false }
                    else if !inQuote && !inBracket && (ch == "d" || ch == "y" || ch == "m") { date = true }
                }
                if date { customDateFormats.insert(id) }
            }
        } else if name.is("fonts") { inFonts = true
        } else if name.is("font") && inFonts { fonts.append((false, nil))
        } else if name.is("b") && inFonts, !fonts.isEmpty {
            fonts[fonts.count - 1].bold = a.bool("val") ?? true
        } else if name.is("sz") && inFonts, !fonts.isEmpty {
            fonts[fonts.count - 1].size = a.double("val")
        } else if name.is("cellXfs") { inCellXfs = true
        } else if name.is("xf") && inCellXfs {
            inXf = true
            xf = CellFormat()
            if let f = a.int("fontId"), f < fonts.count { xf.bold = fonts[f].bold; xf.fontSize = fonts[f].size }
            if let n = a.int("numFmtId") { xf.isDate = StylesHandler.isBuiltinDate(n) || customDateFormats.contains(n) }
        } else if name.is("alignment") && inXf {
            xf.wrap = a.bool("wrapText") ?? false
        }
    }
    func endElement(_ name: XMLName) throws {
        if name.is("fonts") { inFonts = false
        } else if name.is("cellXfs") { inCellXfs = false
        } else if name.is("xf") && inCellXfs { formats.append(xf); inXf = false }
    }
    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {}
}
