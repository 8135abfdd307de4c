import Foundation
import KaopingJobs
import XCTest
@testable import KaopingModel

// Issue 11, points 3 and 4: 序号 typed with other digits, dashes and spaces; names joined by
// 、，/；or line breaks.

final class MessyTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func path(_ name: String = #function) -> String { dir + "/" + name.filter { $0.isLetter || $0.isNumber } + ".xlsx" }

    /// The standard form with its eight codes replaced, in sheet order.
    func retyped(_ codes: [String]) -> TForm {
        var f = TForm.standard()
        var k = 0
        for si in f.sections.indices { for gi in f.sections[si].groups.indices {
            for ii in f.sections[si].groups[gi].indicators.indices {
                for ti in f.sections[si].groups[gi].indicators[ii].items.indices {
                    f.sections[si].groups[gi].indicators[ii].items[ti].code = codes[k]; k += 1
                }
            }
        } }
        return f
    }

    static let normal = ["1-1-1", "1-1-2", "1-2-1", "1-2-2", "4-1", "4-2", "4-3", "4-4"]

    func assertCodes(_ form: Form, retypedAt rows: [Int], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(form.items.compactMap(\.code), MessyTests.normal, file: file, line: line)
        XCTAssertEqual(form.allIndicators.compactMap(\.code), ["1-1", "1-2", "4-1", "4-2", "4-3", "4-4"], file: file, line: line)
        XCTAssertEqual(form.findings("code.retyped").map(\.cell), rows.map { "B\($0)" }, form.findingsSummary, file: file, line: line)
        XCTAssertEqual(Set(form.findings("code.retyped").compactMap(\.code)).count, rows.count, file: file, line: line)
        for rule in ["code.invalid", "code.pattern", "code.duplicate", "cell.unmapped"] {
            XCTAssertTrue(form.findings(rule).isEmpty, "\(rule): \(form.findingsSummary)", file: file, line: line)
        }
    }

    // MARK: point 3

    func testEveryListedDashAndFullWidthDigitIsNormalised() throws {
        let codes = ["１－１－１", "1—1—2", "1–2–1", "1−2−2", "4‐1", "4﹣2", "4﹘3", " 4-4\u{3000}"]
        let p = try TFormWriter.write(retyped(codes), to: path())
        let form = try Read.form(path())
        assertCodes(form, retypedAt: codes.map { p.row[$0]! })
        XCTAssertEqual(form.findings("code.retyped").first?.severity, .info)
        XCTAssertTrue(form.findings("code.retyped").first?.message.has("1-1-1") ?? false)
    }

    func testADashRetypedHalfWayAndTheOtherDashes() throws {
        // U+2011, U+2012, U+2015 and a code whose second dash alone is full-width.
        let codes = ["1-1-1", "1-1－2", "1‒2‒1", "1―2‑2", "4-1", "4-2", "4‐3", "4-4"]
        let p = try TFormWriter.write(retyped(codes), to: path())
        let form = try Read.form(path())
        assertCodes(form, retypedAt: ["1-1－2", "1‒2‒1", "1―2‑2", "4‐3"].map { p.row[$0]! })
    }

    func testPlainCodesAndTrailingPunctuationAreNoRetyping() throws {
        let codes = ["1-1-1", "1-1-2.", "1-2-1、", "1-2-2", "4-1", "4-2", "4-3", "4-4"]
        try TFormWriter.write(retyped(codes), to: path())
        assertCodes(try Read.form(path()), retypedAt: [])
    }

    func testRetypedCodesResavedByLibreOffice() throws {
        let codes = ["１－１－１", "1—1—2", "1–2–1", "1−2−2", "4﹣1", "４－２", "4-3", "4－4"]
        let p = try TFormWriter.write(retyped(codes), to: path())
        let form = try Read.form(try Office.resaved(path()))
        assertCodes(form, retypedAt: ["１－１－１", "1—1—2", "1–2–1", "1−2−2", "4﹣1", "４－２", "4－4"].map { p.row[$0]! })
    }

    func testRetypedCodesWrittenByOpenpyxl() throws {
        // One header row, no merges: every indicator text typed on its first row only.
        try Office.openpyxl(path(), """
        wb = openpyxl.Workbook(); ws = wb.active
        ws.append(['2019年度泉州市测试局绩效目标考评表'])
        ws.append(\(Office.header))
        rows = [
          ['职能工作目标（80分）', '１－１－１', '依据一', '道路改造。（40分）', '完成主干道改造。', 20, '12月', '陈局长', '建设科', '林工'],
          [None, '\\u30001-1-2 ', None, None, '完成小巷整治。', 20, '12月', '陈局长', '建设科', '林工'],
          [None, '1\\u22122\\u22121', '依据二', '市容整治。（40分）', '开展专项整治。', 20, '12月', '黄局长', '市容科', '郑工'],
          [None, '1\\u20142\\u20142', None, None, '建成口袋公园。', 20, '12月', '黄局长', '园林科', '吴工'],
          ['合计', None, None, None, None, '=SUM(F3:F6)'],
          ['行政能力目标（20分）', '4\\uff0d1', None, '行政能力第1项。', None, 20, '12月', '刘副局长', '办公室', '周主任'],
          ['合计', None, None, None, None, '=SUM(F8:F8)'],
          ['绩效目标考评得分', None, None, None, None, '=F7+F9'],
        ]
        for r in rows: ws.append(r)
        wb.save(path)
        """)
        let form = try Read.form(path())
        XCTAssertEqual(form.items.compactMap(\.code), ["1-1-1", "1-1-2", "1-2-1", "1-2-2", "4-1"])
        XCTAssertEqual(form.allIndicators.compactMap(\.code), ["1-1", "1-2", "4-1"])
        XCTAssertEqual(form.cells("code.retyped"), ["B3", "B4", "B5", "B6", "B8"], form.findingsSummary)
        XCTAssertTrue(form.findings("cell.unmapped").isEmpty, form.findingsSummary)
    }

    // MARK: point 4

    func testNamesJoinedEveryWay() {
        let cases: [(String, [String])] = [
            ("林工、吴工", ["林工", "吴工"]), ("陈局长，黄局长", ["陈局长", "黄局长"]),
            ("建设科/园林科", ["建设科", "园林科"]), ("张三；李四", ["张三", "李四"]),
            ("张三;李四,王五", ["张三", "李四", "王五"]), ("王五\n赵六", ["王五", "赵六"]),
            ("王五\r\n赵六", ["王五", "赵六"]), ("周主任、", ["周主任"]), ("、周主任、、", ["周主任"]),
            ("李　昀", ["李昀"]), ("李 昀", ["李昀"]), ("李　昀、王　芳", ["李昀", "王芳"]),
            ("王　芳、李　昀、", ["王芳", "李昀"]), ("昀　昀", ["昀昀"]), ("李\n昀", ["李", "昀"]),
            ("张三 李四", ["张三", "李四"]), ("李　昀\n陈　静", ["李昀", "陈静"]), ("张三／李四", ["张三", "李四"]),
            ("张三、 李四", ["张三", "李四"]), ("李、昀", ["李", "昀"]),
        ]
        for (cell, want) in cases { XCTAssertEqual(KText.names(cell), want, cell) }
    }

    func namesForm() -> TForm {
        var f = TForm.standard()
        let it = \TForm.sections[0].groups[0].indicators
        f[keyPath: it][0].items[0].persons = "林工、吴工、"
        f[keyPath: it][0].items[1].persons = "李　昀"
        f[keyPath: it][1].items[0].leaders = "陈局长，黄局长"
        f[keyPath: it][1].items[1].departments = "市容科/园林科；办公室"
        f.sections[1].groups[0].indicators[0].items[0].persons = "周主任\n王　芳"
        return f
    }

    func assertNames(_ form: Form, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(form.item("1-1-1")?.persons, ["林工", "吴工"], file: file, line: line)
        XCTAssertEqual(form.item("1-1-2")?.persons, ["李昀"], file: file, line: line)
        XCTAssertEqual(form.item("1-2-1")?.leaders, ["陈局长", "黄局长"], file: file, line: line)
        XCTAssertEqual(form.item("1-2-2")?.departments, ["市容科", "园林科", "办公室"], file: file, line: line)
        XCTAssertEqual(form.item("4-1")?.persons, ["周主任", "王芳"], file: file, line: line)
        XCTAssertEqual(form.item("4-2")?.persons, ["周主任"], file: file, line: line)
    }

    func testNamesInASheet() throws {
        try TFormWriter.write(namesForm(), to: path())
        assertNames(try Read.form(path()))
    }

    func testNamesResavedByLibreOffice() throws {
        try TFormWriter.write(namesForm(), to: path())
        assertNames(try Read.form(try Office.resaved(path())))
    }
}
