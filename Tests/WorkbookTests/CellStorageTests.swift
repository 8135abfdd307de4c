import GridKit
import XCTest

/// CellStorage: the block a reader grows in place (realloc) and a Grid then reads.
final class CellStorageTests: XCTestCase {
    func testGrowsInPlaceAndKeepsEveryCell() {
        let s = CellStorage()
        // Past several doublings (256 → 131,072), each cell with a string of its own on the heap.
        for i in 0..<100_000 {
            s.append(Cell(row: i / 10 + 1, col: i % 10 + 1, value: .string("第\(i)项目标的完成情况说明"), formula: i % 7 == 0 ? "SUM(A\(i))" : nil))
        }
        XCTAssertEqual(s.count, 100_000)
        s[12_345].value = .number(42)          // a reader's late fill (.xls strings, shared formulas)
        let g = Grid(name: "S", storage: s, meta: SheetMeta())
        XCTAssertEqual(g.cells.count, 100_000)
        XCTAssertEqual(g.value(1, 1)?.text, "第0项目标的完成情况说明")
        XCTAssertEqual(g.value(10_000, 10)?.text, "第99999项目标的完成情况说明")
        XCTAssertEqual(g.value(1235, 6), .number(42))
        XCTAssertEqual(g.cell(1, 8)?.formula, "SUM(A7)")
        XCTAssertEqual(g.row(2).map(\.col), Array(1...10))
        XCTAssertEqual(g.maxRow, 10_000)
        // Slices (what a probe sees of a row) read through the storage.
        XCTAssertEqual(Array(g.cells[10..<20]).map(\.row), Array(repeating: 2, count: 10))
    }

    func testCellsOutOfOrderAreSortedLaterWins() {
        let s = CellStorage()
        s.append(Cell(row: 2, col: 1, value: .number(1)))
        s.append(Cell(row: 1, col: 2, value: .number(2)))
        s.append(Cell(row: 1, col: 2, value: .number(3)))
        let g = Grid(name: "S", storage: s, meta: SheetMeta())
        XCTAssertEqual(g.cells.map(\.row), [1, 1, 2])
        XCTAssertEqual(g.value(1, 2), .number(3))
    }

    func testEmptyStorageMakesAnEmptyGrid() {
        let g = Grid(name: "S", storage: CellStorage(), meta: SheetMeta())
        XCTAssertTrue(g.cells.isEmpty)
        XCTAssertNil(g.cell(1, 1))
    }
}
