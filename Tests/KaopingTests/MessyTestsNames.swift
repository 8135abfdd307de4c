import Foundation
import KaopingJobs
import XCTest
@testable import KaopingModel

// Issue 11, point 5: a blank 责任人/责任部门/分管领导 cell inherits from the row above only where
// the sheet shows its merges were lost (no merges in that column, 一级 blank and unmerged too);
// with real merges, an unmerged blank cell is missing.

final class MessyTestsNames: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func path(_ name: String = #function) -> String { dir + "/" + name.filter { $0.isLetter || $0.isNumber } + ".xlsx" }

    /// The standard form with 1-1-2's names blank.
    func blankNames() -> TForm {
        var f = TForm.standard()
        f.sections[0].groups[0].indicators[0].items[1].persons = nil
        f.sections[0].groups[0].indicators[0].items[1].departments = nil
        f.sections[0].groups[0].indicators[0].items[1].leaders = nil
        return f
    }

    func testMergesLostByAScriptAreInherited() throws {
        // No merges anywhere: 一级 and names typed on the first row only.
        var layout = TLayout(); layout.merges = false
        try TFormWriter.write(blankNames(), layout: layout, to: path())
        let form = try Read.checked(path(), template: "2019")
        XCTAssertEqual(form.item("1-1-2")?.persons, ["林工"])
        XCTAssertEqual(form.item("1-1-2")?.departments, ["建设科"])
        XCTAssertEqual(form.item("1-1-2")?.leaders, ["陈局长"])
        XCTAssertTrue(form.findings("item.persons-missing").isEmpty, form.findingsSummary)
    }

    func testWithRealMergesABlankCellIsMissing() throws {
        // 一级 merged as in the seeds; 1-1-2's 责任人 etc. left blank and unmerged.
        let p = try TFormWriter.write(blankNames(), to: path())
        let form = try Read.checked(path(), template: "2019")
        XCTAssertEqual(form.item("1-1-2")?.persons, [])
        let row = p.row["1-1-2"]!
        XCTAssertEqual(form.cells("item.persons-missing"), [p.ref("persons", row)], form.findingsSummary)
        XCTAssertEqual(form.cells("item.departments-missing"), [p.ref("departments", row)])
        XCTAssertEqual(form.cells("item.leaders-missing"), [p.ref("leaders", row)])
    }

    func testNamesMergedInTheirColumnElsewhereAreReal() throws {
        // No 一级 merges, but the 责任人 column merged for 1-2: a blank 1-1-2 is missing there only.
        var layout = TLayout(); layout.merges = false
        let p = try TFormWriter.write(blankNames(), layout: layout, to: path()) { s, p in
            s.merge(p.row["1-2-1"]!, p.col["persons"]!, p.row["1-2-2"]!, p.col["persons"]!, "郑工")
        }
        let form = try Read.checked(path(), template: "2019")
        XCTAssertEqual(form.item("1-1-2")?.persons, [])
        XCTAssertEqual(form.item("1-1-2")?.departments, ["建设科"])
        XCTAssertEqual(form.cells("item.persons-missing"), [p.ref("persons", code: "1-1-2")], form.findingsSummary)
        XCTAssertEqual(form.item("1-2-2")?.persons, ["郑工"])
    }

    func testMergedNamesBelongToEachRow() throws {
        let p = try TFormWriter.write(blankNames(), to: path()) { s, p in
            s.merge(p.row["1-1-1"]!, p.col["persons"]!, p.row["1-1-2"]!, p.col["persons"]!, "林工")
        }
        let form = try Read.checked(path(), template: "2019")
        XCTAssertEqual(form.item("1-1-2")?.persons, ["林工"])
        XCTAssertTrue(form.findings("item.persons-missing").isEmpty, form.findingsSummary)
        XCTAssertEqual(form.cells("item.departments-missing"), [p.ref("departments", code: "1-1-2")])
    }

    func testAnOpenpyxlScriptWithoutMerges() throws {
        try Office.openpyxl(path(), """
        wb = openpyxl.Workbook(); ws = wb.active
        ws.append(['2019年度泉州市测试局绩效目标考评表']); ws.append(\(Office.header))
        ws.append(['职能工作目标（80分）', '1-1-1', '依据', '道路改造。（80分）', '任务一。', 40, '12月', '陈局长', '建设科', '林工'])
        ws.append([None, '1-1-2', None, None, '任务二。', 40, '12月'])
        ws.append(['合计', None, None, None, None, 80])
        ws.append(['行政能力目标（20分）', '4-1', '行政能力第1项。', None, None, 20, '12月', '刘副局长', '办公室', '周主任'])
        ws.append(['合计', None, None, None, None, 20])
        ws.append(['绩效目标考评得分', None, None, None, None, 100])
        wb.save(path)
        """)
        let form = try Read.checked(path(), template: "2019")
        XCTAssertEqual(form.item("1-1-2")?.persons, ["林工"])
        XCTAssertEqual(form.item("1-1-2")?.leaders, ["陈局长"])
        XCTAssertTrue(form.findings("item.persons-missing").isEmpty, form.findingsSummary)
    }
}
