import Foundation
import KaopingJobs
import XCTest
import XLSXCore

// For the office's staff (issue 17): folders everywhere, Chinese help and argument errors, -o
// with several inputs, a GBK ratings CSV, the progress line's width, which cells, messages.
final class StaffTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func cli(_ args: [String]) throws -> MutKit.Run {
        guard MutKit.binary != nil else { throw XCTSkip("kaoping binary not built") }
        return try MutKit.cli(args)
    }

    /// An inbox as the office gets it: two sheets, a sub-folder, a lock file and a hidden file.
    func inbox() throws -> String {
        let inbox = dir + "/收件箱"
        try FileManager.default.createDirectory(atPath: inbox + "/第二批", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repo.samples + "/002-jiaotong-2019.xlsx", toPath: inbox + "/交通局.xlsx")
        try FileManager.default.copyItem(atPath: Repo.samples + "/004-shengtai-2023.xlsx", toPath: inbox + "/第二批/生态局.xlsx")
        try "lock".write(toFile: inbox + "/~$交通局.xlsx", atomically: true, encoding: .utf8)
        try "x".write(toFile: inbox + "/.隐藏.xlsx", atomically: true, encoding: .utf8)
        return inbox
    }

    func testCheckAndFixTakeFoldersAndSkipLockFiles() throws {
        let inbox = try inbox()
        let r = try cli(["check", inbox, "--quiet"])
        XCTAssertNotEqual(r.code, 2, r.err)
        XCTAssertTrue(r.out.contains("交通局.xlsx") && r.out.contains("生态局.xlsx"), r.out)
        XCTAssertFalse(r.out.contains("~$") || r.err.contains("~$") || r.err.contains("隐藏"), r.err)
        let out = dir + "/修正/"
        let f = try cli(["fix", inbox, "--output", out])
        XCTAssertNotEqual(f.code, 2, f.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "交通局.xlsx"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "生态局.xlsx"))
        XCTAssertFalse(f.err.contains("//"), "output paths print without a double slash: \(f.err)")
    }

    func testSeveralInputsToAFileNameAreRefused() throws {
        let a = Repo.samples + "/002-jiaotong-2019.xlsx", b = Repo.samples + "/003-yingji-2021.xlsx"
        let r = try cli(["fix", a, b, "-o", dir + "/x.xlsx"])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("文件夹"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.xlsx"), "no folder named x.xlsx")
        let ok = try cli(["fix", a, b, "-o", dir + "/x/"])
        XCTAssertNotEqual(ok.code, 2, ok.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/x").filter { $0.hasSuffix(".xlsx") }.count, 2)
    }

    func testHelpAndArgumentErrorsAreChinese() throws {
        for cmd in [[], ["check"], ["fix"], ["summary"], ["inspect"], ["import"], ["status"], ["rules"], ["cells"]] {
            let h = try cli(cmd + ["--help"])
            XCTAssertEqual(h.code, 0, cmd.joined())
            XCTAssertTrue(h.out.contains("用法："), "\(cmd): \(h.out.prefix(200))")
            XCTAssertFalse(h.out.contains("USAGE:") || h.out.contains("Show help information"), "\(cmd): English left")
            if !cmd.isEmpty && cmd != ["rules"] { XCTAssertTrue(h.out.contains("示例"), "\(cmd): an example") }
        }
        let bad = try cli(["fix", Repo.samples + "/002-jiaotong-2019.xlsx"])
        XCTAssertEqual(bad.code, 2)
        XCTAssertTrue(bad.err.contains("参数错误") && bad.err.contains("缺少参数"), bad.err)
        let unknown = try cli(["check", Repo.samples + "/002-jiaotong-2019.xlsx", "--bogus"])
        XCTAssertEqual(unknown.code, 2)
        XCTAssertTrue(unknown.err.contains("未知选项"), unknown.err)
    }

    func testReasonsAreChinese() {
        let cases: [Error] = [
            XLSXError.damagedPart(file: "a.xlsx", part: "xl/worksheets/sheet1.xml", line: 2, reason: "no element found"),
            XLSXError.partTooLarge(file: "a.xlsx", part: "p", reason: "declares 3000000000 bytes, over the limit of 268435456"),
            XLSXError.limitExceeded(file: "a.xlsx", part: "p", what: "more than 20000000 cells"),
            XLSXError.unreadable(file: "a.xlsx", reason: "is a directory"),
        ]
        for e in cases {
            let line = describe(e)
            // The Chinese part, before any bracket, says the reason: no English word in it.
            let chinese = line.split(separator: "(").first.map(String.init) ?? line
            XCTAssertNil(chinese.range(of: #"[A-Za-z]{4,}"#, options: .regularExpression).flatMap { r in
                String(chinese[r]).hasSuffix("xlsx") || chinese[r] == "worksheets" || chinese[r] == "sheet" ? nil : r }, line)
        }
        XCTAssertTrue(describe(cases[0]).contains("截断"))
        XCTAssertTrue(describe(cases[2]).contains("单元格超过 20000000 个"))
    }

    func testRatingsCSVInGB18030() throws {
        // Saved by Excel on Chinese Windows: 单位,领导评价,… in GB18030 (bytes from Python's codec).
        let hex = "b5a5cebb2cc1ecb5bcc6c0bcdb2cb9abd6dac6c0d2e92cd5fdcff2bca4c0f8bcd3b7d62cb2ecb7c3bacbd1e9bfdbb7d60d0ac8aad6ddcad0b2e2cad4d2bbbed62c39302c38302c312c302e350d0a"
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex { let j = hex.index(i, offsetBy: 2); bytes.append(UInt8(hex[i..<j], radix: 16)!); i = j }
        let path = dir + "/评分.csv"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let r = try Ratings.read(path)
        XCTAssertEqual(r.rows.count, 1)
        XCTAssertEqual(r.rows.first?.unit, "泉州市测试一局")
        XCTAssertEqual(r.rows.first?.leader, 90)
        XCTAssertEqual(r.rows.first?.penalty, 0.5)
        // And UTF-8 with a BOM, the same.
        let utf8 = dir + "/评分-utf8.csv"
        try ("\u{FEFF}" + "单位,领导评价,公众评议,正向激励加分,察访核验扣分\r\n泉州市测试一局,90,80,1,0.5\r\n").write(toFile: utf8, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Ratings.read(utf8).rows.first?.leader, 90)
    }

    func testProgressPadsByScreenColumns() {
        XCTAssertEqual(DisplayWidth.columns("abc"), 3)
        XCTAssertEqual(DisplayWidth.columns("城管局.xlsx"), 11)
        XCTAssertEqual(DisplayWidth.columns("（２）"), 6)
    }

    func testMessagesNameTheCodeAndTheIndicator() throws {
        let (form, _) = try Pipeline(store: try Repo.store()).read(Repo.samples + "/000-chengguan-2024.xlsx")
        let points = form.findings.first { $0.rule == "indicator.points" }
        XCTAssertTrue(points?.message.hasPrefix("一级指标 1-10 标注 5 分") == true, points?.message ?? "-")
        // Three 一级指标 are all coded 1-10 in this sheet: each later one is a code.duplicate.
        let dup = form.findings.filter { $0.rule == "code.duplicate" && $0.code == "1-10" }
        XCTAssertGreaterThanOrEqual(dup.count, 2, "\(form.findings.filter { $0.rule == "code.duplicate" })")
        let item = form.findings.first { $0.rule == "item.same-as-indicator" }
        XCTAssertTrue(item?.message.contains("（一级指标「") == true && item?.message.hasPrefix("序号 ") == true, item?.message ?? "-")
    }
}
