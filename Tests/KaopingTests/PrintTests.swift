import Foundation
@testable import KaopingRules
@testable import KaopingWriter
import XCTest
import KaopingJobs
import XLSXCore

// Print-ready pages (issue 12): page breaks between 一级指标 blocks, the 项目 label on every
// page, score totals in the 合计 rows. The pages LibreOffice prints are checked by
// scripts/integration.sh; here the computation itself, on the real samples.

final class PrintTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    // MARK: Pagination alone

    func testBlocksMoveWholeToTheNextPage() {
        // Header row 0 (repeated), then blocks of 3 rows of 10 points; a page holds 45 points.
        let heights = Array(repeating: 10.0, count: 13)
        let keeps = [KeepTogether(first: 1, last: 3, inner: [2, 3]), KeepTogether(first: 4, last: 6, inner: [5, 6]),
                     KeepTogether(first: 7, last: 9, inner: [8, 9]), KeepTogether(first: 10, last: 12, inner: [11, 12])]
        let b = Pagination.breaks(heights: heights, repeatRows: 0...0, keeps: keeps, pageHeight: 45)
        // Page 1: header + 1-3 (40) — 4-6 would make 70. Page 2: header + 4-6 (40) …
        XCTAssertEqual(b, [4, 7, 10])
        // Without blocks the rows fill each page: a break inside a block.
        let loose = Pagination.breaks(heights: heights, repeatRows: 0...0, keeps: [], pageHeight: 45)
        XCTAssertEqual(loose.first, 4)
        XCTAssertEqual(Pagination.breaks(heights: heights, repeatRows: 0...0, keeps: keeps, pageHeight: 1000), [])
    }

    func testABlockTallerThanAPageStartsOneAndBreaksBetweenItems() {
        // Rows 0 header; 1-2 a small block; 3-12 a block of ten 10-point items; page 45.
        let heights = Array(repeating: 10.0, count: 13)
        let keeps = [KeepTogether(first: 1, last: 2, inner: [2]), KeepTogether(first: 3, last: 12, inner: Array(4...12))]
        let b = Pagination.breaks(heights: heights, repeatRows: 0...0, keeps: keeps, pageHeight: 45)
        XCTAssertEqual(b, [3, 6, 9, 12])   // the big block opens page 2, then 3 items (30 + header 10) a page
        // A tall block without inner rows cannot break: it moves to its own page and overflows there.
        let solid = Pagination.breaks(heights: heights, repeatRows: 0...0, keeps: [KeepTogether(first: 1, last: 2), KeepTogether(first: 3, last: 12)], pageHeight: 45)
        XCTAssertEqual(solid, [3])
    }

    func testSplitAtBreaks() {
        XCTAssertEqual(Pagination.split(top: 5, bottom: 20, at: [3, 10, 15, 21]), [5...9, 10...14, 15...20])
        XCTAssertEqual(Pagination.split(top: 5, bottom: 5, at: [5]), [5...5])
        XCTAssertEqual(Pagination.split(top: 5, bottom: 4, at: []), [])
    }

    func testScaleFitsTheColumnsToTheWidth() {
        let page = PageSetup.a4Landscape
        let widths = [6.0, 7, 8, 26, 30, 44, 6, 9, 9, 12, 10]
        let scale = page.fitScale(columnWidths: widths)
        let width = widths.map(PageSetup.columnPoints).reduce(0, +) * Double(scale) / 100
        XCTAssertLessThanOrEqual(width, page.printableWidth)
        XCTAssertGreaterThan(width, page.printableWidth * 0.95)   // not needlessly small
        XCTAssertEqual(page.fitScale(columnWidths: [10, 10]), 100)
    }

    // MARK: the samples

    func plans() throws -> [(String, Form, FormWriter.Plan, [Double], FormWriter)] {
        let pipeline = Pipeline(store: try Repo.store())
        let files = try FileManager.default.contentsOfDirectory(atPath: Repo.samples).filter { $0.hasSuffix(".xlsx") }.sorted()
        return try files.map { name in
            let (form, tpl) = try pipeline.read(Repo.samples + "/" + name)
            let w = FormWriter(template: try XCTUnwrap(tpl))
            let (plan, heights) = w.paginate(w.layout(form), form)
            return (name, form, plan, heights, w)
        }
    }

    func testNoBlockOfASampleCrossesAPage() throws {
        for (name, _, plan, heights, w) in try plans() {
            XCTAssertFalse(plan.breaks.isEmpty, "\(name): one page only?")
            let pageHeight = FormWriter.page.rowsHeight(scale: w.printScale(plan))
            let header = heights[plan.headerFirst...plan.headerLast].reduce(0, +)
            for k in plan.keeps {
                let inside = plan.breaks.filter { $0 > k.first && $0 <= k.last }
                let tall = heights[k.first...k.last].reduce(0, +) + header > pageHeight
                if !tall { XCTAssertEqual(inside, [], "\(name): a block of rows \(k.first)…\(k.last) crosses a page") }
                for b in inside { XCTAssertTrue(k.inner.contains(b), "\(name): break \(b) not between items") }
            }
            // Every page holds no more than a page.
            let starts = [0] + plan.breaks, ends = plan.breaks + [heights.count]
            for (i, (a, e)) in zip(starts, ends).enumerated() {
                let h = heights[a..<e].reduce(0, +) + (i > 0 ? header : 0)
                XCTAssertLessThanOrEqual(h, pageHeight + 1e-6, "\(name): page \(i + 1) is too tall")
            }
            // The last page is not only the totals and signatures: it holds items.
            let last = plan.breaks.last ?? 0
            XCTAssertTrue(plan.items.contains { $0.row >= last && $0.row < plan.bodyLast },
                          "\(name): the last page holds no item")
        }
    }

    func testEveryPageShowsItsLabels() throws {
        for (name, _, plan, _, _) in try plans() {
            let pc = plan.cols.projectCount
            for start in [plan.bodyFirst] + plan.breaks where start <= plan.bodyLast {
                // A label piece in every 项目 column starts on the page's first body row (a 合计
                // row never opens a page: it stays with its block).
                let first = start
                for c in 0..<pc {
                    let piece = plan.blocks.first { $0.left <= c && $0.right >= c && $0.top == first && $0.style == .label }
                    XCTAssertNotNil(piece, "\(name): page starting at row \(first) has no label cell in 项目 column \(c + 1)")
                    // A group the unit left without a label (000's first 行政能力 rows) has none to show.
                    if let piece, piece.pageText?.isEmpty == false || c == 0 {
                        XCTAssertNotNil(piece.text, "\(name): page starting at row \(first) has no label in 项目 column \(c + 1)")
                    }
                }
            }
            // No label merge crosses a break.
            for b in plan.blocks where b.pageText != nil {
                XCTAssertEqual(plan.breaks.filter { $0 > b.top && $0 <= b.bottom }, [], "\(name): label \(b.text ?? "") crosses a page")
            }
        }
    }

    func testEvaluatedTotalsCarryTheScoreAndReadBackWhole() throws {
        let pipeline = Pipeline(store: try Repo.store())
        let input = Repo.samples + "/003-yingji-2021-evaluated.xlsx"
        let (form, tpl) = try pipeline.read(input)
        let out = dir + "/003.xlsx"
        try FormWriter(template: try XCTUnwrap(tpl)).write(form, to: out, inputs: [input])
        let wb = try Workbook(path: out)
        let grid = try wb.load(wb.sheets[0])
        // The 得分 column: the last column of the table.
        var scoreCol: Int?
        for r in 1...6 { for c in 1...20 where grid.value(r, c).map({ "\($0)" })?.contains("得分") == true { scoreCol = c } }
        let sc = try XCTUnwrap(scoreCol)
        var totals: [(String, String?, Double?)] = []
        for r in grid.rowsWithCells {
            guard case .string(let s)? = grid.value(r, 1), s == "合计" || s == tpl!.totalLabel else { continue }
            let cell = grid.cell(r, sc)
            if case .number(let d)? = cell?.value { totals.append((s, cell?.formula, d)) } else { totals.append((s, cell?.formula, nil)) }
        }
        XCTAssertEqual(totals.count, 3, "\(totals)")
        let functional = form.sections[0].items.compactMap(\.score).reduce(0, +)
        XCTAssertEqual(totals[0].2 ?? -1, KText.round(functional), accuracy: 1e-9)
        XCTAssertTrue(totals[0].1?.hasPrefix("SUM(") == true, "\(totals[0])")
        XCTAssertEqual(totals[2].2 ?? -1, KText.round(form.items.compactMap(\.score).reduce(0, +)), accuracy: 1e-9)
        // Read back: the same items, with their scores; the totals are not taken for items.
        let (back, _) = try pipeline.read(out, template: tpl!.name)
        XCTAssertEqual(back.items.count, form.items.count)
        XCTAssertEqual(back.items.compactMap(\.score), form.items.compactMap(\.score))
    }
}

