import Foundation
import KaopingModel
import KaopingRegister
import KaopingWriter
import XLSXReader

/// Why a roster could not be used, for `describe()`.
public enum RosterError: Error, Equatable {
    case unreadable(file: String, reason: String)
    case noUnitColumn(file: String)
}

/// The units the office expects this year: a CSV (UTF-8 with or without BOM, or GB18030/GBK as
/// Excel on a Chinese Windows saves it) or an .xlsx whose first sheet has a 单位 column and
/// optionally a 简称/别名 column of aliases separated by 、 , ， ； or ;.
///
/// Matching (`index(of:)`): a name matches an entry when, white space removed and full-width
/// folded, it equals the entry's name or one of its aliases, also after dropping a leading
/// 泉州市 or 市 on either side (so 泉州市城市管理局 = 城市管理局, and 市城管局 = 城管局 when 城管局 is an
/// alias). Dropping 市 is done on both sides at once, so 市场监管局 still matches 泉州市市场监管局.
public struct Roster: Sendable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var aliases: [String]
        /// 1-based line (CSV) or row (.xlsx), for messages.
        public var line: Int
        public init(name: String, aliases: [String], line: Int) { self.name = name; self.aliases = aliases; self.line = line }
    }
    public var file: String
    public var entries: [Entry]
    private var keys: [String: Int] = [:]

    public init(file: String, entries: [Entry]) {
        self.file = file; self.entries = entries
        for (i, e) in entries.enumerated() {
            for n in [e.name] + e.aliases { for k in Roster.keys(n) where keys[k] == nil { keys[k] = i } }
        }
    }

    /// The keys a name is matched by: its `Register.unitKey`, and that without a leading 市.
    static func keys(_ name: String) -> [String] {
        let k = Register.unitKey(name)
        guard !k.isEmpty else { return [] }
        if k.hasPrefix("市") && k.count > 1 { return [k, String(k.dropFirst())] }
        return [k]
    }

    /// The index of the entry `unit` names, nil when it is not on the roster.
    public func index(of unit: String) -> Int? {
        for k in Roster.keys(unit) { if let i = keys[k] { return i } }
        return nil
    }

    /// Reads a roster; see the type's note for the formats.
    public static func read(_ path: String) throws -> Roster {
        do { return try parse(try TableFile.read(path).text, file: path) }
        catch let e as TableFile.Failure { throw RosterError.unreadable(file: path, reason: e.reason) }
    }

    static func parse(_ table: [[String]], file: String) throws -> Roster {
        let norm = { (s: String) in KText.folded(s) }
        guard let h = table.firstIndex(where: { $0.contains { norm($0) == "单位" || norm($0) == "单位名称" } }) else {
            throw RosterError.noUnitColumn(file: file)
        }
        let header = table[h].map(norm)
        guard let unitCol = header.firstIndex(where: { $0 == "单位" || $0 == "单位名称" }) else { throw RosterError.noUnitColumn(file: file) }
        let aliasCol = header.firstIndex { $0.contains("简称") || $0.contains("别名") }
        var entries: [Entry] = []
        for r in (h + 1)..<table.count {
            let row = table[r]
            let name = unitCol < row.count ? KText.trim(row[unitCol]) : ""
            if name.isEmpty { continue }
            var aliases: [String] = []
            if let a = aliasCol, a < row.count {
                aliases = row[a].split(whereSeparator: { "、,，；;".contains($0) }).map { KText.trim(String($0)) }.filter { !$0.isEmpty }
            }
            entries.append(Entry(name: name, aliases: aliases, line: r + 1))
        }
        return Roster(file: file, entries: entries)
    }
}
