import Foundation
import KaopingJobs
import XCTest
@testable import KaopingModel

// Issue 11, point 10: the reader's own quirks, each in a small package of our own making
// (zipped by python3's zipfile, the parts written as the odd writers do).

/// A minimal .xlsx from its parts: workbook, rels, content types, styles, and what the test gives.
enum HandMade {
    static func xlsx(_ path: String, sheets: [String], strings: [String]? = nil, extra: [String: String] = [:],
                     directories: [String] = [], workbookExtra: String = "") throws {
        var parts: [String: String] = [:]
        let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let rns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        parts["[Content_Types].xml"] = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>
        """
        parts["_rels/.rels"] = """
        <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\(rns)/officeDocument" Target="xl/workbook.xml"/></Relationships>
        """
        let sheetEls = sheets.indices.map { "<sheet name=\"Sheet\($0 + 1)\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }.joined()
        parts["xl/workbook.xml"] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"\(ns)\" xmlns:r=\"\(rns)\"><sheets>\(sheetEls)</sheets>\(workbookExtra)</workbook>"
        var rels = sheets.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"\(rns)/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined()
        if let strings {
            rels += "<Relationship Id=\"rIdS\" Type=\"\(rns)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
            parts["xl/sharedStrings.xml"] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"\(ns)\" count=\"\(strings.count)\" uniqueCount=\"\(strings.count)\">"
                + strings.map { "<si><t>\($0)</t></si>" }.joined() + "</sst>"
        }
        parts["xl/_rels/workbook.xml.rels"] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(rels)</Relationships>"
        for (i, s) in sheets.enumerated() {
            parts["xl/worksheets/sheet\(i + 1).xml"] = s.hasPrefix("<?xml") ? s : "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"\(ns)\" xmlns:r=\"\(rns)\">\(s)</worksheet>"
        }
        for (k, v) in extra { parts[k] = v }
        let json = try JSONSerialization.data(withJSONObject: ["parts": parts, "dirs": directories])
        let spec = path + ".json"
        try json.write(to: URL(fileURLWithPath: spec))
        try Office.sh("""
        python3 -c 'import json,sys,zipfile
        d=json.load(open(sys.argv[1]))
        z=zipfile.ZipFile(sys.argv[2],"w",zipfile.ZIP_DEFLATED)
        [z.writestr(n, b"") for n in d["dirs"]]
        [z.writestr(n, t.encode()) for n, t in sorted(d["parts"].items())]
        z.close()' \(Office.quoted(spec)) \(Office.quoted(path))
        """)
    }
}

final class MessyTestsReader: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func path(_ name: String = #function) -> String { dir + "/" + name.filter { $0.isLetter || $0.isNumber } + ".xlsx" }

    func testAnEmptySharedStringValueIsAnEmptyCell() throws {
        try HandMade.xlsx(path(), sheets: ["""
        <sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v/></c><c r="C1" t="s"><v></v></c><c r="D1" t="s"><v>1</v></c></row></sheetData>
        """], strings: ["甲", "乙"])
        let g = try Workbook(path: path()).loadGrid(0)
        XCTAssertEqual(g.value(1, 1), .string("甲"))
        XCTAssertNil(g.value(1, 2)); XCTAssertNil(g.value(1, 3))
        XCTAssertEqual(g.value(1, 4), .string("乙"))
    }

    func testASharedStringIndexPastTheTableIsStillRefused() throws {
        try HandMade.xlsx(path(), sheets: ["<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row></sheetData>"], strings: ["甲"])
        XCTAssertThrowsError(try Workbook(path: path()).loadGrid(0))
    }

    func testAnInlineStringThatAlsoCarriesAValue() throws {
        try HandMade.xlsx(path(), sheets: ["""
        <sheetData><row r="1"><c r="A1" t="inlineStr"><v>1.</v><is><t>1.0</t></is></c><c r="B1" t="inlineStr"><is><t>文字</t></is><v>9</v></c><c r="C1" t="inlineStr"><is><r><t>分</t></r><r><t>段</t></r></is></c></row></sheetData>
        """])
        let g = try Workbook(path: path()).loadGrid(0)
        XCTAssertEqual(g.value(1, 1), .string("1.0"))
        XCTAssertEqual(g.value(1, 2), .string("文字"))
        XCTAssertEqual(g.value(1, 3), .string("分段"))
    }
}
