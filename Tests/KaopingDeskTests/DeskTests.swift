import Foundation
import XCTest
@testable import KaopingDesk
import KaopingJobs

/// HTTP tests of every route of the desk, against a server started in-process on an ephemeral
/// port of 127.0.0.1, spoken to over a plain socket (so limits and raw paths are what is sent).
final class DeskTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let sample = root + "/Samples/000-chengguan-2024.xlsx"
    static let evaluated = root + "/Samples/000-chengguan-2024-evaluated.xlsx"
    static let unit = "泉州市城市管理局"

    var dir = ""
    var desk: Desk!
    var task: Task<Void, Error>?
    var port: UInt16 = 0

    override func setUp() async throws {
        signal(SIGPIPE, SIG_IGN)
        dir = NSTemporaryDirectory() + "kaoping-desk-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try await start(host: "127.0.0.1")
    }

    override func tearDown() async throws {
        await desk?.stop()
        task?.cancel()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func start(host: String) async throws {
        await desk?.stop()
        task?.cancel()
        let d = try Desk(options: DeskOptions(db: dir + "/k.db", host: host, port: 0, templates: DeskTests.root + "/Templates"))
        desk = d
        task = Task { try await d.run() }
        port = try await d.waitUntilListening()
    }

    // MARK: A plain HTTP/1.1 client

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> [String: Any] {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], "not a JSON object: \(text.prefix(200))")
        }
    }

    /// One request on its own connection (`Connection: close`), on a dispatch thread.
    func http(_ method: String, _ target: String, body: [UInt8]? = nil, headers: [String: String] = [:],
              declaredLength: Int? = nil) async throws -> Response {
        let port = self.port
        return try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                c.resume(with: Result { try DeskTests.exchange(port: port, method, target, body: body, headers: headers, declaredLength: declaredLength) })
            }
        }
    }

    struct ClientError: Error { var what: String }

    static func exchange(port: UInt16, _ method: String, _ target: String, body: [UInt8]?, headers: [String: String],
                         declaredLength: Int?) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError(what: "socket") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { throw ClientError(what: "connect") }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if (body != nil || declaredLength != nil) && headers["Transfer-Encoding"] == nil { head += "Content-Length: \(declaredLength ?? body!.count)\r\n" }
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        let out = Array(head.utf8) + (body ?? [])
        var off = 0
        while off < out.count {
            let n = out.withUnsafeBytes { send(fd, $0.baseAddress! + off, min(out.count - off, 1 << 20), Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }   // the server may answer and close before reading all of a refused body
            off += n
        }
        var raw: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            raw += buf[0..<n]
        }
        guard let sep = raw.firstRange(of: [13, 10, 13, 10]) else { throw ClientError(what: "no response (\(raw.count) bytes)") }
        let lines = String(decoding: raw[..<sep.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var hs: [String: String] = [:]
        for l in lines.dropFirst() {
            if let i = l.firstIndex(of: ":") { hs[l[..<i].lowercased()] = l[l.index(after: i)...].trimmingCharacters(in: .whitespaces) }
        }
        return Response(status: status, headers: hs, body: Array(raw[sep.upperBound...]))
    }

    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
    func upload(_ b: [UInt8], name: String) async throws -> Response {
        try await http("POST", "/api/submissions?name=\(pct(name))", body: b)
    }
    func status() async throws -> [String: Any] {
        let r = try await http("GET", "/api/status")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.headers["content-type"], "application/json; charset=utf-8")
        return try r.json()
    }
    func units(_ s: [String: Any]) -> [[String: Any]] { s["units"] as? [[String: Any]] ?? [] }

    // MARK: Tests

    func testPageAndEmptyStatus() async throws {
        let page = try await http("GET", "/")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("考评台"))
        XCTAssertTrue(page.text.contains("/api/submissions"))
        XCTAssertFalse(page.text.contains("http://") || page.text.contains("https://"), "the page loads nothing from outside")
        let s = try await status()
        XCTAssertEqual(s["schema"] as? String, "kaoping.status/1")
        XCTAssertEqual(units(s).count, 0)
    }

    func testUploadStatusShapeAndSameBytesAgain() async throws {
        let b = try bytes(DeskTests.sample)
        let r = try await upload(b, name: "城管局.xlsx")
        XCTAssertEqual(r.status, 201, r.text)
        let j = try r.json()
        XCTAssertEqual(j["unit"] as? String, DeskTests.unit)
        XCTAssertEqual(j["year"] as? Int, 2024)
        XCTAssertEqual(j["round"] as? Int, 1)
        XCTAssertEqual(j["state"] as? String, "errors")
        let findings = try XCTUnwrap(j["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.filter { $0["severity"] as? String == "error" }.count, j["errors"] as? Int)
        XCTAssertTrue(findings.allSatisfy { $0["rule"] is String && $0["message"] is String })
        for key in ["warnings", "infos"] { XCTAssertNotNil(j[key] as? Int, key) }

        let again = try await upload(b, name: "另一个名字.xlsx")
        XCTAssertEqual(again.status, 201)
        XCTAssertEqual(try again.json()["new"] as? Bool, false)
        XCTAssertEqual(try again.json()["round"] as? Int, 1)

        let second = try await upload(try bytes(DeskTests.evaluated), name: "城管局-2.xlsx")
        XCTAssertEqual(second.status, 201)
        XCTAssertEqual(try second.json()["round"] as? Int, 2)

        let s = try await status()
        XCTAssertEqual(s["year"] as? Int, 2024)
        let u = try XCTUnwrap(units(s).first { $0["unit"] as? String == DeskTests.unit })
        let rounds = try XCTUnwrap(u["rounds"] as? [[String: Any]])
        XCTAssertEqual(rounds.map { $0["file"] as? String }, ["城管局.xlsx", "城管局-2.xlsx"])
        XCTAssertEqual(rounds.first?["sha256"] as? String, SHA256.hex(b))
        XCTAssertNotNil(u["resolved"] as? [Any]); XCTAssertNotNil(u["introduced"] as? [Any])
        let v1 = try await http("GET", "/api/status?year=2019").json()["year"] as? Int
        XCTAssertEqual(v1, 2019)
        let v2 = try await http("GET", "/api/status?year=abc").status
        XCTAssertEqual(v2, 400)
    }

    func testEmptyAndNamelessUploadsAre400() async throws {
        let empty = try await http("POST", "/api/submissions?name=a.xlsx", body: [])
        XCTAssertEqual(empty.status, 400)
        XCTAssertTrue(empty.text.contains("空"), empty.text)
        let nameless = try await http("POST", "/api/submissions", body: try bytes(DeskTests.sample))
        XCTAssertEqual(nameless.status, 400)
        let v3 = units(try await status()).count
        XCTAssertEqual(v3, 0)
    }

    func testBrokenUploadIs422AndStoredAsUnreadable() async throws {
        // A cut-off download: the first 3,000 bytes of a real sheet.
        let cut = Array(try bytes(DeskTests.sample).prefix(3_000))
        let r = try await upload(cut, name: "截断.xlsx")
        XCTAssertEqual(r.status, 422)
        let reason = try XCTUnwrap(try r.json()["reason"] as? String)
        XCTAssertTrue(reason.hasPrefix("截断.xlsx"), reason)
        XCTAssertFalse(reason.contains("kaoping-upload"), "the temporary file is not named: \(reason)")
        let st = try await status()
        let u = try XCTUnwrap(units(st).first)
        XCTAssertEqual(u["state"] as? String, "unreadable")
        XCTAssertEqual(u["reason"] as? String, reason)
        // Its page shows the reason; its corrected sheet cannot be written (422, not 500).
        let page = try await http("GET", "/units/\(pct("截断.xlsx"))")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("无法显示表格"))
        let v4 = try await http("GET", "/api/units/\(pct("截断.xlsx"))/fixed.xlsx").status
        XCTAssertEqual(v4, 422)
    }

    func testBodyOverLimitIs413() async throws {
        // Declared over the limit: refused on the header, whatever follows.
        let big = [UInt8](repeating: 0x41, count: Desk.maxBody + 1)
        let r = try await http("POST", "/api/submissions?name=big.xlsx", body: big)
        XCTAssertEqual(r.status, 413)
        XCTAssertTrue(r.text.contains("64 MiB"), r.text)
        // Chunked (no length): bounded while streaming.
        var chunked: [UInt8] = []
        let piece = [UInt8](repeating: 0x42, count: 1 << 20)
        for _ in 0..<65 { chunked += Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10] }
        chunked += Array("0\r\n\r\n".utf8)
        let c = try await http("POST", "/api/submissions?name=big2.xlsx", body: chunked, headers: ["Transfer-Encoding": "chunked"],
                               declaredLength: nil)
        XCTAssertEqual(c.status, 413)
        let v5 = units(try await status()).count
        XCTAssertEqual(v5, 0)
    }

    func testTokenRequiredOffLoopback() async throws {
        try await start(host: "0.0.0.0")
        let token = try XCTUnwrap(desk.token)
        XCTAssertEqual(token.count, 32)
        XCTAssertTrue(desk.url(port: port).hasSuffix("?token=\(token)"))
        for target in ["/", "/api/status", "/units/x", "/api/summary.xlsx", "/api/status?token=wrong"] {
            let v6 = try await http("GET", target).status
            XCTAssertEqual(v6, 401, target)
        }
        let v7 = try await upload(try bytes(DeskTests.sample), name: "a.xlsx").status
        XCTAssertEqual(v7, 401)
        let v8 = try await http("GET", "/api/status?token=\(token)").status
        XCTAssertEqual(v8, 200)
        let v9 = try await http("GET", "/api/status", headers: ["X-Kaoping-Token": token]).status
        XCTAssertEqual(v9, 200)
        let v10 = try await http("GET", "/api/status", headers: ["Authorization": "Bearer \(token)"]).status
        XCTAssertEqual(v10, 200)
        let page = try await http("GET", "/?token=\(token)")
        XCTAssertEqual(page.status, 200)
        let v11 = units(try await http("GET", "/api/status?token=\(token)").json()).count
        XCTAssertEqual(v11, 0, "the refused upload stored nothing")
        // On loopback no token is made.
        try await start(host: "127.0.0.1")
        XCTAssertNil(desk.token)
    }

    func testConcurrentUploadsOfSameBytesMakeOneSubmission() async throws {
        let b = try bytes(DeskTests.sample)
        let answers = try await withThrowingTaskGroup(of: (Int, Bool?).self) { g in
            for i in 0..<8 { g.addTask { let r = try await self.upload(b, name: "copy-\(i).xlsx"); return (r.status, try r.json()["new"] as? Bool) } }
            return try await g.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(answers.filter { $0.0 == 201 }.count, 8, "\(answers)")
        XCTAssertEqual(answers.filter { $0.1 == true }.count, 1, "one of them stored it: \(answers)")
        let u = units(try await status())
        XCTAssertEqual(u.count, 1)
        XCTAssertEqual((u.first?["rounds"] as? [Any])?.count, 1)
    }

    func testFileNamesAreNeverPaths() async throws {
        let victim = dir + "/pwned-\(UUID().uuidString).xlsx"
        let name = "../../../../../../.." + victim
        let r = try await upload(try bytes(DeskTests.sample), name: name)
        XCTAssertEqual(r.status, 201)
        XCTAssertEqual(try r.json()["file"] as? String, (victim as NSString).lastPathComponent)
        XCTAssertFalse(FileManager.default.fileExists(atPath: victim))
        // Back-slashes and control characters too.
        let r2 = try await upload(try bytes(DeskTests.evaluated), name: "..\\..\\evil\u{7}.xlsx")
        XCTAssertEqual(try r2.json()["file"] as? String, "evil.xlsx")
        // The original comes back under the cleaned name.
        let o = try await http("GET", "/api/units/\(pct(DeskTests.unit))/original?round=1")
        XCTAssertEqual(o.status, 200)
        XCTAssertTrue(o.headers["content-disposition"]?.contains("filename=\"pwned-") ?? false, "\(o.headers)")
        XCTAssertEqual(o.body, try bytes(DeskTests.sample))
    }

    func testUnitPageMarksEveryFindingsCell() async throws {
        let r = try await upload(try bytes(DeskTests.sample), name: "城管局.xlsx")
        let findings = try XCTUnwrap(try r.json()["findings"] as? [[String: Any]])
        let cells = Set(findings.compactMap { $0["cell"] as? String }.compactMap { UnitPage.anchor($0).map { CellRef.format(row: $0.row, col: $0.col) } })
        XCTAssertFalse(cells.isEmpty)
        let page = try await http("GET", "/units/\(pct(DeskTests.unit))")
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.headers["content-type"], "text/html; charset=utf-8")
        let html = page.text
        for c in cells { XCTAssertTrue(html.contains("data-cell=\"\(c)\""), c) }
        // An error's cell carries the error class and its message on hover.
        let err = try XCTUnwrap(findings.first { $0["severity"] as? String == "error" && $0["cell"] != nil && !($0["cell"] is NSNull) })
        let ref = try XCTUnwrap(err["cell"] as? String)
        let td = try XCTUnwrap(html.range(of: "data-cell=\"\(ref)\"").map { String(html[$0.lowerBound...].prefix(2000)) })
        XCTAssertTrue(td.hasPrefix("data-cell=\"\(ref)\"") && td.prefix(300).contains("sev-error"), String(td.prefix(300)))
        XCTAssertTrue(td.contains(esc(err["message"] as? String ?? "?")))
        XCTAssertTrue(html.contains("rowspan=") || html.contains("colspan="), "merged cells drawn as spans")
        XCTAssertTrue(html.contains("data-target=\"\(ref)\""), "the list links to the cell")
        // By folded name, and an unknown unit.
        let v12 = try await http("GET", "/units/\(pct("城市管理局"))").status
        XCTAssertEqual(v12, 200)
        let v13 = try await http("GET", "/units/\(pct("没有这个单位"))").status
        XCTAssertEqual(v13, 404)
    }

    func testHiddenColumnsAreDimmed() async throws {
        // The evaluated sample hides columns K and L (`kaoping cells` says hidden-cols K,L).
        _ = try await upload(try bytes(DeskTests.evaluated), name: "评后.xlsx")
        let html = try await http("GET", "/units/\(pct(DeskTests.unit))").text
        XCTAssertTrue(html.contains("<th class=\"hid\">K</th>") && html.contains("<th class=\"hid\">L</th>"))
        XCTAssertTrue(html.contains("<th>J</th>"), "a shown column is not dimmed")
        let k5 = try XCTUnwrap(html.range(of: "<td data-cell=\"K5\"").map { String(html[$0.lowerBound...].prefix(200)) })
        XCTAssertTrue(k5.prefix(while: { $0 != ">" }).contains("hid"), k5)
    }

    func testDownloads() async throws {
        let b = try bytes(DeskTests.sample)
        _ = try await upload(b, name: "城管局.xlsx")
        let base = "/api/units/\(pct(DeskTests.unit))"
        let fixed = try await http("GET", base + "/fixed.xlsx")
        XCTAssertEqual(fixed.status, 200, fixed.text)
        XCTAssertEqual(Array(fixed.body.prefix(2)), [0x50, 0x4B])
        XCTAssertTrue(fixed.headers["content-disposition"]?.contains("filename*=UTF-8''\(pct(DeskTests.unit))") ?? false)
        // The corrected sheet is a sheet the reader reads as the same unit.
        let tmp = dir + "/fixed.xlsx"
        try Data(fixed.body).write(to: URL(fileURLWithPath: tmp))
        let (form, _) = try Pipeline(store: try TemplateStore(directory: DeskTests.root + "/Templates")).read(tmp)
        XCTAssertEqual(form.unit, DeskTests.unit)

        let notice = try await http("GET", base + "/notice.xlsx")
        XCTAssertEqual(notice.status, 501)
        XCTAssertTrue(notice.text.contains("整改通知"))
        let v14 = try await http("GET", base + "/original").body
        XCTAssertEqual(v14, b)
        let v15 = try await http("GET", base + "/original?round=2").status
        XCTAssertEqual(v15, 404)
        let v16 = try await http("GET", base + "/original?round=x").status
        XCTAssertEqual(v16, 400)
        let summary = try await http("GET", "/api/summary.xlsx")
        XCTAssertEqual(summary.status, 200)
        XCTAssertEqual(Array(summary.body.prefix(2)), [0x50, 0x4B])
        let v17 = try await http("GET", "/api/summary.xlsx?year=1999").status
        XCTAssertEqual(v17, 404)
    }

    func testNoticeRouteCallsTheMaker() async throws {
        await desk.stop(); task?.cancel()
        let d = try Desk(options: DeskOptions(db: dir + "/k.db", port: 0, templates: DeskTests.root + "/Templates",
                                              notice: { form, _, out in try Data(("notice:" + (form.unit ?? "")).utf8).write(to: URL(fileURLWithPath: out)) }))
        desk = d; task = Task { try await d.run() }; port = try await d.waitUntilListening()
        _ = try await upload(try bytes(DeskTests.sample), name: "城管局.xlsx")
        let n = try await http("GET", "/api/units/\(pct(DeskTests.unit))/notice.xlsx")
        XCTAssertEqual(n.status, 200)
        XCTAssertEqual(n.text, "notice:" + DeskTests.unit)
    }

    func testOnlyListedRoutes() async throws {
        for target in ["/etc/passwd", "/../../etc/passwd", "/units/x/../../../etc/passwd", "/api", "/api/units/x/other", "/index.html",
                       "/api/submissions/1", "/units"] {
            let v18 = try await http("GET", target).status
            XCTAssertEqual(v18, 404, target)
        }
        let v19 = try await http("DELETE", "/api/status").status
        XCTAssertEqual(v19, 405)
        let v20 = try await http("GET", "/api/submissions").status
        XCTAssertEqual(v20, 405)
        let v21 = try await http("POST", "/api/status", body: [1]).status
        XCTAssertEqual(v21, 405)
    }
}
