import FlyingFox
import Foundation
import KaopingJobs
import XLSXCore

/// A finished answer thrown from anywhere in a route (a 4xx with its Chinese line).
struct Reply: Error {
    var response: HTTPResponse
    static func text(_ code: Int, _ phrase: String, _ message: String) -> Reply {
        Reply(response: HTTPResponse(statusCode: HTTPStatusCode(code, phrase: phrase),
                                     headers: [.contentType: "text/plain; charset=utf-8"], body: Data((message + "\n").utf8)))
    }
    static func json(_ code: Int, _ phrase: String, _ value: JSON) -> Reply {
        Reply(response: HTTPResponse(statusCode: HTTPStatusCode(code, phrase: phrase),
                                     headers: [.contentType: "application/json; charset=utf-8"], body: Data(value.serialized(pretty: false).utf8)))
    }
    static func notFound(_ message: String) -> Reply { .text(404, "Not Found", message) }
    static func badRequest(_ message: String) -> Reply { .text(400, "Bad Request", message) }
}

/// The listed routes (CONTRACT.md, "The desk") and nothing else: any other path is 404, another
/// method 405. Every error becomes a 4xx (or 503 when the register is busy) with one Chinese line.
struct Routes: HTTPHandler {
    let ctx: DeskContext
    init(_ ctx: DeskContext) { self.ctx = ctx }

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        do {
            return try await route(request)
        } catch let r as Reply {
            return r.response
        } catch let e as RegisterError {
            return Reply.text(503, "Service Unavailable", "登记簿暂时无法使用：" + describe(e)).response
        } catch {
            return Reply.text(422, "Unprocessable Content", describe(error)).response
        }
    }

    func route(_ request: HTTPRequest) async throws -> HTTPResponse {
        try checkToken(request)
        // Components of the raw path, each decoded once: a `/` inside a unit's name (%2F) stays in the name.
        let raw = request.target.path(percentEncoded: true)
        let parts = raw.split(separator: "/", omittingEmptySubsequences: true).map { String($0).removingPercentEncoding ?? String($0) }
        let get = request.method == .GET || request.method == .HEAD
        func only(_ ok: Bool) throws { if !ok { throw Reply.text(405, "Method Not Allowed", "不支持的请求方法 \(request.method.rawValue)") } }
        switch parts.count {
        case 0:
            try only(get)
            let ctx = self.ctx
            let years = try await blocking { try ctx.register().years() }
            return html(Page.index(token: ctx.token, years: years))
        case 2 where parts[0] == "api" && parts[1] == "submissions":
            try only(request.method == .POST)
            return try await upload(request)
        case 2 where parts[0] == "api" && parts[1] == "status":
            try only(get)
            return try await status(request)
        case 2 where parts[0] == "api" && parts[1] == "summary.xlsx":
            try only(get)
            return try await summary(request)
        case 2 where parts[0] == "units":
            try only(get)
            return try await unitPage(request, unit: parts[1])
        case 4 where parts[0] == "api" && parts[1] == "units" && ["fixed.xlsx", "notice.xlsx", "original"].contains(parts[3]):
            try only(get)
            return try await download(request, unit: parts[2], what: parts[3])
        default:
            throw Reply.notFound("没有这个页面：\(escapeForLine(raw))")
        }
    }

    // MARK: Safety

    func checkToken(_ request: HTTPRequest) throws {
        guard let token = ctx.token else { return }
        let given = request.query["token"] ?? request.headers[HTTPHeader("X-Kaoping-Token")]
            ?? request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        // Compared in full whatever the first difference (no early exit to time).
        guard let given, given.utf8.count == token.utf8.count,
              zip(given.utf8, token.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw Reply.text(401, "Unauthorized", "需要口令：请用启动时显示的完整地址打开（含 ?token=…） (token required)")
        }
    }

    func year(_ request: HTTPRequest) throws -> Int? {
        guard let y = request.query["year"], !y.isEmpty else { return nil }
        guard let n = Int(y), (1900...2200).contains(n) else { throw Reply.badRequest("year=\(escapeForLine(y))：年度应为四位数字") }
        return n
    }

    // MARK: POST /api/submissions

    func upload(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard let name = request.query["name"], !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Reply.badRequest("缺少文件名：POST /api/submissions?name=文件名")
        }
        let limit = Desk.maxBody
        let tooLarge = Reply.text(413, "Content Too Large", "文件超过 \(limit >> 20) MiB，不像考评表，未登记 (over \(limit >> 20) MiB)")
        // The declared length first: a body over the limit is never kept in memory.
        var iterator = request.bodySequence.makeAsyncIterator()
        if let cl = request.headers[.contentLength], let n = Int(cl) {
            if n > limit { await Routes.discard(&iterator); throw tooLarge }
            if n == 0 { throw Reply.badRequest("上传的文件是空的（0 字节），未登记") }
        }
        var body = Data()
        while let chunk = try await iterator.next() {
            body.append(chunk)
            // Chunked (no length): bounded while streaming.
            if body.count > limit { body = Data(); await Routes.discard(&iterator); throw tooLarge }
        }
        if body.isEmpty { throw Reply.badRequest("上传的文件是空的（0 字节），未登记") }
        let ctx = self.ctx
        let bytes = [UInt8](body)
        let (outcome, findings) = try await blocking { () -> (ImportOutcome, [Finding]) in
            let reg = try ctx.register()
            let job = ImportJob(inputs: [], year: ctx.options.year, store: ctx.store, register: reg)
            let o = try job.store(bytes: bytes, name: name, describe: { describe($0) })
            return (o, try o.submission.map { try reg.findings(submission: $0.id) } ?? [])
        }
        guard let s = outcome.submission else { throw Reply.text(422, "Unprocessable Content", outcome.failure ?? "无法读取") }
        var fields: [(String, JSON)] = [
            ("unit", .string(s.unit)), ("year", .int(s.year)), ("round", .int(s.round)), ("state", .string(s.state.rawValue)),
            ("errors", .int(s.errors)), ("warnings", .int(s.warnings)), ("infos", .int(s.infos)),
            ("findings", .array(findings.map(Routes.json))), ("file", .string(s.fileName)), ("sha256", .string(s.sha256)),
            ("new", .bool(outcome.isNew)),
        ]
        if s.state == .unreadable {
            fields.insert(("reason", .string(s.reason ?? "无法读取")), at: 0)
            throw Reply.json(422, "Unprocessable Content", .object(fields))
        }
        // The same bytes again: the stored submission, still 201 as the contract says (other
        // programs rely on it); `new: false` tells that nothing was added.
        return Reply.json(201, "Created", .object(fields)).response
    }

    /// Reads and drops what is left of a refused body, up to another `Desk.maxBody` bytes: closing
    /// with unread bytes makes the kernel reset the connection, and the client then never sees
    /// the 413. Past that the connection is closed all the same (a client sending gigabytes).
    static func discard(_ it: inout HTTPBodySequence.Iterator) async {
        var dropped = 0
        while dropped <= Desk.maxBody, let chunk = try? await it.next() { dropped += chunk.count }
    }

    static func json(_ f: Finding) -> JSON {
        .object([("rule", .string(f.rule)), ("severity", .string(f.severity.rawValue)), ("cell", .str(f.cell)),
                 ("code", .str(f.code)), ("message", .string(f.message))])
    }

    // MARK: GET /api/status

    func status(_ request: HTTPRequest) async throws -> HTTPResponse {
        let year = try self.year(request)
        let ctx = self.ctx
        let json = try await blocking { () -> String in
            let (y, units) = try StatusJob(register: try ctx.register(), year: year, roster: ctx.roster).run()
            return StatusJob.json(year: y, units: units).serialized(pretty: false)
        }
        return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                            body: Data(json.utf8))
    }

    // MARK: GET /api/summary.xlsx

    func summary(_ request: HTTPRequest) async throws -> HTTPResponse {
        let year = try self.year(request)
        let ctx = self.ctx
        let (bytes, y) = try await blocking { () -> ([UInt8], Int?) in
            let out = Scratch.path("summary.xlsx")
            defer { try? FileManager.default.removeItem(atPath: out) }
            do {
                let summary = try RegisterSummaryJob(register: ctx.options.db, year: year, output: out, ratingsFile: nil, store: ctx.store).run()
                _ = summary
            } catch let e as SummaryError {
                throw Reply.notFound(describe(e))
            }
            let y = try year ?? ctx.register().years().first
            return ([UInt8](try Data(contentsOf: URL(fileURLWithPath: out))), y)
        }
        return xlsx(bytes, name: "\(y.map { "\($0)年度" } ?? "")得分汇总.xlsx")
    }

    // MARK: Units

    /// The unit's line of `kaoping status` (roster-joined rounds, resolved/introduced), found by name or folded name.
    static func find(_ unit: String, year: Int?, ctx: DeskContext, register reg: Register) throws -> (Int?, UnitStatus) {
        let (y, units) = try StatusJob(register: reg, year: year, roster: ctx.roster).run()
        let key = Register.unitKey(unit)
        guard let u = units.first(where: { $0.unit == unit }) ?? units.first(where: { Register.unitKey($0.unit) == key }) else {
            throw Reply.notFound("登记簿\(y.map { "的 \($0) 年度" } ?? "")中没有「\(escapeForLine(unit))」")
        }
        return (y, u)
    }

    func unitPage(_ request: HTTPRequest, unit: String) async throws -> HTTPResponse {
        let year = try self.year(request)
        let ctx = self.ctx
        let page = try await blocking { () -> String in
            let reg = try ctx.register()
            let (y, u) = try Routes.find(unit, year: year, ctx: ctx, register: reg)
            var sheet: SheetView?
            var failure: String?
            var findings: [Finding] = []
            if let s = u.latest {
                findings = try reg.findings(submission: s.id)
                if s.state == .unreadable {
                    failure = s.reason ?? "无法读取"
                } else {
                    do { sheet = try SheetView.load(s, register: reg, store: ctx.store) } catch let r as Reply { throw r } catch {
                        failure = describe(error)
                    }
                }
            }
            return UnitPage(unit: u, year: y, findings: findings, sheet: sheet, failure: failure, token: ctx.token,
                            noticeReady: ctx.options.notice != nil).html()
        }
        return html(page)
    }

    func download(_ request: HTTPRequest, unit: String, what: String) async throws -> HTTPResponse {
        let year = try self.year(request)
        var round: Int?
        if let r = request.query["round"], !r.isEmpty {
            guard let n = Int(r), n >= 1 else { throw Reply.badRequest("round=\(escapeForLine(r))：轮次应为正整数") }
            round = n
        }
        let ctx = self.ctx, wanted = round
        return try await blocking { () -> HTTPResponse in
            let reg = try ctx.register()
            let (_, u) = try Routes.find(unit, year: year, ctx: ctx, register: reg)
            guard let latest = u.latest else { throw Reply.notFound("「\(escapeForLine(u.unit))」尚未提交") }
            let stem = u.unit
            switch what {
            case "original":
                let s: Submission
                if let round = wanted {
                    guard round <= u.rounds.count else { throw Reply.notFound("「\(escapeForLine(u.unit))」没有第 \(round) 轮") }
                    s = u.rounds[round - 1]
                } else { s = latest }
                guard let bytes = try reg.bytes(sha256: s.sha256) else { throw Reply.notFound("登记簿中缺少这份文件的内容") }
                return Routes.attachment(bytes, name: ImportJob.receivedName(s.fileName), type: Routes.contentType(bytes))
            case "fixed.xlsx":
                guard latest.state != .unreadable else {
                    throw Reply.text(422, "Unprocessable Content", "最新一轮无法读取，不能写出修正表：\(latest.reason ?? "")")
                }
                let bytes = try Routes.fixed(latest, register: reg, store: ctx.store)
                return Routes.attachment(bytes, name: "\(stem)-修正.xlsx", type: Routes.xlsxType)
            default:
                guard let notice = ctx.options.notice else {
                    throw Reply.text(501, "Not Implemented", "整改通知书（notice.xlsx）尚未提供：该功能正在开发中 (not yet available)")
                }
                guard latest.state != .unreadable else {
                    throw Reply.text(422, "Unprocessable Content", "最新一轮无法读取，不能写出整改通知：\(latest.reason ?? "")")
                }
                let bytes = try Routes.notice(latest, register: reg, store: ctx.store, maker: notice)
                return Routes.attachment(bytes, name: "\(stem)-整改通知.xlsx", type: Routes.xlsxType)
            }
        }
    }

    /// The corrected sheet, written by `FixJob` from the stored bytes.
    static func fixed(_ s: Submission, register reg: Register, store: TemplateStore) throws -> [UInt8] {
        let input = try Scratch.write(s, register: reg)
        let out = Scratch.path("fixed.xlsx")
        defer { try? FileManager.default.removeItem(atPath: input); try? FileManager.default.removeItem(atPath: out) }
        let report = FixJob(inputs: [input], output: out, template: s.template, pipeline: Pipeline(store: store))
            .run([(input: input, output: out)])
        guard let r = report.first, r.code != 2, FileManager.default.fileExists(atPath: out) else {
            let why = report.first?.lines.joined(separator: "；") ?? "未写出"
            throw Reply.text(422, "Unprocessable Content", why.replacingOccurrences(of: input, with: s.fileName).replacingOccurrences(of: out, with: "修正表"))
        }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    /// The notice, written by the lead's `NoticeMaker` from the stored bytes re-read.
    static func notice(_ s: Submission, register reg: Register, store: TemplateStore, maker: NoticeMaker) throws -> [UInt8] {
        let input = try Scratch.write(s, register: reg)
        let out = Scratch.path("notice.xlsx")
        defer { try? FileManager.default.removeItem(atPath: input); try? FileManager.default.removeItem(atPath: out) }
        var (form, template) = try Pipeline(store: store).read(input, template: s.template)
        form.file = s.fileName
        form.findings = try reg.findings(submission: s.id)
        if form.unit.map(KText.trim)?.isEmpty ?? true { form.unit = s.unit }
        try maker(form, template, out)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    // MARK: Responses

    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    static func contentType(_ b: [UInt8]) -> String {
        if b.starts(with: [0x50, 0x4B]) { return xlsxType }
        if b.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return "application/vnd.ms-excel" }
        return "application/octet-stream"
    }

    /// A download; the name in RFC 6266's `filename*` (UTF-8) with an ASCII fallback.
    static func attachment(_ bytes: [UInt8], name: String, type: String) -> HTTPResponse {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: urlUnreserved) ?? ascii
        return HTTPResponse(statusCode: .ok, headers: [
            .contentType: type, .cacheControl: "no-store",
            .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
        ], body: Data(bytes))
    }

    func xlsx(_ bytes: [UInt8], name: String) -> HTTPResponse { Routes.attachment(bytes, name: name, type: Routes.xlsxType) }

    func html(_ s: String) -> HTTPResponse {
        HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                                HTTPHeader("Content-Security-Policy"): "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:"],
                     body: Data(s.utf8))
    }
}

extension HTTPRequest {
    var queryToken: String? { query["token"] }
}

/// Temporary files of the desk's own naming (never a received name): reading and writing go through paths.
enum Scratch {
    static func path(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kaoping-desk-\(getpid())-\(UUID().uuidString)-\(suffix)").path
    }

    /// The submission's stored bytes in a new temporary file (the caller removes it).
    static func write(_ s: Submission, register reg: Register) throws -> String {
        guard let bytes = try reg.bytes(sha256: s.sha256) else { throw Reply.notFound("登记簿中缺少这份文件的内容") }
        let p = path("in.xlsx")
        guard FileManager.default.createFile(atPath: p, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw JobError("无法写入临时文件 (cannot write a temporary file)")
        }
        return p
    }
}
