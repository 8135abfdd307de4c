import KaopingModel

/// The office's rules (DOMAIN.md), applied with the year's template.
public struct Checker {
    public let template: Template
    public init(template: Template) { self.template = template }

    static func fmt(_ d: Double) -> String { CellValue.format(KText.round(d)) }
    static func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-6 }
    /// Text compared as the office reads it: no white space, half-width punctuation, no final 。.
    static func norm(_ s: String) -> String {
        var t = KText.squeeze(KText.halfWidth(s))
        while let l = t.last, "。.;；".contains(l) { t.removeLast() }
        return t
    }

    public func check(_ form: Form) -> [Finding] {
        var out: [Finding] = []
        func add(_ rule: String, _ sev: Severity, _ cell: String?, _ msg: String) { out.append(Finding(rule, sev, cell, msg)) }
        let rules = template.rules
        func ref(_ role: String, _ row: Int) -> String? { form.layout.columns[role].map { CellRef.format(row: row, col: $0) } }

        // Sections: presence, label, 合计, the year's points.
        for spec in template.sections {
            guard let kind = SectionKind(rawValue: spec.kind) else { continue }
            if form.section(kind) == nil {
                add("section.missing", .error, nil, "缺少「\(spec.name)」部分（\(template.name) 年模板要求 \(Checker.fmt(spec.points)) 分）")
            }
        }
        for s in form.sections {
            let p = s.points
            if let lp = s.labelPoints, !Checker.same(lp, p) {
                add("section.label-points", .error, s.labelCell, "「\(s.name)」标注 \(Checker.fmt(lp)) 分，但各项权重合计为 \(Checker.fmt(p)) 分")
            }
            if let st = s.subtotal, !Checker.same(st, p) {
                add("section.subtotal", .error, s.subtotalCell, "「\(s.name)」合计为 \(Checker.fmt(st)) 分，但各项权重合计为 \(Checker.fmt(p)) 分")
            } else if s.subtotal == nil, s.subtotalRow != nil {
                add("section.subtotal-broken", .error, s.subtotalCell ?? ref("weight", s.subtotalRow!), "「\(s.name)」合计单元格没有有效数值（应为 \(Checker.fmt(p)) 分）")
            }
            if let spec = template.section(s.kind), !Checker.same(spec.points, p) {
                add("section.template-points", .error, s.labelCell ?? s.subtotalCell,
                    "「\(s.name)」应为 \(Checker.fmt(spec.points)) 分（\(template.name) 年模板），实为 \(Checker.fmt(p)) 分")
            }
            for g in s.groups {
                if let d = g.declaredPoints, !Checker.same(d, g.points) {
                    add("group.points", .error, g.labelCell, "「\(g.name ?? s.name)」标注 \(Checker.fmt(d)) 分，但各项权重合计为 \(Checker.fmt(g.points)) 分")
                }
            }
        }
        // The whole.
        let total = form.totalPoints
        if !Checker.same(total, rules.total) {
            add("total.points", .error, form.totalCell, "考评表总分为 \(Checker.fmt(total)) 分，应为 \(Checker.fmt(rules.total)) 分")
        }
        if let d = form.totalDeclared, !Checker.same(d, total) {
            add("total.declared", .error, form.totalCell, "绩效目标考评得分一栏为 \(Checker.fmt(d)) 分，但各部分合计为 \(Checker.fmt(total)) 分")
        } else if form.totalDeclared == nil {
            add("total.missing", form.totalCell == nil ? .warning : .error, form.totalCell, "未找到有效的“绩效目标考评得分”合计数值")
        }

        // Indicators and items.
        var codes: [String: Int] = [:]
        var texts: [String: Int] = [:]
        let adminTexts = Set((template.section(.administrative)?.fixedItems ?? []).map { Checker.norm($0.text) })
        for s in form.sections {
            for g in s.groups {
                for ind in g.indicators {
                    if let d = ind.declaredPoints, !Checker.same(d, ind.points) {
                        add("indicator.points", .error, ind.textCell, "一级指标\(ind.code.map { " \($0)" } ?? "")标注 \(Checker.fmt(d)) 分，但其二级指标权重合计为 \(Checker.fmt(ind.points)) 分")
                    }
                    let indicatorTopic = rules.functionalForbiddenKeywords.contains { ind.text.has($0) }
                    for (n, it) in ind.items.enumerated() {
                        let where_ = it.code ?? "第 \(it.row) 行"
                        if it.weight == nil {
                            add("item.weight-missing", .error, ref("weight", it.row), "\(where_) 缺少权重")
                        }
                        if let c = it.code {
                            if let prev = codes[c] {
                                add("code.duplicate", .error, ref("code", it.row), "序号 \(c) 重复（第 \(prev) 行已使用）")
                            } else { codes[c] = it.row }
                            let segs = c.split(separator: "-").count
                            let expected: [Int]
                            switch s.kind {
                            case .functional: expected = ind.items.count == 1 ? [2, 3] : [3]
                            case .administrative: expected = [2]
                            default: expected = [1, 2]
                            }
                            if !expected.contains(segs) {
                                add("code.pattern", .warning, ref("code", it.row), "序号 \(c) 不符合“\(s.kind == .functional ? "部分-一级-二级（如 1-2-3）" : "部分-序号（如 4-1）")”的格式")
                            } else if s.kind == .functional, segs == 3, let ic = ind.code, !c.hasPrefix(ic + "-") {
                                add("code.pattern", .warning, ref("code", it.row), "序号 \(c) 与所属一级指标 \(ic) 不一致")
                            }
                        } else {
                            add("code.missing", .warning, ref("code", it.row), "第 \(it.row) 行缺少序号")
                        }
                        if let t = it.text {
                            let key = Checker.norm(t)
                            if key == Checker.norm(ind.text) {
                                add("item.same-as-indicator", .warning, ref("level2", it.row), "\(where_) 的二级指标与其一级指标内容相同")
                            }
                            if let prev = texts[key] {
                                add("item.duplicate", .warning, ref("level2", it.row), "\(where_) 与第 \(prev) 行的二级指标内容相同")
                            } else { texts[key] = it.row }
                            if s.kind == .functional && adminTexts.contains(key) {
                                add("functional.duplicates-admin", .error, ref("level2", it.row), "\(where_) 与行政能力目标的指标重复")
                            }
                        } else if s.kind == .functional && !(ind.items.count == 1 && n == 0) {
                            add("item.text-missing", .error, ref("level2", it.row), "\(where_) 缺少二级指标内容")
                        }
                        if it.deadline == nil { add("item.deadline-missing", .error, ref("deadline", it.row), "\(where_) 缺少完成时限") }
                        if it.leaders.isEmpty { add("item.leaders-missing", .error, ref("leaders", it.row), "\(where_) 缺少分管领导") }
                        if it.departments.isEmpty { add("item.departments-missing", .error, ref("departments", it.row), "\(where_) 缺少责任部门") }
                        if it.persons.isEmpty { add("item.persons-missing", .error, ref("persons", it.row), "\(where_) 缺少责任人") }
                        // Said once per indicator when its 一级 text names the topic, else per item.
                        if s.kind == .functional, n == 0 || !indicatorTopic {
                            let hit = n == 0 && indicatorTopic ? ind.text : (it.text ?? "")
                            if let kw = rules.functionalForbiddenKeywords.first(where: { hit.has($0) }) {
                                add("functional.admin-topic", .warning, n == 0 && indicatorTopic ? ind.textCell : ref("level2", it.row),
                                    "\(n == 0 && indicatorTopic ? "一级指标 \(ind.code ?? "")" : where_) 涉及“\(kw)”，此类内容属于行政能力目标，不应列入职能工作目标")
                            }
                        }
                    }
                }
            }
        }

        // 重点 + 常规: at least N 一级指标, counted by code.
        if let f = form.section(.functional) {
            let inds = f.groups.filter { $0.kind == .key || $0.kind == .routine }.flatMap(\.indicators)
            var seen = Set<String>(); var n = 0
            for i in inds { if let c = i.code { if seen.insert(c).inserted { n += 1 } } else { n += 1 } }
            if n < rules.minKeyRoutineIndicators {
                add("functional.too-few-indicators", .error, f.labelCell, "重点工作目标和常规工作目标合计只有 \(n) 项一级指标，至少应有 \(rules.minKeyRoutineIndicators) 项")
            }
            for g in f.groups where g.kind == .dynamic {
                let items = g.indicators.flatMap(\.items)
                if g.points > rules.dynamicMaxPoints + 1e-9 {
                    add("dynamic.too-many-points", .error, g.labelCell, "动态工作目标为 \(Checker.fmt(g.points)) 分，上限为 \(Checker.fmt(rules.dynamicMaxPoints)) 分")
                }
                if items.count < rules.dynamicMinItems {
                    let one = items.count == 1 ? "；只有1项时按 \(Checker.fmt(rules.dynamicSingleItemPoints)) 分计" : ""
                    add("dynamic.too-few-items", .error, g.labelCell, "动态工作目标只有 \(items.count) 项，至少应有 \(rules.dynamicMinItems) 项\(one)")
                }
            }
        }

        // 行政能力: the year's fixed list, no 二级指标.
        if let a = form.section(.administrative), let fixed = template.section(.administrative)?.fixedItems, !fixed.isEmpty {
            let inds = a.groups.flatMap(\.indicators)
            var matched = Set<Int>()
            for (n, ind) in inds.enumerated() {
                for it in ind.items where it.text != nil {
                    add("admin.has-level2", .error, ref("level2", it.row), "行政能力目标不下设二级指标（第 \(it.row) 行）")
                }
                // By code, else by position.
                let fi = ind.code.flatMap { c in fixed.firstIndex { $0.code == c } } ?? (n < fixed.count ? n : nil)
                guard let fi, !matched.contains(fi) else {
                    add("admin.extra", .error, ind.textCell, "行政能力目标多出一项：「\(String(ind.text.prefix(40)))」")
                    continue
                }
                matched.insert(fi)
                let spec = fixed[fi]
                if Checker.norm(spec.text) != Checker.norm(ind.text) {
                    add("admin.text-changed", .error, ind.textCell, "行政能力目标 \(spec.code ?? "第 \(fi + 1) 项") 的内容与 \(template.name) 年规定不同，应为「\(spec.text)」")
                }
                if let w = ind.items.first?.weight, !Checker.same(w, spec.weight) {
                    add("admin.weight-changed", .error, ref("weight", ind.row), "行政能力目标 \(spec.code ?? "第 \(fi + 1) 项") 的权重为 \(Checker.fmt(w))，规定为 \(Checker.fmt(spec.weight))")
                }
            }
            for (fi, spec) in fixed.enumerated() where !matched.contains(fi) {
                add("admin.missing", .error, a.labelCell, "缺少行政能力目标 \(spec.code ?? "第 \(fi + 1) 项")：「\(spec.text)」")
            }
        }
        return out
    }
}
