import CXlsxWriter
import Foundation
import KaopingJobs
import XCTest
import XLSXCore

// `kaoping summary` (issue 5): evaluated forms built here with libxlsxwriter plus the evaluated
// sample, a broken file among them; the summary is written, then read back with the project's
// Workbook reader and every figure checked.

/// Paths and small evaluated 考评表 for these tests (names kept apart from other test files).
private enum SumFix {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static var sample004: String { root + "/Samples/004-shengtai-2023-evaluated.xlsx" }
    static var templates: String { root + "/Templates" }

    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("kaoping-summary-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// One body row: (序号, 一级指标, 二级指标 or nil for a one-row indicator, 权重, 档次, 得分).
    struct Row { var code: String; var level1: String; var level2: String?; var weight: Double; var grade: String?; var score: Double? }

    /// A 2024-style one-header-row 考评表: 职能工作目标 (key group) + 行政能力目标, then 档次/得分
    /// in columns L/M, hidden.
    static func writeForm(_ path: String, unit: String, functional: [Row], admin: [Row], hideGrades: Bool = true) throws {
        guard let wb = workbook_new(path) else { throw XCTSkip("workbook_new failed") }
        let ws = workbook_add_worksheet(wb, "Sheet1")!
        func s(_ r: Int, _ c: Int, _ t: String) { worksheet_write_string(ws, lxw_row_t(r - 1), lxw_col_t(c - 1), t, nil) }
        func n(_ r: Int, _ c: Int, _ d: Double) { worksheet_write_number(ws, lxw_row_t(r - 1), lxw_col_t(c - 1), d, nil) }
        func m(_ r1: Int, _ c1: Int, _ r2: Int, _ c2: Int, _ t: String) {
            worksheet_merge_range(ws, lxw_row_t(r1 - 1), lxw_col_t(c1 - 1), lxw_row_t(r2 - 1), lxw_col_t(c2 - 1), t, nil)
        }
        func f(_ r: Int, _ c: Int, _ formula: String, _ v: Double) {
            worksheet_write_formula_num(ws, lxw_row_t(r - 1), lxw_col_t(c - 1), formula, nil, v)
        }
        m(1, 1, 1, 13, "2024年度\(unit)绩效目标考评表")
        m(2, 1, 2, 2, "项目")
        for (c, h) in ["序号", "文件依据", "一级指标", "二级指标", "权重分值", "完成时限", "分管领导", "责任科室", "科室负责人", "档次", "得分"].enumerated() {
            s(2, c + 3, h)
        }
        var r = 3
        func body(_ rows: [Row]) {
            for x in rows {
                s(r, 3, x.code)
                if let l2 = x.level2 { s(r, 4, "市委工作要点"); s(r, 5, x.level1); s(r, 6, l2) } else { m(r, 4, r, 6, x.level1) }
                n(r, 7, x.weight); s(r, 8, "12月底前"); s(r, 9, "张三"); s(r, 10, "办公室"); s(r, 11, "李四")
                if let g = x.grade { s(r, 12, g) }
                if let v = x.score { n(r, 13, v) }
                r += 1
            }
        }
        let fTop = r, fPoints = functional.reduce(0) { $0 + $1.weight }
        body(functional)
        m(fTop, 1, r - 1, 1, "职能工作目标（\(CellValue.format(fPoints))分）")
        m(fTop, 2, r - 1, 2, "重点工作目标")
        m(r, 1, r, 6, "合计"); f(r, 7, "=SUM(G\(fTop):G\(r - 1))", fPoints)
        let fSub = r
        r += 1
        let aTop = r, aPoints = admin.reduce(0) { $0 + $1.weight }
        body(admin)
        m(aTop, 1, r - 1, 2, "行政能力目标（\(CellValue.format(aPoints))分）")
        m(r, 1, r, 6, "合计"); f(r, 7, "=SUM(G\(aTop):G\(r - 1))", aPoints)
        let aSub = r
        r += 1
        m(r, 1, r, 6, "绩效目标考评得分"); f(r, 7, "=G\(fSub)+G\(aSub)", fPoints + aPoints)
        if hideGrades {
            var o = lxw_row_col_options(); o.hidden = 1
            worksheet_set_column_opt(ws, 11, 12, 8, nil, &o)
        }
        let err = workbook_close(wb)
        XCTAssertEqual(err, LXW_NO_ERROR)
    }

    // Unit 1: grades and scores agree. 职能 8 → 2.85 + 1.6 + 3 = 7.45; 行政能力 2 → 0.9 + 0.6 = 1.5.
    static let unit1F = [Row(code: "1-1-1", level1: "推进项目建设（5分）", level2: "完成重点项目投资", weight: 3, grade: "A", score: 2.85),
                         Row(code: "1-1-2", level1: "推进项目建设（5分）", level2: "开展项目督查", weight: 2, grade: "B", score: 1.6),
                         Row(code: "1-2-1", level1: "优化营商环境（3分）", level2: "压缩审批时限", weight: 3, grade: "A+", score: 3)]
    static let unit1A = [Row(code: "4-1", level1: "从严治党", level2: nil, weight: 1, grade: "A-", score: 0.9),
                         Row(code: "4-2", level1: "依法履职", level2: nil, weight: 1, grade: "C", score: 0.6)]
    // Unit 2: 1-1-1 given 2.5 but A × 3 = 2.85 (mismatch, the given score counts); 1-2-1 neither
    // grade nor score (unscored); 4-1 a grade only (computed 0.95). 职能 2.5 + 1.7 = 4.2; 行政能力 1.9.
    static let unit2F = [Row(code: "1-1-1", level1: "推进项目建设（5分）", level2: "完成重点项目投资", weight: 3, grade: "A", score: 2.5),
                         Row(code: "1-1-2", level1: "推进项目建设（5分）", level2: "开展项目督查", weight: 2, grade: "B+", score: 1.7),
                         Row(code: "1-2-1", level1: "优化营商环境（3分）", level2: "压缩审批时限", weight: 3, grade: nil, score: nil)]
    static let unit2A = [Row(code: "4-1", level1: "从严治党", level2: nil, weight: 1, grade: "A", score: nil),
                         Row(code: "4-2", level1: "依法履职", level2: nil, weight: 1, grade: "A", score: 0.95)]

    /// inputs/: a-一局, b-二局, c-一局 again (duplicate), x.xlsx (a text file), ~$ and . files (ignored).
    static func inputs(in dir: String) throws -> String {
        let inp = dir + "/inputs"
        try FileManager.default.createDirectory(atPath: inp + "/sub", withIntermediateDirectories: true)
        try writeForm(inp + "/a-yiju.xlsx", unit: "泉州市测试一局", functional: unit1F, admin: unit1A)
        try writeForm(inp + "/sub/b-erju.xlsx", unit: "泉州市测试二局", functional: unit2F, admin: unit2A, hideGrades: false)
        try writeForm(inp + "/c-yiju-copy.xlsx", unit: "泉州市测试一局", functional: unit2F, admin: unit2A)
        try "not a workbook\n".write(toFile: inp + "/x.xlsx", atomically: true, encoding: .utf8)
        try "lock".write(toFile: inp + "/~$a-yiju.xlsx", atomically: true, encoding: .utf8)
        try "hidden".write(toFile: inp + "/.hidden.xlsx", atomically: true, encoding: .utf8)
        return inp
    }

    static let ratingsCSV = "\u{FEFF}单位,领导评价,公众评议,正向激励加分,察访核验扣分\r\n"
        + "泉州市测试一局,90,80,1,0.5\r\n"
        + "\"泉州市 测试二局\",95,85,,\r\n"
        + "泉州市生态环境局,88,90,2,1\r\n"
        + "泉州市不存在局,70,70,0,0\r\n"

    /// The built binary, beside the test bundle (or `$KAOPING_BIN`).
    static var binary: String? {
        if let b = ProcessInfo.processInfo.environment["KAOPING_BIN"] { return b }
        let starts = [Bundle(for: SummaryTests.self).bundleURL, Bundle.main.bundleURL,
                      URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()]
        for start in starts {
            var dir = start
            for _ in 0..<4 {
                let p = dir.appendingPathComponent("kaoping").path
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue,
                   FileManager.default.isExecutableFile(atPath: p) { return p }
                dir.deleteLastPathComponent()
            }
        }
        return nil
    }
}

/// A read-back sheet: header labels → column, rows by first-column value.
private struct SheetBack {
    let grid: Grid
    let header: [String: Int]
    init(_ wb: Workbook, _ name: String) throws {
        grid = try wb.load(try wb.sheet(named: name))
        var h: [String: Int] = [:]
        for c in grid.row(1) { h[c.value?.text ?? ""] = c.col }
        header = h
    }
    var rowCount: Int { grid.maxRow - 1 }
    func row(unit: String) -> Int? { (2...max(grid.maxRow, 2)).first { grid.value($0, 1)?.text == unit } }
    func value(_ row: Int, _ label: String) -> CellValue? { header[label].flatMap { grid.value(row, $0) } }
    func number(_ row: Int, _ label: String) -> Double? {
        if case .number(let d)? = value(row, label) { return d }
        return nil
    }
    func formula(_ row: Int, _ label: String) -> String? { header[label].flatMap { grid.cell(row, $0)?.formula } }
}

final class SummaryTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try SumFix.scratch() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func store() throws -> TemplateStore { try TemplateStore(directory: SumFix.templates) }

