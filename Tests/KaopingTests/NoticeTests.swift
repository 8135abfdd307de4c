import Foundation
import KaopingJobs
import XCTest
import XLSXReader

// `kaoping notice` (issue 14, point 4): the workbook sent back to a unit, read back with the
// project's reader and with openpyxl (links, fills, comments), and its exit codes.

/// Running the binary, python3 and soffice for the notice and grading tests.
enum Tool {
    struct Run { var status: Int32; var out: String; var err: String }
    static var binary: String { Repo.root + "/.build/debug/kaoping" }

    /// Runs `exe args` in `cwd`; output through files (a pipe could fill and stall the child).
    static func run(_ exe: String, _ args: [String], cwd: String, env: [String: String] = [:]) throws -> Run {
        let out = cwd + "/.tool-out-\(UUID().uuidString)", err = out + "-err"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: out); try? FileManager.default.removeItem(atPath: err) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var e = ProcessInfo.processInfo.environment
        e["KAOPING_TEMPLATES"] = Repo.templates
        e["HOME"] = cwd // soffice keeps its profile here, apart from other runs
        p.environment = e.merging(env) { $1 }
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try p.run()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: try String(contentsOfFile: out, encoding: .utf8),
                   err: try String(contentsOfFile: err, encoding: .utf8))
    }

    static func kaoping(_ args: [String], cwd: String, env: [String: String] = [:]) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw XCTSkip("no \(binary): swift build first") }
        return try run(binary, args, cwd: cwd, env: env)
    }

    /// Runs a python3 script that needs openpyxl (skips when it is missing); its stdout as JSON.
    static func openpyxl(_ script: String, _ args: [String], cwd: String) throws -> Any {
        let probe = try run("/usr/bin/env", ["python3", "-c", "import openpyxl"], cwd: cwd)
        guard probe.status == 0 else { throw XCTSkip("python3-openpyxl is not importable") }
        let r = try run("/usr/bin/env", ["python3", "-c", script] + args, cwd: cwd)
        guard r.status == 0 else { throw XlsxFailure(description: "python3 failed: \(r.err)") }
        return try JSONSerialization.jsonObject(with: Data(r.out.utf8), options: .fragmentsAllowed)
    }

    static var soffice: String? { ["/usr/bin/soffice", "/usr/local/bin/soffice"].first { FileManager.default.isExecutableFile(atPath: $0) } }
}

