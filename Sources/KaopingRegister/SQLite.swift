import CSQLite
import Foundation

/// What went wrong in the register, for `describe()` to word in Chinese.
public enum RegisterError: Error, Equatable {
    /// The file cannot be opened or created (folder missing, no permission).
    case cannotOpen(path: String, reason: String)
    /// The file is not an SQLite database (or is damaged).
    case notADatabase(path: String)
    /// An SQLite database, but not a Kaoping register (other tables, another application id).
    case notARegister(path: String)
    /// A register written by a newer Kaoping: its schema version is past what this one knows.
    case newerSchema(path: String, found: Int, supported: Int)
    /// Another import held the register longer than the busy timeout.
    case busy(path: String)
    /// Any other SQLite failure, with SQLite's message.
    case sqlite(path: String, code: Int32, message: String)
    /// `status` on a register that does not exist yet.
    case notFound(path: String)
}

/// SQLITE_TRANSIENT: SQLite copies bound text and blobs before `bind` returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One connection to an SQLite file; not shared between threads (each thread opens its own).
final class Connection {
    let path: String
    private(set) var db: OpaquePointer?
    private var cache: [String: OpaquePointer] = [:]

    init(path: String, create: Bool) throws {
        self.path = path
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        if rc != SQLITE_OK {
            let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? "code \(rc)"
            sqlite3_close_v2(db); db = nil
            throw RegisterError.cannotOpen(path: path, reason: msg)
        }
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        for (_, s) in cache { sqlite3_finalize(s) }
        sqlite3_close_v2(db)
    }

    func error(_ rc: Int32) -> RegisterError {
        let primary = rc & 0xff
        if primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT { return .notADatabase(path: path) }
        if primary == SQLITE_BUSY || primary == SQLITE_LOCKED { return .busy(path: path) }
        return .sqlite(path: path, code: rc, message: db.map { String(cString: sqlite3_errmsg($0)) } ?? "")
    }

    /// Runs statements that return no rows (several, separated by `;`).
    func exec(_ sql: String) throws {
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc) }
    }

    /// A prepared statement, cached by its text, reset and with its bindings cleared.
    func prepare(_ sql: String) throws -> Statement {
        if let s = cache[sql] {
            sqlite3_reset(s); sqlite3_clear_bindings(s)
            return Statement(conn: self, stmt: s)
        }
        var s: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &s, nil)
        guard rc == SQLITE_OK, let s else { throw error(rc) }
        cache[sql] = s
        return Statement(conn: self, stmt: s)
    }

    /// Runs `sql` with `args` and returns every row.
    @discardableResult
    func query(_ sql: String, _ args: [SQLValue] = []) throws -> [[SQLValue]] {
        let st = try prepare(sql)
        try st.bind(args)
        var rows: [[SQLValue]] = []
        while try st.step() { rows.append(st.row()) }
        return rows
    }

    /// Runs `sql` with `args`, calling `body` on each row without building row arrays (hot lists).
    func each(_ sql: String, _ args: [SQLValue] = [], _ body: (Statement) throws -> Void) throws {
        let st = try prepare(sql)
        try st.bind(args)
        while try st.step() { try body(st) }
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(db) }
}

/// A value to bind or read back.
enum SQLValue: Equatable {
    case null, int(Int64), real(Double), text(String), blob([UInt8])
    var int: Int? { if case .int(let i) = self { return Int(i) }; return nil }
    var text: String? { if case .text(let s) = self { return s }; return nil }
    var blob: [UInt8]? {
        switch self {
        case .blob(let b): return b
        case .null: return nil
        case .text(let s): return Array(s.utf8)
        default: return nil
        }
    }
    static func str(_ s: String?) -> SQLValue { s.map(SQLValue.text) ?? .null }
    static func num(_ i: Int?) -> SQLValue { i.map { .int(Int64($0)) } ?? .null }
}

struct Statement {
    let conn: Connection
    let stmt: OpaquePointer

    func bind(_ args: [SQLValue]) throws {
        for (i, a) in args.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch a {
            case .null: rc = sqlite3_bind_null(stmt, idx)
            case .int(let v): rc = sqlite3_bind_int64(stmt, idx, v)
            case .real(let v): rc = sqlite3_bind_double(stmt, idx, v)
            case .text(let s):
                // By byte count, so a NUL inside the text is kept.
                let u = Array(s.utf8)
                rc = u.withUnsafeBytes { p in
                    sqlite3_bind_text64(stmt, idx, p.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer(bitPattern: 1),
                                        sqlite3_uint64(p.count), transient, UInt8(SQLITE_UTF8))
                }
            case .blob(let b):
                // A zero-length blob must still be a blob, not NULL: bind_zeroblob for the empty file.
                rc = b.isEmpty ? sqlite3_bind_zeroblob(stmt, idx, 0)
                    : b.withUnsafeBytes { sqlite3_bind_blob64(stmt, idx, $0.baseAddress, sqlite3_uint64($0.count), transient) }
            }
            if rc != SQLITE_OK { throw conn.error(rc) }
        }
    }

    /// Steps once: true with a row, false when done.
    func step() throws -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw conn.error(rc)
    }

    /// Column `i` of the current row as text; nil when NULL.
    func text(_ i: Int32) -> String? {
        guard sqlite3_column_type(stmt, i) != SQLITE_NULL else { return nil }
        let n = Int(sqlite3_column_bytes(stmt, i))
        guard n > 0, let p = sqlite3_column_text(stmt, i) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    /// Column `i` as an integer; nil when NULL.
    func int(_ i: Int32) -> Int? {
        sqlite3_column_type(stmt, i) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(stmt, i))
    }

    func row() -> [SQLValue] {
        (0..<sqlite3_column_count(stmt)).map { i in
            switch sqlite3_column_type(stmt, i) {
            case SQLITE_INTEGER: return .int(sqlite3_column_int64(stmt, i))
            case SQLITE_FLOAT: return .real(sqlite3_column_double(stmt, i))
            case SQLITE_TEXT:
                let n = Int(sqlite3_column_bytes(stmt, i))
                guard n > 0, let p = sqlite3_column_text(stmt, i) else { return .text("") }
                return .text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
            case SQLITE_BLOB:
                let n = Int(sqlite3_column_bytes(stmt, i))
                guard n > 0, let p = sqlite3_column_blob(stmt, i) else { return .blob([]) }
                return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
            default: return .null
            }
        }
    }
}
