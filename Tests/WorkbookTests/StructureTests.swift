import Foundation
import GridKit
import XLSXReader
import XCTest
import XLSXCore

/// Finding the workbook and its sheets through the package relationships.
final class StructureTests: XLSXTestCase {
    private func oneCell(_ text: String) -> String {
        sheetXML(#"<row r="1"><c r="A1" t="inlineStr"><is><t>\#(text)</t></is></c></row>"#)
    }

    func testSheetsInWorkbookOrderWithStates() throws {
        // Parts deliberately named against their order, so a guess by position would pick the wrong one.
        let parts = package(sheets: [
            SheetSpec(name: "考评表", xml: oneCell("first"), part: "xl/worksheets/sheet3.xml"),
            SheetSpec(name: "Hidden One", state: "hidden", xml: oneCell("second"), part: "xl/worksheets/sheet1.xml"),
            SheetSpec(name: "Secret", state: "veryHidden", xml: oneCell("third"), part: "xl/worksheets/sheet2.xml"),
            SheetSpec(name: "Shown", state: "visible", xml: oneCell("fourth"), part: "xl/worksheets/sheet4.xml"),
        ])
        let wb = try Workbook(path: try makeZip(parts))
        XCTAssertEqual(wb.sheets.map(\.name), ["考评表", "Hidden One", "Secret", "Shown"])
        XCTAssertEqual(wb.sheets.map(\.state), [.visible, .hidden, .veryHidden, .visible])
        XCTAssertEqual(wb.sheets.map(\.part), ["xl/worksheets/sheet3.xml", "xl/worksheets/sheet1.xml",
                                               "xl/worksheets/sheet2.xml", "xl/worksheets/sheet4.xml"])
        let texts = try wb.sheets.map { try wb.load($0).value(1, 1) }
        XCTAssertEqual(texts, [.string("first"), .string("second"), .string("third"), .string("fourth")])
        XCTAssertFalse(wb.date1904)
        // The default sheet is the first in workbook order, hidden or not.
        XCTAssertEqual(try wb.sheet(named: nil).name, "考评表")
        XCTAssertEqual(try wb.sheet(named: "Secret").state, .veryHidden)
        let g = try wb.load(try wb.sheet(named: "Hidden One"))
        XCTAssertEqual(g.name, "Hidden One")
        XCTAssertEqual(g.state, .hidden)
    }

    func testRelationshipTargetsRelativeAbsoluteAndUnusualNames() throws {
        let parts = package(sheets: [
            SheetSpec(name: "Relative", xml: oneCell("rel"), part: "xl/worksheets/sheet1.xml",
                      target: "worksheets/sheet1.xml"),
            SheetSpec(name: "Absolute", xml: oneCell("abs"), part: "xl/worksheets/foo.xml",
                      target: "/xl/worksheets/foo.xml"),
            SheetSpec(name: "Nested", xml: oneCell("nested"), part: "xl/worksheets/data/mysheet.xml",
                      target: "worksheets/data/mysheet.xml"),
            SheetSpec(name: "DotDot", xml: oneCell("dotdot"), part: "elsewhere/数据 表.xml",
                      target: "../elsewhere/数据 表.xml"),
            SheetSpec(name: "Dot", xml: oneCell("dot"), part: "xl/ws/s.xml", target: "./ws/s.xml"),
        ])
        let wb = try Workbook(path: try makeZip(parts))
        XCTAssertEqual(wb.sheets.map(\.part), ["xl/worksheets/sheet1.xml", "xl/worksheets/foo.xml",
                                               "xl/worksheets/data/mysheet.xml", "elsewhere/数据 表.xml", "xl/ws/s.xml"])
        let texts = try wb.sheets.map { try wb.load($0).value(1, 1)?.text }
        XCTAssertEqual(texts, ["rel", "abs", "nested", "dotdot", "dot"])
    }

    func testPartNamesMatchCaseInsensitively() throws {
        let parts = package(sheets: [
            SheetSpec(name: "S", xml: oneCell("case"), part: "xl/worksheets/Sheet1.xml", target: "WORKSHEETS/sheet1.XML"),
        ])
        let wb = try Workbook(path: try makeZip(parts))
        XCTAssertEqual(try wb.load(wb.sheets[0]).value(1, 1), .string("case"))
    }

    func testWorkbookPartFoundThroughRootRelationships() throws {
        let sheet = sheetXML(#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>5</v></c></row>"#)
        let parts: [String: String] = [
            "[Content_Types].xml": contentTypes(),
            "_rels/.rels": rootRels(target: "/book/main.xml"),
            "book/main.xml": """
                <workbook xmlns="\(NS.main)" xmlns:r="\(NS.rel)"><workbookPr date1904="1"/>\
                <sheets><sheet name="Only" sheetId="7" r:id="rIdA"/></sheets></workbook>
                """,
            "book/_rels/main.xml.rels": relsXML("""
                <Relationship Id="rIdA" Type="\(NS.relType("worksheet"))" Target="pages/one.xml"/>\
                <Relationship Id="rIdB" Type="\(NS.relType("sharedStrings"))" Target="text/strings.xml"/>\
                <Relationship Id="rIdC" Type="\(NS.relType("styles"))" Target="../look/styles.xml"/>
                """),
            "book/pages/one.xml": sheet,
            "book/text/strings.xml": sharedStringsXML(["<si><t>from the moved sst</t></si>"]),
            "look/styles.xml": """
                <styleSheet xmlns="\(NS.main)"><fonts count="2"><font/><font><b/></font></fonts>\
                <cellXfs count="2"><xf fontId="0"/><xf fontId="1"/></cellXfs></styleSheet>
                """,
        ]
        let wb = try Workbook(path: try makeZip(parts))
        XCTAssertTrue(wb.date1904)
        XCTAssertEqual(wb.sheets.map(\.name), ["Only"])
        XCTAssertEqual(wb.sheets.first?.part, "book/pages/one.xml")
        let g = try wb.load(wb.sheets[0])
        XCTAssertEqual(g.value("A1"), .string("from the moved sst"))
        XCTAssertEqual(g.value("B1"), .number(5))
        XCTAssertTrue(g.format(g.cell("B1")!).bold)
        XCTAssertFalse(g.format(g.cell("A1")!).bold)
    }

    func testDate1904Flag() throws {
        var parts = package(sheets: [SheetSpec(name: "S", xml: oneCell("x"))], workbookPr: #"<workbookPr date1904="1"/>"#)
        XCTAssertTrue(try Workbook(path: try makeZip(parts)).date1904)
        parts = package(sheets: [SheetSpec(name: "S", xml: oneCell("x"))], workbookPr: #"<workbookPr date1904="true"/>"#)
        XCTAssertTrue(try Workbook(path: try makeZip(parts)).date1904)
        parts = package(sheets: [SheetSpec(name: "S", xml: oneCell("x"))], workbookPr: #"<workbookPr date1904="0"/>"#)
        XCTAssertFalse(try Workbook(path: try makeZip(parts)).date1904)
    }

    func testStrictNamespacesPrefixesAndMissingRowAndCellRefs() throws {
        let strictType = { (k: String) in NS.relType(k, strict: true) }
        let sheet = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <x:worksheet xmlns:x="\(NS.strictMain)" xmlns:r="\(NS.strictRel)">
              <x:dimension ref="A1:B2"/>
              <x:cols><x:col min="3" max="3" width="20" hidden="1" customWidth="1"/></x:cols>
              <x:sheetData>
                <x:row><x:c t="s"><x:v>0</x:v></x:c><x:c><x:v>1.5</x:v></x:c><x:c t="inlineStr"><x:is><x:t>内联</x:t></x:is></x:c></x:row>
                <x:row r="5" hidden="1"><x:c r="C5"><x:f>A1+1</x:f><x:v>2</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c></x:row>
                <x:row><x:c><x:v>7</x:v></x:c></x:row>
                <x:row r="40"><x:c r="Z40" t="str"><x:v>beyond the dimension</x:v></x:c></x:row>
              </x:sheetData>
              <x:mergeCells count="1"><x:mergeCell ref="A6:B7"/></x:mergeCells>
            </x:worksheet>
            """
        let parts: [String: String] = [
            "[Content_Types].xml": contentTypes(),
            "_rels/.rels": rootRels(target: "xl/workbook.xml", type: strictType("officeDocument")),
            "xl/workbook.xml": """
                <workbook xmlns="\(NS.strictMain)" xmlns:r="\(NS.strictRel)" conformance="strict">\
                <workbookPr date1904="1"/><sheets><sheet name="Strict" sheetId="1" r:id="rId9"/>\
                <sheet name="Plain" sheetId="2" state="hidden" r:id="rId8"/></sheets></workbook>
                """,
            "xl/_rels/workbook.xml.rels": relsXML("""
                <Relationship Id="rId8" Type="\(strictType("worksheet"))" Target="worksheets/plain.xml"/>\
                <Relationship Id="rId9" Type="\(strictType("worksheet"))" Target="worksheets/strict.xml"/>\
                <Relationship Id="rId7" Type="\(strictType("sharedStrings"))" Target="strings.xml"/>
                """),
            "xl/worksheets/strict.xml": sheet,
            // No <dimension> at all, default namespace.
            "xl/worksheets/plain.xml": """
                <worksheet xmlns="\(NS.strictMain)"><sheetData><row><c><v>3</v></c></row></sheetData></worksheet>
                """,
            "xl/strings.xml": """
                <sst xmlns="\(NS.strictMain)"><si><t>严格</t></si></sst>
                """,
        ]
        let wb = try Workbook(path: try makeZip(parts))
        XCTAssertTrue(wb.date1904)
        XCTAssertEqual(wb.sheets.map(\.name), ["Strict", "Plain"])
        XCTAssertEqual(wb.sheets.map(\.state), [.visible, .hidden])
        XCTAssertEqual(wb.sheets.map(\.part), ["xl/worksheets/strict.xml", "xl/worksheets/plain.xml"])

        let g = try wb.load(wb.sheets[0])
        XCTAssertEqual(g.value("A1"), .string("严格"))
        XCTAssertEqual(g.value("B1"), .number(1.5))
        XCTAssertEqual(g.value("C1"), .string("内联"))
        XCTAssertEqual(g.cell("C5")?.formula, "A1+1")
        XCTAssertEqual(g.value("C5"), .number(2))
        XCTAssertEqual(g.value("D5"), .bool(true), "a cell without r follows the previous cell")
        XCTAssertEqual(g.value("A6"), .number(7), "a row without r follows the previous row")
        XCTAssertEqual(g.value("Z40"), .string("beyond the dimension"), "the declared dimension does not clip")
        XCTAssertEqual(g.hiddenRows, [5])
        XCTAssertEqual(g.hiddenCols, [3])
        XCTAssertEqual(g.colWidths[3], 20)
        XCTAssertEqual(g.merges, [CellRange("A6:B7")!])
        XCTAssertEqual(g.cells.count, 7)
        XCTAssertEqual(g.maxRow, 40)
        XCTAssertEqual(g.maxCol, 26)

        let meta = try wb.streamRows(wb.sheets[0]) { _ in }
        XCTAssertEqual(meta.declaredDimension, "A1:B2")

        var rows: [Int] = []
        let plainMeta = try wb.streamRows(wb.sheets[1]) { rows.append($0.index) }
        XCTAssertNil(plainMeta.declaredDimension)
        XCTAssertEqual(rows, [1])
        XCTAssertEqual(try wb.load(wb.sheets[1]).value("A1"), .number(3))
    }

    func testSheetWithoutRelationshipFallsBackToConventionalPart() throws {
        var parts = package(sheets: [SheetSpec(name: "S", xml: oneCell("fallback"))])
        parts["xl/_rels/workbook.xml.rels"] = relsXML("")
        let wb = try Workbook(path: try makeZip(parts))
        XCTAssertEqual(wb.sheets.first?.part, "xl/worksheets/sheet1.xml")
        XCTAssertEqual(try wb.load(wb.sheets[0]).value(1, 1), .string("fallback"))
    }

    func testNoSuchSheet() throws {
        let parts = package(sheets: [SheetSpec(name: "One", xml: oneCell("a")), SheetSpec(name: "Two", xml: oneCell("b"))])
        let wb = try Workbook(path: try makeZip(parts))
        let e = assertXLSXError(try wb.sheet(named: "Three"), "noSuchSheet") {
            if case .noSuchSheet = $0 { return true } else { return false }
        }
        if case .noSuchSheet(_, let sheet, let available)? = e {
            XCTAssertEqual(sheet, "Three")
            XCTAssertEqual(available, ["One", "Two"])
        }
        // Names match exactly.
        assertXLSXError(try wb.sheet(named: "one"), "noSuchSheet") {
            if case .noSuchSheet = $0 { return true } else { return false }
        }
    }
}
