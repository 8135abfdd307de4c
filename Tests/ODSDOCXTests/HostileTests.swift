import DOCXReader
import Foundation
import ODSReader
import GridKit
import XLSXReader
import XCTest
import XLSXCore

/// Hand-built .ods files: the structures LibreOffice writes, and hostile ones. Each hostile file
/// ends in a thrown `XLSXError`; none is expanded cell by cell.
final class ODSHostileTests: ZipTestCase {
    static let head = """
    <?xml version="1.0" encoding="UTF-8"?>
    <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
    xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
    xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" \
    xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2">
    """

    func ods(_ rows: String, styles: String = "", name: String = "S") throws -> String {
        let xml = ODSHostileTests.head + "<office:automatic-styles>\(styles)</office:automatic-styles>"
            + "<office:body><office:spreadsheet><table:table table:name=\"\(name)\" table:style-name=\"ta1\">\(rows)</table:table></office:spreadsheet></office:body></office:document-content>"
        return try zip([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", xml)], ext: "ods")
    }

    func load(_ path: String) throws -> Grid { try ODSBook(path: path).loadGrid(0) }

    func testValuesTextAndRepeats() throws {
        let p = try ods("""
        <table:table-column table:number-columns-repeated="2" table:visibility="collapse"/>
        <table:table-header-rows><table:table-row>\
        <table:table-cell office:value-type="boolean" office:boolean-value="false"/>\
        <table:table-cell office:value-type="string"><text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d</text:p><text:p><text:span>e</text:span><text:a>f</text:a></text:p>\
        <office:annotation><text:p>comment, not the cell</text:p></office:annotation></table:table-cell>\
        <table:table-cell office:value-type="percentage" office:value="0.5" table:number-columns-repeated="2"/>\
        <table:table-cell office:value-type="time" office:time-value="PT12H00M00S"/>\
        <table:table-cell table:formula="of:=[.A9]" office:value-type="string" office:string-value=""><text:p>#REF!</text:p></table:table-cell>\
        </table:table-row></table:table-header-rows>
        <table:table-row table:number-rows-repeated="3" table:visibility="filter"><table:table-cell office:value-type="float" office:value="2" table:number-columns-spanned="2"/><table:covered-table-cell/></table:table-row>
        <table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
        """)
        let g = try load(p)
        XCTAssertEqual(g.value(1, 1), .bool(false))
        XCTAssertEqual(g.value(1, 2), .string("a   b\tc\nd\nef"))
        XCTAssertEqual(g.value(1, 3), .number(0.5))
        XCTAssertEqual(g.value(1, 4), .number(0.5))
        XCTAssertEqual(g.value(1, 5), .number(0.5))
        XCTAssertEqual(g.value(1, 6), .error("#REF!"))
        XCTAssertEqual(g.cell(1, 6)?.formula, "A9")
        for r in 2...4 { XCTAssertEqual(g.value(r, 1), .number(2)) }
        XCTAssertNil(g.value(5, 1))
        XCTAssertEqual(Set(g.merges), Set((2...4).map { CellRange(top: $0, left: 1, bottom: $0, right: 2) }))
        XCTAssertEqual(g.hiddenRows, [2, 3, 4])
        XCTAssertEqual(g.hiddenCols, [1, 2])
        XCTAssertEqual(g.cells.count, 9)
    }

    func testRepeatedValueBombIsRefused() throws {
        let cell = "<table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"1000000000\"/>"
        let e = assertRefused("column bomb") { _ = try load(try ods("<table:table-row>\(cell)</table:table-row>")) }
        if case .limitExceeded? = e {} else { XCTFail("\(String(describing: e))") }
        // A full-width row of values repeated over every row: 17 billion cells, refused before copying.
        let wide = "<table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"16384\"/>"
        assertRefused("row bomb") { _ = try load(try ods("<table:table-row table:number-rows-repeated=\"1048576\">\(wide)</table:table-row>")) }
        assertRefused("row bomb past the last row") {
            _ = try load(try ods("<table:table-row table:number-rows-repeated=\"1000000000\"><table:table-cell office:value-type=\"float\" office:value=\"1\"/></table:table-row>"))
        }
    }

    func testEmptyRepeatsCostNothingButValuesAfterThemAreBounded() throws {
        let empty = "<table:table-row table:number-rows-repeated=\"1000000000\"><table:table-cell table:number-columns-repeated=\"1000000000\"/></table:table-row>"
        let g = try load(try ods(String(repeating: empty, count: 50)))
        XCTAssertEqual(g.cells.count, 0)
        XCTAssertTrue(g.hiddenRows.isEmpty && g.rowHeights.isEmpty)
        assertRefused("value after a billion empty columns") {
            _ = try load(try ods("<table:table-row><table:table-cell table:number-columns-repeated=\"1000000000\"/><table:table-cell office:value-type=\"float\" office:value=\"1\"/></table:table-row>"))
        }
        assertRefused("value after a billion empty rows") {
            _ = try load(try ods(empty + "<table:table-row><table:table-cell office:value-type=\"float\" office:value=\"1\"/></table:table-row>"))
        }
    }

    func testHugeSpansAreRefused() throws {
        assertRefused("column span") {
            _ = try load(try ods("<table:table-row><table:table-cell table:number-columns-spanned=\"1000000000\"/></table:table-row>"))
        }
        assertRefused("row span") {
            _ = try load(try ods("<table:table-row><table:table-cell table:number-rows-spanned=\"1000000000\"/></table:table-row>"))
        }
        assertRefused("spans repeated past the merge limit") {
            let c = "<table:table-cell table:number-columns-spanned=\"2\" table:number-columns-repeated=\"8000\"/>"
            _ = try load(try ods("<table:table-row table:number-rows-repeated=\"1000\">\(c)</table:table-row>"))
        }
    }

    func testDeepNestingAndLongText() throws {
        let deep = String(repeating: "<text:span>", count: 50_000) + "x" + String(repeating: "</text:span>", count: 50_000)
        assertRefused("deep spans") { _ = try load(try ods("<table:table-row><table:table-cell><text:p>\(deep)</text:p></table:table-cell></table:table-row>")) }
        assertRefused("a billion spaces") {
            _ = try load(try ods("<table:table-row><table:table-cell><text:p><text:s text:c=\"1000000000\"/></text:p></table:table-cell></table:table-row>"))
        }
    }

    func testDTDMissingPartCutXMLAndNotZip() throws {
        let dtd = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><office:document-content>&b;</office:document-content>"
        let e1 = assertRefused("DTD") { _ = try ODSBook(path: try zip([("content.xml", dtd)], ext: "ods")) }
        if case .forbiddenDTD? = e1 {} else { XCTFail("\(String(describing: e1))") }
        let e2 = assertRefused("no content.xml") { _ = try ODSBook(path: try zip([("mimetype", "application/vnd.oasis.opendocument.spreadsheet")], ext: "ods")) }
        if case .missingPart? = e2 {} else { XCTFail("\(String(describing: e2))") }
        let full = ODSHostileTests.head + "<office:body><office:spreadsheet><table:table table:name=\"S\"><table:table-row><table:table-cell office:value-type=\"float\" office:value=\"1\"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
        let cut = String(full.prefix(full.count - 60))
        let e3 = assertRefused("cut XML") { _ = try ODSBook(path: try zip([("content.xml", cut)], ext: "ods")) }
        if case .damagedPart? = e3 {} else { XCTFail("\(String(describing: e3))") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("odsdocx-notzip.ods").path
        try Data("not a zip at all".utf8).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        assertRefused("not a zip") { _ = try ODSBook(path: path) }
        let book = try ODSBook(path: try zip([("content.xml", full)], ext: "ods"))
        assertRefused("sheet out of range") { _ = try book.loadGrid(5) }
    }

    func testTooManySheets() throws {
        let many = String(repeating: "</table:table><table:table table:name=\"x\">", count: ODSBook.maxSheets)
        assertRefused("\(ODSBook.maxSheets + 1) tables") { _ = try ODSBook(path: try ods(many)) }
    }

    func testStylesWidthsHeightsAndHiddenTable() throws {
        let styles = """
        <style:style style:name="co1" style:family="table-column"><style:table-column-properties style:column-width="1in"/></style:style>\
        <style:style style:name="ro1" style:family="table-row"><style:table-row-properties style:row-height="0.5in"/></style:style>\
        <style:style style:name="ta1" style:family="table"><style:table-properties table:display="false"/></style:style>\
        <style:style style:name="ce1" style:family="table-cell"><style:table-cell-properties fo:wrap-option="wrap"/><style:text-properties fo:font-weight="bold" fo:font-size="14pt"/></style:style>
        """
        let p = try ods("<table:table-column table:style-name=\"co1\"/><table:table-row table:style-name=\"ro1\"><table:table-cell table:style-name=\"ce1\" office:value-type=\"date\" office:date-value=\"1900-01-01\"/></table:table-row>", styles: styles)
        let book = try ODSBook(path: p)
        XCTAssertEqual(book.sheetList, [SheetEntry(name: "S", state: .hidden)])
        let g = try book.loadGrid(0)
        XCTAssertEqual(g.value(1, 1), .number(1))       // Excel's serial 1 is 1900-01-01
        let f = g.format(g.cell(1, 1)!)
        XCTAssertTrue(f.isDate && f.bold && f.wrap)
        XCTAssertEqual(f.fontSize, 14)
        XCTAssertEqual(g.rowHeights[1], 36)
        XCTAssertEqual(g.colWidths[1] ?? 0, (96 - 5) / 7, accuracy: 1e-9)   // 1 in = 96 px
    }
}

/// Hand-built Word documents: the structures Word writes, and hostile ones.
final class DOCXHostileTests: ZipTestCase {
    static let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
    static let tail = "<w:sectPr/></w:body></w:document>"

    func docx(_ body: String) throws -> String {
        try zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", DOCXHostileTests.head + body + DOCXHostileTests.tail)], ext: "docx")
    }
    static func p(_ s: String) -> String { "<w:p><w:r><w:t xml:space=\"preserve\">\(s)</w:t></w:r></w:p>" }
    static func tc(_ s: String, _ pr: String = "") -> String { "<w:tc><w:tcPr>\(pr)</w:tcPr>\(p(s))</w:tc>" }
    static func tr(_ cells: String, _ pr: String = "") -> String { "<w:tr><w:trPr>\(pr)</w:trPr>\(cells)</w:tr>" }
    static func tbl(_ rows: String, cols: Int) -> String {
        "<w:tbl><w:tblGrid>" + String(repeating: "<w:gridCol w:w=\"100\"/>", count: cols) + "</w:tblGrid>\(rows)</w:tbl>"
    }

    func testStructure() throws {
        typealias D = DOCXHostileTests
        let header = D.tr(D.tc("序号") + D.tc("指标") + D.tc("权重"))
        let rich = "<w:tc><w:p><w:hyperlink><w:r><w:t>链</w:t></w:r></w:hyperlink><w:ins><w:r><w:t>增</w:t></w:r></w:ins>"
            + "<w:del><w:r><w:delText>删</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText><w:t>页</w:t><w:tab/><w:t>后</w:t><w:br/><w:t>行</w:t></w:r></w:p>"
            + "<w:sdt><w:sdtContent><w:p><w:r><w:t>控件</w:t></w:r></w:p></w:sdtContent></w:sdt>"
            + D.tbl(D.tr(D.tc("内") + D.tc("表")), cols: 2) + "</w:tc>"
        let body = D.p("前文很长的方案") + D.p("") + D.p("2023年度某局绩效目标考评表") + D.p("参评单位（盖章）：某局")
            + D.tbl(header
                + D.tr(D.tc("1-1-1") + D.tc("甲", "<w:vMerge w:val=\"restart\"/>") + D.tc("2"))
                + D.tr(D.tc("1-1-2") + D.tc("", "<w:vMerge/>") + D.tc("01"))
                + D.tr(D.tc("合计", "<w:gridSpan w:val=\"2\"/>") + D.tc("4.5")), cols: 3)
            + "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"
            + D.tbl(header + D.tr(D.tc("旧", "<w:hMerge w:val=\"restart\"/>") + D.tc("", "<w:hMerge/>") + D.tc("-3"))
                + D.tr(D.tc("后", "") + D.tc("x"), "<w:gridBefore w:val=\"1\"/>")
                + D.tr(rich + D.tc("") + D.tc("")), cols: 3)
            + D.p("另一张表") + D.tbl(D.tr(D.tc("a")), cols: 1)
        let doc = try DOCXDocument(path: try docx(body))
        XCTAssertEqual(doc.sheetList.count, 2)
        let g = try doc.loadGrid(0)
        XCTAssertEqual(g.preamble, ["前文很长的方案", "2023年度某局绩效目标考评表", "参评单位（盖章）：某局"])
        XCTAssertEqual(g.value(1, 1), .string("序号"))
        XCTAssertEqual(g.value(2, 2), .string("甲"))
        XCTAssertEqual(g.value(2, 3), .number(2))
        XCTAssertEqual(g.value(3, 3), .string("01"))
        XCTAssertNil(g.value(3, 2))
        XCTAssertEqual(g.value(4, 1), .string("合计"))
        XCTAssertEqual(g.value(4, 3), .number(4.5))
        // The continued table: header dropped, rows counted on.
        XCTAssertEqual(g.value(5, 1), .string("旧"))
        XCTAssertEqual(g.value(5, 3), .number(-3))
        XCTAssertEqual(g.value(6, 2), .string("后"))
        XCTAssertEqual(g.value(6, 3), .string("x"))
        XCTAssertEqual(g.value(7, 1), .string("链增页\t后\n行\n控件\n内\n表"))
        XCTAssertEqual(g.maxRow, 7)
        XCTAssertEqual(Set(g.merges), [CellRange("B2:B3")!, CellRange("A4:B4")!, CellRange("A5:B5")!])
        let other = try doc.loadGrid(1)
        XCTAssertEqual(other.preamble, ["另一张表"])
        XCTAssertEqual(other.value(1, 1), .string("a"))
        assertRefused("table out of range") { _ = try doc.loadGrid(2) }
    }

    func testHostile() throws {
        typealias D = DOCXHostileTests
        let e1 = assertRefused("no document.xml") { _ = try DOCXDocument(path: try zip([("[Content_Types].xml", "<Types/>")], ext: "docx")) }
        if case .missingPart? = e1 {} else { XCTFail("\(String(describing: e1))") }
        let dtd = "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaa\">]><w:document xmlns:w=\"x\">&a;</w:document>"
        let e2 = assertRefused("DTD") { _ = try DOCXDocument(path: try zip([("word/document.xml", dtd)], ext: "docx")) }
        if case .forbiddenDTD? = e2 {} else { XCTFail("\(String(describing: e2))") }
        let whole = DOCXHostileTests.head + D.tbl(D.tr(D.tc("a")), cols: 1) + DOCXHostileTests.tail
        let e3 = assertRefused("cut XML") { _ = try DOCXDocument(path: try zip([("word/document.xml", String(whole.prefix(whole.count - 30)))], ext: "docx")) }
        if case .damagedPart? = e3 {} else { XCTFail("\(String(describing: e3))") }
        assertRefused("huge gridSpan") { _ = try DOCXDocument(path: try docx(D.tbl(D.tr(D.tc("a", "<w:gridSpan w:val=\"1000000000\"/>")), cols: 1))) }
        assertRefused("huge gridBefore") {
            _ = try DOCXDocument(path: try docx(D.tbl(D.tr(D.tc("a"), "<w:gridBefore w:val=\"1000000000\"/>"), cols: 1)))
        }
        let nested = String(repeating: "<w:tbl><w:tr><w:tc>", count: 5_000) + D.p("深") + String(repeating: "</w:tc></w:tr></w:tbl>", count: 5_000)
        assertRefused("tables nested 5,000 deep") { _ = try DOCXDocument(path: try docx(nested)) }
        // Three deep is a real (if odd) document: the innermost text stays in the outer cell.
        let three = String(repeating: "<w:tbl><w:tr><w:tc>", count: 3) + D.p("深") + String(repeating: "</w:tc></w:tr></w:tbl>", count: 3)
        let g = try DOCXDocument(path: try docx(three)).loadGrid(0)
        XCTAssertEqual(g.value(1, 1), .string("深"))
        let tables = String(repeating: D.p("文") + D.tbl(D.tr(D.tc("a")), cols: 1), count: DOCXDocument.maxTables + 1)
        assertRefused("\(DOCXDocument.maxTables + 1) tables") { _ = try DOCXDocument(path: try docx(tables)) }
        // Many tall vertical merges: each is one range, not a cell per row.
        let rows = D.tr(D.tc("a", "<w:vMerge w:val=\"restart\"/>")) + String(repeating: D.tr(D.tc("", "<w:vMerge/>")), count: 20_000)
        let tall = try DOCXDocument(path: try docx(D.tbl(rows, cols: 1))).loadGrid(0)
        XCTAssertEqual(tall.merges, [CellRange(top: 1, left: 1, bottom: 20_001, right: 1)])
    }
}
