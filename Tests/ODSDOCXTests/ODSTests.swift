import Foundation
import KaopingModel
@testable import ODSReader
import GridKit
import XLSXReader
import XCTest
import XLSXCore

/// The .ods files LibreOffice made from the samples read exactly like the .xlsx originals.
final class ODSSampleTests: XCTestCase {
    func testEverySampleReadsLikeItsXLSX() throws {
        let names = Files.sampleNames
        XCTAssertGreaterThanOrEqual(names.count, 9)
        for name in names {
            let xlsx = try Workbook(path: Files.sample(name + ".xlsx"))
            let ods = try ODSBook(path: Files.fixture(name + ".ods"))
            XCTAssertEqual(ods.sheetList, xlsx.sheetList, name)
            for i in xlsx.sheetList.indices {
                let a = try xlsx.loadGrid(i), b = try ods.loadGrid(i)
                compare(a, b, name)
            }
        }
    }

    func compare(_ a: Grid, _ b: Grid, _ name: String) {
        let ac = a.cells.filter { !$0.isEmpty }, bc = b.cells.filter { !$0.isEmpty }
        for c in ac {
            XCTAssertTrue(same(c.value, b.value(c.row, c.col)), "\(name) \(c.ref): xlsx \(String(describing: c.value)) ods \(String(describing: b.value(c.row, c.col)))")
            XCTAssertEqual(c.formula != nil, b.cell(c.row, c.col)?.formula != nil, "\(name) \(c.ref) formula")
        }
        XCTAssertEqual(ac.count, bc.count, "\(name): cell count")
        XCTAssertEqual(Set(a.merges), Set(b.merges), "\(name): merges")
        XCTAssertEqual(a.hiddenRows, b.hiddenRows, "\(name): hidden rows")
        XCTAssertEqual(a.name, b.name)
    }

    /// The mapper makes the same form of the .ods as of the .xlsx: same JSON, findings included.
    func testEverySampleMapsLikeItsXLSX() throws {
        for name in Files.sampleNames {
            let a = try Workbook(path: Files.sample(name + ".xlsx")).loadGrid(0)
            let b = try ODSBook(path: Files.fixture(name + ".ods")).loadGrid(0)
            let fa = FormMapper().map(a, file: name), fb = FormMapper().map(b, file: name)
            XCTAssertNotNil(fa, name)
            XCTAssertEqual(fa?.json.serialized(), fb?.json.serialized(), name)
        }
    }

    /// Dates, booleans, errors, hidden rows/columns/sheets, line breaks, repeated cells, formulas.
    func testFeatures() throws {
        let ods = try ODSBook(path: Files.fixture("features.ods"))
        XCTAssertEqual(ods.sheetList.map(\.name), ["特性", "隐藏"])
        XCTAssertEqual(ods.sheetList.map(\.state), [.visible, .hidden])
        let g = try ods.loadGrid(0)
        // 2024-12-31 is Excel serial 45657, formatted as a date so the mapper prints 2024年12月31日.
        XCTAssertEqual(g.value(2, 2), .number(45657))
        XCTAssertTrue(g.format(g.cell(2, 2)!).isDate)
        XCTAssertFalse(g.format(g.cell(1, 1)!).isDate)
        // LibreOffice turns an Excel boolean into the formula TRUE() with the value 1 (it has no
        // boolean cells of its own); office:value-type="boolean" is tested in ODSHostileTests.
        XCTAssertEqual(g.value(3, 2), .number(1))
        XCTAssertEqual(g.cell(3, 2)?.formula, "TRUE()")
        XCTAssertEqual(g.value(4, 2), .error("#DIV/0!"))
        XCTAssertEqual(g.cell(4, 2)?.formula, "1/0")
        XCTAssertEqual(g.value(6, 1), .string("第一行\n第二行"))
        XCTAssertEqual(g.value(7, 1), .string("a  b   c"))
        XCTAssertEqual(g.value(8, 1), .number(0.25))
        XCTAssertTrue(g.hiddenRows.contains(5))
        XCTAssertFalse(g.hiddenRows.contains(4))
        XCTAssertTrue(g.hiddenCols.contains(4))
        XCTAssertFalse(g.hiddenCols.contains(3))
        for r in 10...12 { for c in 1...5 { XCTAssertEqual(g.value(r, c), .number(7), "R\(r)C\(c)") } }
        XCTAssertEqual(g.value(13, 1), .number(105))
        XCTAssertEqual(g.cell(13, 1)?.formula, "SUM(A10:E12)")
        XCTAssertEqual(Set(g.merges), [CellRange("A1:E1")!, CellRange("B14:C16")!])
        // Column C was 30 characters wide in the .xlsx; LibreOffice keeps it in inches.
        XCTAssertEqual(g.colWidths[3] ?? 0, 30, accuracy: 1.5)
        let x = try Workbook(path: Files.fixture("features.xlsx")).loadGrid(0)
        for c in x.cells where c.formula == nil && !c.isEmpty && c.value?.typeCode != "b" {
            XCTAssertTrue(same(c.value, g.value(c.row, c.col)), c.ref)
        }
        // The first load comes from the listing pass; a second one parses again, to the same grid.
        let again = try ods.loadGrid(0)
        XCTAssertEqual(again.cells.map(\.value), g.cells.map(\.value))
        XCTAssertEqual(Set(again.merges), Set(g.merges))
        XCTAssertEqual(again.hiddenRows, g.hiddenRows)
        let hidden = try ods.loadGrid(1)
        XCTAssertEqual(hidden.value(1, 1), .string("x"))
        XCTAssertEqual(hidden.state, .hidden)
    }

    func testFormulaSyntax() {
        XCTAssertEqual(ODSContentHandler.formula("of:=SUM([.G4:.G43];[.G44])"), "SUM(G4:G43,G44)")
        XCTAssertEqual(ODSContentHandler.formula("of:=[$'其他 表'.A1]+\"[.x];\""), "$'其他 表'!A1+\"[.x];\"")
        XCTAssertEqual(ODSContentHandler.formula("=1/0"), "1/0")
    }
}
