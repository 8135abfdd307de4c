import Foundation
import GridKit

/// 项目 labels: sections and groups, opened as the sheet names them or as the codes imply.
extension Mapping {
    // MARK: labels

    static func classify(_ squeezed: String) -> (section: SectionKind?, group: GroupKind?) {
        var s: SectionKind? = nil
        if squeezed.has("职能") { s = .functional }
        else if squeezed.has("行政能力") { s = .administrative }
        else if squeezed.has("精神文明") || squeezed.has("文明创建") { s = .civility }
        else if squeezed.has("平安") { s = .safety }
        var g: GroupKind? = nil
        if squeezed.has("重点") { g = .key } else if squeezed.has("常规") { g = .routine } else if squeezed.has("动态") { g = .dynamic }
        return (s, g)
    }

    mutating func readLabels(_ r: Int) {
        for pc in projectCols {
            guard let anchor = grid.visibleCell(r, pc), anchor.row == r, anchor.col == pc,
                  let t = text(anchor) else { continue }
            let k = Mapping.key(anchor)
            if seenAnchors.contains(k) { continue }
            seenAnchors.insert(k)
            take(anchor)
            let sq = KText.folded(t)
            if sq.begins(with: "合计") || sq.begins(with: "小计") { continue }
            let (s, g) = Mapping.classify(sq)
            if s != nil, let (sectionText, groupText) = Mapping.splitLabel(t) {
                // Section and group in one cell on separate lines (`职能工作目标（68分）\n重点工作目标`,
                // `行政能力目标\n科学行政（6分）`): both are opened.
                openSection(s!, label: sectionText, cell: anchor.ref)
                let gk = Mapping.classify(KText.folded(groupText)).group
                if gk == nil, s == .functional {
                    form.findings.append(Finding(.labelUnrecognized, anchor.ref,
                        "项目栏「\(groupText)」不是可识别的分组名称（重点/常规/动态工作目标），已忽略"))
                } else {
                    openGroup(gk, label: groupText, cell: anchor.ref)
                }
            } else if let s, let g {
                // One line holding both (`职能工作目标（68分）重点工作目标`): both are opened.
                openSection(s, label: t, cell: anchor.ref)
                openGroup(g, label: Mapping.standardGroupNames[g]!, cell: anchor.ref)
            } else if let s {
                openSection(s, label: t, cell: anchor.ref)
            } else if g == nil, form.sections.last?.kind == .functional {
                // 职能 groups are 重点/常规/动态; anything else there is a fragment of a label cut
                // by a page break (`常` + `规 工 作 目 标`) or a stray note: said, not made a group.
                form.findings.append(Finding(.labelUnrecognized, anchor.ref,
                    "项目栏「\(t)」不是可识别的分组名称（重点/常规/动态工作目标），已忽略"))
            } else {
                openGroup(g, label: t, cell: anchor.ref)
            }
        }
    }

    static func defaultName(_ k: SectionKind) -> String {
        switch k {
        case .functional: return "职能工作目标"
        case .administrative: return "行政能力目标"
        case .civility: return "精神文明建设成效"
        case .safety: return "平安建设成效"
        case .other: return "其他"
        }
    }

    mutating func openSection(_ kind: SectionKind, label: String, cell: String?) {
        let points = KText.labelPoints(label)
        let name = KText.labelName(label)
        if let last = form.sections.last, last.kind == kind, kind == .functional || kind == .administrative {
            // The same section's label again (pasted page by page): not a new section.
            if let p = points, let lp = last.labelPoints, p != lp {
                form.findings.append(Finding(.sectionLabelRepeated, cell,
                    "「\(last.name)」的标签重复出现且分值不同（\(CellValue.format(lp))分 与 \(CellValue.format(p))分）"))
            }
            return
        }
        let plain = name.isEmpty || Mapping.classify(name).group != nil
        var s = Section(kind: kind, name: plain ? Mapping.defaultName(kind) : name,
                        label: label, labelCell: cell, labelPoints: points)
        if kind != .functional && kind != .administrative {
            s.groups.append(Group(kind: nil, name: nil, label: nil, declaredPoints: nil, labelCell: nil))
        }
        form.sections.append(s)
    }

