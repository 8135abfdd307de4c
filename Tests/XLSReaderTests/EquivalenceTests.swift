import XCTest
import GridKit
import XLSXReader
import XLSReader
import XLSXCore

/// Each .xls written by LibreOffice from an .xlsx reads into the same grids as the .xlsx itself.
final class EquivalenceTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// (xls fixture, its .xlsx source) for every converted workbook.
    func pairs() throws -> [(String, String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { $0.hasSuffix(".xls") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 12, "run scripts/gen-format-fixtures.py")
        return names.map { n in
            let base = String(n.dropLast(4)) + ".xlsx"
            let inFixtures = Self.fixtures.appendingPathComponent(base).path
            let src = FileManager.default.fileExists(atPath: inFixtures) ? inFixtures : Self.root.appendingPathComponent("Samples/" + base).path
            return (Self.fixture(n), src)
        }
    }

    func testEveryConvertedWorkbookMatchesItsXLSX() throws {
        for (xls, xlsx) in try pairs() {
            let a = try Workbook(path: xlsx), b = try XLSBook(path: xls)
            XCTAssertEqual(a.sheetList, b.sheetList, xls)
            XCTAssertEqual(a.date1904, b.date1904, xls)
            for i in a.sheetList.indices where i < b.sheetList.count {
                try assertSame(try a.loadGrid(i), try b.loadGrid(i), xls)
            }
        }
    }

    func testETIsReadAsXLS() throws {
        let et = try XLSBook(path: Self.fixture("000-chengguan-2024.et"))
        let xlsx = try Workbook(path: Self.root.appendingPathComponent("Samples/000-chengguan-2024.xlsx").path)
        try assertSame(try xlsx.loadGrid(0), try et.loadGrid(0), "et")
    }

    func assertSame(_ x: Grid, _ y: Grid, _ file: String) throws {
        let tag = "\(file) [\(x.name)]"
        var checked = 0
        for c in x.cells where !c.isEmpty {
            guard let d = y.cell(c.row, c.col) else { XCTFail("\(tag) \(c.ref): missing in .xls (xlsx \(String(describing: c.value)))"); continue }
            if let v = c.value {
                switch (v, d.value) {
                case (.number(let p), .number(let q)?): XCTAssertEqual(p, q, accuracy: 1e-9 * max(1, abs(p)), "\(tag) \(c.ref)")
                default: XCTAssertEqual(v, d.value, "\(tag) \(c.ref)")
                }
            }
            if let f = c.formula {
                if f.contains("#REF!") && d.formula == "#N/A" {
                    // LibreOffice's .xls export cannot write a formula holding a deleted reference:
                    // it writes the constant =#N/A with the cached error #REF! instead.
                    XCTAssertEqual(d.value, .error("#REF!"), "\(tag) \(c.ref)")
                } else {
                    XCTAssertEqual(f, d.formula, "\(tag) \(c.ref) formula")
                }
            }
            XCTAssertEqual(x.format(c).isDate, y.format(d).isDate, "\(tag) \(c.ref) isDate")
            XCTAssertEqual(x.format(c).bold, y.format(d).bold, "\(tag) \(c.ref) bold")
            checked += 1
        }
        // Nothing extra: every .xls cell is one the .xlsx has (a formula there may lack a cached value).
        for d in y.cells where x.cell(d.row, d.col) == nil { XCTFail("\(tag) \(d.ref): extra cell \(String(describing: d.value))") }
        XCTAssertGreaterThan(checked, 0, tag)
        XCTAssertEqual(Set(x.merges), Set(y.merges), "\(tag) merges")
        XCTAssertEqual(x.hiddenRows, y.hiddenRows, "\(tag) hidden rows")
        XCTAssertEqual(x.hiddenCols, y.hiddenCols, "\(tag) hidden cols")
    }
}
