import CXlsxWriter
import Foundation
import KaopingJobs
import XCTest

// The foundations (issue 10): one rules catalogue, one scorer for fix and summary, a writer that
// never loses text, and the one place that tells a file's format by its bytes.
final class FoundationTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    // MARK: the rules catalogue

    func testEveryRuleIsInTheReadmeWithAChineseName() throws {
        let readme = try String(contentsOfFile: Repo.root + "/README.md", encoding: .utf8)
        for r in Rule.allCases {
            XCTAssertTrue(readme.contains("`\(r.rawValue)`"), "README's findings table lacks `\(r.rawValue)`")
            XCTAssertTrue(r.name.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(r.rawValue) has no Chinese name")
            XCTAssertFalse(r.meaning.isEmpty); XCTAssertFalse(r.advice.isEmpty)
        }
        // And no id in README's table that the catalogue does not know (a renamed rule left behind).
        let ids = Set(Rule.allCases.map(\.rawValue))
        let after = readme.components(separatedBy: "## What the findings mean").last ?? ""
        let table = after.components(separatedBy: "\n## ").first ?? after
        for line in table.split(separator: "\n") where line.hasPrefix("| `") {
            for part in line.split(separator: "`").enumerated() where part.offset % 2 == 1 {
                let id = String(part.element)
                if id.contains(".") && !id.contains("*") && id.first!.isLetter {
                    XCTAssertTrue(ids.contains(id), "README names `\(id)`, which is not in the catalogue")
                }
            }
        }
    }

    func testEveryFindingOfEverySampleIsCataloguedAndCellsAreA1() throws {
        let pipeline = Pipeline(store: try Repo.store())
        let samples = try FileManager.default.contentsOfDirectory(atPath: Repo.samples).filter { $0.hasSuffix(".xlsx") }
        XCTAssertFalse(samples.isEmpty)
        var withCode = 0
        for s in samples {
            let (form, _) = try pipeline.read(Repo.samples + "/" + s)
            for f in form.findings {
                XCTAssertNotNil(f.catalogued, "\(s): \(f.rule) not in the catalogue")
                if let c = f.cell { XCTAssertNotNil(CellRef.parse(Substring(c)), "\(s): cell «\(c)» is not an A1 reference") }
                if f.code != nil { withCode += 1 }
            }
        }
        XCTAssertGreaterThan(withCode, 0, "findings carry the 序号 they concern")
    }

    func testRulesCommandListsEveryRuleAsJSON() throws {
        guard let bin = MutKit.binary else { throw XCTSkip("kaoping binary not built") }
        let (code, out, _) = try run(bin, ["rules", "--json"])
        XCTAssertEqual(code, 0)
        let list = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [[String: Any]]
        XCTAssertEqual(list.count, Rule.allCases.count)
        let first = list.first { $0["rule"] as? String == "indicator.points" }
        XCTAssertEqual(first?["name"] as? String, "一级指标分值与权重合计不符")
        XCTAssertEqual(first?["severity"] as? String, "error")
    }

    // MARK: one scorer

    /// A sheet with 档次 and no 得分: the fixed sheet's 总分 and the summary's 目标考核得分 agree.
    func testGradesWithoutScoresScoreTheSameInFixAndSummary() throws {
        let path = dir + "/graded.xlsx"
        let rows = [("1-1-1", "完成重点项目投资", 3.0, "A"), ("1-1-2", "开展项目督查", 2.0, "B"), ("1-2-1", "压缩审批时限", 3.0, "A+")]
        let book = try XBook(path: path)
        let s = try book.sheet("Sheet1")
        s.merge(1, 1, 1, 13, "2024年度泉州市测试局绩效目标考评表")
        s.merge(2, 1, 2, 2, "项目")
        for (c, h) in ["序号", "文件依据", "一级指标", "二级指标", "权重分值", "完成时限", "分管领导", "责任科室", "科室负责人", "档次", "得分"].enumerated() {
            s.str(2, c + 3, h)
        }
        for (i, r) in rows.enumerated() {
            let row = 3 + i
            s.str(row, 3, r.0); s.str(row, 4, "市委要点"); s.str(row, 5, i < 2 ? "推进项目建设（5分）" : "优化营商环境（3分）")
            s.str(row, 6, r.1); s.num(row, 7, r.2); s.str(row, 8, "12月底前"); s.str(row, 9, "张三"); s.str(row, 10, "办公室")
            s.str(row, 11, "李四"); s.str(row, 12, r.3)
        }
        s.merge(3, 1, 5, 1, "职能工作目标（8分）"); s.merge(3, 2, 5, 2, "重点工作目标")
        s.merge(6, 1, 6, 6, "合计"); s.formula(6, 7, "=SUM(G3:G5)", cached: 8)
        s.merge(7, 1, 7, 6, "绩效目标考评得分"); s.formula(7, 7, "=G6", cached: 8)
        try book.close()

        let store = try Repo.store()
        let pipeline = Pipeline(store: store)
        let fixed = dir + "/fixed.xlsx"
        let reports = FixJob(inputs: [path], output: fixed, pipeline: pipeline).run([(path, fixed)])
        XCTAssertLessThan(reports[0].code, 2, reports[0].lines.joined(separator: "\n"))
        // 3×0.95 + 2×0.80 + 3×1.00 = 7.45, in the fixed sheet's item scores and its 总分 formula.
        let (back, tpl) = try pipeline.read(fixed)
        XCTAssertEqual(back.items.compactMap(\.score).reduce(0, +), 7.45, accuracy: 1e-9)
        let grid = try Workbook(path: fixed).loadGrid(0)
        let total = grid.cells.first { $0.formula != nil && grid.value($0.row, $0.col - 1)?.text == "总分" }
        XCTAssertNotNil(total, "the score block's 总分")
        if case .number(let v)? = total?.value { XCTAssertEqual(v, 7.45, accuracy: 1e-9) } else { XCTFail("总分 has no cached number") }
        let (orig, otpl) = try pipeline.read(path)
        XCTAssertEqual(Scorer(template: otpl).score(orig).target, 7.45, accuracy: 1e-9)
        XCTAssertEqual(Scorer(template: tpl).score(back).target, 7.45, accuracy: 1e-9)
    }

    func testAWrittenScoreThatDisagreesIsReportedWithItsCode() throws {
        // The evaluated sample with one 得分 changed: the scorer (run by every pipeline) says score.mismatch.
        let (form, _) = try Pipeline(store: try Repo.store()).read(Repo.samples + "/004-shengtai-2023-evaluated.xlsx")
        XCTAssertTrue(form.hasGrades)
        var f = form
        var changed: String?
        outer: for si in f.sections.indices { for gi in f.sections[si].groups.indices { for ii in f.sections[si].groups[gi].indicators.indices {
            for k in f.sections[si].groups[gi].indicators[ii].items.indices {
                let it = f.sections[si].groups[gi].indicators[ii].items[k]
                guard it.grade != nil, let w = it.weight, w > 0 else { continue }
                f.sections[si].groups[gi].indicators[ii].items[k].score = w * 0.5
                changed = it.code; break outer
            }
        } } }
        XCTAssertNotNil(changed, "a graded item")
        let s = Scorer(template: nil).score(f)
        XCTAssertTrue(s.findings.contains { $0.rule == "score.mismatch" && $0.code == changed && $0.cell != nil }, "\(s.findings)")
    }

    // MARK: the writer never loses text

    func testA40000CharacterCellIsRefusedWithItsCell() throws {
        var form = TForm.standard()
        // libxlsxwriter itself refuses strings over 32,767 characters, so the long text is put
        // into the shared strings afterwards, as another program (or a unit's script) would write it.
        form.sections[0].groups[0].indicators[0].items[1].text = "LONGTEXT"
        let short = dir + "/short.xlsx", path = dir + "/long.xlsx"
        let placed = try TFormWriter.write(form, to: short)
        let ss = try XCTUnwrap(try MutKit.sharedStringsPart(short))
        try MutKit.rewriteText(short, to: path, part: ss) { $0.replacingOccurrences(of: "LONGTEXT", with: String(repeating: "考", count: 40_000)) }
        let read = try Pipeline(store: try Repo.store()).read(path).0
        XCTAssertEqual(read.items.first { $0.text?.count == 40_000 }.map { _ in true }, true, "the reader keeps the whole text")
        let code = form.sections[0].groups[0].indicators[0].items[1].code!
        let cell = placed.ref("level2", code: code)
        let out = dir + "/out.xlsx"
        let r = FixJob(inputs: [path], output: out, pipeline: Pipeline(store: try Repo.store())).run([(path, out)])[0]
        XCTAssertEqual(r.code, 2)
        XCTAssertEqual(r.lines.count, 1)
        XCTAssertTrue(r.lines[0].contains(cell), r.lines[0])
        XCTAssertTrue(r.lines[0].contains("32767"), r.lines[0])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written")
    }

    // MARK: one place that tells a format by its bytes

    func testKindsByBytesNotExtension() throws {
        let sample = Repo.samples + "/003-yingji-2021.xlsx"
        let renamed = dir + "/真的是xlsx.xls"
        try FileManager.default.copyItem(atPath: sample, toPath: renamed)
        XCTAssertEqual(try InputFile.kind(of: renamed), .xlsx)
        XCTAssertNotNil(try Pipeline(store: try Repo.store()).read(renamed).0.unit)
        let cases: [(String, [UInt8], FileFormat)] = [
            ("a.pdf", Array("%PDF-1.7\n".utf8), .pdf),
            ("b.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], .image),
            ("c.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], .image),
            ("d.xlsx", Array("单位,分数\n".utf8), .unknown),
        ]
        for (name, bytes, kind) in cases {
            let p = dir + "/" + name
            FileManager.default.createFile(atPath: p, contents: Data(bytes))
            XCTAssertEqual(try InputFile.kind(of: p), kind, name)
        }
        XCTAssertTrue(describe(InputError.unsupported(file: "a.pdf", kind: .pdf)).contains("PDF"))
    }

    func run(_ bin: String, _ args: [String]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: Repo.root)
        let o = Pipe(), e = Pipe()
        p.standardOutput = o; p.standardError = e
        try p.run()
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
