import Foundation
import KaopingModel
import Workbook
import XLSXCore

// Scoring of evaluated 考评表 (issue 5): item score = weight × the 档次's coefficient; a score
// given in the sheet wins. Section scores, 目标考核得分, counts per 档次, 综合得分 with ratings,
// and the many-unit summary that `kaoping summary` writes.

/// The six 档次, best first.
public let gradeOrder = ["A+", "A", "A-", "B+", "B", "C"]

/// One scored 二级指标 (or 行政能力 row).
public struct ScoredItem: Sendable {
    public var sectionKind: SectionKind
    public var section: String
    public var code: String?
    public var indicator: String
    public var text: String?
    public var weight: Double?
    public var grade: String?
    /// The score printed in the sheet, if any.
    public var given: Double?
    /// weight × coefficient, when both are known.
    public var computed: Double?
    /// The score that counts: the given one, else the computed one; nil when unscored.
    public var score: Double? { given ?? computed }
    public var row: Int
}

public struct SectionScore: Sendable {
    public var kind: SectionKind
    public var name: String
    /// Sum of the item weights.
    public var points: Double
    /// Sum of the scores of the scored items.
    public var score: Double
    public var unscored: Int
}

/// The scores of one form.
public struct FormScore: Sendable {
    public var sections: [SectionScore]
    public var items: [ScoredItem]
    /// Kinds (raw values) of the sections that make up 目标考核得分.
    public var targetSections: [String]
    /// 目标考核得分: the sum of the scores of the target sections.
    public var target: Double
    /// 档次 → number of items at it (every 档次 present as a key).
    public var gradeCounts: [String: Int]
    public var unscored: Int
    /// True when the sheet has a 档次 or 得分 column and at least one item is scored.
    public var evaluated: Bool
    public var findings: [Finding]
    public var composite: Template.Composite

    public func section(_ kind: SectionKind) -> SectionScore? { sections.first { $0.kind == kind } }
}

/// Applies a template's scoring configuration (or the documented default) to forms.
public struct Scorer: Sendable {
    public static let defaultCoefficients: [String: Double] = ["A+": 1.00, "A": 0.95, "A-": 0.90, "B+": 0.85, "B": 0.80, "C": 0.60]
    public static let defaultTargetSections = ["functional", "administrative", "civility", "safety"]
    public static let defaultComposite = Template.Composite(target: 0.6, leader: 0.1, public: 0.3)

    public var coefficients: [String: Double]
    public var targetSections: [String]
    public var composite: Template.Composite
    /// A given score further than this from weight × coefficient is a `score.mismatch`.
    public var tolerance = 0.005

    public init(template: Template?) {
        var c = Scorer.defaultCoefficients
        for (k, v) in template?.scoring.coefficients ?? [:] { c[k] = v }
        coefficients = c
        targetSections = template?.scoring.targetSections ?? Scorer.defaultTargetSections
        composite = template?.scoring.composite ?? Scorer.defaultComposite
    }

    public func score(_ form: Form) -> FormScore {
        var findings: [Finding] = []
        var sections: [SectionScore] = []
        var items: [ScoredItem] = []
        var counts = Dictionary(uniqueKeysWithValues: gradeOrder.map { ($0, 0) })
        var unscoredTotal = 0
        var anyScored = false
        let scoreCol = form.layout.columns["score"]
        let gradeCol = form.layout.columns["grade"]
        for s in form.sections {
            var sum = 0.0, unscored = 0
            for g in s.groups {
                for ind in g.indicators {
                    for it in ind.items {
                        var computed: Double? = nil
                        if let gr = it.grade, let c = coefficients[gr], let w = it.weight { computed = KText.round(w * c) }
                        let si = ScoredItem(sectionKind: s.kind, section: s.name, code: it.code ?? ind.code,
                                            indicator: ind.text, text: it.text, weight: it.weight, grade: it.grade,
                                            given: it.score, computed: computed, row: it.row)
                        let label = si.code ?? "第 \(it.row) 行"
                        if let gr = it.grade, counts[gr] != nil { counts[gr]! += 1 }
                        if let given = it.score, let computed, abs(given - computed) > tolerance {
                            let cell = scoreCol.map { CellRef.format(row: it.row, col: $0) }
                            findings.append(Finding("score.mismatch", .warning, cell,
                                "\(label) 得分 \(CellValue.format(given)) 与 档次 \(it.grade!) × 权重 \(CellValue.format(it.weight!)) = \(CellValue.format(computed)) 不符，以表中得分为准"))
                        }
                        if let sc = si.score {
                            sum += sc; anyScored = true
                        } else {
                            unscored += 1
                            if form.hasGrades {
                                let col = gradeCol ?? scoreCol
                                let cell = col.map { CellRef.format(row: it.row, col: $0) }
                                findings.append(Finding("score.missing", .warning, cell,
                                    "\(label) 没有有效的档次，也没有得分，未计分"))
                            }
                        }
                        items.append(si)
                    }
                }
            }
            unscoredTotal += unscored
            sections.append(SectionScore(kind: s.kind, name: s.name, points: KText.round(s.points), score: KText.round(sum), unscored: unscored))
        }
        let target = KText.round(sections.filter { targetSections.contains($0.kind.rawValue) }.reduce(0) { $0 + $1.score })
        return FormScore(sections: sections, items: items, targetSections: targetSections, target: target,
                         gradeCounts: counts, unscored: unscoredTotal, evaluated: form.hasGrades && anyScored,
                         findings: findings, composite: composite)
    }

