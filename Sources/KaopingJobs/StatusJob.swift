import Foundation
import KaopingModel
import KaopingRegister

/// Where one unit stands in a year (one line of `kaoping status`).
public struct UnitStatus: Sendable {
    /// 未提交 is `missing`: on the roster, nothing received.
    public enum State: String, Sendable { case ok, errors, unreadable, missing }
    /// The roster's name when the unit is on it, else the name of its latest submission.
    public var unit: String
    public var year: Int?
    public var state: State
    /// Rounds in order; a unit sending under two names that the roster joins is renumbered 1, 2, ….
    public var rounds: [Submission]
    /// In the round before the latest, gone in the latest.
    public var resolved: [Finding]
    /// New in the latest round.
    public var introduced: [Finding]
    /// True/false with a roster, nil without.
    public var onRoster: Bool?
    public var latest: Submission? { rounds.last }
}

/// `kaoping status`: every unit of a year from the register, the roster's missing ones added.
public struct StatusJob {
    public var register: Register
    /// The year shown; nil: the newest year in the register.
    public var year: Int?
    public var roster: Roster?

    public init(register: Register, year: Int?, roster: Roster?) { self.register = register; self.year = year; self.roster = roster }

    /// Roster units first in roster order (missing ones included), then units not on the roster
    /// by name; without a roster, all units by name.
    public func run() throws -> (year: Int?, units: [UnitStatus]) {
        let year = try self.year ?? register.years().first
        let subs = try register.submissions(year: year)
        // Group by roster entry where there is one, else by (unit key, year).
        var groups: [String: [Submission]] = [:]
        var order: [String] = []
        for s in subs {
            let key: String
            if let i = roster?.index(of: s.unit) { key = "r\(i)" } else { key = "u\(s.unitKey)\u{1F}\(s.year.map(String.init) ?? "")" }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(s)
        }
        for k in order { groups[k]!.sort { $0.id < $1.id } }
        // Findings of the last two rounds of each unit, in one query.
        var wanted: [Int] = []
        for k in order { wanted += groups[k]!.suffix(2).map(\.id) }
        let findings = try register.findings(submissions: wanted)

        func status(_ key: String, name: String?, onRoster: Bool?) -> UnitStatus {
            var rounds = groups[key] ?? []
            if key.hasPrefix("r") { for i in rounds.indices { rounds[i].round = i + 1 } }
            guard let last = rounds.last else {
                return UnitStatus(unit: name ?? "", year: year, state: .missing, rounds: [], resolved: [], introduced: [], onRoster: onRoster)
            }
            let state: UnitStatus.State = last.state == .unreadable ? .unreadable : last.state == .errors ? .errors : .ok
            var resolved: [Finding] = [], introduced: [Finding] = []
            if rounds.count >= 2 {
                (resolved, introduced) = StatusJob.diff(findings[rounds[rounds.count - 2].id] ?? [], findings[last.id] ?? [])
            }
            return UnitStatus(unit: name ?? last.unit, year: last.year ?? year, state: state, rounds: rounds,
                              resolved: resolved, introduced: introduced, onRoster: onRoster)
        }
        var out: [UnitStatus] = []
        if let roster {
            for (i, e) in roster.entries.enumerated() { out.append(status("r\(i)", name: e.name, onRoster: true)) }
        }
        let others = order.filter { $0.hasPrefix("u") }.map { status($0, name: nil, onRoster: roster == nil ? nil : false) }
        out += others.sorted { $0.unit < $1.unit }
        return (year, out)
    }

    /// The key two rounds' findings are matched by: rule + 序号, or rule + cell where there is no 序号.
    public static func matchKey(_ f: Finding) -> String {
        f.rule + "\u{1F}" + (f.code.map { "c:" + $0 } ?? "@" + (f.cell ?? ""))
    }