final class NoticeTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// 问题清单 rows (values, link), and every commented cell of the second sheet (value, fill, comment).
    static let dump = """
    import json, sys, openpyxl
    wb = openpyxl.load_workbook(sys.argv[1])
    issues = wb.worksheets[0]
    rows = [[c.value for c in r] + [r[1].hyperlink.location if r[1].hyperlink else None] for r in issues.iter_rows()]
    s = wb.worksheets[1]
    marked = {c.coordinate: [c.value, c.fill.fgColor.rgb if c.fill.fill_type else None, c.comment.text]
              for row in s.iter_rows() for c in row if c.comment}
    fills = [c.coordinate for row in s.iter_rows() for c in row if c.fill.fill_type == 'solid']
    print(json.dumps({"sheets": wb.sheetnames, "rows": rows, "marked": marked, "fills": fills,
                      "landscape": issues.page_setup.orientation, "repeat": issues.print_title_rows}, ensure_ascii=False))
    """

    func testNoticeListsEveryFindingAndMarksItsCellInTheCorrectedSheet() throws {
        let input = Repo.samples + "/000-chengguan-2024.xlsx"
        let out = dir + "/通知.xlsx"
        let run = try Tool.kaoping(["notice", input, "-o", out], cwd: dir)
        XCTAssertEqual(run.status, 1, run.err) // errors are the unit's to fix

        let pipeline = Pipeline(store: try Repo.store())
        let (form, _) = try pipeline.read(input)
        let findings = form.findings
        let errors = findings.filter { $0.severity == .error }.count
        XCTAssertGreaterThan(errors, 0)
        XCTAssertTrue(run.err.contains("\(errors) 个错误需单位修改"), run.err)

        let d = try XCTUnwrap(try Tool.openpyxl(NoticeTests.dump, [out], cwd: dir) as? [String: Any])
        let sheets = try XCTUnwrap(d["sheets"] as? [String])
        XCTAssertEqual(sheets, ["问题清单", "泉州市城市管理局"])
        let rows = try XCTUnwrap(d["rows"] as? [[Any]])
        XCTAssertEqual(rows.first?.prefix(5).compactMap { $0 as? String }, ["序号", "位置", "问题", "说明", "严重程度"])
        XCTAssertEqual(rows.count, findings.count + 1)
        XCTAssertEqual(d["landscape"] as? String, "landscape")
        XCTAssertEqual(d["repeat"] as? String, "$1:$1")
        let marked = try XCTUnwrap(d["marked"] as? [String: [Any]])

        // The input's own cells, read with the project's reader: the linked cell shows the same text.
        let book = try Workbook(path: input)
        let grid = try book.loadGrid(try XCTUnwrap(book.sheetList.firstIndex { $0.name == form.sheet }))
        for (i, f) in findings.enumerated() {
            let row = rows[i + 1]
            XCTAssertEqual(row[2] as? String, f.catalogued?.name, "问题 is the rule's Chinese name")
            XCTAssertEqual(row[3] as? String, f.message)
            XCTAssertEqual(row[4] as? String, f.severity.chinese)
            let link = try XCTUnwrap(row[5] as? String, "\(f.cell ?? "-") has a link")
            let at = try XCTUnwrap(row[1] as? String)
            XCTAssertEqual(link, "'泉州市城市管理局'!\(at)")
            let m = try XCTUnwrap(marked[at], "\(at) carries a comment")
            XCTAssertTrue((m[2] as? String)?.contains(f.message) ?? false, "\(at): \(m)")
            let fill = try XCTUnwrap(m[1] as? String)
            if f.severity == .error { XCTAssertEqual(fill, "FFFFC7CE", at) }
            // One cell may carry an error and a warning: the error's red wins.
            if f.severity == .warning { XCTAssertTrue(["FFFFEB9C", "FFFFC7CE"].contains(fill), at) }
            let (r, c) = try XCTUnwrap(CellRef.parse(Substring(try XCTUnwrap(f.cell))))
            let written = m[0] as? String ?? (m[0] as? NSNumber).map { CellValue.format($0.doubleValue) } ?? ""
            func squeeze(_ s: String) -> String { s.filter { !$0.isWhitespace } }
            if case .string(let t)? = grid.value(r, c) {
                XCTAssertEqual(squeeze(written), squeeze(t), "\(f.cell!) → \(at)")
            } else if grid.value(r, c) == nil {
                XCTAssertEqual(written, "", "\(f.cell!) → \(at)")
            }
        }
        // Only findings' cells are filled.
        XCTAssertEqual(Set(try XCTUnwrap(d["fills"] as? [String])), Set(marked.keys))

        // The project's reader finds the corrected sheet in the notice, as in `fix`'s output.
        let (back, _) = try pipeline.read(out)
        XCTAssertEqual(back.unit, form.unit)
        XCTAssertEqual(back.items.map(\.code), form.items.map(\.code))
    }

    /// 003's #REF! score block is rebuilt by the corrected sheet: listed as fixed, never filled; exit 0.
    func testWhatTheCorrectedSheetFixedIsListedButNotMarked() throws {
        let out = dir + "/n.xlsx"
        let run = try Tool.kaoping(["notice", Repo.samples + "/003-yingji-2021.xlsx", "-o", out], cwd: dir)
        XCTAssertEqual(run.status, 0, run.err)
        let d = try XCTUnwrap(try Tool.openpyxl(NoticeTests.dump, [out], cwd: dir) as? [String: Any])
        let rows = try XCTUnwrap(d["rows"] as? [[Any]]).dropFirst()
        XCTAssertEqual(rows.count, 9)
        for r in rows {
            XCTAssertTrue((r[3] as? String)?.hasSuffix("（修正表已更正，无需修改）") ?? false, "\(r)")
            XCTAssertEqual(r[4] as? String, "错误")
        }
        // The score block's cells have no place in the corrected sheet: 位置 names the unit's cell.
        XCTAssertEqual(rows.first?[1] as? String, "原表 D76")
        XCTAssertTrue(rows.allSatisfy { $0[5] is NSNull }, "no link without a place")
        XCTAssertEqual((d["marked"] as? [String: Any])?.count, 0)
    }

    /// Info findings are listed, not filled; a finding outside the table says 原表; no findings, one line.
    func testInfoListedNotFilledAndUnplacedCellsSaidAsTheUnits() throws {
        let pipeline = Pipeline(store: try Repo.store())
        var (form, tpl) = try pipeline.read(Repo.samples + "/001-guoziwei-2024.xlsx")
        let item = try XCTUnwrap(form.items.first { $0.code != nil && $0.weight != nil })
        let weightCol = try XCTUnwrap(form.layout.columns[.weight])
        form.findings = [
            Finding(.itemSameAsLastYear, CellRef.format(row: item.row, col: weightCol), "照抄去年", code: item.code),
            Finding(.itemSameAsLastYear, "A1", "标题之上"),
        ]
        let out = dir + "/info.xlsx"
        let entries = try NoticeWriter(template: XCTUnwrap(tpl)).write(form, to: out)
        XCTAssertEqual(entries.map(\.marked), [false, false])
        XCTAssertNotNil(entries[0].written)
        XCTAssertNil(entries[1].written)
        let d = try XCTUnwrap(try Tool.openpyxl(NoticeTests.dump, [out], cwd: dir) as? [String: Any])
        let rows = try XCTUnwrap(d["rows"] as? [[Any]])
        XCTAssertEqual(rows[1][4] as? String, "提示")
        XCTAssertEqual(rows[1][1] as? String, entries[0].written)
        XCTAssertEqual(rows[2][1] as? String, "原表 A1")
        XCTAssertEqual((d["fills"] as? [Any])?.count, 0)

        form.findings = []
        let clean = dir + "/clean.xlsx"
        try NoticeWriter(template: XCTUnwrap(tpl)).write(form, to: clean)
        let c = try XCTUnwrap(try Tool.openpyxl(NoticeTests.dump, [clean], cwd: dir) as? [String: Any])
        XCTAssertEqual((c["rows"] as? [[Any]])?.count, 2)
        XCTAssertEqual((c["rows"] as? [[Any]])?[1][0] as? String, "未发现问题，可打印盖章。")
    }

    func testExitCodesAndOutputPlanning() throws {
        // 001 has warnings only: nothing the unit must fix, 0.
        let ok = try Tool.kaoping(["notice", Repo.samples + "/001-guoziwei-2024.xlsx", "-o", dir + "/a.xlsx"], cwd: dir)
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/a.xlsx"))
        // Not a workbook: one line naming the file, 2, nothing written.
        try Data("单位,分数\n".utf8).write(to: URL(fileURLWithPath: dir + "/bad.xlsx"))
        let bad = try Tool.kaoping(["notice", dir + "/bad.xlsx", "-o", dir + "/b.xlsx"], cwd: dir)
        XCTAssertEqual(bad.status, 2, bad.err)
        XCTAssertTrue(bad.err.contains("bad.xlsx"), bad.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/b.xlsx"))
        // Several inputs: -o must be a folder (FixJob's planning), else 2.
        let two = [Repo.samples + "/000-chengguan-2024.xlsx", Repo.samples + "/001-guoziwei-2024.xlsx"]
        let refused = try Tool.kaoping(["notice"] + two + ["-o", dir + "/x.xlsx"], cwd: dir)
        XCTAssertEqual(refused.status, 2, refused.err)
        XCTAssertTrue(refused.err.contains("-o 必须是已有的文件夹"), refused.err)
        let many = try Tool.kaoping(["notice"] + two + ["-o", dir + "/out/"], cwd: dir)
        XCTAssertEqual(many.status, 1, many.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").sorted(),
                       ["000-chengguan-2024.xlsx", "001-guoziwei-2024.xlsx"])
        // Neither files nor --unit: a usage error.
        XCTAssertNotEqual(try Tool.kaoping(["notice", "-o", dir + "/y.xlsx"], cwd: dir).status, 0)
    }

    /// `--db --unit`: the unit's latest round, from the bytes stored as received.
    func testNoticeFromTheRegister() throws {
        let db = dir + "/r.db"
        let imp = try Tool.kaoping(["import", Repo.samples + "/000-chengguan-2024.xlsx", Repo.samples + "/001-guoziwei-2024.xlsx", "--db", db], cwd: dir)
        XCTAssertEqual(imp.status, 1, imp.err)
        let n = try Tool.kaoping(["notice", "--db", db, "--unit", "市城市管理局", "-o", dir + "/cg.xlsx"], cwd: dir)
        XCTAssertEqual(n.status, 1, n.err)
        XCTAssertTrue(n.err.contains("泉州市城市管理局 第 1 轮（000-chengguan-2024.xlsx）"), n.err)
        let d = try XCTUnwrap(try Tool.openpyxl(NoticeTests.dump, [dir + "/cg.xlsx"], cwd: dir) as? [String: Any])
        // One row per finding of that round, and the header.
        let (cg, _) = try Pipeline(store: try Repo.store()).read(Repo.samples + "/000-chengguan-2024.xlsx")
        XCTAssertEqual((d["rows"] as? [[Any]])?.count, cg.findings.count + 1)
        let g = try Tool.kaoping(["notice", "--db", db, "--unit", "泉州市国资委", "--year", "2024", "-o", dir + "/gz.xlsx"], cwd: dir)
        XCTAssertEqual(g.status, 0, g.err)
        let missing = try Tool.kaoping(["notice", "--db", db, "--unit", "市交通运输局", "-o", dir + "/jt.xlsx"], cwd: dir)
        XCTAssertEqual(missing.status, 2, missing.err)
        XCTAssertTrue(missing.err.contains("登记簿中没有单位「市交通运输局」"), missing.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/jt.xlsx"))
    }
}