    /// 综合得分 = 目标考核×target + 领导评价×leader + 公众评议×public + 正向激励加分 − 察访核验扣分.
    public static func composite(target: Double, rating: Rating, weights c: Template.Composite) -> Double {
        KText.round(target * c.target + (rating.leader ?? 0) * c.leader + (rating.public ?? 0) * c.public
                    + (rating.bonus ?? 0) - (rating.penalty ?? 0))
    }
}

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

    /// A CSV (UTF-8, optional BOM) or an .xlsx whose first sheet has the headers.
    public static func read(_ path: String) throws -> Ratings {
        if path.lowercased().hasSuffix(".xlsx") {
            let wb: Workbook
            do { wb = try Workbook(path: path) } catch { throw error }
            let grid = try wb.load(try wb.sheet(named: nil))
            var table: [[String]] = []
            var numbers: [[Double?]] = []
            if grid.maxRow > 0 {
                for r in 1...grid.maxRow {
                    var t: [String] = [], n: [Double?] = []
                    for c in 1...max(grid.maxCol, 1) {
                        let v = grid.value(r, c)
                        t.append(v?.text ?? "")
                        if case .number(let d)? = v { n.append(d) } else { n.append(nil) }
                    }
                    table.append(t); numbers.append(n)
                }
            }
            return try parse(table: table, numbers: numbers, file: path)
        }
        // Through SafeFile: a FIFO or device given as the ratings file is refused, never read.
        let data: Data
        do { data = Data(try SafeFile.contents(path)) } catch XLSXError.notRegularFile(_, let kind) {
            throw RatingsError.unreadable(file: path, reason: "不是普通文件（\(kind.chinese)）")
        } catch XLSXError.fileNotFound {
            throw RatingsError.unreadable(file: path, reason: "文件不存在")
        } catch {
            throw RatingsError.unreadable(file: path, reason: "无法读取")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw RatingsError.unreadable(file: path, reason: "不是 UTF-8 编码的 CSV")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return try parse(table: csv(text), numbers: nil, file: path)
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

    static func parse(table: [[String]], numbers: [[Double?]]?, file: String) throws -> Ratings {
        let norm = { (s: String) in KText.squeeze(KText.halfWidth(s)) }
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
                let cell = numbers != nil ? CellRef.format(row: r + 1, col: c + 1) : "第 \(r + 1) 行"
                out.findings.append(Finding("ratings.invalid", .error, cell, "\(unit) 的\(name)「\(t)」不是数值，按空值处理"))
                return nil
            }
            out.rows.append(Rating(unit: unit, leader: value("领导评价"), public: value("公众评议"),
                                   bonus: value("正向激励加分"), penalty: value("察访核验扣分"), line: r + 1))
        }
        return out
    }
}

// MARK: - The many-unit summary

/// One finding of one input, for the 问题清单.
public struct SummaryIssue: Sendable {
    public var file: String
    public var unit: String?
    public var finding: Finding
    public init(file: String, unit: String?, finding: Finding) { self.file = file; self.unit = unit; self.finding = finding }
}

/// One unit's line in the summary.
public struct UnitSummary: Sendable {
    public var file: String
    public var unit: String
    public var year: Int?
    public var score: FormScore
    public var rating: Rating?
    /// 综合得分, when ratings are given and the unit has a rating.
    public var composite: Double?
    /// Rank by 综合得分 when ratings are given, else by 目标考核得分 (ties share a rank: 1, 1, 3).
    public var rank: Int?
    /// The value ranked.
    public var rankValue: Double? { ratingsGiven ? composite : (score.evaluated ? score.target : nil) }
    public var ratingsGiven = false
}

public struct Summary: Sendable {
    public var units: [UnitSummary] = []
    public var issues: [SummaryIssue] = []
    /// Inputs not counted, with the reason (unreadable, duplicate unit).
    public var skipped: [(file: String, reason: String)] = []
    public var ratings: Ratings?
    public init() {}

    /// Section kinds present in any unit, in the sheet's canonical order.
    public var sectionKinds: [SectionKind] {
        let order: [SectionKind] = [.functional, .administrative, .civility, .safety, .other]
        let present = Set(units.flatMap { $0.score.sections.map(\.kind) })
        return order.filter(present.contains)
    }
}

/// Collects forms one by one (the CLI reports progress between them), then ranks.
public struct SummaryBuilder {
    public private(set) var summary = Summary()
    private var seen: [String: String] = [:]
    public init() {}

