import KaopingModel

extension Checker {
    /// Sections: presence, label, 合计, the year's points; groups' labelled points.
    func checkSections(_ form: Form, _ out: inout Findings) {
        for spec in template.sections where form.section(spec.kind) == nil {
            out.add(.sectionMissing, nil, "缺少「\(spec.name)」部分（\(template.name) 年模板要求 \(Checker.fmt(spec.points)) 分）")
        }
        for s in form.sections {
            let p = s.points
            if let lp = s.labelPoints, !Checker.same(lp, p) {
                out.add(.sectionLabelPoints, s.labelCell, "「\(s.name)」标注 \(Checker.fmt(lp)) 分，但各项权重合计为 \(Checker.fmt(p)) 分")
            }
            if checkSubtotalRange(s, form, &out) {
                // Said with the rows the SUM misses; the wrong value is part of that finding.
            } else if let st = s.subtotal, !Checker.same(st, p) {
                let typed = s.subtotalFormula == nil ? "（手工填写的数值，不是公式）" : ""
                out.add(.sectionSubtotal, s.subtotalCell, "「\(s.name)」合计为 \(Checker.fmt(st)) 分\(typed)，但各项权重合计为 \(Checker.fmt(p)) 分")
            } else if s.subtotal == nil, let row = s.subtotalRow {
                out.add(.sectionSubtotalBroken, s.subtotalCell ?? out.ref(.weight, row), "「\(s.name)」合计单元格没有有效数值（应为 \(Checker.fmt(p)) 分）")
            }
            if let spec = template.section(s.kind), !Checker.same(spec.points, p) {
                out.add(.sectionTemplatePoints, s.labelCell ?? s.subtotalCell,
                        "「\(s.name)」应为 \(Checker.fmt(spec.points)) 分（\(template.name) 年模板），实为 \(Checker.fmt(p)) 分")
            }
            for g in s.groups {
                if let d = g.declaredPoints, !Checker.same(d, g.points) {
                    out.add(.groupPoints, g.labelCell, "「\(g.name ?? s.name)」标注 \(Checker.fmt(d)) 分，但各项权重合计为 \(Checker.fmt(g.points)) 分")
                }
            }
        }
    }

    /// The whole: 100 points, and the 绩效目标考评得分 cell that says so.
    func checkTotal(_ form: Form, _ out: inout Findings) {
        let total = form.totalPoints
        let rules = template.rules
        if !Checker.same(total, rules.total) {
            out.add(.totalPoints, form.totalCell, "考评表总分为 \(Checker.fmt(total)) 分，应为 \(Checker.fmt(rules.total)) 分")
        }
        if checkTotalFormula(form, &out) {
            // A total whose formula is broken or misses rows is said once, there.
        } else if let d = form.totalDeclared, !Checker.same(d, total) {
            out.add(.totalDeclared, form.totalCell, "绩效目标考评得分一栏为 \(Checker.fmt(d)) 分，但各部分合计为 \(Checker.fmt(total)) 分")
        } else if form.totalDeclared == nil {
            out.add(.totalMissing, form.totalCell, "未找到有效的“绩效目标考评得分”合计数值",
                    severity: form.totalCell == nil ? .warning : .error)
        }
    }
}
