import CSQLite
import Foundation
import KaopingJobs
import XCTest

/// The year's register (issue 14): real sample sheets imported, rounds, status, refusals.
final class RegisterTests: XCTestCase {
    var dir = ""
    var db: String { dir + "/kaoping.db" }

    override func setUpWithError() throws { dir = try RegFix.scratch() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// Every sample imported: one unit per (unit, year), the evaluated twin and the plain sheet
    /// are two rounds, and each stored count equals what `check` finds in the file.
    func testImportSamplesThenStatus() throws {
        let reg = try Register(path: db)
        let outcomes = try RegFix.importFiles([RegFix.samples], into: reg)
        let xlsx = try FileManager.default.contentsOfDirectory(atPath: RegFix.samples).filter { $0.hasSuffix(".xlsx") }
        XCTAssertEqual(outcomes.count, xlsx.count)
        XCTAssertTrue(outcomes.allSatisfy { $0.isNew && $0.failure == nil })
        let pipeline = Pipeline(store: RegFix.store)
        for o in outcomes {
            let s = try XCTUnwrap(o.submission)
            let (form, _) = try pipeline.read(o.file)
            XCTAssertEqual(s.unit, form.unit)
            XCTAssertEqual(s.year, form.year)
            XCTAssertEqual(s.sha256, SHA256.hex(RegFix.bytes(o.file)))
            XCTAssertEqual(try reg.bytes(sha256: s.sha256), RegFix.bytes(o.file), "bytes kept as received")
            let stored = try reg.findings(submission: s.id)
            // The stored findings are the file's own (plus cross-year ones: none among the samples).
            XCTAssertEqual(stored.map(\.rule), form.findings.map(\.rule), o.file)
            XCTAssertEqual(s.errors, form.findings.filter { $0.severity == .error }.count)
            XCTAssertEqual(s.state, s.errors > 0 ? .errors : .ok)
        }
        let (year, units) = try StatusJob(register: reg, year: 2024, roster: nil).run()
        XCTAssertEqual(year, 2024)
        XCTAssertEqual(units.map(\.unit), ["泉州市国资委", "泉州市城市管理局"].sorted())
        let cg = try XCTUnwrap(units.first { $0.unit == "泉州市城市管理局" })
        XCTAssertEqual(cg.rounds.map(\.round), [1, 2])
        XCTAssertEqual(cg.rounds.map(\.fileName), ["000-chengguan-2024-evaluated.xlsx", "000-chengguan-2024.xlsx"])
        XCTAssertEqual(cg.state, .errors)
        XCTAssertEqual(units.first { $0.unit == "泉州市国资委" }?.state, .ok)
        // The evaluated twin's hidden 档次/得分 columns are gone in round 2: exactly those resolved.
        XCTAssertEqual(Set(cg.resolved.map(\.rule)), ["sheet.hidden-column"])
        XCTAssertEqual(cg.introduced, [])
        // Without --year: the newest year; every year reachable.
        XCTAssertEqual(try StatusJob(register: reg, year: nil, roster: nil).run().year, 2024)
        XCTAssertEqual(try reg.years(), [2024, 2023, 2021, 2019])
        XCTAssertEqual(try reg.verify(), [])

        let json = StatusJob.json(year: year, units: units).serialized()
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(parsed["schema"] as? String, "kaoping.status/1")
        let u0 = try XCTUnwrap((parsed["units"] as? [[String: Any]])?.first { $0["unit"] as? String == "泉州市城市管理局" })
        XCTAssertEqual(u0["state"] as? String, "errors")
        let r0 = try XCTUnwrap((u0["rounds"] as? [[String: Any]])?.last)
        XCTAssertEqual(Set(r0.keys), ["round", "file", "sha256", "receivedAt", "errors", "warnings", "infos"])
        XCTAssertNotNil((r0["receivedAt"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$"#, options: .regularExpression))
        let text = StatusJob.text(year: year, units: units)
        XCTAssertTrue(text.contains("单位"), text)
        let (cgForm, _) = try Pipeline(store: try TemplateStore(directory: RegFix.root + "/Templates")).read(RegFix.sample("000-chengguan-2024.xlsx"))
        let e = cgForm.findings.filter { $0.severity == .error }.count, w = cgForm.findings.filter { $0.severity == .warning }.count
        XCTAssertTrue(text.contains("泉州市城市管理局  2     \(e)/\(w)/"), text)
        XCTAssertTrue(text.contains("待修改"), text)
    }

    func testSameBytesTwiceIsOneSubmission() throws {
        let reg = try Register(path: db)
        let f = RegFix.sample("001-guoziwei-2024.xlsx")
        let copy = dir + "/另存的副本.xlsx"
        try FileManager.default.copyItem(atPath: f, toPath: copy)
        let first = try RegFix.importFiles([f], into: reg)
        let again = try RegFix.importFiles([f, copy], into: reg)
        XCTAssertTrue(first[0].isNew)
        XCTAssertEqual(again.map(\.isNew), [false, false])
        XCTAssertEqual(again.map { $0.submission?.id }, [first[0].submission?.id, first[0].submission?.id])
        XCTAssertEqual(try reg.submissions(year: nil).count, 1)
        XCTAssertEqual(try reg.submissions(year: nil).first?.round, 1)
    }

    /// The unit corrects two errors and breaks something else: round 2, with exactly those
    /// resolved and introduced, matched by rule + 序号 (the cells stay on the same rows here).
    func testCorrectedFileIsRoundTwoWithResolvedAndIntroduced() throws {
        let orig = RegFix.sample("000-chengguan-2024.xlsx")
        let fixed = dir + "/考评表(修改后).xlsx"
        let (form, _) = try Pipeline(store: RegFix.store).read(orig)
        let e6 = try XCTUnwrap(form.items.first { $0.code == "1-1-2" }?.text)
        let e5 = "年底前完成处理能力1000吨/天的江南片区大型垃圾转运站项目的装修、设备安装调试，并投入使用。城乡生活垃圾无害化处理率保持100%，指导永春县、德化县生活垃圾焚烧发电项目年底前建成投产，生活垃圾焚烧处理能力达9950吨/日以上。提高环卫领域新能源车辆比例，年度新增新能源、清洁能源动力的交通工具比例达40%。"
        try RegFix.editStrings(orig, fixed, [
            ("文旅+第1页第1项、第4页第6项、第9页第22项）（5分）", "文旅+第1页第1项、第4页第6项、第9页第22项）（2分）"),  // D28: 1-10 points fixed
            ("依法治国市有关工作任务", "依法治市有关工作任务"),                                         // C51: admin text restored
            (e5, e6),                                                                                   // E5 now repeats E6 (1-1-2)
        ])
        let reg = try Register(path: db)
        _ = try RegFix.importFiles([orig], into: reg)
        let second = try RegFix.importFiles([fixed], into: reg)
        XCTAssertEqual(second.first?.submission?.round, 2)
        let units = try StatusJob(register: reg, year: 2024, roster: nil).run().units
        XCTAssertEqual(units.count, 1)
        let u = units[0]
        XCTAssertEqual(u.rounds.count, 2)
        XCTAssertEqual(u.resolved.map { "\($0.rule) \($0.code ?? "-")" }.sorted(), ["admin.text-changed 4-7", "indicator.points 1-10"])
        XCTAssertEqual(u.introduced.map { "\($0.rule) \($0.code ?? "-") \($0.cell ?? "-")" }, ["item.duplicate 1-1-2 E6"], "reported on the second of the two")
        XCTAssertEqual(u.latest?.errors, (u.rounds.first?.errors ?? 0) - 2)
    }

    func testUnreadableFileStoredWithReasonAndBytes() throws {
        let bad = dir + "/损坏的考评表.xlsx"
        var junk = Array("PK\u{3}\u{4} this is a cut-off download".utf8)
        junk += [0, 0xFF, 0xFE, 0x80, 0x00]
        _ = FileManager.default.createFile(atPath: bad, contents: Data(junk))
        let empty = dir + "/empty.xlsx"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let reg = try Register(path: db)
        let out = try ImportJob(inputs: [bad, empty, dir + "/没有这个文件.xlsx"], year: 2024, store: RegFix.store, register: reg)
            .run(describe: { "\($0)" })
        let s = try XCTUnwrap(out[0].submission)
        XCTAssertEqual(s.state, .unreadable)
        XCTAssertEqual(s.unit, "损坏的考评表.xlsx")
        XCTAssertEqual(s.year, 2024)
        XCTAssertNotNil(s.reason)
        XCTAssertEqual(try reg.bytes(sha256: s.sha256), junk, "the bytes read back are the bytes received")
        XCTAssertEqual(try reg.findings(submission: s.id).map(\.rule), ["file.unreadable"])
        XCTAssertEqual(try reg.findings(submission: s.id).first?.message, s.reason)
        // The empty file is stored too, as zero bytes (not NULL).
        let e = try XCTUnwrap(out[1].submission)
        XCTAssertEqual(e.state, .unreadable)
        XCTAssertEqual(try reg.bytes(sha256: e.sha256), [])
        XCTAssertEqual(e.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // A path that does not exist has no bytes: reported, not stored.
        XCTAssertNil(out[2].submission)
        XCTAssertNotNil(out[2].failure)
        let units = try StatusJob(register: reg, year: 2024, roster: nil).run().units
        XCTAssertEqual(units.map(\.state), [.unreadable, .unreadable])
        XCTAssertEqual(try reg.verify(), [])
    }

    /// A GBK roster (as Excel saves CSV on a Chinese Windows) with aliases and missing units.
    func testRosterGBKWithAliasesAndMissingUnits() throws {
        let reg = try Register(path: db)
        _ = try RegFix.importFiles([RegFix.sample("000-chengguan-2024.xlsx"), RegFix.sample("001-guoziwei-2024.xlsx")], into: reg)
        let csv = "序号,单位,简称/别名\r\n1,泉州市人民政府国有资产监督管理委员会,市国资委、泉州市国资委\r\n2,城市管理局,市城管局\r\n3,泉州市财政局,市财政局；财政局\r\n4,泉州市市场监督管理局,\r\n"
        let path = dir + "/名单.csv"
        _ = try RegFix.python("import sys; open(sys.argv[2],'wb').write(sys.argv[1].encode('gbk'))", [csv, path])
        XCTAssertNil(String(data: try Data(contentsOf: URL(fileURLWithPath: path)), encoding: .utf8), "the roster really is GBK")
        let roster = try Roster.read(path)
        XCTAssertEqual(roster.entries.map(\.name), ["泉州市人民政府国有资产监督管理委员会", "城市管理局", "泉州市财政局", "泉州市市场监督管理局"])
        XCTAssertEqual(roster.entries[2].aliases, ["市财政局", "财政局"])
        XCTAssertEqual(roster.index(of: "泉州市城市管理局"), 1, "泉州市 dropped")
        XCTAssertEqual(roster.index(of: "市城管局"), 1, "alias")
        XCTAssertEqual(roster.index(of: "泉州市 财政局"), 2)
        XCTAssertEqual(roster.index(of: "市场监督管理局"), 3, "a name that starts with 市")
        XCTAssertNil(roster.index(of: "泉州市公安局"))

        let units = try StatusJob(register: reg, year: 2024, roster: roster).run().units
        XCTAssertEqual(units.map(\.unit), roster.entries.map(\.name))
        XCTAssertEqual(units.map(\.state), [.ok, .errors, .missing, .missing])
        XCTAssertEqual(units.map(\.onRoster), [true, true, true, true])
        XCTAssertEqual(units[0].rounds.first?.unit, "泉州市国资委")
        let text = StatusJob.text(year: 2024, units: units)
        XCTAssertTrue(text.contains("未提交 2"), text)

        // The same list as UTF-8 with a BOM, and as .xlsx written by openpyxl: the same entries.
        let bom = dir + "/名单-utf8.csv"
        _ = FileManager.default.createFile(atPath: bom, contents: Data([0xEF, 0xBB, 0xBF] + Array(csv.utf8)))
        XCTAssertEqual(try Roster.read(bom).entries, roster.entries)
        let xlsx = dir + "/名单.xlsx"
        _ = try RegFix.python("""
            import sys, csv, io, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active
            for row in csv.reader(io.StringIO(sys.argv[1])): ws.append(row)
            wb.save(sys.argv[2])
            """, [csv, xlsx])
        XCTAssertEqual(try Roster.read(xlsx).entries.map(\.name), roster.entries.map(\.name))
        XCTAssertEqual(try Roster.read(xlsx).entries.map(\.aliases), roster.entries.map(\.aliases))

        let noUnit = dir + "/bad.csv"
        _ = FileManager.default.createFile(atPath: noUnit, contents: Data("名称,别名\n甲,乙\n".utf8))
        XCTAssertThrowsError(try Roster.read(noUnit)) { XCTAssertEqual($0 as? RosterError, .noUnitColumn(file: noUnit)) }
    }

    /// The unit signs round 2 with its short name: two units in the register, one on the roster,
    /// whose rounds are numbered 1, 2 and compared.
    func testRosterJoinsRoundsSentUnderTwoNames() throws {
        let orig = RegFix.sample("000-chengguan-2024.xlsx")
        let short = dir + "/市城管局.xlsx"
        try RegFix.editStrings(orig, short, [("参评单位（盖章）：泉州市城市管理局", "参评单位（盖章）：市城管局"),
                                             ("依法治国市有关工作任务", "依法治市有关工作任务")])
        let reg = try Register(path: db)
        let out = try RegFix.importFiles([orig, short], into: reg)
        XCTAssertEqual(out.map { $0.submission?.unit }, ["泉州市城市管理局", "市城管局"])
        XCTAssertEqual(out.map { $0.submission?.round }, [1, 1], "two names, two units in the register")
        XCTAssertEqual(try StatusJob(register: reg, year: 2024, roster: nil).run().units.count, 2)
        let roster = Roster(file: "-", entries: [.init(name: "泉州市城市管理局", aliases: ["市城管局"], line: 2)])
        let units = try StatusJob(register: reg, year: 2024, roster: roster).run().units
        XCTAssertEqual(units.count, 1)
        XCTAssertEqual(units[0].rounds.map(\.round), [1, 2])
        XCTAssertEqual(units[0].rounds.map(\.unit), ["泉州市城市管理局", "市城管局"])
        XCTAssertEqual(units[0].resolved.map(\.rule), ["admin.text-changed"])
        XCTAssertEqual(units[0].introduced, [])
    }

    func testSchemaVersionAndForeignFilesRefused() throws {
        _ = try Register(path: db)
        XCTAssertEqual(try Register(path: db).storedVersion(), Register.schemaVersion)
        try sqlite(db, "PRAGMA user_version = 99")
        XCTAssertThrowsError(try Register(path: db)) {
            XCTAssertEqual($0 as? RegisterError, .newerSchema(path: db, found: 99, supported: Register.schemaVersion))
        }
        // Another program's SQLite file is not taken over.
        let other = dir + "/other.db"
        try sqlite(other, "CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        XCTAssertThrowsError(try Register(path: other)) { XCTAssertEqual($0 as? RegisterError, .notARegister(path: other)) }
        // A file that is not SQLite at all.
        let text = dir + "/notes.db"
        _ = FileManager.default.createFile(atPath: text, contents: Data(String(repeating: "不是数据库 ", count: 200).utf8))
        XCTAssertThrowsError(try Register(path: text)) { XCTAssertEqual($0 as? RegisterError, .notADatabase(path: text)) }
        XCTAssertThrowsError(try Register(path: dir + "/none.db", create: false)) {
            XCTAssertEqual($0 as? RegisterError, .notFound(path: self.dir + "/none.db"))
        }
    }

    /// Two importers at once, on two connections from two threads, over overlapping files: every
    /// file once, rounds 1…n per unit without gaps or doubles, the register intact.
    func testConcurrentImportsOnTwoConnections() throws {
        let batch = dir + "/batch"
        _ = try RegFix.run("/usr/bin/env", ["python3", RegFix.root + "/bench/make-batch.py", RegFix.samples, batch, "24"])
        // Resubmissions: the same unit, other bytes (a cell's text changed).
        for k in 0..<4 {
            try RegFix.editStrings(batch + "/" + String(format: "%03d", k) + "-" + sampleName(k),
                                   batch + "/r\(k).xlsx", [("目标", "目标 ")])
        }
        _ = try Register(path: db)
        let files = try FileManager.default.contentsOfDirectory(atPath: batch).sorted().map { batch + "/" + $0 }
        let group = DispatchGroup()
        let errors = ErrorBox()
        for half in [Array(files.reversed()), files] {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let reg = try Register(path: self.db)
                    _ = try ImportJob(inputs: half, year: nil, store: RegFix.store, register: reg).run()
                } catch { errors.add(error) }
            }
        }
        group.wait()
        XCTAssertEqual(errors.all.map { "\($0)" }, [])
        let reg = try Register(path: db)
        let subs = try reg.submissions(year: nil)
        XCTAssertEqual(subs.count, files.count)
        XCTAssertEqual(Set(subs.map(\.sha256)).count, files.count)
        for (_, rounds) in Dictionary(grouping: subs, by: { "\($0.unitKey)|\($0.year ?? 0)" }) {
            XCTAssertEqual(rounds.map(\.round).sorted(), Array(1...rounds.count))
        }
        XCTAssertEqual(subs.filter { $0.round == 2 }.count, 4)
        XCTAssertEqual(try reg.verify(), [])
    }

    private func sampleName(_ k: Int) -> String {
        let s = (try? FileManager.default.contentsOfDirectory(atPath: RegFix.samples).filter { $0.hasSuffix(".xlsx") }.sorted()) ?? []
        return s.isEmpty ? "" : s[k % s.count]
    }

    /// Two `kaoping import` processes at once on one register file, five times on a new file:
    /// both opening it at once was the race (turning a new file to WAL does not wait).
    func testConcurrentImportProcesses() throws {
        guard FileManager.default.isExecutableFile(atPath: RegFix.binary) else { throw XCTSkip("no \(RegFix.binary)") }
        let batch = dir + "/batch"
        _ = try RegFix.run("/usr/bin/env", ["python3", RegFix.root + "/bench/make-batch.py", RegFix.samples, batch, "30"])
        for attempt in 1...5 {
            let db = dir + "/concurrent\(attempt).db"
            let group = DispatchGroup()
            let results = ErrorBox()
            for _ in 0..<2 {
                group.enter()
                DispatchQueue.global().async {
                    defer { group.leave() }
                    do {
                        let r = try RegFix.run(RegFix.binary, ["import", batch, "--db", db, "--templates", RegFix.root + "/Templates"])
                        if r.status == 2 { results.add(NSError(domain: r.err, code: 2)) }
                    } catch { results.add(error) }
                }
            }
            group.wait()
            XCTAssertEqual(results.all.map { "\($0)" }, [], "attempt \(attempt)")
            let reg = try Register(path: db)
            XCTAssertEqual(try reg.submissions(year: nil).count, 30, "attempt \(attempt)")
            XCTAssertEqual(try reg.submissions(year: nil).filter { $0.round != 1 }.count, 0, "every unit of the batch is distinct")
            XCTAssertEqual(try reg.verify(), [])
        }
    }

    /// `kill -9` in the middle of an import of many files: only whole submissions remain, and a
    /// second import completes the register without doubles.
    func testKillNineLeavesOnlyWholeSubmissions() throws {
        guard FileManager.default.isExecutableFile(atPath: RegFix.binary) else { throw XCTSkip("no \(RegFix.binary)") }
        let batch = dir + "/batch"
        let count = 120
        _ = try RegFix.run("/usr/bin/env", ["python3", RegFix.root + "/bench/make-batch.py", RegFix.samples, batch, "\(count)"])
        _ = try Register(path: db)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RegFix.binary)
        p.arguments = ["import", batch, "--db", db, "--templates", RegFix.root + "/Templates"]
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until some submissions are committed, then kill without warning.
        let watcher = try Register(path: db)
        var seen = 0
        let deadline = Date().addingTimeInterval(120)
        while seen < 5 && p.isRunning && Date() < deadline {
            usleep(5_000)
            seen = (try? watcher.submissions(year: nil).count) ?? 0
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal, "killed mid-import (it had finished: make the batch bigger)")
        let reg = try Register(path: db)
        let stored = try reg.submissions(year: nil).count
        XCTAssertGreaterThanOrEqual(stored, 5)
        XCTAssertLessThan(stored, count)
        XCTAssertEqual(try reg.verify(), [], "integrity_check ok, each submission has its blob and all its findings")
        // Each stored submission is complete: bytes equal the file of that name.
        for s in try reg.submissions(year: nil) {
            XCTAssertEqual(try reg.bytes(sha256: s.sha256), RegFix.bytes(batch + "/" + s.fileName))
        }
        let r = try RegFix.run(RegFix.binary, ["import", batch, "--db", db, "--templates", RegFix.root + "/Templates"])
        XCTAssertNotEqual(r.status, 2, r.err)
        XCTAssertEqual(try reg.submissions(year: nil).count, count)
        XCTAssertEqual(try reg.submissions(year: nil).filter { $0.round != 1 }.count, 0)
        XCTAssertEqual(try reg.verify(), [])
    }

    private func sqlite(_ path: String, _ sql: String) throws {
        var h: OpaquePointer?
        XCTAssertEqual(sqlite3_open(path, &h), SQLITE_OK)
        defer { sqlite3_close(h) }
        XCTAssertEqual(sqlite3_exec(h, sql, nil, nil, nil), SQLITE_OK)
    }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []
    func add(_ e: Error) { lock.lock(); errors.append(e); lock.unlock() }
    var all: [Error] { lock.lock(); defer { lock.unlock() }; return errors }
}

/// Inputs that are not sheets on disk: never a hang, never stored, one reason each.
final class ImportInputTests: XCTestCase {
    func testFIFOsAndMissingAreRefusedNotStored() throws {
        let dir = try RegFix.scratch("inputs")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/管道.xlsx"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // A FIFO inside a folder is listed by the folder walk, like a file.
        try FileManager.default.createDirectory(atPath: dir + "/收件", withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(dir + "/收件/另一个.xlsx", 0o600), 0)
        let reg = try Register(path: dir + "/kaoping.db")
        let out = try ImportJob(inputs: [fifo, dir + "/收件", dir + "/无.xlsx"], year: 2024, store: RegFix.store, register: reg).run()
        XCTAssertEqual(out.map(\.file), [fifo, dir + "/收件/另一个.xlsx", dir + "/无.xlsx"])
        guard out.count == 3 else { return }
        XCTAssertEqual(out.map { $0.submission == nil }, [true, true, true])
        XCTAssertTrue(out[0].failure?.contains("不是普通文件") == true, "\(out[0].failure ?? "")")
        XCTAssertTrue(out[1].failure?.contains("不是普通文件") == true, "\(out[1].failure ?? "")")
        XCTAssertTrue(out[2].failure?.contains("文件不存在") == true, "\(out[2].failure ?? "")")
        XCTAssertEqual(try reg.submissions(year: nil).count, 0)
    }
}