    // MARK: scoring alone

    func testScoringOfTheEvaluatedSample() throws {
        let (form, tpl) = try Pipeline(store: try store()).read(SumFix.sample004)
        let s = Scorer(template: tpl).score(form)
        XCTAssertTrue(s.evaluated)
        XCTAssertEqual(s.section(.functional)?.points, 68)
        XCTAssertEqual(s.section(.functional)!.score, 61.025, accuracy: 1e-9)
        XCTAssertEqual(s.section(.administrative)!.score, 18.3, accuracy: 1e-9)
        XCTAssertEqual(s.section(.civility)!.score, 5.7, accuracy: 1e-9)
        XCTAssertEqual(s.section(.safety)!.score, 5.7, accuracy: 1e-9)
        XCTAssertEqual(s.target, 90.725, accuracy: 1e-9)
        XCTAssertEqual(gradeOrder.map { s.gradeCounts[$0]! }, [7, 23, 14, 8, 8, 1])
        XCTAssertEqual(s.unscored, 0)
        XCTAssertFalse(s.findings.contains { $0.rule == "score.mismatch" }, "\(s.findings)")
    }

    func testScoringComputesMismatchAndMissing() throws {
        let path = dir + "/b.xlsx"
        try SumFix.writeForm(path, unit: "泉州市测试二局", functional: SumFix.unit2F, admin: SumFix.unit2A)
        let (form, tpl) = try Pipeline(store: try store()).read(path)
        XCTAssertEqual(form.unit, "泉州市测试二局")
        XCTAssertEqual(form.year, 2024)
        let s = Scorer(template: tpl).score(form)
        XCTAssertEqual(s.section(.functional)!.score, 4.2, accuracy: 1e-9)
        XCTAssertEqual(s.section(.administrative)!.score, 1.9, accuracy: 1e-9)
        XCTAssertEqual(s.target, 6.1, accuracy: 1e-9)
        XCTAssertEqual(s.unscored, 1)
        let mismatch = try XCTUnwrap(s.findings.first { $0.rule == "score.mismatch" })
        XCTAssertEqual(mismatch.severity, .warning)
        XCTAssertEqual(mismatch.cell, "M3")
        let missing = try XCTUnwrap(s.findings.first { $0.rule == "score.missing" })
        XCTAssertEqual(missing.severity, .warning)
        XCTAssertEqual(missing.cell, "L5")
        // The computed score of a grade-only row.
        XCTAssertEqual(s.items.first { $0.code == "4-1" }?.score ?? -1, 0.95, accuracy: 1e-9)
        // Custom coefficients replace the defaults.
        var scorer = Scorer(template: tpl)
        scorer.coefficients["A"] = 0.9
        XCTAssertEqual(scorer.score(form).section(.administrative)!.score, 0.9 + 0.95, accuracy: 1e-9)
    }

