import Foundation
import KaopingModel
import GridKit

/// Findings a single sheet cannot give: what the unit copied from last year (issue 14, point 6),
/// and the 序号 each finding concerns.
public enum AcrossYears {
    /// One item of last year's form, as stored in its `kaoping.form/1` JSON.
    public struct PastItem: Sendable, Equatable {
        public var code: String?
        public var text: String
        public var weight: Double?
    }

    /// The 职能工作目标 (and other non-fixed) items of a stored form JSON. 行政能力, 精神文明 and
    /// 平安建设 are left out: the office fixes their text each year, so "unchanged" says nothing.
    public static func items(formJSON: String) -> [PastItem] {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(formJSON.utf8))) as? [String: Any],
              let sections = root["sections"] as? [[String: Any]] else { return [] }
        var out: [PastItem] = []
        for s in sections where !fixedKinds.contains(s["kind"] as? String ?? "") {
            for g in s["groups"] as? [[String: Any]] ?? [] {
                for ind in g["indicators"] as? [[String: Any]] ?? [] {
                    for it in ind["items"] as? [[String: Any]] ?? [] {
                        guard let text = (it["text"] as? String) ?? (ind["text"] as? String) else { continue }
                        out.append(PastItem(code: (it["code"] as? String) ?? (ind["code"] as? String), text: text,
                                            weight: (it["weight"] as? NSNumber)?.doubleValue))
                    }
                }
            }
        }
        return out
    }

    static let fixedKinds: Set<String> = [SectionKind.administrative.rawValue, SectionKind.civility.rawValue, SectionKind.safety.rawValue]

    static func fold(_ s: String) -> String { KText.folded(s) }

    /// `item.same-as-last-year` (info) for each item whose text and weight equal an item of the
    /// unit's previous year (text compared without white space, full-width folded).
    public static func sameAsLastYear(_ form: Form, previous: [PastItem], previousYear: Int, previousRound: Int) -> [Finding] {
        var past: [String: PastItem] = [:]
        for p in previous { past[fold(p.text) + "\u{1F}" + weightKey(p.weight)] = p }
        guard !past.isEmpty else { return [] }
        let textCol = form.layout.columns[.level2] ?? form.layout.columns[.level1]
        var out: [Finding] = []
        for s in form.sections where !fixedKinds.contains(s.kind.rawValue) {
            for g in s.groups {
                for ind in g.indicators {
                    for it in ind.items {
                        let text = it.text ?? ind.text
                        guard !fold(text).isEmpty, let p = past[fold(text) + "\u{1F}" + weightKey(it.weight)] else { continue }
                        let code = it.code ?? ind.code
                        let cell = (it.text == nil ? ind.textCell : nil) ?? textCol.map { CellRef.format(row: it.row, col: $0) }
                        out.append(Finding(.itemSameAsLastYear, cell,
                            "\(code ?? "第 \(it.row) 行") 的内容和权重与 \(previousYear) 年（第 \(previousRound) 轮）\(p.code.map { "第 \($0) 项" } ?? "")完全相同，请确认是否照抄了去年的目标",
                            code: code))
                    }
                }
            }
        }
        return out
    }

    static func weightKey(_ w: Double?) -> String { w.map { CellValue.format(KText.round($0)) } ?? "-" }

    /// `item.deadline-last-year` (warning) for each 完成时限 that names a year before the form's
    /// (`2023年12月` in a 2024 sheet). Needs only the form's year, so it is applied to every import.
    public static func deadlinesNamingPastYears(_ form: Form, year: Int?) -> [Finding] {
        guard let year else { return [] }
        let col = form.layout.columns[.deadline]
        var out: [Finding] = []
        for s in form.sections {
            for g in s.groups {
                for ind in g.indicators {
                    for it in ind.items {
                        guard let d = it.deadline, let named = pastYear(in: d, before: year) else { continue }
                        let code = it.code ?? ind.code
                        out.append(Finding(.itemDeadlineLastYear, col.map { CellRef.format(row: it.row, col: $0) },
                            "\(code ?? "第 \(it.row) 行") 的完成时限「\(d)」写的是 \(named) 年，本表是 \(year) 年度，请改为本年度的时限",
                            code: code))
                    }
                }
            }
        }
        return out
    }

    /// A four-digit year in `text` (not part of a longer number) earlier than `year`, and at most
    /// ten years earlier (a 文件依据 like 2015 is not a deadline).
    static func pastYear(in text: String, before year: Int) -> Int? {
        let u = Array(KText.halfWidth(text).utf8)
        var i = 0
        while i < u.count {
            guard u[i] >= 48 && u[i] <= 57 else { i += 1; continue }
            var j = i
            while j < u.count && u[j] >= 48 && u[j] <= 57 { j += 1 }
            if j - i == 4, let y = Int(String(decoding: u[i..<j], as: UTF8.self)), y < year, y >= year - 10 { return y }
            i = j
        }
        return nil
    }

    /// Gives each finding without a `code` the 序号 of what its cell concerns: on an indicator's
    /// 序号/文件依据/一级指标 cell, the indicator's code; elsewhere on an item's row, the item's (else
    /// its indicator's). Findings on other rows stay without.
    public static func fillCodes(_ findings: [Finding], form: Form) -> [Finding] {
        var itemByRow: [Int: String] = [:], indicatorByRow: [Int: String] = [:]
        for s in form.sections {
            for g in s.groups {
                for ind in g.indicators {
                    if let c = ind.code { indicatorByRow[ind.row] = c }
                    for it in ind.items { if let c = it.code ?? ind.code { itemByRow[it.row] = c } }
                }
            }
        }
        let indicatorCols = Set([ColumnRole.basis, .level1].compactMap { form.layout.columns[$0] })
        return findings.map { f in
            guard f.code == nil, let cell = f.cell, let ref = CellRef.parse(Substring(cell)) else { return f }
            let onIndicator = indicatorCols.contains(ref.col) || (indicatorByRow[ref.row] != nil && itemByRow[ref.row] == nil)
            guard let c = (onIndicator ? indicatorByRow[ref.row] : nil) ?? itemByRow[ref.row] else { return f }
            var f = f
            f.code = c
            return f
        }
    }
}
