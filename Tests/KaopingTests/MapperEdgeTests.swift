import Foundation
import KaopingJobs
import XCTest
@testable import KaopingModel

// Variants DOMAIN.md describes that the fixtures lack: labels cut by page breaks, section and
// group on one line, a title without its year, codes with trailing punctuation.

final class MapperEdgeTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func path(_ name: String = #function) -> String { dir + "/" + name.filter { $0.isLetter || $0.isNumber } + ".xlsx" }

    /// The standard form with a 常规 group of one indicator added after 重点.
    func withRoutine() -> TForm {
        var f = TForm.standard()
        f.sections[0].label = "职能工作目标（84分）"
        f.sections[0].groups.append(TGroup(label: "常规工作目标", indicators: [
            TIndicator(basis: "三定方案", text: "做好日常监管工作。（4分）", items: [
                TItem(code: "2-1-1", text: "开展日常巡查。", weight: .num(2)),
                TItem(code: "2-1-2", text: "办理群众投诉。", weight: .num(2)),
            ])]))
        return f
    }

    func testLabelCutByAPageBreakIsNoGroup() throws {
        // Unmerged labels: '常' at 2-1-1 and '规 工 作 目 标' at 2-1-2 (a label split over two pages).
        var layout = TLayout(); layout.merges = false; layout.projectColumns = 2
        let p = try TFormWriter.write(withRoutine(), layout: layout, to: path()) { s, p in
            s.str(p.row["2-1-1"]!, 2, "常规工作目标")
            s.str(p.row["2-1-2"]!, 2, "规 工 作 目 标")
        }
        let form = try Read.form(path())
        let f = try XCTUnwrap(form.section(.functional))
        XCTAssertEqual(f.groups.map(\.name), ["重点工作目标", "常规工作目标"])
        XCTAssertEqual(f.groups.map(\.kind), [.key, .routine])
        XCTAssertEqual(f.groups[1].indicators.first?.items.count, 2)
        XCTAssertEqual(form.cells("label.unrecognized"), [CellRef.format(row: p.row["2-1-2"]!, col: 2)])
        XCTAssertTrue(form.findings("cell.unmapped").isEmpty, form.findingsSummary)
    }

    func testSectionAndGroupOnOneLineAreBothOpened() throws {
        var layout = TLayout(); layout.projectColumns = 1
        let p = try TFormWriter.write(.standard(), layout: layout, to: path()) { s, p in
            s.merge(p.row["1-1-1"]!, 1, p.row["1-2-2"]!, 1, "职能工作目标（80分）重点工作目标")
        }
        let form = try Read.form(path())
        let f = try XCTUnwrap(form.section(.functional))
        XCTAssertEqual(f.name, "职能工作目标")
        XCTAssertEqual(f.labelPoints, 80)
        XCTAssertEqual(f.groups.map(\.kind), [.key])
        XCTAssertEqual(f.groups.first?.name, "重点工作目标")
        XCTAssertEqual(f.items.count, 4)
        XCTAssertNotNil(p.row["1-1-1"])
    }

    func testYearFromTheDateWhenTheTitleHasNone() throws {
        var form = TForm.standard()
        form.title = "泉州市测试局绩效目标考评表"
        try TFormWriter.write(form, to: path()) { s, p in s.str(p.titleRow + 1, 8, "2024年7月25日") }
        let read = try Read.form(path())
        XCTAssertEqual(read.date, "2024年7月25日")
        XCTAssertEqual(read.year, 2024)
        XCTAssertEqual(read.unit, "泉州市测试局")
    }

    func testCodesWithTrailingPunctuationAndFullWidthDashes() throws {
        var form = TForm.standard()
        form.sections[0].groups[0].indicators[0].items[0].code = "1-1-1."
        form.sections[0].groups[0].indicators[0].items[1].code = "1－1－2"
        form.sections[1].groups[0].indicators[0].items[0].code = "4-1、"
        try TFormWriter.write(form, to: path())
        let read = try Read.form(path())
        XCTAssertEqual(read.items.prefix(5).map(\.code), ["1-1-1", "1-1-2", "1-2-1", "1-2-2", "4-1"])
        XCTAssertTrue(read.findings("code.invalid").isEmpty, read.findingsSummary)
    }
}

