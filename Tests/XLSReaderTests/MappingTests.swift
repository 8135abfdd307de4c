import XCTest
import KaopingModel
import GridKit
import XLSXReader
import XLSReader

/// Each Sample converted to .xls maps to the same 考评表 as the .xlsx itself.
final class MappingTests: XCTestCase {
    func testSamplesMapLikeTheirXLSX() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: EquivalenceTests.root.appendingPathComponent("Samples").path)
            .filter { $0.hasSuffix(".xlsx") }.sorted()
        XCTAssertEqual(names.count, 9)
        for n in names {
            let xlsx = try Workbook(path: EquivalenceTests.root.appendingPathComponent("Samples/" + n).path)
            let xls = try XLSBook(path: EquivalenceTests.fixture(String(n.dropLast(5)) + ".xls"))
            let a = try XCTUnwrap(FormMapper().map(try xlsx.loadGrid(0), file: n), n)
            let b = try XCTUnwrap(FormMapper().map(try xls.loadGrid(0), file: n), n)
            let la = a.json.serialized().split(separator: "\n"), lb = b.json.serialized().split(separator: "\n")
            XCTAssertEqual(la.count, lb.count, n)
            var lost = 0
            for (k, (x, y)) in zip(la, lb).enumerated() where x != y {
                // LibreOffice's .xls export cannot write a formula with a deleted reference: it
                // writes =#N/A with the cached #REF! (see EquivalenceTests). The finding is the
                // same; only the formula quoted in its message differs.
                if x.contains("#REF!（公式 =") && x.contains("#REF!") && y.contains("（公式 =#N/A）")
                    && x.replacingOccurrences(of: #"（公式 =.*）"#, with: "", options: .regularExpression)
                    == y.replacingOccurrences(of: #"（公式 =.*）"#, with: "", options: .regularExpression) {
                    lost += 1
                    continue
                }
                XCTFail("\(n) line \(k + 1):\n  xlsx \(x)\n  xls  \(y)")
            }
            XCTAssertEqual(lost, n.hasPrefix("003-") ? 9 : 0, n)   // D76:D78 and F77:F82
        }
    }
}