    mutating func openGroup(_ kind: GroupKind?, label: String, cell: String?) {
        if form.sections.isEmpty {
            openSection(kind != nil ? .functional : .administrative, label: "", cell: nil)
            form.sections[form.sections.count - 1].label = nil
        }
        let si = form.sections.count - 1
        let name = KText.labelName(label)
        if let g = form.sections[si].groups.last, g.name == name || (kind != nil && g.kind == kind) {
            // The same group's label repeated; or the label of a group its codes opened a row
            // earlier (a drifting merge above): it takes the label.
            if g.label == nil, g.labelCell == nil {
                let gi = form.sections[si].groups.count - 1
                form.sections[si].groups[gi].label = label
                form.sections[si].groups[gi].labelCell = cell
                form.sections[si].groups[gi].declaredPoints = KText.labelPoints(label)
            }
            return
        }
        // An unnamed group with nothing in it yet takes the label.
        if let g = form.sections[si].groups.last, g.name == nil, g.indicators.isEmpty {
            form.sections[si].groups.removeLast()
        }
        form.sections[si].groups.append(Group(kind: kind, name: name, label: label,
                                              declaredPoints: KText.labelPoints(label), labelCell: cell))
    }

    /// Splits a multi-line 项目 cell into its section label and a group label: the section label
    /// is the first lines up to where they read as a whole label (ending in 目标 or in points);
    /// nil when the cell is one label (`职能\n工作\n目标` is one).
    static func splitLabel(_ t: String) -> (String, String)? {
        let lines = t.split(whereSeparator: \.isNewline).map { KText.trim(String($0)) }.filter { !$0.isEmpty }
        guard lines.count > 1 else { return nil }
        var head = ""
        for (i, line) in lines.enumerated().dropLast() {
            head += line
            let sq = KText.folded(head)
            if sq.ends(with: "目标") || sq.ends(with: "分)") || (sq.ends(with: "分") && KText.labelPoints(sq) != nil) {
                let rest = lines[(i + 1)...].joined(separator: " ")
                // `行政能力目标\n（20分）` is one label wrapped before its points.
                return KText.labelName(rest).isEmpty ? nil : (head, rest)
            }
        }
        return nil
    }

    static let standardGroupNames: [GroupKind: String] = [.key: "重点工作目标", .routine: "常规工作目标", .dynamic: "动态工作目标"]

    /// The group a row belongs to, opening sections and groups the sheet left unlabelled.
    mutating func currentGroup(code: String?) -> (Int, Int) {
        let seg = code.flatMap { $0.split(separator: "-").first }.flatMap { Int($0) }
        if form.sections.isEmpty {
            let kind: SectionKind = (seg ?? 1) <= 3 ? .functional : .administrative
            form.sections.append(Section(kind: kind, name: Mapping.defaultName(kind), label: nil, labelCell: nil, labelPoints: nil))
        }
        let si = form.sections.count - 1
        if form.sections[si].kind == .functional, let seg, (1...3).contains(seg) {
            let kind: GroupKind = seg == 1 ? .key : seg == 2 ? .routine : .dynamic
            let groups = form.sections[si].groups
            if let g = groups.last, g.kind == nil, g.indicators.isEmpty, g.name == nil {
                form.sections[si].groups[groups.count - 1].kind = kind
                form.sections[si].groups[groups.count - 1].name = Mapping.standardGroupNames[kind]
            } else if groups.last == nil || (groups.last!.kind != nil && groups.last!.kind != kind
                                              && !(groups.last!.indicators.isEmpty)) {
                // The code moved to another group without a label (e.g. 2-1-1 under 重点).
                if groups.last?.kind.map({ kindOrder($0) < kindOrder(kind) }) ?? true {
                    form.sections[si].groups.append(Group(kind: kind, name: Mapping.standardGroupNames[kind],
                                                          label: nil, declaredPoints: nil, labelCell: nil))
                }
            }
        }
        if form.sections[si].groups.isEmpty {
            form.sections[si].groups.append(Group(kind: nil, name: nil, label: nil, declaredPoints: nil, labelCell: nil))
        }
        return (si, form.sections[si].groups.count - 1)
    }

    func kindOrder(_ k: GroupKind) -> Int { k == .key ? 1 : k == .routine ? 2 : 3 }
}