    /// (resolved, introduced) from `before` to `after`, as multisets of match keys: two identical
    /// findings before and one after leave one resolved.
    public static func diff(_ before: [Finding], _ after: [Finding]) -> (resolved: [Finding], introduced: [Finding]) {
        var count: [String: Int] = [:]
        for f in after { count[matchKey(f), default: 0] += 1 }
        var resolved: [Finding] = []
        for f in before {
            let k = matchKey(f)
            if let n = count[k], n > 0 { count[k] = n - 1 } else { resolved.append(f) }
        }
        count = [:]
        for f in before { count[matchKey(f), default: 0] += 1 }
        var introduced: [Finding] = []
        for f in after {
            let k = matchKey(f)
            if let n = count[k], n > 0 { count[k] = n - 1 } else { introduced.append(f) }
        }
        return (resolved, introduced)
    }

    // MARK: Output

    static func json(_ f: Finding) -> JSON {
        .object([("rule", .string(f.rule)), ("severity", .string(f.severity.rawValue)), ("cell", .str(f.cell)),
                 ("code", .str(f.code)), ("message", .string(f.message))])
    }

    /// The contract's `kaoping.status/1`.
    public static func json(year: Int?, units: [UnitStatus]) -> JSON {
        .object([
            ("schema", .string("kaoping.status/1")), ("year", .int(year)),
            ("units", .array(units.map { u in
                var fields: [(String, JSON)] = [
                    ("unit", .string(u.unit)), ("year", .int(u.year)), ("state", .string(u.state.rawValue)),
                    ("rounds", .array(u.rounds.map { r in
                        .object([("round", .int(r.round)), ("file", .string(r.fileName)), ("sha256", .string(r.sha256)),
                                 ("receivedAt", .string(r.receivedAt)), ("errors", .int(r.errors)),
                                 ("warnings", .int(r.warnings)), ("infos", .int(r.infos))])
                    })),
                    ("resolved", .array(u.resolved.map(json))), ("introduced", .array(u.introduced.map(json))),
                ]
                if let on = u.onRoster { fields.append(("onRoster", .bool(on))) }
                if let reason = u.latest?.reason { fields.append(("reason", .string(reason))) }
                return .object(fields)
            })),
        ])
    }

    static let stateNames: [UnitStatus.State: String] = [.ok: "通过", .errors: "待修改", .unreadable: "无法读取", .missing: "未提交"]

    /// The Chinese table: 单位, 轮次, 错误/警告/提示, 状态, 修复/新增, then a count per 状态.
    public static func text(year: Int?, units: [UnitStatus]) -> String {
        var rows: [[String]] = [["单位", "轮次", "错误/警告/提示", "状态", "修复/新增"]]
        for u in units {
            let l = u.latest
            rows.append([u.unit, l.map { "\($0.round)" } ?? "-", l.map { "\($0.errors)/\($0.warnings)/\($0.infos)" } ?? "-",
                         stateNames[u.state] ?? u.state.rawValue,
                         u.rounds.count >= 2 ? "\(u.resolved.count)/\(u.introduced.count)" : "-"])
        }
        let widths = (0..<5).map { c in rows.map { displayWidth($0[c]) }.max() ?? 0 }
        var out = "\(year.map { "\($0) 年度" } ?? "（无年度）")登记情况\n"
        for r in rows {
            out += r.enumerated().map { c, s in c == 4 ? s : s + String(repeating: " ", count: widths[c] - displayWidth(s)) }
                .joined(separator: "  ") + "\n"
        }
        let counts = [UnitStatus.State.ok, .errors, .unreadable, .missing].map { st in "\(stateNames[st]!) \(units.filter { $0.state == st }.count)" }
        out += "共 \(units.count) 个单位：" + counts.joined(separator: "，") + "\n"
        return out
    }

    /// Columns a terminal gives `s`: two for CJK and full-width characters.
    static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { n, u in
            let v = u.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return n + (wide ? 2 : 1)
        }
    }
}
