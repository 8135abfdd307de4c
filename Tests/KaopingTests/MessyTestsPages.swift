import Foundation
import KaopingJobs
import XCTest
@testable import KaopingModel

// Issue 11, point 2: a page break inside an indicator (the header repeated, or a 续表 line and
// the header, with 项目/文件依据/一级指标 typed again) is still one indicator; a note row
// `（注：以上指标…）` or a blank bordered row is no item.

final class MessyTestsPages: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func path(_ name: String = #function) -> String { dir + "/" + name.filter { $0.isLetter || $0.isNumber } + ".xlsx" }

    /// Rows of one 职能 indicator of four items, cut after its second item by `cut` (python rows),
    /// then the 一级 text retyped as `again`; then 合计, 行政能力 and the total.
    func sheet(cut: String, again: String, label: String = "职能工作目标（80分）", basis: String = "依据一", after: String = "", name: String = #function) throws -> Form {
        try Office.openpyxl(path(name), """
        wb = openpyxl.Workbook(); ws = wb.active
        thin = openpyxl.styles.Side(style='thin'); box = openpyxl.styles.Border(left=thin, right=thin, top=thin, bottom=thin)
        H = \(Office.header)
        ws.append(['2019年度泉州市测试局绩效目标考评表']); ws.append(H)
        t = '推进城市道路提升改造，完善城市功能。（80分）'
        def item(i, first): return ['\(label)' if first else None, '1-1-%d' % i, '\(basis)' if first else None, t if first else None, '第%d项任务。' % i, 20, '12月', '陈局长', '建设科', '林工']
        ws.append(item(1, True)); ws.append(item(2, False))
        \(cut)
        ws.append(['\(label)', '1-1-3', '\(basis)', '\(again)', '第3项任务。', 20, '12月', '陈局长', '建设科', '林工'])
        ws.append(item(4, False))
        \(after)
        n = ws.max_row
        ws.append(['合计', None, None, None, None, '=SUM(F3:F%d)' % n])
        ws.append(['行政能力目标（20分）', '4-1', '行政能力第1项。', None, None, 20, '12月', '刘副局长', '办公室', '周主任'])
        ws.append(['合计', None, None, None, None, '=F%d' % (n + 2)])
        ws.append(['绩效目标考评得分', None, None, None, None, '=F%d+F%d' % (n + 1, n + 3)])
        for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
            for c in row: c.border = box
        wb.save(path)
        """)
        return try Read.checked(path(name), template: "2019")
    }

    func assertOneIndicator(_ form: Form, file: StaticString = #filePath, line: UInt = #line) {
        let f = form.section(.functional)
        XCTAssertEqual(f?.groups.flatMap(\.indicators).count, 1, form.findingsSummary, file: file, line: line)
        XCTAssertEqual(f?.items.compactMap(\.code), ["1-1-1", "1-1-2", "1-1-3", "1-1-4"], file: file, line: line)
        XCTAssertEqual(form.sections.map(\.kind), [.functional, .administrative], file: file, line: line)
        XCTAssertEqual(form.totalPoints, 100, file: file, line: line)
        for rule in ["cell.unmapped", "code.duplicate", "basis.split", "item.text-missing", "section.label-repeated", "indicator.points"] {
            XCTAssertTrue(form.findings(rule).isEmpty, "\(rule): \(form.findingsSummary)", file: file, line: line)
        }
    }

    static let text = "推进城市道路提升改造，完善城市功能。（80分）"

    func testTheHeaderRepeatedWithTheIndicatorTypedAgain() throws {
        assertOneIndicator(try sheet(cut: "ws.append(H)", again: MessyTestsPages.text))
    }

    func testAContinuationLineAndTheHeader() throws {
        assertOneIndicator(try sheet(cut: "ws.append(['续表']); ws.append(H)", again: MessyTestsPages.text))
    }

    func testTheIndicatorRetypedWithOtherSpacesAndBrackets() throws {
        assertOneIndicator(try sheet(cut: "ws.append(['（续表）']); ws.append(H)", again: "推进城市道路提升改造， 完善城市功能。(80分)"))
    }

    func testANoteRowAndABlankBorderedRowAreNoItems() throws {
        let form = try sheet(cut: "ws.append([None] * 10)", again: MessyTestsPages.text,
                             after: "ws.append(['（注：以上指标由建设科负责统计。）'])")
        assertOneIndicator(form)
        XCTAssertEqual(form.items.count, 5)
        XCTAssertTrue(form.trailer.contains { $0.text.hasPrefix("（注：以上指标") }, "\(form.trailer)")
        XCTAssertTrue(form.findings("code.missing").isEmpty, form.findingsSummary)
    }

    func testAPageBreakResavedByLibreOffice() throws {
        _ = try sheet(cut: "ws.append(['续表']); ws.append(H)", again: MessyTestsPages.text)
        assertOneIndicator(try Pipeline(store: Repo.store()).read(try Office.resaved(path()), template: "2019").0)
    }
}
