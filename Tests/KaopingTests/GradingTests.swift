import Foundation
import KaopingJobs
import XCTest
import XLSXReader

// `kaoping grading` (issue 14, point 7): the sheet the evaluators fill in. Its drop-down and
// formulas read back with openpyxl; filled in by openpyxl and recalculated by LibreOffice, it
// scores right in `summary` and `import`.

final class GradingTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// Validations, the 档次/得分 columns and their formulas of the first sheet.
    static let dump = """
    import json, sys, openpyxl
    wb = openpyxl.load_workbook(sys.argv[1])
    s = wb.worksheets[0]
    dvs = [{"type": dv.type, "formula": dv.formula1, "ranges": [[r.min_row, r.max_row, r.min_col, r.max_col] for r in dv.sqref.ranges]}
           for dv in s.data_validations.dataValidation]
    heads = {}
    for row in s.iter_rows(max_row=6):
        for c in row:
            v = "权重" if isinstance(c.value, str) and c.value.startswith("权重") else c.value
            if v in ("档次", "得分", "权重") and v not in heads: heads[v] = c.column
    col = lambda n: [[r, s.cell(r, heads[n]).value] for r in range(1, s.max_row + 1)]
    print(json.dumps({"dvs": dvs, "heads": heads, "score": col("得分"), "weight": col("权重")}, ensure_ascii=False))
    """

    /// Sets every validated 档次 cell, cycling A+ … C, and saves a copy (no cached values: openpyxl computes nothing).
    static let fill = """
    import sys, openpyxl
    wb = openpyxl.load_workbook(sys.argv[1])
    s = wb.worksheets[0]
    grades = ["A+", "A", "A-", "B+", "B", "C"]
    i = 0
    for dv in s.data_validations.dataValidation:
        for r in dv.sqref.ranges:
            for row in range(r.min_row, r.max_row + 1):
                s.cell(row, r.min_col).value = grades[i % 6]; i += 1
    wb.save(sys.argv[2])
    print(i)
    """

    func testGradingSheetHasADropDownOnItemRowsAndLiveScores() throws {
        let out = dir + "/g.xlsx"
        let run = try Tool.kaoping(["grading", Repo.samples + "/000-chengguan-2024.xlsx", "-o", out], cwd: dir)
        XCTAssertEqual(run.status, 0, run.err)
        let d = try XCTUnwrap(try Tool.openpyxl(GradingTests.dump, [out], cwd: dir) as? [String: Any])
        let heads = try XCTUnwrap(d["heads"] as? [String: Int])
        let gradeCol = try XCTUnwrap(heads["档次"]), weightCol = try XCTUnwrap(heads["权重"])
        let dvs = try XCTUnwrap(d["dvs"] as? [[String: Any]])
        XCTAssertFalse(dvs.isEmpty)
        var validated: [Int] = []
        for dv in dvs {
            XCTAssertEqual(dv["type"] as? String, "list")
            XCTAssertEqual(dv["formula"] as? String, "\"A+,A,A-,B+,B,C\"")
            for r in try XCTUnwrap(dv["ranges"] as? [[Int]]) {
                XCTAssertEqual(r[2], gradeCol); XCTAssertEqual(r[3], gradeCol)
                validated += Array(r[0]...r[1])
            }
        }
        // Exactly the item rows, as the project's reader finds them in the written sheet.
        let (back, tpl) = try Pipeline(store: try Repo.store()).read(out)
        XCTAssertEqual(validated.sorted(), back.items.map(\.row))
        XCTAssertTrue(back.items.allSatisfy { $0.grade == nil && $0.score == nil })
        let coef = try XCTUnwrap(tpl).scoring.coefficients
        let scores = Dictionary(uniqueKeysWithValues: try XCTUnwrap(d["score"] as? [[Any]]).map { ($0[0] as! Int, $0[1] as? String) })
        let g = CellRef.letters(gradeCol), w = CellRef.letters(weightCol)
        for r in validated {
            let f = try XCTUnwrap(scores[r] ?? nil, "row \(r)")
            XCTAssertTrue(f.hasPrefix("=IF(\(g)\(r)=\"A+\",\(w)\(r)*\(CellValue.format(coef["A+"]!)),"), f)
            XCTAssertTrue(f.contains("IF(\(g)\(r)=\"C\",\(w)\(r)*\(CellValue.format(coef["C"]!)),\"\")"), f)
        }
        // 合计 rows sum the 得分 column.
        XCTAssertTrue(scores.values.contains { $0?.hasPrefix("=SUM(") == true })
    }

    /// The office's round trip: openpyxl sets the 档次, LibreOffice recalculates, Kaoping reads the 得分.
    func testFilledInByOpenpyxlRecalculatedByLibreOfficeScoresInSummaryAndImport() throws {
        guard let soffice = Tool.soffice else { throw XCTSkip("LibreOffice is not installed") }
        let blank = dir + "/blank.xlsx", filled = dir + "/filled.xlsx"
        XCTAssertEqual(try Tool.kaoping(["grading", Repo.samples + "/000-chengguan-2024.xlsx", "-o", blank], cwd: dir).status, 0)
        let n = try XCTUnwrap(try Tool.openpyxl(GradingTests.fill, [blank, filled], cwd: dir) as? Int)
        XCTAssertEqual(n, 59)
        let pipeline = Pipeline(store: try Repo.store())
        // openpyxl leaves the formulas without results: no 得分 yet.
        let (unscored, _) = try pipeline.read(filled)
        XCTAssertTrue(unscored.items.allSatisfy { $0.grade != nil && $0.score == nil })

        try FileManager.default.createDirectory(atPath: dir + "/lo", withIntermediateDirectories: true)
        let lo = try Tool.run(soffice, ["--headless", "--convert-to", "xlsx", "--outdir", dir + "/lo", filled], cwd: dir)
        XCTAssertEqual(lo.status, 0, lo.err)
        let recalculated = dir + "/lo/filled.xlsx"
        let (form, tpl) = try pipeline.read(recalculated)
        let coef = try XCTUnwrap(tpl).scoring.coefficients
        let grades = ["A+", "A", "A-", "B+", "B", "C"]
        var expected = 0.0
        for (i, it) in form.items.enumerated() {
            XCTAssertEqual(it.grade, grades[i % 6], "row \(it.row)")
            let want = (it.weight ?? 0) * coef[grades[i % 6]]!
            XCTAssertEqual(try XCTUnwrap(it.score, "row \(it.row) scored by LibreOffice"), want, accuracy: 1e-9)
            expected += want
        }
        XCTAssertEqual(form.findings.filter { $0.rule.hasPrefix("score.") }.map(\.message), [])

        // summary of the file, and of the register after import: the same 目标考核得分.
        func total(_ summary: String) throws -> Double {
            let book = try Workbook(path: summary)
            let grid = try book.loadGrid(0)
            let col = try XCTUnwrap((1...grid.maxCol).first { grid.value(1, $0) == .string("目标考核得分") })
            guard case .number(let v)? = grid.value(2, col) else { XCTFail("no total in \(summary)"); return 0 }
            return v
        }
        let s1 = try Tool.kaoping(["summary", recalculated, "-o", dir + "/s1.xlsx"], cwd: dir)
        XCTAssertEqual(s1.status, 0, s1.err)
        XCTAssertEqual(try total(dir + "/s1.xlsx"), KText.round(expected), accuracy: 0.001)
        let imp = try Tool.kaoping(["import", recalculated, "--db", dir + "/r.db"], cwd: dir)
        XCTAssertTrue(imp.err.contains("第 1 轮"), imp.err)
        let s2 = try Tool.kaoping(["summary", "--db", dir + "/r.db", "--year", "2024", "-o", dir + "/s2.xlsx"], cwd: dir)
        XCTAssertEqual(s2.status, 0, s2.err)
        XCTAssertEqual(try total(dir + "/s2.xlsx"), KText.round(expected), accuracy: 0.001)
    }

    /// An evaluated sheet keeps its 档次; its 得分 are formulas with the scorer's values cached.
    func testEvaluatedSheetKeepsItsGrades() throws {
        let input = Repo.samples + "/003-yingji-2021-evaluated.xlsx"
        let out = dir + "/e.xlsx"
        XCTAssertEqual(try Tool.kaoping(["grading", input, "-o", out], cwd: dir).status, 0)
        let pipeline = Pipeline(store: try Repo.store())
        let (form, _) = try pipeline.read(input)
        let (back, _) = try pipeline.read(out)
        XCTAssertEqual(back.items.map(\.grade), form.items.map(\.grade))
        XCTAssertFalse(back.items.compactMap(\.grade).isEmpty)
        XCTAssertEqual(back.items.compactMap(\.score).reduce(0, +), form.items.compactMap(\.score).reduce(0, +), accuracy: 1e-6)
        XCTAssertEqual(back.findings.filter { $0.rule.hasPrefix("score.") }.map(\.message), [])
    }

    func testFromTheRegisterAndExitCodes() throws {
        let db = dir + "/r.db"
        _ = try Tool.kaoping(["import", Repo.samples + "/000-chengguan-2024.xlsx", Repo.samples + "/001-guoziwei-2024.xlsx", "--db", db], cwd: dir)
        let many = try Tool.kaoping(["grading", "--db", db, "--year", "2024", "-o", dir + "/评分/"], cwd: dir)
        XCTAssertEqual(many.status, 0, many.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/评分").sorted(),
                       ["泉州市国资委-评分表.xlsx", "泉州市城市管理局-评分表.xlsx"].sorted())
        let (f, _) = try Pipeline(store: try Repo.store()).read(dir + "/评分/泉州市国资委-评分表.xlsx")
        XCTAssertEqual(f.unit, "泉州市国资委")
        XCTAssertNotNil(f.layout.columns[.grade])
        // Two units, one file: refused, nothing written.
        let one = try Tool.kaoping(["grading", "--db", db, "-o", dir + "/x.xlsx"], cwd: dir)
        XCTAssertEqual(one.status, 2, one.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.xlsx"))
        let none = try Tool.kaoping(["grading", "--db", db, "--year", "2019", "-o", dir + "/y/"], cwd: dir)
        XCTAssertEqual(none.status, 2, none.err)
        try Data([0x25, 0x50, 0x44, 0x46]).write(to: URL(fileURLWithPath: dir + "/scan.xlsx"))
        let pdf = try Tool.kaoping(["grading", dir + "/scan.xlsx", "-o", dir + "/z.xlsx"], cwd: dir)
        XCTAssertEqual(pdf.status, 2, pdf.err)
        XCTAssertTrue(pdf.err.contains("PDF"), pdf.err)
    }
}