    func testUnevaluatedFormHasNoScoreMissingFindings() throws {
        let (form, tpl) = try Pipeline(store: try store()).read(SumFix.root + "/Samples/002-jiaotong-2019.xlsx")
        let s = Scorer(template: tpl).score(form)
        XCTAssertFalse(s.evaluated)
        XCTAssertTrue(s.findings.isEmpty)
        XCTAssertEqual(s.targetSections, [.functional, .administrative])
    }

    func testRatingsCSVAndXLSX() throws {
        let csv = dir + "/r.csv"
        try SumFix.ratingsCSV.write(toFile: csv, atomically: true, encoding: .utf8)
        let r = try Ratings.read(csv)
        XCTAssertEqual(r.rows.count, 4)
        XCTAssertEqual(r.rating(for: "泉州市测试二局")?.leader, 95)
        XCTAssertNil(r.rating(for: "泉州市测试二局")?.bonus)
        XCTAssertEqual(r.rating(for: " 泉州市测试一局 ")?.penalty, 0.5)

        let x = dir + "/r.xlsx"
        let wb = workbook_new(x)!
        let ws = workbook_add_worksheet(wb, "评分")!
        for (c, h) in Ratings.headers.enumerated() { worksheet_write_string(ws, 1, lxw_col_t(c), h, nil) }
        worksheet_write_string(ws, 0, 0, "2024年度评分", nil)
        worksheet_write_string(ws, 2, 0, "泉州市测试一局", nil)
        for (c, v) in [90.0, 80, 1, 0.5].enumerated() { worksheet_write_number(ws, 2, lxw_col_t(c + 1), v, nil) }
        worksheet_write_string(ws, 3, 0, "泉州市测试二局", nil)
        worksheet_write_string(ws, 3, 1, "九十", nil)
        XCTAssertEqual(workbook_close(wb), LXW_NO_ERROR)
        let rx = try Ratings.read(x)
        XCTAssertEqual(rx.rating(for: "泉州市测试一局"), Rating(unit: "泉州市测试一局", leader: 90, public: 80, bonus: 1, penalty: 0.5, line: 3))
        XCTAssertNil(rx.rating(for: "泉州市测试二局")?.leader)
        XCTAssertEqual(rx.findings.map(\.rule), ["ratings.invalid"])
        XCTAssertEqual(rx.findings.first?.cell, "B4")

        try "名称,分数\n甲,1\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Ratings.read(dir + "/bad.csv")) { XCTAssertEqual($0 as? RatingsError, .noUnitColumn(file: self.dir + "/bad.csv")) }
    }