    public mutating func add(form: Form, template: Template?, file: String) {
        var unit = form.unit.map(KText.trim) ?? ""
        let scored = Scorer(template: template).score(form)
        if unit.isEmpty {
            unit = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            summary.issues.append(SummaryIssue(file: file, unit: nil, finding: Finding("summary.unit-unknown", .warning, nil,
                "表中找不到参评单位名称，以文件名「\(unit)」代替")))
        }
        let key = Ratings.key(unit)
        if let first = seen[key] {
            summary.issues.append(SummaryIssue(file: file, unit: unit, finding: Finding("summary.duplicate-unit", .warning, nil,
                "单位「\(unit)」已由 \(first) 计入，本文件未计入汇总")))
            summary.skipped.append((file, "单位「\(unit)」重复（已由 \(first) 计入）"))
            return
        }
        seen[key] = file
        for f in form.findings + scored.findings { summary.issues.append(SummaryIssue(file: file, unit: unit, finding: f)) }
        if !scored.evaluated {
            summary.issues.append(SummaryIssue(file: file, unit: unit, finding: Finding("summary.not-evaluated", .warning, nil,
                form.hasGrades ? "表中的档次/得分均为空，得分未计入" : "表中没有档次/得分列，不是考评后的表，得分未计入")))
        }
        summary.units.append(UnitSummary(file: file, unit: unit, year: form.year, score: scored))
    }

    public mutating func addFailure(file: String, reason: String) {
        summary.skipped.append((file, reason))
        summary.issues.append(SummaryIssue(file: file, unit: nil, finding: Finding("file.unreadable", .error, nil, reason)))
    }

    /// Applies the ratings (if any) and ranks.
    public mutating func finish(ratings: Ratings?) -> Summary {
        summary.ratings = ratings
        if let ratings {
            for f in ratings.findings { summary.issues.append(SummaryIssue(file: ratings.file, unit: nil, finding: f)) }
            var used = Set<String>()
            for i in summary.units.indices {
                summary.units[i].ratingsGiven = true
                let u = summary.units[i]
                guard u.score.evaluated else { continue }
                if let r = ratings.rating(for: u.unit) {
                    used.insert(Ratings.key(r.unit))
                    summary.units[i].rating = r
                    summary.units[i].composite = Scorer.composite(target: u.score.target, rating: r, weights: u.score.composite)
                } else {
                    summary.issues.append(SummaryIssue(file: ratings.file, unit: u.unit, finding: Finding("ratings.missing", .warning, nil,
                        "评分表中没有单位「\(u.unit)」，未计算综合得分")))
                }
            }
            for r in ratings.rows where !used.contains(Ratings.key(r.unit)) && !summary.units.contains(where: { Ratings.key($0.unit) == Ratings.key(r.unit) }) {
                summary.issues.append(SummaryIssue(file: ratings.file, unit: r.unit, finding: Finding("ratings.unmatched", .info, "第 \(r.line) 行",
                    "评分表中的单位「\(r.unit)」没有对应的考评表")))
            }
        }
        let values = summary.units.map(\.rankValue)
        for i in summary.units.indices {
            guard let v = values[i] else { continue }
            summary.units[i].rank = 1 + values.filter { ($0 ?? -.infinity) > v }.count
        }
        return summary
    }
}

/// The .xlsx files under the inputs: files as given, directories recursively (sorted), skipping
/// names that start with `~$` (Excel's lock files) or `.`.
public func summaryInputs(_ paths: [String], excluding: String? = nil) -> [String] {
    var out: [String] = []
    let fm = FileManager.default
    let excluded = excluding.map(realPath)
    for p in paths {
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
            let names = (fm.subpathsOfDirectory(atPath: p, error: nil)).sorted()
            for rel in names {
                let comps = rel.split(separator: "/")
                guard let name = comps.last, name.lowercased().hasSuffix(".xlsx") else { continue }
                if comps.contains(where: { $0.hasPrefix(".") || $0.hasPrefix("~$") }) { continue }
                let full = (p.hasSuffix("/") ? p : p + "/") + rel
                if let excluded, realPath(full) == excluded { continue }
                var d: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &d), d.boolValue { continue }
                out.append(full)
            }
        } else {
            out.append(p)
        }
    }
    return out
}

extension FileManager {
    fileprivate func subpathsOfDirectory(atPath p: String, error: Void?) -> [String] {
        (try? subpathsOfDirectory(atPath: p)) ?? []
    }
}

/// The path with symlinks and `..` resolved (the path itself when it does not exist yet: its folder resolved).
public func realPath(_ p: String) -> String {
    if let r = realpath(p, nil) { defer { free(r) }; return String(cString: r) }
    let url = URL(fileURLWithPath: p)
    let dir = url.deletingLastPathComponent().path
    if let r = realpath(dir, nil) { defer { free(r) }; return String(cString: r) + "/" + url.lastPathComponent }
    return url.standardizedFileURL.path
}