// The summary as it prints (issue 12).
final class SummaryPrintTests: XCTestCase {
    func testWideSummarySplitsItsColumnsOverPagesAtNinePoints() {
        // 19 printed columns of the ratings layout: 单位, 年度, 4 × (分值, 得分), 目标考核, 7 counts, 4 ratings, 综合, 名次.
        let widths: [Double] = [20, 6] + Array(repeating: 9, count: 9) + Array(repeating: 5, count: 7) + Array(repeating: 9, count: 5) + [6]
        let (scale, breaks) = SummaryWriter.summaryPages(widths)
        XCTAssertGreaterThanOrEqual(Double(scale) / 100 * SummaryWriter.bodySize, 9)
        XCTAssertFalse(breaks.isEmpty)
        // Each page, with 单位 repeated, fits the printable width at that scale.
        let pts = widths.map(PageSetup.columnPoints)
        let page = PageSetup.a4Landscape.printableWidth * 100 / Double(scale)
        for (i, (a, e)) in zip([0] + breaks, breaks + [widths.count]).enumerated() {
            let w = pts[a..<e].reduce(0, +) + (i > 0 ? pts[0] : 0)
            XCTAssertLessThanOrEqual(w, page, "page \(i + 1)")
        }
        // A narrow table stays one page wide.
        XCTAssertEqual(SummaryWriter.summaryPages([20, 6, 9, 9]).breaks, [])
    }

