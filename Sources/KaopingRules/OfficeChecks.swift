import KaopingModel

extension Checker {
    /// 重点 + 常规: at least N 一级指标 (counted by code); 动态: at most N points, at least N items.
    func checkFunctionalCounts(_ form: Form, _ out: inout Findings) {
        guard let f = form.section(.functional) else { return }
        let rules = template.rules
        let inds = f.groups.filter { $0.kind == .key || $0.kind == .routine }.flatMap(\.indicators)
        var seen = Set<String>(); var n = 0
        for i in inds { if let c = i.code { if seen.insert(c).inserted { n += 1 } } else { n += 1 } }
        if n < rules.minKeyRoutineIndicators {
            out.add(.functionalTooFewIndicators, f.labelCell, "重点工作目标和常规工作目标合计只有 \(n) 项一级指标，至少应有 \(rules.minKeyRoutineIndicators) 项")
        }
        for g in f.groups where g.kind == .dynamic {
            let items = g.indicators.flatMap(\.items)
            if g.points > rules.dynamicMaxPoints + 1e-9 {
                out.add(.dynamicTooManyPoints, g.labelCell, "动态工作目标为 \(Checker.fmt(g.points)) 分，上限为 \(Checker.fmt(rules.dynamicMaxPoints)) 分")
            }
            if items.count < rules.dynamicMinItems {
                let one = items.count == 1 ? "；只有1项时按 \(Checker.fmt(rules.dynamicSingleItemPoints)) 分计" : ""
                out.add(.dynamicTooFewItems, g.labelCell, "动态工作目标只有 \(items.count) 项，至少应有 \(rules.dynamicMinItems) 项\(one)")
            }
        }
    }

    /// 行政能力: the year's fixed list (matched by code, else by position), no 二级指标.
    func checkAdministrative(_ form: Form, _ out: inout Findings) {
        guard let a = form.section(.administrative), let fixed = template.section(.administrative)?.fixedItems, !fixed.isEmpty else { return }
        let inds = a.groups.flatMap(\.indicators)
        var matched = Set<Int>()
        for (n, ind) in inds.enumerated() {
            for it in ind.items where it.text != nil {
                out.add(.adminHasLevel2, out.ref(.level2, it.row), "行政能力目标不下设二级指标（第 \(it.row) 行）", code: it.code ?? ind.code)
            }
            let fi = ind.code.flatMap { c in fixed.firstIndex { $0.code == c } } ?? (n < fixed.count ? n : nil)
            guard let fi, !matched.contains(fi) else {
                out.add(.adminExtra, ind.textCell, "行政能力目标多出一项：「\(String(ind.text.prefix(40)))」", code: ind.code)
                continue
            }
            matched.insert(fi)
            let spec = fixed[fi]
            if KText.norm(spec.text) != KText.norm(ind.text) {
                out.add(.adminTextChanged, ind.textCell, "行政能力目标 \(spec.code ?? "第 \(fi + 1) 项") 的内容与 \(template.name) 年规定不同，应为「\(spec.text)」", code: ind.code)
            }
            if let w = ind.items.first?.weight, !Checker.same(w, spec.weight) {
                out.add(.adminWeightChanged, out.ref(.weight, ind.row), "行政能力目标 \(spec.code ?? "第 \(fi + 1) 项") 的权重为 \(Checker.fmt(w))，规定为 \(Checker.fmt(spec.weight))", code: ind.code)
            }
        }
        for (fi, spec) in fixed.enumerated() where !matched.contains(fi) {
            out.add(.adminMissing, a.labelCell, "缺少行政能力目标 \(spec.code ?? "第 \(fi + 1) 项")：「\(spec.text)」", code: spec.code)
        }
    }
}
