import Foundation
import GridKit
import XLSXReader
import XCTest
import XLSXCore

/// Merges, hidden rows and columns, sizes and cell formats.
final class LayoutTests: XLSXTestCase {
    let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="\(NS.main)">
        <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>
        <fonts count="3"><font><sz val="11"/><name val="宋体"/></font><font><b/><sz val="14"/><name val="黑体"/></font>\
        <font><b val="0"/><sz val="9"/></font></fonts>
        <fills count="1"><fill><patternFill patternType="none"/></fill></fills>
        <borders count="1"><border/></borders>
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="1"><alignment wrapText="1"/></xf></cellStyleXfs>
        <cellXfs count="6">
          <xf numFmtId="0" fontId="0" xfId="0"/>
          <xf numFmtId="0" fontId="1" xfId="0" applyFont="1"/>
          <xf numFmtId="0" fontId="0" xfId="0" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>
          <xf numFmtId="164" fontId="0" xfId="0" applyNumberFormat="1"/>
          <xf numFmtId="14" fontId="1" xfId="0"><alignment wrapText="true"/></xf>
          <xf numFmtId="0" fontId="2" xfId="0"/>
        </cellXfs>
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
        <dxfs count="1"><dxf><font><b/></font></dxf></dxfs>
        </styleSheet>
        """

    func testMergesHiddenRowsColumnsAndSizes() throws {
        let before = """
            <dimension ref="A1:F9"/><sheetFormatPr defaultRowHeight="15"/>\
            <cols><col min="1" max="1" width="6.7109375" customWidth="1"/>\
            <col min="2" max="3" width="12.5" hidden="1" customWidth="1"/>\
            <col min="5" max="5" width="0" hidden="true"/></cols>
            """
        let rows = """
            <row r="1" ht="30" customHeight="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c></row>\
            <row r="2" hidden="1"><c r="A2"><v>1</v></c></row>\
            <row r="3" ht="18.75"><c r="A3"><v>2</v></c></row>\
            <row r="4" ht="20" customHeight="0" hidden="0"><c r="A4"><v>3</v></c></row>\
            <row r="9" hidden="1"/>
            """
        let after = #"<mergeCells count="3"><mergeCell ref="A1:F1"/><mergeCell ref="B3:C4"/><mergeCell ref="E6"/></mergeCells>"#
        let (wb, info) = try openOneSheet(rows, before: before, after: after)
        let g = try wb.load(info)
        XCTAssertEqual(g.merges, [CellRange(top: 1, left: 1, bottom: 1, right: 6),
                                  CellRange(top: 3, left: 2, bottom: 4, right: 3),
                                  CellRange(top: 6, left: 5, bottom: 6, right: 5)])
        XCTAssertEqual(g.merges.map(\.description), ["A1:F1", "B3:C4", "E6"])
        XCTAssertEqual(g.merge(at: 1, 4), CellRange("A1:F1"))
        XCTAssertEqual(g.merge(at: 4, 3), CellRange("B3:C4"))
        XCTAssertNil(g.merge(at: 2, 1))
        XCTAssertEqual(g.visibleCell(1, 6)?.value, .string("标题"))
        XCTAssertEqual(g.hiddenRows, [2, 9])
        XCTAssertEqual(g.hiddenCols, [2, 3, 5])
        XCTAssertEqual(g.colWidths, [1: 6.7109375, 2: 12.5, 3: 12.5, 5: 0])
        XCTAssertEqual(g.rowHeights[1], 30)
        XCTAssertEqual(g.rowHeights[3], 18.75, "ht without customHeight is still the row's height")
        XCTAssertNil(g.rowHeights[4], "customHeight=0 means the height is not the user's")
        XCTAssertNil(g.rowHeights[2])

        let meta = try wb.streamRows(info) { _ in }
        XCTAssertEqual(meta.defaultRowHeight, 15)
        XCTAssertEqual(meta.declaredDimension, "A1:F9")
        XCTAssertEqual(meta.merges.count, 3)
        XCTAssertEqual(meta.hiddenCols, [2, 3, 5])
    }

    func testBoldWrappedAndDateFormatsThroughStyles() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>plain</t></is></c>\
            <c r="B1" s="1" t="inlineStr"><is><t>bold</t></is></c>\
            <c r="C1" s="2" t="inlineStr"><is><t>wrapped</t></is></c>\
            <c r="D1" s="3"><v>45000</v></c>\
            <c r="E1" s="4"><v>45001</v></c>\
            <c r="F1" s="5"><v>1</v></c>\
            <c r="G1" s="99"><v>2</v></c></row>
            """
        let (wb, info) = try openOneSheet(rows, styles: styles)
        XCTAssertEqual(wb.formats.count, 6, "only cellXfs count, not cellStyleXfs")
        let g = try wb.load(info)
        func fmt(_ ref: String) -> CellFormat { g.format(g.cell(ref)!) }
        XCTAssertFalse(fmt("A1").bold); XCTAssertFalse(fmt("A1").wrap); XCTAssertFalse(fmt("A1").isDate)
        XCTAssertEqual(fmt("A1").fontSize, 11)
        XCTAssertTrue(fmt("B1").bold); XCTAssertFalse(fmt("B1").wrap)
        XCTAssertEqual(fmt("B1").fontSize, 14)
        XCTAssertTrue(fmt("C1").wrap); XCTAssertFalse(fmt("C1").bold)
        XCTAssertTrue(fmt("D1").isDate, "custom 年月日 format is a date")
        XCTAssertTrue(fmt("E1").isDate); XCTAssertTrue(fmt("E1").bold); XCTAssertTrue(fmt("E1").wrap)
        XCTAssertFalse(fmt("F1").bold, #"<b val="0"/> is not bold"#)
        XCTAssertEqual(fmt("F1").fontSize, 9)
        XCTAssertEqual(fmt("G1"), CellFormat(), "an out-of-range style is the default format")
        XCTAssertEqual(g.cell("B1")?.style, 1)
        XCTAssertEqual(wb.format(2).wrap, true)
    }

    func testNoStylesPartMeansDefaultFormats() throws {
        let (wb, info) = try openOneSheet(#"<row r="1"><c r="A1" s="1"><v>1</v></c></row>"#)
        XCTAssertTrue(wb.formats.isEmpty)
        let g = try wb.load(info)
        XCTAssertEqual(g.format(g.cell("A1")!), CellFormat())
    }
}
