import Foundation
import GridKit
import XLSXReader
import XCTest
import XLSXCore

/// A big generated sheet streamed row by row.
final class StreamingTests: XLSXTestCase {
    func testStreamTwentyThousandRows() throws {
        let rowCount = 20_000, colCount = 10
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="\(NS.main)"><dimension ref="A1"/><sheetData>
            """
        xml.reserveCapacity(rowCount * colCount * 40)
        let sst = (0..<100).map { "<si><t>指标\($0)</t></si>" }
        for r in 1...rowCount {
            xml += #"<row r="\#(r)">"#
            for c in 1...colCount {
                let ref = CellRef.format(row: r, col: c)
                switch c % 4 {
                case 0: xml += #"<c r="\#(ref)" t="s"><v>\#((r + c) % 100)</v></c>"#
                case 1: xml += #"<c r="\#(ref)"><v>\#(r * c)</v></c>"#
                case 2: xml += #"<c r="\#(ref)" t="inlineStr"><is><t>r\#(r)c\#(c)</t></is></c>"#
                default: xml += #"<c r="\#(ref)"><f>A\#(r)*2</f><v>\#(r * 2)</v></c>"#
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData></worksheet>"
        let parts = package(sheets: [SheetSpec(name: "Big", xml: xml)], sharedStrings: sharedStringsXML(sst))
        let wb = try Workbook(path: try makeZip(parts))

        var rows = 0, cells = 0, lastIndex = 0, ordered = true, widthsOK = true
        var last: [Cell] = []
        let meta = try wb.streamRows(wb.sheets[0]) { row in
            rows += 1
            cells += row.cells.count
            if row.index != lastIndex + 1 { ordered = false }
            if row.cells.count != colCount { widthsOK = false }
            lastIndex = row.index
            last = row.cells
        }
        XCTAssertEqual(rows, rowCount)
        XCTAssertEqual(cells, rowCount * colCount)
        XCTAssertTrue(ordered, "rows arrive in order, one call each")
        XCTAssertTrue(widthsOK, "each call holds only its own row's cells")
        XCTAssertEqual(meta.declaredDimension, "A1")
        XCTAssertEqual(last.map(\.ref).first, "A20000")
        XCTAssertEqual(last[0].value, .number(20_000))
        XCTAssertEqual(last[1].value, .string("r20000c2"))
        XCTAssertEqual(last[2].formula, "A20000*2")
        XCTAssertEqual(last[2].value, .number(40_000))
        XCTAssertEqual(last[3].value, .string("指标\((20_000 + 4) % 100)"))
        XCTAssertEqual(last[9].ref, "J20000")

        let g = try wb.load(wb.sheets[0])
        XCTAssertEqual(g.cells.count, rowCount * colCount)
        XCTAssertEqual(g.maxRow, rowCount)
        XCTAssertEqual(g.row(12_345).count, colCount)
        XCTAssertEqual(g.value(12_345, 8), .string("指标\((12_345 + 8) % 100)"))
    }
}
