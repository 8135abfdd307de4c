import CZip
import Foundation
import GridKit
import XLSXReader
import XCTest
import XLSXCore

/// Namespaces used by the fixtures.
enum NS {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let pkgRels = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let contentTypes = "http://schemas.openxmlformats.org/package/2006/content-types"
    static let strictMain = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    static let strictRel = "http://purl.oclc.org/ooxml/officeDocument/relationships"

    static func relType(_ kind: String, strict: Bool = false) -> String {
        (strict ? strictRel : rel) + "/" + kind
    }
}

/// Writes zips with libzip, the same library the reader uses.
enum ZipWriter {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Zips `parts` (name → bytes) into `path`, entries in the given order.
    static func write(_ parts: [(String, [UInt8])], to path: String, compress: Bool = true) throws {
        var err: Int32 = 0
        guard let za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err) else {
            throw Failure(description: "zip_open(\(path)) failed: \(err)")
        }
        for (name, bytes) in parts {
            // libzip reads the buffer at zip_close; hand it a malloc'd copy it frees itself (freep = 1).
            let count = bytes.count
            let mem = malloc(max(count, 1))!
            bytes.withUnsafeBytes { src in
                if count > 0 { mem.copyMemory(from: src.baseAddress!, byteCount: count) }
            }
            guard let src = zip_source_buffer(za, mem, zip_uint64_t(count), 1) else {
                free(mem)
                let msg = String(cString: zip_strerror(za))
                zip_discard(za)
                throw Failure(description: "zip_source_buffer: \(msg)")
            }
            let idx = zip_file_add(za, name, src, zip_flags_t(ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8))
            if idx < 0 {
                zip_source_free(src)
                let msg = String(cString: zip_strerror(za))
                zip_discard(za)
                throw Failure(description: "zip_file_add(\(name)): \(msg)")
            }
            if !compress {
                _ = zip_set_file_compression(za, zip_uint64_t(idx), ZIP_CM_STORE, 0)
            }
        }
        if zip_close(za) != 0 {
            let msg = String(cString: zip_strerror(za))
            zip_discard(za)
            throw Failure(description: "zip_close: \(msg)")
        }
    }
}

/// Builds workbooks in temp files and removes them when the test ends.
class XLSXTestCase: XCTestCase {
    private var tempPaths: [String] = []

    override func tearDown() {
        for p in tempPaths { try? FileManager.default.removeItem(atPath: p) }
        tempPaths.removeAll()
        super.tearDown()
    }

    func tempPath(_ ext: String = "xlsx") -> String {
        let p = FileManager.default.temporaryDirectory
            .appendingPathComponent("wbtest-\(UUID().uuidString).\(ext)").path
        tempPaths.append(p)
        return p
    }

    /// Zips `[partName: xml]` into a temp file and returns its path.
    func makeZip(_ parts: [String: String]) throws -> String {
        try makeZip(bytes: parts.mapValues { Array($0.utf8) })
    }

    func makeZip(bytes parts: [String: [UInt8]], compress: Bool = true) throws -> String {
        let p = tempPath()
        // [Content_Types].xml first, as real writers do; the rest sorted for a stable layout.
        let ordered = parts.sorted { a, b in
            if a.key == "[Content_Types].xml" { return b.key != a.key }
            if b.key == "[Content_Types].xml" { return false }
            return a.key < b.key
        }
        try ZipWriter.write(ordered.map { ($0.key, $0.value) }, to: p, compress: compress)
        return p
    }

