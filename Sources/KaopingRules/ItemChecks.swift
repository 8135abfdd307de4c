import KaopingModel

extension Checker {
    /// Indicators and items: points, weights, codes, texts, deadlines and names, topics.
    func checkItems(_ form: Form, _ out: inout Findings) {
        let rules = template.rules
        var codes: [String: Int] = [:]
        var texts: [NormKey: Int] = [:]
        /// Indicator code → the row of the first indicator that has it: two 一级指标 coded 1-10.
        var indicatorCodes: [String: Int] = [:]
        let adminTexts = Set((template.section(.administrative)?.fixedItems ?? []).map { NormKey($0.text) })
        for s in form.sections {
            for g in s.groups {
                for ind in g.indicators {
                    if let d = ind.declaredPoints, !Checker.same(d, ind.points) {
                        out.add(.indicatorPoints, ind.textCell, "一级指标\(ind.code.map { " \($0) " } ?? "")标注 \(Checker.fmt(d)) 分，但其二级指标权重合计为 \(Checker.fmt(ind.points)) 分",
                                code: ind.code)
                    }
                    if let ic = ind.code, s.kind == .functional, !ind.text.isEmpty {
                        if let prev = indicatorCodes[ic] {
                            out.add(.codeDuplicate, ind.textCell ?? out.ref(.code, ind.row),
                                    "一级指标序号 \(ic) 重复（第 \(prev) 行的一级指标已使用）：「\(String(ind.text.prefix(30)))」", code: ic)
                        } else { indicatorCodes[ic] = ind.row }
                    }
                    let indicatorTopic = rules.functionalForbiddenKeywords.contains { ind.text.has($0) }
                    // Who a message is about: the item's 序号 and its 一级指标, so `7 缺少责任人`
                    // reads 序号 7（一级指标「…」）缺少责任人.
                    // The names are built only for a finding (most items have none).
                    func indicatorName() -> String {
                        // The first 16 characters, line breaks left out; counting stops there.
                        var name = "", n = 0
                        for ch in ind.text where !ch.isNewline {
                            if n == 16 { return name + "…" }
                            name.append(ch); n += 1
                        }
                        return name
                    }
                    let indicatorKey = NormKey(ind.text)
                    for (n, it) in ind.items.enumerated() {
                        let code = it.code ?? ind.code
                        func where_() -> String {
                            let name = indicatorName()
                            let which = name.isEmpty ? "" : "（\(s.kind == .functional ? "一级指标" : "指标")「\(name)」）"
                            return it.code.map { "序号 \($0)\(which)" } ?? "第 \(it.row) 行\(which)"
                        }
                        if it.weight == nil {
                            out.add(.itemWeightMissing, out.ref(.weight, it.row), "\(where_()) 缺少权重", code: code)
                        }
                        if let c = it.code {
                            if let prev = codes[c] {
                                out.add(.codeDuplicate, out.ref(.code, it.row), "序号 \(c) 重复（第 \(prev) 行已使用）", code: c)
                            } else { codes[c] = it.row }
                            let segs = c.split(separator: "-").count
                            let expected: [Int]
                            switch s.kind {
                            case .functional: expected = ind.items.count == 1 ? [2, 3] : [3]
                            case .administrative: expected = [2]
                            default: expected = [1, 2]
                            }
                            if !expected.contains(segs) {
                                out.add(.codePattern, out.ref(.code, it.row), "序号 \(c) 不符合“\(s.kind == .functional ? "部分-一级-二级（如 1-2-3）" : "部分-序号（如 4-1）")”的格式", code: c)
                            } else if s.kind == .functional, segs == 3, let ic = ind.code, !c.hasPrefix(ic + "-") {
                                out.add(.codePattern, out.ref(.code, it.row), "序号 \(c) 与所属一级指标 \(ic) 不一致", code: c)
                            }
                        } else {
                            out.add(.codeMissing, out.ref(.code, it.row), "第 \(it.row) 行缺少序号", code: ind.code)
                        }
                        if let t = it.text {
                            let key = NormKey(t)
                            if key == indicatorKey {
                                out.add(.itemSameAsIndicator, out.ref(.level2, it.row), "\(where_()) 的二级指标与其一级指标内容相同", code: code)
                            }
                            if let prev = texts[key] {
                                out.add(.itemDuplicate, out.ref(.level2, it.row), "\(where_()) 与第 \(prev) 行的二级指标内容相同", code: code)
                            } else { texts[key] = it.row }
                            if s.kind == .functional && adminTexts.contains(key) {
                                out.add(.functionalDuplicatesAdmin, out.ref(.level2, it.row), "\(where_()) 与行政能力目标的指标重复", code: code)
                            }
                        } else if s.kind == .functional && !(ind.items.count == 1 && n == 0) {
                            out.add(.itemTextMissing, out.ref(.level2, it.row), "\(where_()) 缺少二级指标内容", code: code)
                        }
                        if it.deadline == nil { out.add(.itemDeadlineMissing, out.ref(.deadline, it.row), "\(where_()) 缺少完成时限", code: code) }
                        if it.leaders.isEmpty { out.add(.itemLeadersMissing, out.ref(.leaders, it.row), "\(where_()) 缺少分管领导", code: code) }
                        if it.departments.isEmpty { out.add(.itemDepartmentsMissing, out.ref(.departments, it.row), "\(where_()) 缺少责任部门", code: code) }
                        if it.persons.isEmpty { out.add(.itemPersonsMissing, out.ref(.persons, it.row), "\(where_()) 缺少责任人", code: code) }
                        // Said once per indicator when its 一级 text names the topic, else per item.
                        if s.kind == .functional, n == 0 || !indicatorTopic {
                            let hit = n == 0 && indicatorTopic ? ind.text : (it.text ?? "")
                            if let kw = rules.functionalForbiddenKeywords.first(where: { hit.has($0) }) {
                                out.add(.functionalAdminTopic, n == 0 && indicatorTopic ? ind.textCell : out.ref(.level2, it.row),
                                        "\(n == 0 && indicatorTopic ? "一级指标 \(ind.code ?? "")" : where_()) 涉及“\(kw)”，此类内容属于行政能力目标，不应列入职能工作目标",
                                        code: n == 0 && indicatorTopic ? ind.code : code)
                            }
                        }
                    }
                }
            }
        }
    }
}
