import Foundation
import GridKit
import XLSXReader
import XCTest
import XLSXCore

/// The real 考评表 workbooks in Samples/.
final class SamplesTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")

    func sample(_ name: String) -> String { SamplesTests.samples.appendingPathComponent(name).path }

    func testEverySampleOpensAndItsFirstSheetLoads() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: SamplesTests.samples.path)
            .filter { $0.hasSuffix(".xlsx") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 6)
        for f in files {
            let wb = try Workbook(path: sample(f))
            XCTAssertFalse(wb.sheets.isEmpty, f)
            let info = try wb.sheet(named: nil)
            let g = try wb.load(info)
            XCTAssertFalse(g.merges.isEmpty, "\(f): a 考评表 has merged headers")
            XCTAssertGreaterThan(g.cells.count, 20, f)
            XCTAssertFalse(g.formats.isEmpty, f)
            // Streaming sees the same cells as loading.
            var streamed = 0
            let meta = try wb.streamRows(info) { streamed += $0.cells.filter { !$0.isEmpty }.count }
            XCTAssertEqual(streamed, g.cells.count, f)
            XCTAssertEqual(meta.merges, g.merges, f)
        }
    }

    func testYingji2021() throws {
        let wb = try Workbook(path: sample("003-yingji-2021.xlsx"))
        XCTAssertEqual(wb.sheets.map(\.name), ["Sheet1"])
        let g = try wb.load(wb.sheets[0])
        XCTAssertTrue(g.merges.contains(CellRange("A1:K1")!))
        XCTAssertEqual(g.merge(at: 1, 11), CellRange("A1:K1"))
        XCTAssertEqual(g.value("C5"), .string("1-1-1"))
        XCTAssertEqual(g.cell("G42")?.formula, "SUM(G5:G41)")
        XCTAssertEqual(g.value("G42"), .number(70))
    }

    func testShengtai2023Evaluated() throws {
        let wb = try Workbook(path: sample("004-shengtai-2023-evaluated.xlsx"))
        XCTAssertEqual(wb.sheets.first?.name, "2023年考评表")
        let g = try wb.load(wb.sheets[0])
        XCTAssertEqual(g.hiddenCols, [12, 13], "columns L and M are hidden")
        XCTAssertEqual(g.colWidths[4], 26.7109375)
        XCTAssertEqual(g.cell("D72")?.formula, "SUM(M4:M68)")
        XCTAssertEqual(g.value("D72"), .number(90.725))
    }
}
