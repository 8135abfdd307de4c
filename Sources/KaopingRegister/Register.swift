import CSQLite
import Foundation
import KaopingModel

/// Where a submission stands: 通过 (no errors), 待修改 (errors), 无法读取 (unreadable).
public enum SubmissionState: String, Sendable { case ok, errors, unreadable }

/// One stored submission (one round of one unit and year), without its bytes.
public struct Submission: Sendable, Equatable {
    public var id: Int
    public var sha256: String
    /// The file's name as received (last path component).
    public var fileName: String
    /// ISO 8601 with the local offset, `2025-07-28T09:30:00+08:00`.
    public var receivedAt: String
    public var unit: String
    /// `unit` folded for matching (see `Register.unitKey`).
    public var unitKey: String
    public var year: Int?
    public var round: Int
    public var state: SubmissionState
    /// Why the file could not be read (unreadable only).
    public var reason: String?
    public var template: String?
    /// The form as `kaoping.form/1` JSON (nil when unreadable).
    public var formJSON: String?
    public var errors: Int
    public var warnings: Int
    public var infos: Int
}

/// What an import hands the register to store.
public struct NewSubmission: Sendable {
    public var bytes: [UInt8]
    public var sha256: String
    public var fileName: String
    public var receivedAt: String
    public var unit: String
    public var year: Int?
    public var state: SubmissionState
    public var reason: String?
    public var template: String?
    public var formJSON: String?
    public var findings: [Finding]
    public init(bytes: [UInt8], sha256: String, fileName: String, receivedAt: String, unit: String, year: Int?,
                state: SubmissionState, reason: String?, template: String?, formJSON: String?, findings: [Finding]) {
        self.bytes = bytes; self.sha256 = sha256; self.fileName = fileName; self.receivedAt = receivedAt
        self.unit = unit; self.year = year; self.state = state; self.reason = reason; self.template = template
        self.formJSON = formJSON; self.findings = findings
    }
}

/// The year's register: one SQLite file holding every submission's bytes, form and findings.
///
/// Opened in WAL mode with foreign keys on and a 10 s busy timeout, so a second `kaoping import`
/// waits for the first instead of failing. The schema is versioned (`PRAGMA user_version`) and
/// migrated in order on open; a register of a newer version, or an SQLite file that is not a
/// register, is refused (`RegisterError`). One `Register` is one connection: use it from one
/// thread at a time (open another for another thread).
///
/// ```swift
/// let reg = try Register(path: "kaoping.db")
/// let (sub, isNew) = try reg.store(newSubmission)
/// ```
public final class Register {
    /// The schema this build writes and reads.
    public static let schemaVersion = 1
    /// `PRAGMA application_id`: "KPRG", marks the file as a Kaoping register.
    public static let applicationID: Int32 = 0x4B50_5247
    /// How long a writer waits for another one before `RegisterError.busy`.
    public static let busyTimeoutMs: Int32 = 10_000

    /// Migration `i` takes the schema from version `i` to `i + 1`; only ever appended to.
    static let migrations: [String] = [
        """
        CREATE TABLE blob(
            sha256 TEXT PRIMARY KEY,
            bytes BLOB NOT NULL,
            size INTEGER NOT NULL);
        CREATE TABLE submission(
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE REFERENCES blob(sha256),
            file_name TEXT NOT NULL,
            received_at TEXT NOT NULL,
            unit TEXT NOT NULL,
            unit_key TEXT NOT NULL,
            year INTEGER,
            round INTEGER NOT NULL CHECK(round >= 1),
            state TEXT NOT NULL CHECK(state IN ('ok', 'errors', 'unreadable')),
            reason TEXT,
            template TEXT,
            errors INTEGER NOT NULL DEFAULT 0,
            warnings INTEGER NOT NULL DEFAULT 0,
            infos INTEGER NOT NULL DEFAULT 0,
            UNIQUE(unit_key, year, round));
        CREATE INDEX submission_year_unit ON submission(year, unit_key, round);
        -- The form JSON apart: tens of KiB per row would make every list of submissions read
        -- overflow pages.
        CREATE TABLE submission_form(
            submission_id INTEGER PRIMARY KEY REFERENCES submission(id) ON DELETE CASCADE,
            form_json TEXT NOT NULL);
        CREATE TABLE finding(
            id INTEGER PRIMARY KEY,
            submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            rule TEXT NOT NULL,
            severity TEXT NOT NULL CHECK(severity IN ('error', 'warning', 'info')),
            cell TEXT,
            code TEXT,
            message TEXT NOT NULL);
        CREATE INDEX finding_submission ON finding(submission_id, seq);
        -- Each unit's latest round of each year: what notice, grading and summary read.
        CREATE VIEW latest_submission AS
            SELECT s.* FROM submission s
            WHERE s.round = (SELECT max(t.round) FROM submission t WHERE t.unit_key = s.unit_key AND t.year IS s.year);
        """,
    ]