    func writeFile(_ bytes: [UInt8], ext: String = "xlsx") throws -> String {
        let p = tempPath(ext)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    // MARK: - Standard package parts

    struct SheetSpec {
        var name: String
        var state: String? = nil
        var xml: String
        /// Where the worksheet lives in the zip, and how workbook.xml.rels names it.
        var part: String? = nil
        var target: String? = nil
    }

    /// A Transitional package: content types, root rels, workbook, its rels, the sheets and optional parts.
    func package(sheets: [SheetSpec], sharedStrings: String? = nil, styles: String? = nil,
                 workbookPr: String = "") -> [String: String] {
        var parts: [String: String] = [:]
        var overrides = ""
        var rels = ""
        var sheetEls = ""
        for (i, s) in sheets.enumerated() {
            let part = s.part ?? "xl/worksheets/sheet\(i + 1).xml"
            let target = s.target ?? String(part.dropFirst("xl/".count))
            parts[part] = s.xml
            overrides += #"<Override PartName="/\#(part)" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
            rels += #"<Relationship Id="rId\#(i + 1)" Type="\#(NS.relType("worksheet"))" Target="\#(target)"/>"#
            let state = s.state.map { #" state="\#($0)""# } ?? ""
            sheetEls += #"<sheet name="\#(s.name)" sheetId="\#(i + 1)"\#(state) r:id="rId\#(i + 1)"/>"#
        }
        if let sharedStrings {
            parts["xl/sharedStrings.xml"] = sharedStrings
            rels += #"<Relationship Id="rIdSS" Type="\#(NS.relType("sharedStrings"))" Target="sharedStrings.xml"/>"#
        }
        if let styles {
            parts["xl/styles.xml"] = styles
            rels += #"<Relationship Id="rIdST" Type="\#(NS.relType("styles"))" Target="styles.xml"/>"#
        }
        parts["[Content_Types].xml"] = contentTypes(overrides)
        parts["_rels/.rels"] = rootRels(target: "xl/workbook.xml")
        parts["xl/workbook.xml"] = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="\(NS.main)" xmlns:r="\(NS.rel)">\(workbookPr)<sheets>\(sheetEls)</sheets></workbook>
            """
        parts["xl/_rels/workbook.xml.rels"] = relsXML(rels)
        return parts
    }

    func contentTypes(_ overrides: String = "") -> String {
        #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="\#(NS.contentTypes)"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>\#(overrides)</Types>"#
    }

    func rootRels(target: String, type: String = NS.relType("officeDocument")) -> String {
        relsXML(#"<Relationship Id="rId1" Type="\#(type)" Target="\#(target)"/>"#)
    }

    func relsXML(_ body: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="\#(NS.pkgRels)">\#(body)</Relationships>"#
    }

    /// A worksheet around `sheetData` content, with optional parts before and after it.
    func sheetXML(_ rows: String, before: String = "", after: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="\(NS.main)" xmlns:r="\(NS.rel)">\(before)<sheetData>\(rows)</sheetData>\(after)</worksheet>
        """
    }

    func sharedStringsXML(_ items: [String]) -> String {
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="\#(NS.main)" count="\#(items.count)" uniqueCount="\#(items.count)">"#
            + items.joined() + "</sst>"
    }

    /// One-sheet workbook, opened.
    func openOneSheet(_ rows: String, before: String = "", after: String = "", sharedStrings: [String]? = nil,
                      styles: String? = nil, limits: XLSXLimits = .default) throws -> (Workbook, SheetInfo) {
        let parts = package(sheets: [SheetSpec(name: "Sheet1", xml: sheetXML(rows, before: before, after: after))],
                            sharedStrings: sharedStrings.map(sharedStringsXML), styles: styles)
        let wb = try Workbook(path: try makeZip(parts), limits: limits)
        return (wb, try wb.sheet(named: "Sheet1"))
    }

    func loadOneSheet(_ rows: String, before: String = "", after: String = "", sharedStrings: [String]? = nil,
                      styles: String? = nil) throws -> Grid {
        let (wb, info) = try openOneSheet(rows, before: before, after: after, sharedStrings: sharedStrings, styles: styles)
        return try wb.load(info)
    }

    // MARK: - Assertions

    /// Runs `body`, expecting an `XLSXError` that `match` accepts; returns the error.
    @discardableResult
    func assertXLSXError<T>(_ body: @autoclosure () throws -> T, _ what: String,
                            file: StaticString = #filePath, line: UInt = #line,
                            _ match: (XLSXError) -> Bool) -> XLSXError? {
        do {
            let r = try body()
            XCTFail("expected \(what), got a result: \(r)", file: file, line: line)
            return nil
        } catch let e as XLSXError {
            XCTAssertTrue(match(e), "expected \(what), got \(e)", file: file, line: line)
            return e
        } catch {
            XCTFail("expected \(what), got non-XLSX error \(error)", file: file, line: line)
            return nil
        }
    }
}

/// A cell position from an A1 reference, for readable assertions.
func rc(_ ref: String) -> (Int, Int) {
    guard let p = CellRef.parse(Substring(ref)) else { fatalError("bad ref \(ref)") }
    return (p.row, p.col)
}

extension Grid {
    func cell(_ ref: String) -> Cell? { let (r, c) = rc(ref); return cell(r, c) }
    func value(_ ref: String) -> CellValue? { let (r, c) = rc(ref); return value(r, c) }
}