    func testSummaryOfTheEvaluatedSamplesPrints() throws {
        let dir = try Scratch.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inputs = try FileManager.default.contentsOfDirectory(atPath: Repo.samples)
            .filter { $0.hasSuffix("-evaluated.xlsx") }.sorted().map { Repo.samples + "/" + $0 }
        XCTAssertGreaterThanOrEqual(inputs.count, 3)
        let out = dir + "/s.xlsx"
        _ = try SummaryJob(inputs: inputs, output: out, store: try Repo.store()).run()
        let zip = try ZipArchive(path: out)
        func text(_ part: String) throws -> String { String(decoding: try zip.data(part), as: UTF8.self) }
        // No overlapping <col> ranges on any sheet.
        for n in 1...4 {
            let xml = try text("xl/worksheets/sheet\(n).xml")
            var ranges: [ClosedRange<Int>] = []
            let re = try NSRegularExpression(pattern: #"<col min="(\d+)" max="(\d+)""#)
            for m in re.matches(in: xml, range: NSRange(xml.startIndex..., in: xml)) {
                let lo = Int(xml[Range(m.range(at: 1), in: xml)!])!, hi = Int(xml[Range(m.range(at: 2), in: xml)!])!
                XCTAssertFalse(ranges.contains { $0.overlaps(lo...hi) }, "sheet\(n): <col> \(lo)…\(hi) overlaps")
                ranges.append(lo...hi)
            }
        }
        // 汇总 at 9 pt or more; 明细 and 问题清单 wrap, with taller rows where the text is long.
        let sum = try text("xl/worksheets/sheet1.xml")
        let scale = sum.range(of: #" scale="\d+""#, options: .regularExpression).map { Int(sum[$0].filter(\.isNumber)) ?? 0 } ?? 0
        XCTAssertGreaterThanOrEqual(Double(scale) / 100 * SummaryWriter.bodySize, 9)
        XCTAssertTrue(try text("xl/styles.xml").contains("wrapText=\"1\""))
        XCTAssertTrue(try text("xl/worksheets/sheet3.xml").contains("customHeight=\"1\""))
        // The chart's value axis from 0.
        XCTAssertTrue(try text("xl/charts/chart1.xml").contains("<c:min val=\"0\"/>"))
        // 问题清单 names files, not paths.
        let wb = try Workbook(path: out)
        let grid = try wb.load(try wb.sheet(named: "问题清单"))
        let files = grid.rowsWithCells.filter { $0 > 1 }.compactMap { grid.value($0, 1)?.text }
        XCTAssertFalse(files.isEmpty)
        XCTAssertTrue(files.allSatisfy { !$0.contains("/") && $0.hasSuffix(".xlsx") }, "\(files.prefix(3))")
    }

    func testRanksAreWithinTheYear() {
        func unit(_ name: String, _ year: Int, _ target: Double) -> UnitSummary {
            let score = FormScore(sections: [], items: [], targetSections: [], target: target, gradeCounts: [:], unscored: 0,
                                  evaluated: true, findings: [], composite: Scorer.defaultComposite)
            return UnitSummary(file: name + ".xlsx", unit: name, year: year, score: score)
        }
        var s = Summary()
        s.units = [unit("a", 2024, 90), unit("b", 2023, 95), unit("c", 2024, 92), unit("d", 2023, 80), unit("e", 2024, 90)]
        XCTAssertEqual(SummaryWriter.yearRanks(s), [2, 1, 1, 2, 2])
    }
}