final class LabelSplitTests: XCTestCase {
    func testSplitsSectionFromGroupOnlyWhereTheSectionLabelIsWhole() {
        XCTAssertNil(Mapping.splitLabel("职能\n工作\n目标"))
        XCTAssertNil(Mapping.splitLabel("行政能力目标\n（20分）"))
        XCTAssertNil(Mapping.splitLabel("职能工作目标（68分）"))
        XCTAssertEqual(Mapping.splitLabel("职能工作目标（68分）\n重点工作目标").map { [$0.0, $0.1] }, ["职能工作目标（68分）", "重点工作目标"])
        XCTAssertEqual(Mapping.splitLabel("职能\n工作\n目标\n重点 工作 目标").map { [$0.0, $0.1] }, ["职能工作目标", "重点 工作 目标"])
        XCTAssertEqual(Mapping.splitLabel("行政能力目标\n科学行政（6分）").map { [$0.0, $0.1] }, ["行政能力目标", "科学行政（6分）"])
    }
}

final class DatesAndLabelsTests: XCTestCase {
    func testDateSerialsReadAsTheUnitSeesThem() {
        XCTAssertEqual(Mapping.dateText(serial: 45657, date1904: false), "2024年12月31日")
        XCTAssertEqual(Mapping.dateText(serial: 45658.75, date1904: false), "2025年1月1日")
        XCTAssertEqual(Mapping.dateText(serial: 1, date1904: false), "1900年1月1日")
        XCTAssertEqual(Mapping.dateText(serial: 61, date1904: false), "1900年3月1日")
        XCTAssertEqual(Mapping.dateText(serial: 44195, date1904: true), "2024年12月31日")
        XCTAssertNil(Mapping.dateText(serial: -3, date1904: false))
    }

    /// A grid built by hand: header labels with bracketed notes, a deadline typed as a real date.
    func testBracketedHeaderNotesAndDateDeadlines() throws {
        var dateFmt = CellFormat(); dateFmt.isDate = true
        func s(_ r: Int, _ c: Int, _ t: String) -> Cell { Cell(row: r, col: c, value: .string(t)) }
        let header = ["项目", "序号", "文件依据", "一级指标", "二级指标", "权重（分）", "完成时限（月）", "分管领导", "责任科室(单位)", "责任人"]
        var cells = header.enumerated().map { s(2, $0.offset + 1, $0.element) }
        cells += [s(1, 1, "2024年度泉州市测试局绩效目标考评表"),
                  s(3, 1, "职能工作目标（4分）"), s(3, 2, "1-1-1"), s(3, 3, "依据"), s(3, 4, "一级（4分）"), s(3, 5, "二级甲"),
                  Cell(row: 3, col: 6, value: .number(2)), Cell(row: 3, col: 7, value: .number(45657), style: 1),
                  s(3, 8, "张三"), s(3, 9, "办公室"), s(3, 10, "李四"),
                  s(4, 2, "1-1-2"), s(4, 5, "二级乙"), Cell(row: 4, col: 6, value: .number(2)), s(4, 7, "12月底前"),
                  s(4, 8, "张三"), s(4, 9, "办公室"), s(4, 10, "李四")]
        let grid = Grid(name: "Sheet1", cells: cells, meta: SheetMeta(), formats: [CellFormat(), dateFmt])
        let form = try XCTUnwrap(FormMapper().map(grid, file: "t.xlsx"))
        XCTAssertEqual(form.layout.columns[.deadline], 7)
        XCTAssertEqual(form.layout.columns[.departments], 9)
        XCTAssertEqual(form.layout.columns[.weight], 6)
        XCTAssertEqual(form.items.map { $0.deadline }, ["2024年12月31日", "12月底前"])
        XCTAssertEqual(form.items.map { $0.text }, ["二级甲", "二级乙"])
        XCTAssertEqual(form.section(SectionKind.functional)?.points, 4)
        XCTAssertEqual(form.year, 2024)
    }
}
