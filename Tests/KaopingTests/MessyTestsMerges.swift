import Foundation
import KaopingJobs
import XCTest
@testable import KaopingModel

// Issue 11, point 1: merges that drift after a row is inserted or deleted. The 序号 decides the
// indicator; an indicator's text is what its own rows show; `merge.drift` at the merge's cell.

final class MessyTestsMerges: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func path(_ name: String = #function) -> String { dir + "/" + name.filter { $0.isLetter || $0.isNumber } + ".xlsx" }

    static let text1 = "推进城市道路提升改造，完善城市功能。（属市委工作要点第3项）（40分）"
    static let text2 = "加强市容环境整治，提升城市品质。（40分）"
    static let basis1 = "市政府工作报告（泉政办〔2024〕1号）"
    static let basis2 = "抓城建提品质（泉委办〔2024〕13号）"

    /// The standard form unmerged, then merged by `merges` (rows 4–7 hold 1-1-1…1-2-2).
    @discardableResult
    func write(_ form: TForm = TForm.standard(), name: String = #function, _ merges: @escaping (XSheet, Placed) -> Void) throws -> Placed {
        var layout = TLayout(); layout.merges = false
        return try TFormWriter.write(form, layout: layout, to: path(name), extra: merges)
    }

    func assertTwoIndicators(_ form: Form, counts: [Int] = [2, 2], file: StaticString = #filePath, line: UInt = #line) {
        let inds = form.section(.functional)?.groups.flatMap(\.indicators) ?? []
        XCTAssertEqual(inds.map(\.code), ["1-1", "1-2"], form.findingsSummary, file: file, line: line)
        XCTAssertEqual(inds.map { $0.items.count }, counts, file: file, line: line)
        XCTAssertEqual(inds.map { KText.squeeze($0.text) }, [MessyTestsMerges.text1, MessyTestsMerges.text2].map(KText.squeeze), file: file, line: line)
        XCTAssertEqual(inds.map(\.declaredPoints), [40, 40], file: file, line: line)
        for rule in ["indicator.missing-text", "cell.unmapped", "code.pattern"] {
            XCTAssertTrue(form.findings(rule).isEmpty, "\(rule): \(form.findingsSummary)", file: file, line: line)
        }
    }

    func testAMergeThatEndsARowEarly() throws {
        var f = TForm.standard()
        f.sections[0].groups[0].indicators[0].items.append(TItem(code: "1-1-3", text: "完成桥梁维修2座。", weight: .num(0)))
        f.sections[0].groups[0].indicators[0].items[1].weight = .num(20)
        f.sections[0].groups[0].indicators[1].items[1].weight = .num(20)
        try write(f) { s, p in
            s.merge(4, 3, 5, 3, MessyTestsMerges.basis1)
            s.merge(4, 4, 5, 4, MessyTestsMerges.text1)   // 1-1-3 on row 6 left out
            s.merge(7, 4, 8, 4, MessyTestsMerges.text2)
        }
        let form = try Read.form(path())
        assertTwoIndicators(form, counts: [3, 2])
        XCTAssertEqual(Set(form.cells("merge.drift")), ["C4", "D4"], form.findingsSummary)
        XCTAssertTrue(form.findings("merge.drift").allSatisfy { $0.severity == .warning && $0.message.has("第 6 行") })
        XCTAssertEqual(form.indicator("1-1")?.basis, MessyTestsMerges.basis1)
    }

    func testAMergeThatRunsIntoTheNextIndicatorWhoseTextStartsOnItsSecondRow() throws {
        try write { s, _ in
            s.merge(4, 3, 6, 3, MessyTestsMerges.basis1)
            s.merge(4, 4, 6, 4, MessyTestsMerges.text1)   // covers 1-2-1's row
            s.str(7, 3, MessyTestsMerges.basis2)
            s.str(7, 4, MessyTestsMerges.text2)
        }
        let form = try Read.form(path())
        assertTwoIndicators(form)
        XCTAssertEqual(form.indicator("1-2")?.basis, MessyTestsMerges.basis2)
        XCTAssertEqual(form.item("1-2-1")?.text, "开展市容专项整治行动4次。")
        XCTAssertEqual(Set(form.cells("merge.drift")), ["C4", "D4"], form.findingsSummary)
        XCTAssertTrue(form.findings("merge.drift").allSatisfy { $0.message.has("1-2-1") })
    }

    func testAMergeThatCoversTheNextIndicatorsText() throws {
        // The 1-2 text is still in D6, under the drifted merge (a script wrote it so).
        try write { s, _ in
            s.merge(4, 4, 6, 4, MessyTestsMerges.text1)
            s.str(6, 4, MessyTestsMerges.text2)
            s.merge(4, 3, 5, 3, MessyTestsMerges.basis1)
            s.str(6, 3, MessyTestsMerges.basis2)
        }
        let form = try Read.form(path())
        assertTwoIndicators(form)
        XCTAssertEqual(form.indicator("1-2")?.basis, MessyTestsMerges.basis2)
        XCTAssertEqual(form.cells("merge.drift"), ["D4"], form.findingsSummary)
    }

    func testMergesThatFitSayNothing() throws {
        try TFormWriter.write(TForm.standard(), to: path())
        let form = try Read.form(path())
        assertTwoIndicators(form)
        XCTAssertTrue(form.findings("merge.drift").isEmpty, form.findingsSummary)
    }

    func testADriftedMergeResavedByLibreOffice() throws {
        try write { s, _ in
            s.merge(4, 3, 6, 3, MessyTestsMerges.basis1)
            s.merge(4, 4, 6, 4, MessyTestsMerges.text1)
            s.str(7, 3, MessyTestsMerges.basis2)
            s.str(7, 4, MessyTestsMerges.text2)
        }
        let form = try Read.form(try Office.resaved(path()))
        assertTwoIndicators(form)
        XCTAssertEqual(Set(form.cells("merge.drift")), ["C4", "D4"], form.findingsSummary)
    }

    func testADriftedMergeWrittenByOpenpyxl() throws {
        try Office.openpyxl(path(), """
        wb = openpyxl.Workbook(); ws = wb.active
        ws.append(['2019年度泉州市测试局绩效目标考评表'])
        ws.append(\(Office.header))
        t1, t2 = '\(MessyTestsMerges.text1)', '\(MessyTestsMerges.text2)'
        ws.append(['职能工作目标（80分）', '1-1-1', '依据一', t1, '任务一。', 20, '12月', '陈局长', '建设科', '林工'])
        ws.append([None, '1-1-2', None, None, '任务二。', 20, '12月', '陈局长', '建设科', '林工'])
        ws.append([None, '1-1-3', None, None, '任务三。', 0, '12月', '陈局长', '建设科', '林工'])
        ws.append([None, '1-2-1', '依据二', None, '任务四。', 20, '12月', '黄局长', '市容科', '郑工'])
        ws.append([None, '1-2-2', None, t2, '任务五。', 20, '12月', '黄局长', '市容科', '郑工'])
        ws.merge_cells('A3:A7'); ws.merge_cells('C3:C5'); ws.merge_cells('D3:D4'); ws.merge_cells('C6:C7')
        ws.append(['合计', None, None, None, None, '=SUM(F3:F7)'])
        ws.append(['行政能力目标（20分）', '4-1', '行政能力第1项。', None, None, 20, '12月', '刘副局长', '办公室', '周主任'])
        ws.append(['合计', None, None, None, None, '=SUM(F9:F9)'])
        ws.append(['绩效目标考评得分', None, None, None, None, '=F8+F10'])
        wb.save(path)
        """)
        let form = try Read.form(path())
        // 1-1's 一级 merge ends early (row 5 is 1-1-3); 1-2's text starts on its second row.
        assertTwoIndicators(form, counts: [3, 2])
        XCTAssertEqual(form.indicator("1-2")?.basis, "依据二")
        XCTAssertEqual(form.cells("merge.drift"), ["D3"], form.findingsSummary)
    }

    func testAProjectLabelMergeThatRunsIntoTheNextGroup() throws {
        var f = TForm.standard()
        f.sections[0].label = "职能工作目标（84分）"
        f.sections[0].groups.append(TGroup(label: "常规工作目标（4分）", indicators: [
            TIndicator(basis: "三定方案", text: "做好日常监管工作。（4分）", items: [
                TItem(code: "2-1-1", text: "开展日常巡查。", weight: .num(2)),
                TItem(code: "2-1-2", text: "办理群众投诉。", weight: .num(2)),
            ])]))
        var layout = TLayout(); layout.merges = false; layout.projectColumns = 2
        let p = try TFormWriter.write(f, layout: layout, to: path()) { s, p in
            let a = p.row["1-1-1"]!, b = p.row["2-1-1"]!
            s.merge(a, 2, b, 2, "重点工作目标")          // one row too far
            s.str(b + 1, 2, "常规工作目标（4分）")        // the next label starts a row late
        }
        let form = try Read.form(path())
        let fn = try XCTUnwrap(form.section(.functional))
        XCTAssertEqual(fn.groups.map(\.kind), [.key, .routine], form.findingsSummary)
        XCTAssertEqual(fn.groups.map { $0.indicators.flatMap(\.items).compactMap(\.code) }, [["1-1-1", "1-1-2", "1-2-1", "1-2-2"], ["2-1-1", "2-1-2"]])
        XCTAssertEqual(fn.groups[1].declaredPoints, 4)
        XCTAssertEqual(form.cells("merge.drift"), [CellRef.format(row: p.row["1-1-1"]!, col: 2)], form.findingsSummary)
        XCTAssertTrue(form.findings("cell.unmapped").isEmpty, form.findingsSummary)
    }
}
