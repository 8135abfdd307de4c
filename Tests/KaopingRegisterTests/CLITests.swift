import Foundation
import KaopingJobs
import XCTest

/// `kaoping import`, `status` and `summary --db` as the office runs them: exit codes, stdout, stderr.
final class RegisterCLITests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: RegFix.binary) else { throw XCTSkip("no \(RegFix.binary)") }
        dir = try RegFix.scratch("cli")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func kaoping(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        try RegFix.run(RegFix.binary, args, env: ["KAOPING_TEMPLATES": RegFix.root + "/Templates"].merging(env) { $1 }, cwd: dir)
    }

    func testImportStatusSummaryExitCodes() throws {
        // A clean sheet alone: 0. The default register is ./kaoping.db.
        let clean = try kaoping(["import", RegFix.sample("001-guoziwei-2024.xlsx")])
        XCTAssertEqual(clean.status, 0, clean.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/kaoping.db"))
        XCTAssertTrue(clean.err.contains("泉州市国资委 2024年 第 1 轮"), clean.err)
        // Every sample, through $KAOPING_DB: some with errors, so 1; one line per file off a terminal.
        let all = try kaoping(["import", RegFix.samples], env: ["KAOPING_DB": dir + "/env.db"])
        XCTAssertEqual(all.status, 1, all.err)
        XCTAssertEqual(all.err.components(separatedBy: "\n").filter { $0.hasPrefix("kaoping: [") }.count, 9)
        XCTAssertTrue(all.err.contains("新登记 9 份"), all.err)
        let again = try kaoping(["import", RegFix.sample("001-guoziwei-2024.xlsx"), "--db", "env.db"])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(again.err.contains("与已登记的文件相同"), again.err)

        let status = try kaoping(["status", "--db", "env.db", "--year", "2024", "--json"])
        XCTAssertEqual(status.status, 0, status.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.out.utf8)) as? [String: Any])
        XCTAssertEqual(json["schema"] as? String, "kaoping.status/1")
        XCTAssertEqual(json["year"] as? Int, 2024)
        XCTAssertEqual((json["units"] as? [[String: Any]])?.compactMap { $0["state"] as? String }.sorted(), ["errors", "ok"])
        let text = try kaoping(["status", "--db", "env.db"])
        XCTAssertTrue(text.out.hasPrefix("2024 年度登记情况\n单位"), text.out)
        XCTAssertTrue(text.out.contains("待修改"), text.out)

        let summary = try kaoping(["summary", "--db", "env.db", "--year", "2023", "-o", "汇总.xlsx"])
        XCTAssertEqual(summary.status, 0, summary.err)
        let wb = try Workbook(path: dir + "/汇总.xlsx")
        let grid = try wb.load(try wb.sheet(named: "汇总"))
        let cells = (1...grid.maxRow).flatMap { r in (1...grid.maxCol).compactMap { grid.value(r, $0)?.text } }
        XCTAssertTrue(cells.contains("泉州市生态环境局"), "\(cells.prefix(30))")

        let none = try kaoping(["status", "--db", "none.db"])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.err.contains("登记簿不存在"), none.err)
        XCTAssertEqual(none.out, "")
        _ = FileManager.default.createFile(atPath: dir + "/notes.db", contents: Data("这不是数据库".utf8))
        let bad = try kaoping(["import", RegFix.sample("001-guoziwei-2024.xlsx"), "--db", "notes.db"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("不是 SQLite 数据库"), bad.err)
        XCTAssertEqual(try String(contentsOfFile: dir + "/notes.db", encoding: .utf8), "这不是数据库", "never written over")
    }
}
