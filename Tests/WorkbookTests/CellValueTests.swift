import Foundation
import GridKit
import XLSXReader
import XCTest
import XLSXCore

/// Values of every cell type, strings, escapes and formulas.
final class CellValueTests: XLSXTestCase {
    func testSharedStringsRichTextPhoneticAndEscapes() throws {
        let sst = [
            "<si><t>plain</t></si>",
            #"<si><r><rPr><b/><sz val="11"/><rFont val="宋体"/></rPr><t>Bold </t></r><r><t xml:space="preserve">and  normal</t></r></si>"#,
            #"<si><t>漢字</t><rPh sb="0" eb="2"><t>カンジ</t></rPh><phoneticPr fontId="1" type="noConversion"/></si>"#,
            "<si><t>line1_x000D_&#10;line2</t></si>",
            "<si><t>A &amp; B &lt;C&gt; &quot;q&quot; &#x4E2D;&#25991;</t></si>",
            #"<si><t xml:space="preserve">  padded  </t></si>"#,
            "<si><t>_x005F_x000D_ stays literal</t></si>",
            #"<si><r><t>富</t></r><rPh sb="0" eb="1"><t>ふ</t></rPh><r><t>士</t></r></si>"#,
        ]
        let rows = (0..<sst.count).map { i in #"<row r="\#(i + 1)"><c r="A\#(i + 1)" t="s"><v>\#(i)</v></c></row>"# }.joined()
        let g = try loadOneSheet(rows, sharedStrings: sst)
        XCTAssertEqual(g.value("A1"), .string("plain"))
        XCTAssertEqual(g.value("A2"), .string("Bold and  normal"))
        XCTAssertEqual(g.value("A3"), .string("漢字"))
        XCTAssertEqual(g.value("A4"), .string("line1\r\nline2"))
        XCTAssertEqual(g.value("A5"), .string("A & B <C> \"q\" 中文"))
        XCTAssertEqual(g.value("A6"), .string("  padded  "))
        XCTAssertEqual(g.value("A7"), .string("_x000D_ stays literal"))
        XCTAssertEqual(g.value("A8"), .string("富士"))
        XCTAssertEqual(g.cells.count, 8)
    }

    func testInlineStrings() throws {
        let g = try loadOneSheet("""
            <row r="1">\
            <c r="A1" t="inlineStr"><is><t>inline</t></is></c>\
            <c r="B1" t="inlineStr"><is><r><rPr><b/></rPr><t>in</t></r><r><t xml:space="preserve"> line </t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></is></c>\
            <c r="C1" t="inlineStr"><is><t>a_x000D_b &amp; &#x4E2D;</t></is></c>\
            <c r="D1" t="inlineStr"><is><t xml:space="preserve">  </t></is></c>\
            </row>
            """)
        XCTAssertEqual(g.value("A1"), .string("inline"))
        XCTAssertEqual(g.value("B1"), .string("in line "))
        XCTAssertEqual(g.value("C1"), .string("a\rb & 中"))
        XCTAssertEqual(g.value("D1"), .string("  "))
    }

    func testTypedValues() throws {
        let g = try loadOneSheet("""
            <row r="1">\
            <c r="A1"><v>42</v></c>\
            <c r="B1" t="n"><v>3.14</v></c>\
            <c r="C1"><v>-2.5E-3</v></c>\
            <c r="D1" t="b"><v>1</v></c>\
            <c r="E1" t="b"><v>0</v></c>\
            <c r="F1" t="e"><v>#REF!</v></c>\
            <c r="G1" t="e"><f>1/0</f><v>#DIV/0!</v></c>\
            <c r="H1" t="d"><v>2024-03-01T00:00:00</v></c>\
            <c r="I1" t="str"><v>plain str_x000D_</v></c>\
            <c r="J1" s="3"/>\
            <c r="K1"><v></v></c>\
            <c r="L1"><v>1e308</v></c>\
            </row>
            """)
        XCTAssertEqual(g.value("A1"), .number(42))
        XCTAssertEqual(g.value("A1")?.text, "42")
        XCTAssertEqual(g.value("A1")?.typeCode, "n")
        XCTAssertEqual(g.value("B1"), .number(3.14))
        XCTAssertEqual(g.value("C1"), .number(-0.0025))
        XCTAssertEqual(g.value("D1"), .bool(true))
        XCTAssertEqual(g.value("D1")?.text, "TRUE")
        XCTAssertEqual(g.value("E1"), .bool(false))
        XCTAssertEqual(g.value("F1"), .error("#REF!"))
        XCTAssertEqual(g.value("F1")?.typeCode, "e")
        XCTAssertEqual(g.value("G1"), .error("#DIV/0!"))
        XCTAssertEqual(g.cell("G1")?.formula, "1/0")
        XCTAssertEqual(g.value("H1"), .date("2024-03-01T00:00:00"))
        XCTAssertEqual(g.value("I1"), .string("plain str\r"))
        XCTAssertNil(g.cell("J1"), "a style-only cell is not a cell")
        XCTAssertNil(g.cell("K1"), "an empty <v> is no value")
        XCTAssertEqual(g.value("L1"), .number(1e308))
        XCTAssertEqual(g.cells.map(\.ref), ["A1", "B1", "C1", "D1", "E1", "F1", "G1", "H1", "I1", "L1"])
    }

    func testFormulasWithCachedValues() throws {
        let g = try loadOneSheet("""
            <row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c>\
            <c r="C1"><f>SUM(A1:B1)</f><v>3</v></c>\
            <c r="D1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>\
            <c r="E1"><f>A1&gt;0</f></c>\
            <c r="F1" t="b"><f>AND(A1&gt;0,B1&lt;5)</f><v>1</v></c>\
            <c r="G1" t="str"><f>IF(A1=1,"","x")</f><v></v></c>\
            </row>
            """)
        XCTAssertEqual(g.cell("C1")?.formula, "SUM(A1:B1)")
        XCTAssertEqual(g.value("C1"), .number(3))
        XCTAssertEqual(g.cell("D1")?.formula, #""a"&"b""#)
        XCTAssertEqual(g.value("D1"), .string("ab"))
        XCTAssertEqual(g.cell("E1")?.formula, "A1>0", "a formula without a cached value is kept")
        XCTAssertNil(g.value("E1"))
        XCTAssertEqual(g.cell("E1")?.isEmpty, false)
        XCTAssertEqual(g.cell("F1")?.formula, "AND(A1>0,B1<5)")
        XCTAssertEqual(g.value("F1"), .bool(true))
        XCTAssertEqual(g.cell("G1")?.formula, #"IF(A1=1,"","x")"#)
        XCTAssertEqual(g.value("G1"), .string(""))
    }

    func testSharedFormulasExpandToEachCell() throws {
        let g = try loadOneSheet("""
            <row r="1"><c r="A1"><v>10</v></c></row>\
            <row r="2"><c r="A2"><v>1</v></c>\
            <c r="B2"><f t="shared" ref="B2:B5" si="0">A2*2+$A$1</f><v>12</v></c>\
            <c r="C2"><f t="shared" ref="C2:E2" si="1">SUM($A2:A2)+Sheet2!B$1+LOG10(A2)+"A2"</f><v>1</v></c>\
            <c r="D2"><f t="shared" si="1"/><v>2</v></c>\
            <c r="E2"><f t="shared" si="1"></f><v>3</v></c></row>\
            <row r="3"><c r="A3"><v>2</v></c><c r="B3"><f t="shared" si="0"/><v>14</v></c></row>\
            <row r="4"><c r="A4"><v>3</v></c><c r="B4"><f t="shared" si="0"/><v>16</v></c></row>\
            <row r="5"><c r="A5"><v>4</v></c><c r="B5"><f t="shared" si="0"/><v>18</v></c></row>
            """)
        XCTAssertEqual(g.cell("B2")?.formula, "A2*2+$A$1")
        XCTAssertEqual(g.cell("B3")?.formula, "A3*2+$A$1")
        XCTAssertEqual(g.cell("B4")?.formula, "A4*2+$A$1")
        XCTAssertEqual(g.cell("B5")?.formula, "A5*2+$A$1")
        XCTAssertEqual(g.value("B5"), .number(18), "the follower keeps its own cached value")
        XCTAssertEqual(g.cell("C2")?.formula, #"SUM($A2:A2)+Sheet2!B$1+LOG10(A2)+"A2""#)
        XCTAssertEqual(g.cell("D2")?.formula, #"SUM($A2:B2)+Sheet2!C$1+LOG10(B2)+"A2""#)
        XCTAssertEqual(g.cell("E2")?.formula, #"SUM($A2:C2)+Sheet2!D$1+LOG10(C2)+"A2""#)
    }

    func testSharedFormulaShiftingRules() {
        XCTAssertEqual(FormulaShift.shift("A2*2", rows: 1, cols: 0), "A3*2")
        XCTAssertEqual(FormulaShift.shift("$A$1+A$1+$A1", rows: 2, cols: 1), "$A$1+B$1+$A3")
        XCTAssertEqual(FormulaShift.shift("SUM(A1:B2)", rows: 0, cols: 0), "SUM(A1:B2)")
        XCTAssertEqual(FormulaShift.shift("'My Sheet'!A1+\"B1\"", rows: 1, cols: 1), "'My Sheet'!B2+\"B1\"")
        XCTAssertEqual(FormulaShift.shift("A1", rows: -1, cols: 0), "#REF!")
        XCTAssertEqual(FormulaShift.shift("ATAN2(A1,B1)", rows: 1, cols: 0), "ATAN2(A2,B2)")
    }

    func testEntitiesAndCharacterReferencesInFormulasAndAttributes() throws {
        let g = try loadOneSheet("""
            <row r="1"><c r="A1" t="str"><f>"&#x4E2D;&amp;"&amp;"&lt;"</f><v>中&amp;&lt;</v></c></row>
            """)
        XCTAssertEqual(g.cell("A1")?.formula, #""中&"&"<""#)
        XCTAssertEqual(g.value("A1"), .string("中&<"))
    }

    func testSharedStringIndexOutOfRangeIsDamagedPart() throws {
        let (wb, info) = try openOneSheet(#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>5</v></c></row>"#,
                                          sharedStrings: ["<si><t>only</t></si>"])
        let e = assertXLSXError(try wb.load(info), "damagedPart") {
            if case .damagedPart(_, let part, _, let reason) = $0 {
                return part == "xl/worksheets/sheet1.xml" && reason.contains("B1")
            }
            return false
        }
        XCTAssertNotNil(e)
        // A negative or non-numeric index is just as damaged.
        let (wb2, info2) = try openOneSheet(#"<row r="1"><c r="A1" t="s"><v>x</v></c></row>"#,
                                            sharedStrings: ["<si><t>only</t></si>"])
        assertXLSXError(try wb2.load(info2), "damagedPart") {
            if case .damagedPart = $0 { return true } else { return false }
        }
        // No shared strings part at all.
        let (wb3, info3) = try openOneSheet(#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#)
        assertXLSXError(try wb3.load(info3), "damagedPart") {
            if case .damagedPart = $0 { return true } else { return false }
        }
    }
}
