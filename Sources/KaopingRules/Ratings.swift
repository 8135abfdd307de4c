import Foundation
import KaopingModel

// MARK: - Ratings (领导评价, 公众评议, 正向激励加分, 察访核验扣分)

public struct Rating: Sendable, Equatable {
    public var unit: String
    public var leader: Double?
    public var `public`: Double?
    public var bonus: Double?
    public var penalty: Double?
    /// Where the row is, for messages (`第 3 行`).
    public var line: Int
    public init(unit: String, leader: Double?, public p: Double?, bonus: Double?, penalty: Double?, line: Int) {
        self.unit = unit; self.leader = leader; self.public = p; self.bonus = bonus; self.penalty = penalty; self.line = line
    }
}

public enum RatingsError: Error, Equatable {
    case unreadable(file: String, reason: String)
    case noUnitColumn(file: String)
}

public struct Ratings: Sendable {
    public static let headers = ["单位", "领导评价", "公众评议", "正向激励加分", "察访核验扣分"]
    public var file: String
    public var rows: [Rating]
    /// Problems in single cells (a value that is not a number), for the 问题清单.
    public var findings: [Finding]

    /// Unit names are matched exactly after removing white space.
    public static func key(_ unit: String) -> String { String(unit.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "\u{3000}" }) }

    public func rating(for unit: String) -> Rating? {
        let k = Ratings.key(unit)
        return rows.first { Ratings.key($0.unit) == k }
    }

    /// RFC 4180 CSV: quoted fields, doubled quotes, CR LF or LF.
    public static func csv(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, atStart = true
        var it = Array(text.unicodeScalars)[...]
        while let ch = it.popFirst() {
            if quoted {
                if ch == "\"" {
                    if it.first == "\"" { field.unicodeScalars.append("\""); it.removeFirst() } else { quoted = false }
                } else { field.unicodeScalars.append(ch) }
                continue
            }
            switch ch {
            case "\"" where atStart: quoted = true; atStart = false
            case ",": row.append(field); field = ""; atStart = true
            case "\r": if it.first == "\n" { it.removeFirst() }; fallthrough
            case "\n": row.append(field); rows.append(row); row = []; field = ""; atStart = true
            default: field.unicodeScalars.append(ch); atStart = false
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// The rows under the header row that has 单位; `numbers` holds the cells that are numbers
    /// (from a workbook), nil for a CSV.
    public static func parse(table: [[String]], numbers: [[Double?]]?, file: String) throws -> Ratings {
        let norm = { (s: String) in KText.folded(s) }
        guard let h = table.firstIndex(where: { $0.contains { norm($0) == "单位" } }) else {
            throw RatingsError.noUnitColumn(file: file)
        }
        let header = table[h].map(norm)
        func col(_ name: String) -> Int? { header.firstIndex(of: name) }
        let unitCol = col("单位")!
        var out = Ratings(file: file, rows: [], findings: [])
        for r in (h + 1)..<table.count {
            let line = table[r]
            let unit = unitCol < line.count ? KText.trim(line[unitCol]) : ""
            if unit.isEmpty { continue }
            func value(_ name: String) -> Double? {
                guard let c = col(name), c < line.count else { return nil }
                if let n = numbers?[r][c] { return n }
                let t = KText.trim(line[c])
                if t.isEmpty { return nil }
                if let d = KText.number(t) { return d }
                // A workbook's cell, or a CSV's line: `cell` is only ever an A1 reference.
                let cell = numbers != nil ? CellRef.format(row: r + 1, col: c + 1) : nil
                out.findings.append(Finding(.ratingsInvalid, cell, "\(unit) 的\(name)「\(t)」不是数值，按空值处理（第 \(r + 1) 行）",
                                            line: numbers == nil ? r + 1 : nil))
                return nil
            }
            out.rows.append(Rating(unit: unit, leader: value("领导评价"), public: value("公众评议"),
                                   bonus: value("正向激励加分"), penalty: value("察访核验扣分"), line: r + 1))
        }
        return out
    }
}