    public let path: String
    let conn: Connection

    /// Opens the register at `path`, creating it (and its schema) when `create` and it does not exist.
    /// - Throws: `RegisterError` (not found, not a register, newer schema, busy, cannot open).
    public init(path: String, create: Bool = true) throws {
        self.path = path
        if !create && !FileManager.default.fileExists(atPath: path) { throw RegisterError.notFound(path: path) }
        conn = try Connection(path: path, create: create)
        sqlite3_busy_timeout(conn.db, Register.busyTimeoutMs)
        try conn.exec("PRAGMA foreign_keys = ON")
        // WAL: readers never block the writer; NORMAL sync is still durable at each checkpoint and
        // never corrupts (a power cut may lose the last commits, a killed process loses nothing).
        // Changing into WAL takes the file's exclusive lock without calling the busy handler: two
        // imports opening a new register at once saw the other's lock as an error. Waited for here,
        // as long as the busy timeout.
        let mode = try waitingWhileBusy { try conn.query("PRAGMA journal_mode = WAL").first?.first?.text }
        if mode?.lowercased() != "wal" {
            throw RegisterError.sqlite(path: path, code: 0, message: "journal_mode is \(mode ?? "?"), not wal")
        }
        try conn.exec("PRAGMA synchronous = NORMAL")
        try migrate()
    }

    /// The schema version stored in the file.
    public func storedVersion() throws -> Int { try conn.query("PRAGMA user_version").first?.first?.int ?? 0 }

    private func migrate() throws {
        func check() throws -> Int {
            let version = try storedVersion()
            let app = try conn.query("PRAGMA application_id").first?.first?.int ?? 0
            if app != 0 && app != Int(Register.applicationID) { throw RegisterError.notARegister(path: path) }
            if version > Register.schemaVersion {
                throw RegisterError.newerSchema(path: path, found: version, supported: Register.schemaVersion)
            }
            if version == 0 || app == 0 {
                // An empty file becomes a register; a database with other tables is someone else's.
                let tables = try conn.query("SELECT count(*) FROM sqlite_master").first?.first?.int ?? 0
                if tables > 0 && (app == 0 || version == 0) { throw RegisterError.notARegister(path: path) }
            }
            return version
        }
        // Read in one snapshot: another process's migration commits the version, the id and the
        // tables at once, and separate reads could see the tables but not the version.
        let seen = try transaction(immediate: false) { try check() }
        guard seen < Register.schemaVersion else { return }
        try transaction {
            // Another process may have migrated while this one waited for the lock.
            let version = try check()
            for v in version..<Register.schemaVersion { try conn.exec(Register.migrations[v]) }
            try conn.exec("PRAGMA user_version = \(Register.schemaVersion); PRAGMA application_id = \(Register.applicationID)")
        }
    }

    /// `body`, again every 10 ms while it finds the register busy, up to the busy timeout (for
    /// the few SQLite steps that fail at once instead of waiting on the busy handler).
    func waitingWhileBusy<T>(_ body: () throws -> T) throws -> T {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Register.busyTimeoutMs) * 1_000_000
        while true {
            do { return try body() } catch let e as RegisterError {
                guard case .busy = e, DispatchTime.now().uptimeNanoseconds < deadline else { throw e }
                usleep(10_000)
            }
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: the write lock is taken first, so two
    /// importers queue on the busy timeout instead of failing halfway. Rolled back on any error.
    /// `immediate: false`: a read transaction (`BEGIN`), whose reads see one state of the file.
    func transaction<T>(immediate: Bool = true, _ body: () throws -> T) throws -> T {
        try conn.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let r = try body()
            try conn.exec("COMMIT")
            return r
        } catch {
            try? conn.exec("ROLLBACK")
            throw error
        }
    }

    /// A unit's name folded for matching: full-width to half-width, white space removed, a leading
    /// `泉州市` dropped (泉州市城市管理局 and 城市管理局 are one unit; 市城管局 needs a roster alias).
    public static func unitKey(_ unit: String) -> String {
        var k = KText.folded(unit)
        if k.hasPrefix("泉州市") && k.count > 3 { k.removeFirst(3) }
        return k
    }

    // MARK: Writing