    // MARK: the whole summary, read back

    func testSummaryWithRatingsReadBack() throws {
        let inputs = try SumFix.inputs(in: dir)
        let csv = dir + "/ratings.csv"
        try SumFix.ratingsCSV.write(toFile: csv, atomically: true, encoding: .utf8)
        let out = dir + "/summary.xlsx"
        let job = SummaryJob(inputs: [inputs, SumFix.sample004], output: out, ratingsFile: csv, store: try store())
        XCTAssertEqual(job.files.map { URL(fileURLWithPath: $0).lastPathComponent },
                       ["a-yiju.xlsx", "c-yiju-copy.xlsx", "b-erju.xlsx", "x.xlsx", "004-shengtai-2023-evaluated.xlsx"])
        var seen: [String] = []
        let summary = try job.run(progress: { _, _, file, outcome in if outcome != nil { seen.append(file) } })
        XCTAssertEqual(seen.count, 5)
        XCTAssertEqual(summary.units.map(\.unit), ["泉州市测试一局", "泉州市测试二局", "泉州市生态环境局"])
        XCTAssertEqual(summary.skipped.count, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no temporary file left")

        let wb = try Workbook(path: out)
        XCTAssertEqual(wb.sheets.map(\.name), ["汇总", "图表", "明细", "问题清单"])
        let sum = try SheetBack(wb, "汇总")
        XCTAssertEqual(sum.rowCount, 3)
        for h in ["单位", "年度", "职能工作目标分值", "职能工作目标得分", "行政能力目标分值", "行政能力目标得分",
                  "精神文明建设分值", "精神文明建设得分", "平安建设分值", "平安建设得分", "目标考核得分",
                  "A+", "A", "A-", "B+", "B", "C", "未评", "领导评价", "公众评议", "正向激励加分", "察访核验扣分", "综合得分", "名次"] {
            XCTAssertNotNil(sum.header[h], h)
        }
        struct Expect {
            var unit: String; var year: Double; var sections: [(String, Double, Double?)]; var target: Double
            var counts: [Double]; var unscored: Double; var composite: Double; var rank: Double
        }
        let expects = [
            Expect(unit: "泉州市测试一局", year: 2024, sections: [("职能工作目标", 8, 7.45), ("行政能力目标", 2, 1.5)], target: 8.95,
                   counts: [1, 1, 1, 0, 1, 1], unscored: 0, composite: 8.95 * 0.6 + 90 * 0.1 + 80 * 0.3 + 1 - 0.5, rank: 1),
            Expect(unit: "泉州市测试二局", year: 2024, sections: [("职能工作目标", 8, 4.2), ("行政能力目标", 2, 1.9)], target: 6.1,
                   counts: [0, 3, 0, 1, 0, 0], unscored: 1, composite: 6.1 * 0.6 + 95 * 0.1 + 85 * 0.3, rank: 2),
            Expect(unit: "泉州市生态环境局", year: 2023,
                   sections: [("职能工作目标", 68, 61.025), ("行政能力目标", 20, 18.3), ("精神文明建设", 6, 5.7), ("平安建设", 6, 5.7)],
                   target: 90.725, counts: [7, 23, 14, 8, 8, 1], unscored: 0,
                   composite: 90.725 * 0.6 + 88 * 0.1 + 90 * 0.3 + 2 - 1, rank: 1),
        ]
        for e in expects {
            let r = try XCTUnwrap(sum.row(unit: e.unit), e.unit)
            XCTAssertEqual(sum.number(r, "年度"), e.year, e.unit)
            for (name, points, score) in e.sections {
                XCTAssertEqual(sum.number(r, name + "分值"), points, "\(e.unit) \(name)")
                XCTAssertEqual(sum.number(r, name + "得分") ?? -1, score ?? -1, accuracy: 1e-9, "\(e.unit) \(name)")
            }
            XCTAssertEqual(sum.number(r, "目标考核得分") ?? -1, e.target, accuracy: 1e-9, e.unit)
            XCTAssertEqual(sum.formula(r, "目标考核得分")?.hasPrefix("SUM("), true, e.unit)
            XCTAssertEqual(gradeOrder.map { sum.number(r, $0) ?? -1 }, e.counts, e.unit)
            XCTAssertEqual(sum.number(r, "未评"), e.unscored, e.unit)
            XCTAssertEqual(sum.number(r, "综合得分") ?? -1, e.composite, accuracy: 1e-6, e.unit)
            XCTAssertNotNil(sum.formula(r, "综合得分"), e.unit)
            XCTAssertEqual(sum.number(r, "名次"), e.rank, e.unit)
            // Ranked within the year (issue 12): 2024's two units 1 and 2, 2023's one unit 1.
            XCTAssertEqual(sum.formula(r, "名次")?.hasPrefix("COUNTIFS("), true, e.unit)
        }
        // 2024 has no 精神文明 section in the test forms: blank, not 0.
        XCTAssertNil(sum.value(try XCTUnwrap(sum.row(unit: "泉州市测试一局")), "精神文明建设得分"))
        // The formula refers to the right cells: 目标考核得分 of 一局 sums its 职能 and 行政能力 scores.
        let r1 = sum.row(unit: "泉州市测试一局")!
        XCTAssertEqual(sum.formula(r1, "目标考核得分"), "SUM(D\(r1),F\(r1))")
        XCTAssertEqual(sum.grid.merges, [])

        // 明细: one row per item of every counted unit (6 + 6 + 61).
        let detail = try SheetBack(wb, "明细")
        XCTAssertEqual(detail.rowCount, 5 + 5 + 61)
        XCTAssertEqual(Array(detail.header.sorted { $0.value < $1.value }.map(\.key).prefix(8)),
                       ["单位", "部分", "序号", "一级指标", "二级指标", "权重", "档次", "得分"])
        let mismatchRow = try XCTUnwrap((2...detail.grid.maxRow).first {
            detail.grid.value($0, 1)?.text == "泉州市测试二局" && detail.grid.value($0, 3)?.text == "1-1-1" })
        XCTAssertEqual(detail.number(mismatchRow, "得分"), 2.5)
        XCTAssertEqual(detail.number(mismatchRow, "计算得分"), 2.85)
        XCTAssertEqual(detail.value(mismatchRow, "档次"), .string("A"))
        let detailSum = (2...detail.grid.maxRow).filter { detail.grid.value($0, 1)?.text == "泉州市生态环境局" }
            .reduce(0.0) { $0 + (detail.number($1, "得分") ?? 0) }
        XCTAssertEqual(detailSum, 90.725, accuracy: 1e-9)

        // 问题清单
        let issues = try SheetBack(wb, "问题清单")
        XCTAssertEqual(issues.header.sorted { $0.value < $1.value }.map(\.key), ["文件", "单位", "问题", "单元格", "严重程度", "说明"])
        var listed: [(file: String, unit: String, rule: String, cell: String, sev: String, msg: String)] = []
        for r in 2...issues.grid.maxRow {
            func t(_ l: String) -> String { issues.value(r, l)?.text ?? "" }
            listed.append((t("文件"), t("单位"), t("问题"), t("单元格"), t("严重程度"), t("说明")))
        }
        XCTAssertEqual(listed.count, summary.issues.count)
        let mismatch = try XCTUnwrap(listed.first { $0.rule == Rule(rawValue: "score.mismatch")!.name })
        XCTAssertTrue(mismatch.file.hasSuffix("b-erju.xlsx"))
        XCTAssertEqual(mismatch.unit, "泉州市测试二局")
        XCTAssertEqual(mismatch.cell, "M3")
        XCTAssertEqual(mismatch.sev, "警告")
        XCTAssertTrue(listed.contains { $0.rule == Rule(rawValue: "score.missing")!.name && $0.cell == "L5" })
        // The file's name, not its path (issue 12).
        XCTAssertFalse(listed.contains { $0.file.contains("/") })
        let broken = try XCTUnwrap(listed.first { $0.file == "x.xlsx" })
        XCTAssertEqual(broken.rule, Rule.fileUnreadable.name)
        XCTAssertEqual(broken.sev, "错误")
        XCTAssertFalse(broken.msg.isEmpty)
        let dup = try XCTUnwrap(listed.first { $0.rule == Rule(rawValue: "summary.duplicate-unit")!.name })
        XCTAssertTrue(dup.file.hasSuffix("c-yiju-copy.xlsx"))
        XCTAssertEqual(dup.unit, "泉州市测试一局")
        // The duplicate is counted once: its own findings (its mismatch) are not listed.
        XCTAssertFalse(listed.contains { $0.file.hasSuffix("c-yiju-copy.xlsx") && $0.rule == Rule(rawValue: "score.mismatch")!.name })
        XCTAssertTrue(listed.contains { $0.rule == Rule(rawValue: "ratings.unmatched")!.name && $0.unit == "泉州市不存在局" })
        XCTAssertTrue(listed.contains { $0.rule == Rule(rawValue: "sheet.hidden-column")!.name && $0.unit == "泉州市生态环境局" })
        XCTAssertFalse(listed.contains { $0.file.contains("~$") || $0.file.contains(".hidden") })

        // The chart is there and points at 汇总's 目标考核得分.
        let chartXML = try zipText(out, "xl/charts/chart1.xml")
        let col = CellRef.letters(sum.header["目标考核得分"]!)
        XCTAssertTrue(chartXML.contains("$\(col)$2:$\(col)$4"), chartXML)
        XCTAssertTrue(chartXML.contains("<c:barChart>"))
        let sheet1 = try zipText(out, "xl/worksheets/sheet1.xml")
        XCTAssertTrue(sheet1.contains("<pane ySplit=\"1\"") || sheet1.contains("ySplit=\"1\""), "frozen header")
        XCTAssertTrue(sheet1.contains("<autoFilter ref=\"A1:"), "autofilter")
        XCTAssertTrue(sheet1.contains("orientation=\"landscape\""), "landscape")
        // Printed at a scale that keeps 11 pt text at 9 pt or more (issue 12), not squeezed to the width.
        let scale = sheet1.range(of: #" scale="(\d+)""#, options: .regularExpression).map { Int(sheet1[$0].filter(\.isNumber)) ?? 0 }
        XCTAssertGreaterThanOrEqual(scale ?? 0, 82, "print scale")
        let wbXML = try zipText(out, "xl/workbook.xml")
        XCTAssertTrue(wbXML.contains("_xlnm.Print_Titles"), "repeat header row")
        XCTAssertTrue(try zipText(out, "xl/styles.xml").contains("宋体"))
    }

    func testSummaryWithoutRatingsRanksByTarget() throws {
        let a = dir + "/a.xlsx", b = dir + "/b.xlsx"
        try SumFix.writeForm(a, unit: "泉州市测试一局", functional: SumFix.unit1F, admin: SumFix.unit1A)
        try SumFix.writeForm(b, unit: "泉州市测试二局", functional: SumFix.unit2F, admin: SumFix.unit2A)
        let out = dir + "/out/s.xlsx"
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        let s = try SummaryJob(inputs: [b, a, SumFix.root + "/Samples/003-yingji-2021.xlsx"], output: out, store: try store()).run()
        XCTAssertEqual(s.units.map(\.rank), [2, 1, nil])
        let wb = try Workbook(path: out)
        let sum = try SheetBack(wb, "汇总")
        XCTAssertNil(sum.header["综合得分"])
        XCTAssertNil(sum.header["领导评价"])
        XCTAssertEqual(sum.number(sum.row(unit: "泉州市测试二局")!, "名次"), 2)
        XCTAssertEqual(sum.number(sum.row(unit: "泉州市测试一局")!, "名次"), 1)
        let yingji = try XCTUnwrap(sum.row(unit: "泉州市应急管理局"))
        XCTAssertNil(sum.value(yingji, "名次"))
        XCTAssertNil(sum.value(yingji, "目标考核得分"))
        XCTAssertEqual(sum.number(yingji, "职能工作目标分值"), 70)
        XCTAssertEqual(sum.number(yingji, "未评"), 57)
        let issues = try SheetBack(wb, "问题清单")
        XCTAssertTrue((2...issues.grid.maxRow).contains { issues.value($0, "问题")?.text == Rule.summaryNotEvaluated.name })
        // Ties share a rank.
        var builder = SummaryBuilder()
        let store = try store()
        for (i, f) in [a, a].enumerated() {
            var (form, t) = try Pipeline(store: store).read(f)
            form.unit = "单位\(i)"
            builder.add(form: form, template: t, file: f)
        }
        XCTAssertEqual(builder.finish(ratings: nil).units.map(\.rank), [1, 1])
    }

    func testRefusesOutputEqualToAnInputAndWritesNothingWhenNothingRead() throws {
        let a = dir + "/a.xlsx"
        try SumFix.writeForm(a, unit: "泉州市测试一局", functional: SumFix.unit1F, admin: SumFix.unit1A)
        let before = try Data(contentsOf: URL(fileURLWithPath: a))
        XCTAssertThrowsError(try SummaryJob(inputs: [dir], output: dir + "/./a.xlsx", store: try store()).run()) {
            XCTAssertEqual($0 as? SummaryError, .outputIsInput(self.dir + "/./a.xlsx"))
        }
        XCTAssertThrowsError(try SummaryJob(inputs: [a], output: a, store: try store()).run())
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), before)

        try "junk".write(toFile: dir + "/x.xlsx", atomically: true, encoding: .utf8)
        let out = dir + "/none.xlsx"
        XCTAssertThrowsError(try SummaryJob(inputs: [dir + "/x.xlsx"], output: out, store: try store()).run()) {
            XCTAssertEqual($0 as? SummaryError, .nothingToSummarise(skipped: 1))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        // An OUT inside an input folder is not read back as an input on the next run.
        let inFolder = dir + "/s.xlsx"
        _ = try SummaryJob(inputs: [a], output: inFolder, store: try store()).run()
        let again = SummaryJob(inputs: [dir], output: inFolder, store: try store())
        XCTAssertFalse(again.files.contains { $0.hasSuffix("/s.xlsx") })
        // A failed write leaves the old OUT as it was and no temporary file.
        let old = try Data(contentsOf: URL(fileURLWithPath: inFolder))
        XCTAssertThrowsError(try SummaryWriter.write(Summary(), to: dir + "/no-such-dir/s.xlsx"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: inFolder)), old)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }, [])
    }

    // MARK: the binary

    func testBinaryExitCodes() throws {
        guard let bin = SumFix.binary else { throw XCTSkip("kaoping binary not built beside the tests") }
        let inputs = try SumFix.inputs(in: dir)
        let csv = dir + "/ratings.csv"
        try SumFix.ratingsCSV.write(toFile: csv, atomically: true, encoding: .utf8)
        func run(_ args: [String]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: bin)
            p.arguments = args
            var env = ProcessInfo.processInfo.environment
            env["KAOPING_TEMPLATES"] = SumFix.templates
            p.environment = env
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let data = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        // Some inputs skipped (the broken file, the duplicate): 1, and both listed.
        let out = dir + "/summary.xlsx"
        let (code, log) = try run(["summary", inputs, SumFix.sample004, "-o", out, "--ratings", csv])
        XCTAssertEqual(code, 1, log)
        XCTAssertTrue(log.contains("x.xlsx"), log)
        XCTAssertTrue(log.contains("c-yiju-copy.xlsx"), log)
        XCTAssertEqual(log.components(separatedBy: "\n").filter { $0.contains("] ") }.count, 5, "one line per file: \(log)")
        let wb = try Workbook(path: out)
        let sum = try SheetBack(wb, "汇总")
        XCTAssertEqual(sum.rowCount, 3)
        XCTAssertEqual(sum.number(sum.row(unit: "泉州市生态环境局")!, "名次"), 1)
        // All read: 0.
        let (ok, okLog) = try run(["summary", SumFix.sample004, inputs + "/a-yiju.xlsx", "-o", dir + "/ok.xlsx"])
        XCTAssertEqual(ok, 0, okLog)
        // Nothing readable: 2, nothing written.
        let (none, _) = try run(["summary", inputs + "/x.xlsx", "-o", dir + "/none.xlsx"])
        XCTAssertEqual(none, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/none.xlsx"))
        // OUT equal to an input: 2, the input untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: inputs + "/a-yiju.xlsx"))
        let (same, sameLog) = try run(["summary", inputs + "/a-yiju.xlsx", "-o", inputs + "/a-yiju.xlsx"])
        XCTAssertEqual(same, 2, sameLog)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: inputs + "/a-yiju.xlsx")), before)
        // Unreadable ratings: 2.
        let (badRatings, _) = try run(["summary", SumFix.sample004, "-o", dir + "/r.xlsx", "--ratings", dir + "/missing.csv"])
        XCTAssertEqual(badRatings, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/r.xlsx"))
    }

    /// One part of the written zip as text, through the project's zip reader.
    func zipText(_ path: String, _ part: String) throws -> String {
        String(decoding: try ZipArchive(path: path).data(part), as: UTF8.self)
    }
}
