import Foundation
import KaopingJobs
import XCTest
@testable import KaopingModel
@testable import KaopingRules

// Issue 11, point 6: stale totals — a 合计 whose SUM misses rows added later, a 合计 typed as a
// wrong constant, a 绩效目标考评得分 with #REF! inside its SUM. Each is said at the total's cell
// with what the sheet shows and what the weights give.

final class MessyTestsTotals: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func path(_ name: String = #function) -> String { dir + "/" + name.filter { $0.isLetter || $0.isNumber } + ".xlsx" }

    /// The standard form's 职能 合计 rewritten as `formula` with the cached value.
    func staleSubtotal(_ formula: String, cached: Double) throws -> (Placed, Form) {
        let p = try TFormWriter.write(TForm.standard(), to: path()) { s, p in
            s.formula(p.subtotalRows[0], p.col["weight"]!, formula, cached: cached)
        }
        return (p, try Read.checked(path(), template: "2019"))
    }

    func testASumThatMissesTheLastRows() throws {
        let (p, form) = try staleSubtotal("=SUM(F4:F5)", cached: 40)
        let cell = p.ref("weight", p.subtotalRows[0])
        XCTAssertEqual(form.cells("section.subtotal-range"), [cell], form.findingsSummary)
        let msg = try XCTUnwrap(form.findings("section.subtotal-range").first?.message)
        XCTAssertTrue(msg.has("第 \(p.row["1-2-1"]!)–\(p.row["1-2-2"]!) 行") && msg.has("40 分") && msg.has("80 分"), msg)
        XCTAssertTrue(form.findings("section.subtotal").isEmpty, form.findingsSummary)
    }

    func testASumThatMissesARowInTheMiddle() throws {
        // An item inserted between two ranges the unit wrote by hand.
        let (p, form) = try staleSubtotal("=SUM(F4:F5)+F7", cached: 60)
        let msg = try XCTUnwrap(form.findings("section.subtotal-range").first?.message, form.findingsSummary)
        XCTAssertTrue(msg.has("第 \(p.row["1-2-1"]!) 行") && msg.has("60 分"), msg)
    }

    func testAWholeSumIsNoFinding() throws {
        let (_, form) = try staleSubtotal("=SUM($F$4:$F$7)", cached: 80)
        XCTAssertTrue(form.findings("section.subtotal-range").isEmpty, form.findingsSummary)
        XCTAssertTrue(form.findings("section.subtotal").isEmpty, form.findingsSummary)
    }

    func testASubtotalTypedAsAWrongConstant() throws {
        let p = try TFormWriter.write(TForm.standard(), to: path()) { s, p in
            s.num(p.subtotalRows[0], p.col["weight"]!, 75)
        }
        let form = try Read.checked(path(), template: "2019")
        XCTAssertEqual(form.cells("section.subtotal"), [p.ref("weight", p.subtotalRows[0])], form.findingsSummary)
        let msg = form.findings("section.subtotal")[0].message
        XCTAssertTrue(msg.has("75 分") && msg.has("80 分") && msg.has("不是公式"), msg)
    }

    func testATotalTypedAsAWrongConstant() throws {
        let p = try TFormWriter.write(TForm.standard(), to: path()) { s, p in s.num(p.totalRow, p.col["weight"]!, 98) }
        let form = try Read.checked(path(), template: "2019")
        XCTAssertEqual(form.cells("total.declared"), [p.ref("weight", p.totalRow)], form.findingsSummary)
        XCTAssertTrue(form.findings("total.declared")[0].message.has("98") && form.findings("total.declared")[0].message.has("100"))
    }

    func testAStaleSubtotalResavedByLibreOffice() throws {
        let p = try TFormWriter.write(TForm.standard(), to: path()) { s, p in
            s.formula(p.subtotalRows[0], p.col["weight"]!, "=SUM(F4:F6)", cached: 60)
        }
        let form = try Pipeline(store: Repo.store()).read(try Office.resaved(path()), template: "2019").0
        XCTAssertEqual(form.cells("section.subtotal-range"), [p.ref("weight", p.subtotalRows[0])], form.findingsSummary)
        XCTAssertTrue(form.findings("section.subtotal-range")[0].message.has("第 \(p.row["1-2-2"]!) 行"))
    }

    /// A sheet written by openpyxl (formulas without cached values), items F3…F12, 合计 row 13.
    func openpyxlForm(subtotal: String, total: String) throws -> Form {
        try Office.openpyxl(path(), """
        wb = openpyxl.Workbook(); ws = wb.active
        ws.append(['2019年度泉州市测试局绩效目标考评表'])
        ws.append(\(Office.header))
        for i in range(10):
            ws.append(['职能工作目标（80分）' if i == 0 else None, '1-1-%d' % (i + 1), '依据' if i == 0 else None,
                       '重点工作。（80分）' if i == 0 else None, '第%d项任务。' % (i + 1), 8, '12月', '陈局长', '建设科', '林工'])
        ws.merge_cells('A3:A12'); ws.merge_cells('C3:C12'); ws.merge_cells('D3:D12')
        ws.append(['合计', None, None, None, None, '\(subtotal)'])
        ws.append(['行政能力目标（20分）', '4-1', '行政能力第1项。', None, None, 20, '12月', '刘副局长', '办公室', '周主任'])
        ws.append(['合计', None, None, None, None, '=SUM(F14:F14)'])
        ws.append(['绩效目标考评得分', None, None, None, None, '\(total)'])
        wb.save(path)
        """)
        return try Read.checked(path(), template: "2019")
    }

    func testOpenpyxlSubtotalMissingRowsAddedLater() throws {
        let form = try openpyxlForm(subtotal: "=SUM(F3:F9)", total: "=F13+F15")
        let f = try XCTUnwrap(form.findings("section.subtotal-range").first, form.findingsSummary)
        XCTAssertEqual(f.cell, "F13")
        XCTAssertTrue(f.message.has("第 10–12 行") && f.message.has("80 分"), f.message)
        XCTAssertTrue(form.findings("total.formula-range").isEmpty, form.findingsSummary)
    }

    func testOpenpyxlTotalWithRefErrorInsideItsSum() throws {
        let form = try openpyxlForm(subtotal: "=SUM(F3:F12)", total: "=SUM(#REF!,F15)")
        let f = try XCTUnwrap(form.findings("total.formula-broken").first, form.findingsSummary)
        XCTAssertEqual(f.cell, "F16")
        XCTAssertTrue(f.message.has("#REF!") && f.message.has("100 分"), f.message)
        XCTAssertTrue(form.findings("total.missing").isEmpty, form.findingsSummary)
    }

    func testOpenpyxlTotalMissingASubtotal() throws {
        let form = try openpyxlForm(subtotal: "=SUM(F3:F12)", total: "=SUM(F13)")
        let f = try XCTUnwrap(form.findings("total.formula-range").first, form.findingsSummary)
        XCTAssertEqual(f.cell, "F16")
        XCTAssertTrue(f.message.has("第 15 行") && f.message.has("100 分"), f.message)
    }

    func testSummedRowsReadsOnlyPlainSums() {
        XCTAssertEqual(Checker.summedRows("=SUM(G5:G30)", column: "G"), [5...30])
        XCTAssertEqual(Checker.summedRows("SUM($G$5:$G$9, G12)+G14", column: "G"), [5...9, 12...12, 14...14])
        XCTAssertNil(Checker.summedRows("=SUM(H5:H9)", column: "G"))
        XCTAssertNil(Checker.summedRows("=ROUND(SUM(G5:G9),1)", column: "G"))
        XCTAssertNil(Checker.summedRows("=Sheet2!G5", column: "G"))
        XCTAssertNil(Checker.summedRows("=100", column: "G"))
    }
}
