import Foundation
import KaopingModel

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
    /// The sections that make up 目标考核得分.
    public var targetSections: [SectionKind]
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
    public static let defaultTargetSections: [SectionKind] = [.functional, .administrative, .civility, .safety]
    public static let defaultComposite = Template.Composite(target: 0.6, leader: 0.1, public: 0.3)

    public var coefficients: [String: Double]
    public var targetSections: [SectionKind]
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
        let scoreCol = form.layout.columns[.score]
        let gradeCol = form.layout.columns[.grade]
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
                            findings.append(Finding(.scoreMismatch, cell,
                                "\(label) 得分 \(CellValue.format(given)) 与 档次 \(it.grade!) × 权重 \(CellValue.format(it.weight!)) = \(CellValue.format(computed)) 不符，以表中得分为准", code: si.code))
                        }
                        if let sc = si.score {
                            sum += sc; anyScored = true
                        } else {
                            unscored += 1
                            if form.hasGrades {
                                let col = gradeCol ?? scoreCol
                                let cell = col.map { CellRef.format(row: it.row, col: $0) }
                                findings.append(Finding(.scoreMissing, cell,
                                    "\(label) 没有有效的档次，也没有得分，未计分", code: si.code))
                            }
                        }
                        items.append(si)
                    }
                }
            }
            unscoredTotal += unscored
            sections.append(SectionScore(kind: s.kind, name: s.name, points: KText.round(s.points), score: KText.round(sum), unscored: unscored))
        }
        let target = KText.round(sections.filter { targetSections.contains($0.kind) }.reduce(0) { $0 + $1.score })
        return FormScore(sections: sections, items: items, targetSections: targetSections, target: target,
                         gradeCounts: counts, unscored: unscoredTotal, evaluated: form.hasGrades && anyScored,
                         findings: findings, composite: composite)
    }

    /// The form with every item's score as this scorer counts it (the written 得分, else
    /// weight × the 档次's coefficient): what `fix` writes, so the fixed sheet's 总分 is the summary's.
    public func applyingScores(to form: Form) -> Form {
        var f = form
        for si in f.sections.indices {
            for gi in f.sections[si].groups.indices {
                for ii in f.sections[si].groups[gi].indicators.indices {
                    for k in f.sections[si].groups[gi].indicators[ii].items.indices {
                        let it = f.sections[si].groups[gi].indicators[ii].items[k]
                        guard it.score == nil, let gr = it.grade, let c = coefficients[gr], let w = it.weight else { continue }
                        f.sections[si].groups[gi].indicators[ii].items[k].score = KText.round(w * c)
                    }
                }
            }
        }
        return f
    }

    /// 综合得分 = 目标考核×target + 领导评价×leader + 公众评议×public + 正向激励加分 − 察访核验扣分.
    public static func composite(target: Double, rating: Rating, weights c: Template.Composite) -> Double {
        KText.round(target * c.target + (rating.leader ?? 0) * c.leader + (rating.public ?? 0) * c.public
                    + (rating.bonus ?? 0) - (rating.penalty ?? 0))
    }
}
