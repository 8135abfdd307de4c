import Foundation
import KaopingModel

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
            summary.issues.append(SummaryIssue(file: file, unit: nil, finding: Finding(.summaryUnitUnknown, nil,
                "表中找不到参评单位名称，以文件名「\(unit)」代替")))
        }
        let key = Ratings.key(unit)
        if let first = seen[key] {
            summary.issues.append(SummaryIssue(file: file, unit: unit, finding: Finding(.summaryDuplicateUnit, nil,
                "单位「\(unit)」已由 \(first) 计入，本文件未计入汇总")))
            summary.skipped.append((file, "单位「\(unit)」重复（已由 \(first) 计入）"))
            return
        }
        seen[key] = file
        for f in form.findings { summary.issues.append(SummaryIssue(file: file, unit: unit, finding: f)) }
        if !scored.evaluated {
            summary.issues.append(SummaryIssue(file: file, unit: unit, finding: Finding(.summaryNotEvaluated, nil,
                form.hasGrades ? "表中的档次/得分均为空，得分未计入" : "表中没有档次/得分列，不是考评后的表，得分未计入")))
        }
        summary.units.append(UnitSummary(file: file, unit: unit, year: form.year, score: scored))
    }

    public mutating func addFailure(file: String, reason: String) {
        summary.skipped.append((file, reason))
        summary.issues.append(SummaryIssue(file: file, unit: nil, finding: Finding(.fileUnreadable, nil, reason)))
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
                    summary.issues.append(SummaryIssue(file: ratings.file, unit: u.unit, finding: Finding(.ratingsMissing, nil,
                        "评分表中没有单位「\(u.unit)」，未计算综合得分")))
                }
            }
            for r in ratings.rows where !used.contains(Ratings.key(r.unit)) && !summary.units.contains(where: { Ratings.key($0.unit) == Ratings.key(r.unit) }) {
                summary.issues.append(SummaryIssue(file: ratings.file, unit: r.unit, finding: Finding(.ratingsUnmatched, nil,
                    "评分表第 \(r.line) 行的单位「\(r.unit)」没有对应的考评表", line: r.line)))
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