    /// Stores a submission in one transaction: its bytes, the submission with the next round of
    /// its unit and year, and its findings. The same bytes again return the existing submission
    /// and `isNew == false`; nothing is written then.
    @discardableResult
    public func store(_ s: NewSubmission) throws -> (submission: Submission, isNew: Bool) {
        try transaction {
            if let old = try submission(sha256: s.sha256) { return (old, false) }
            let key = Register.unitKey(s.unit)
            let round = (try conn.query("SELECT coalesce(max(round), 0) + 1 FROM submission WHERE unit_key = ? AND year IS ?",
                                        [.text(key), .num(s.year)]).first?.first?.int) ?? 1
            try conn.query("INSERT OR IGNORE INTO blob(sha256, bytes, size) VALUES (?, ?, ?)",
                           [.text(s.sha256), .blob(s.bytes), .int(Int64(s.bytes.count))])
            let errors = s.findings.filter { $0.severity == .error }.count
            let warnings = s.findings.filter { $0.severity == .warning }.count
            try conn.query("""
                INSERT INTO submission(sha256, file_name, received_at, unit, unit_key, year, round, state, reason, template,
                                       errors, warnings, infos)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(s.sha256), .text(s.fileName), .text(s.receivedAt), .text(s.unit), .text(key), .num(s.year),
                      .num(round), .text(s.state.rawValue), .str(s.reason), .str(s.template),
                      .num(errors), .num(warnings), .num(s.findings.count - errors - warnings)])
            let id = conn.lastInsertRowID
            if let json = s.formJSON {
                try conn.query("INSERT INTO submission_form(submission_id, form_json) VALUES (?, ?)", [.int(id), .text(json)])
            }
            for (i, f) in s.findings.enumerated() {
                try conn.query("INSERT INTO finding(submission_id, seq, rule, severity, cell, code, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               [.int(id), .num(i), .text(f.rule), .text(f.severity.rawValue), .str(f.cell), .str(f.code), .text(f.message)])
            }
            guard let stored = try submission(id: Int(id)) else {
                throw RegisterError.sqlite(path: path, code: 0, message: "submission \(id) not found after insert")
            }
            return (stored, true)
        }
    }

    // MARK: Reading

    static let listColumns = "id, sha256, file_name, received_at, unit, unit_key, year, round, state, reason, template, NULL, errors, warnings, infos"
    /// With the form JSON, for one submission at a time.
    static let fullColumns = "s.id, s.sha256, s.file_name, s.received_at, s.unit, s.unit_key, s.year, s.round, s.state, s.reason, s.template, f.form_json, s.errors, s.warnings, s.infos"

    static func submission(_ r: [SQLValue]) -> Submission? {
        guard r.count == 15, let id = r[0].int, let sha = r[1].text, let round = r[7].int,
              let state = r[8].text.flatMap(SubmissionState.init) else { return nil }
        return Submission(id: id, sha256: sha, fileName: r[2].text ?? "", receivedAt: r[3].text ?? "", unit: r[4].text ?? "",
                          unitKey: r[5].text ?? "", year: r[6].int, round: round, state: state, reason: r[9].text,
                          template: r[10].text, formJSON: r[11].text, errors: r[12].int ?? 0, warnings: r[13].int ?? 0,
                          infos: r[14].int ?? 0)
    }

    public func submission(sha256: String) throws -> Submission? {
        try conn.query("SELECT \(Register.fullColumns) FROM submission s LEFT JOIN submission_form f ON f.submission_id = s.id WHERE s.sha256 = ?",
                       [.text(sha256)]).first.flatMap(Register.submission)
    }

    public func submission(id: Int) throws -> Submission? {
        try conn.query("SELECT \(Register.fullColumns) FROM submission s LEFT JOIN submission_form f ON f.submission_id = s.id WHERE s.id = ?",
                       [.num(id)]).first.flatMap(Register.submission)
    }

    /// Every submission of `year` (all years when nil; a year-less unreadable file is in every
    /// year's list), by unit then round. `formJSON` is left out (nil): read one with `submission(id:)`.
    public func submissions(year: Int?, includingYearless: Bool = true) throws -> [Submission] {
        let rows: [[SQLValue]]
        if let year {
            rows = try conn.query("SELECT \(Register.listColumns) FROM submission WHERE year = ?\(includingYearless ? " OR year IS NULL" : "") ORDER BY unit_key, year, round",
                                  [.num(year)])
        } else {
            rows = try conn.query("SELECT \(Register.listColumns) FROM submission ORDER BY unit_key, year, round")
        }
        return rows.compactMap(Register.submission)
    }

    /// The latest round of every unit for `year`: what summary, notice and grading read
    /// (`formJSON` left out, as in `submissions`).
    public func latestRounds(year: Int) throws -> [Submission] {
        try conn.query("SELECT \(Register.listColumns) FROM latest_submission WHERE year = ? ORDER BY unit_key", [.num(year)])
            .compactMap(Register.submission)
    }

    /// The latest round of one unit (matched by `unitKey`) for `year`, nil when it sent nothing.
    public func latest(unit: String, year: Int?) throws -> Submission? {
        try conn.query("SELECT \(Register.fullColumns) FROM latest_submission s LEFT JOIN submission_form f ON f.submission_id = s.id WHERE s.unit_key = ? AND s.year IS ?",
                       [.text(Register.unitKey(unit)), .num(year)]).first.flatMap(Register.submission)
    }

    /// The years present, newest first.
    public func years() throws -> [Int] {
        try conn.query("SELECT DISTINCT year FROM submission WHERE year IS NOT NULL ORDER BY year DESC").compactMap { $0.first?.int }
    }

    /// A submission's findings in the order they were stored.
    public func findings(submission id: Int) throws -> [Finding] {
        try conn.query("SELECT rule, severity, cell, code, message FROM finding WHERE submission_id = ? ORDER BY seq", [.num(id)])
            .compactMap { r in
                guard let rule = r[0].text, let sev = r[1].text.flatMap(Severity.init) else { return nil }
                return Finding(stored: rule, sev, r[2].text, r[4].text ?? "", code: r[3].text)
            }
    }

    /// The findings of many submissions at once, by submission id (one query: `status` reads hundreds).
    public func findings(submissions ids: [Int]) throws -> [Int: [Finding]] {
        var out: [Int: [Finding]] = [:]
        // Chunks keep the statement under SQLite's bound-parameter limit.
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(ids.count, start + 500)])
            start += chunk.count
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            try conn.each("SELECT submission_id, rule, severity, cell, code, message FROM finding WHERE submission_id IN (\(marks)) ORDER BY submission_id, seq",
                          chunk.map { .num($0) }) { st in
                guard let id = st.int(0), let rule = st.text(1), let sev = st.text(2).flatMap(Severity.init) else { return }
                out[id, default: []].append(Finding(stored: rule, sev, st.text(3), st.text(5) ?? "", code: st.text(4)))
            }
        }
        return out
    }

    /// The bytes stored for `sha256`, exactly as received.
    public func bytes(sha256: String) throws -> [UInt8]? {
        try conn.query("SELECT bytes FROM blob WHERE sha256 = ?", [.text(sha256)]).first?.first?.blob
    }

    /// `PRAGMA integrity_check` and the register's own invariants (each submission has its blob,
    /// whose hash is its name, its form unless unreadable, and as many findings as its counts
    /// say); empty when all hold.
    public func verify() throws -> [String] {
        var problems: [String] = []
        let ic = try conn.query("PRAGMA integrity_check").compactMap { $0.first?.text }
        if ic != ["ok"] { problems += ic }
        for r in try conn.query("""
            SELECT s.id, s.errors + s.warnings + s.infos, (SELECT count(*) FROM finding f WHERE f.submission_id = s.id),
                   b.sha256 IS NULL FROM submission s LEFT JOIN blob b ON b.sha256 = s.sha256
            """) {
            if r[3].int == 1 { problems.append("submission \(r[0].int ?? -1): no blob") }
            if r[1].int != r[2].int { problems.append("submission \(r[0].int ?? -1): \(r[2].int ?? -1) findings, counts say \(r[1].int ?? -1)") }
        }
        for r in try conn.query("""
            SELECT s.id FROM submission s LEFT JOIN submission_form f ON f.submission_id = s.id
            WHERE s.state != 'unreadable' AND f.submission_id IS NULL
            """) { problems.append("submission \(r[0].int ?? -1): no form") }
        for r in try conn.query("SELECT sha256, bytes FROM blob") where SHA256.hex(r[1].blob ?? []) != r[0].text {
            problems.append("blob \(r[0].text ?? "?"): bytes do not match their sha256")
        }
        for r in try conn.query("PRAGMA foreign_key_check") { problems.append("foreign key: \(r)") }
        return problems
    }
}

/// Local time with its offset, as the contract shows `receivedAt`: `2025-07-28T09:30:00+08:00`.
public func isoLocalTime(_ date: Date = Date()) -> String {
    var t = time_t(date.timeIntervalSince1970.rounded(.down))
    var tm = tm()
    localtime_r(&t, &tm)
    let off = tm.tm_gmtoff / 60
    let sign = off < 0 ? "-" : "+"
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(Int(tm.tm_year) + 1900)-\(two(Int(tm.tm_mon) + 1))-\(two(Int(tm.tm_mday)))T\(two(Int(tm.tm_hour))):\(two(Int(tm.tm_min))):\(two(Int(tm.tm_sec)))"
        + "\(sign)\(two(abs(off) / 60)):\(two(abs(off) % 60))"
}
