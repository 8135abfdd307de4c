import Foundation
import GridKit

/// Body rows: items, their indicator, weights, deadlines, names, grades and scores.
extension Mapping {
    // MARK: body

    /// The visible cell of a role's column at a row: the merge anchor if merged.
    func cell(_ role: ColumnRole, _ r: Int) -> Cell? {
        guard let c = column(role) else { return nil }
        return grid.visibleCell(r, c)
    }

    func isOwnAnchor(_ c: Cell?, _ r: Int) -> Bool { c.map { $0.row == r } ?? false }

    static func indicatorCode(_ code: String?) -> String? {
        guard let code else { return nil }
        // Codes are ASCII digits and dashes (KText.codeRetyped): cut at the second dash.
        let u = code.utf8
        guard let first = u.firstIndex(of: 0x2D), let second = u[u.index(after: first)...].firstIndex(of: 0x2D) else { return code }
        return String(code[..<second])
    }

    mutating func readBody(_ r: Int) {
        let codeCell = cell(.code, r)
        let rawCode = isOwnAnchor(codeCell, r) ? text(codeCell) : nil
        let typed = rawCode.flatMap(KText.codeRetyped)
        var code = typed?.code
        // A space typed around the code (trimmed from rawCode) is a retyping too.
        var padded = false
        if case .string(let s)? = codeCell?.value, KText.trim(s) != s { padded = true }
        if let typed, typed.retyped || padded, let rc = rawCode {
            form.findings.append(Finding(.codeRetyped, codeCell?.ref, "序号「\(rc)」的写法不规范（全角数字、其他横线或空格），已按「\(typed.code)」读取", code: typed.code))
        }
        if let rc = rawCode, code == nil {
            // Not a code: keep it visible rather than drop it.
            form.findings.append(Finding(.codeInvalid, codeCell?.ref, "序号「\(rc)」不是“1-2-3”形式的编号"))
            code = nil
            take(codeCell)
        }
        take(codeCell)
        let groupsBefore = form.sections.last?.groups.count ?? 0
        let labelBefore = form.sections.last?.groups.last?.labelCell
        let (si, gi) = currentGroup(code: code)
        if gi > 0, form.sections[si].groups.count > groupsBefore, let prev = labelBefore, let code {
            // The 序号 moved to the next group under a 项目 label merge that runs on.
            for pc in projectCols {
                if let m = grid.merge(at: r, pc), m.top < r, let a = grid.cell(m.top, m.left), a.ref == prev {
                    noteDrift(a, "项目", "延伸到了第 \(r) 行（序号 \(code) 属于下一个分组）")
                    // The next group's label left under the merge is its label.
                    if let covered = grid.cell(r, pc), let t = text(covered) {
                        take(covered)
                        openGroup(Mapping.classify(KText.folded(t)).group, label: t, cell: covered.ref)
                    }
                }
            }
        }
        let kind = form.sections[si].kind

        // What the row says in the content columns (文件依据, 一级, 二级), by distinct anchor.
        var contentAnchors: [Cell] = []
        for role in [ColumnRole.basis, .level1, .level2] {
            if let c = cell(role, r), text(c) != nil, !contentAnchors.contains(where: { $0.row == c.row && $0.col == c.col }) {
                contentAnchors.append(c)
            }
        }

        var item = Item(row: r)
        item.code = code
        fillItem(&item, r, si: si, gi: gi)

        if kind == .functional || kind == .other {
            readFunctional(r, si: si, gi: gi, item: item)
        } else {
            // 行政能力, 精神文明, 平安: one row is one indicator; its text spans 文件依据…二级.
            let own = contentAnchors.filter { $0.row == r }
            // A count, not a copy of the array: a copy held here would make the append below
            // copy every indicator (quadratic on a long sheet).
            let count = form.sections[si].groups[gi].indicators.count
            if own.isEmpty, !contentAnchors.isEmpty, count > 0 {
                // Text merged down from the row above: one more item of the same indicator.
                form.sections[si].groups[gi].indicators[count - 1].items.append(item)
                return
            }
            var ind = Indicator(code: Mapping.indicatorCode(code), text: own.first.flatMap { text($0) } ?? "",
                                basis: nil, declaredPoints: nil, row: r, textCell: own.first?.ref)
            own.forEach { take($0) }
            if own.count > 1 {
                item.text = own.dropFirst().compactMap { text($0) }.joined(separator: "\n")
            }
            ind.items.append(item)
            appendIndicator(ind, si: si, gi: gi)
        }
    }

    /// Appends an indicator, first giving the one before it (complete now: items only ever go to
    /// the last) an items array of its own size. Grown an item at a time, an array keeps up to
    /// twice the room: 18 MB of a 200,000-item form.
    mutating func appendIndicator(_ ind: Indicator, si: Int, gi: Int) {
        let n = form.sections[si].groups[gi].indicators.count
        if n > 0 { form.sections[si].groups[gi].indicators[n - 1].items.compact() }
        form.sections[si].groups[gi].indicators.append(ind)
    }

    mutating func fillItem(_ item: inout Item, _ r: Int, si: Int, gi: Int) {
        if let w = cell(.weight, r) {
            take(w)
            switch w.value {
            case .number(let d)?: item.weight = d
            case .string(let s)?:
                if let d = KText.number(s) {
                    item.weight = d
                    form.findings.append(Finding(.numberAsText, w.ref, "权重「\(s)」以文本形式保存，已按数值 \(CellValue.format(d)) 读取"))
                } else if !KText.trim(s).isEmpty {
                    form.findings.append(Finding(.weightUnparsable, w.ref, "权重「\(s)」无法识别为数值"))
                }
            case .error(let e)?:
                form.findings.append(Finding(.weightError, w.ref, "权重单元格显示错误值 \(e)"))
            default: break
            }
        }
        if let d = cell(.deadline, r) { take(d); item.deadline = text(d) }
        if let c = cell(.remark, r) { take(c); item.remark = text(c) }
        if let c = cell(.grade, r) {
            take(c)
            if let t = text(c) {
                // Folding made the full-width － a `-`; the em dash is typed for it too.
                let u = KText.folded(t).uppercased()
                let g = u.has("—") ? String(String.UnicodeScalarView(u.unicodeScalars.map { $0.value == 0x2014 ? "-" : $0 })) : u
                if ["A+", "A", "A-", "B+", "B", "C"].contains(g) { item.grade = g } else {
                    form.findings.append(Finding(.gradeInvalid, c.ref, "档次「\(t)」不是 A+、A、A-、B+、B、C 之一"))
                }
            }
        }
        if let c = cell(.score, r) {
            take(c)
            if case .number(let d)? = c.value { item.score = d } else if let t = text(c) {
                if let d = KText.number(t) { item.score = d } else if case .error? = c.value {} else {
                    form.findings.append(Finding(.scoreUnparsable, c.ref, "得分「\(t)」无法识别为数值"))
                }
            }
        }
        // Names: a cell merged over several rows belongs to each; a blank cell under a filled one
        // of the same indicator continues it only where the sheet shows its merges were lost.
        let prev = form.sections[si].groups[gi].indicators.last?.items.last
        item.leaders = namesCell(.leaders, r, before: prev?.leaders)
        item.departments = namesCell(.departments, r, before: prev?.departments)
        item.persons = namesCell(.persons, r, before: prev?.persons)
    }

    /// The names of one role's cell on row r; `before`: the previous item's of the indicator.
    mutating func namesCell(_ role: ColumnRole, _ r: Int, before: [String]?) -> [String] {
        let c = cell(role, r)
        take(c)
        let own = names(role, text(c))
        if own.isEmpty, c == nil, let before, !before.isEmpty, sameIndicatorContinues(r), mergesLost(role, r) {
            return before
        }
        return own
    }

    /// The names in a cell; the same text as the row above gives the same array (shared, not
    /// copied: a 200,000-row sheet names the same few people row after row).
    mutating func names(_ role: ColumnRole, _ text: String?) -> [String] {
        guard let text else { return [] }
        if let last = namesCache[role.ordinal], TextKey(last.text) == TextKey(text) { return last.names }
        let n = KText.names(text)
        namesCache[role.ordinal] = (text, n)
        return n
    }

    /// True when a blank names cell at row r is a lost merge: the column has no vertical merge
    /// in the body at all, and the 一级 cell of the row is blank and unmerged too (a script
    /// wrote the sheet). Where the sheet has real merges, a blank cell is missing.
    mutating func mergesLost(_ role: ColumnRole, _ r: Int) -> Bool {
        guard let c = column(role), let l1 = column(.level1) else { return false }
        if verticallyMerged == nil {
            var cols = Set<Int>()
            for m in grid.merges where m.rowCount >= 2 && m.top > headerBottom { for k in m.left...m.right { cols.insert(k) } }
            verticallyMerged = cols
        }
        if verticallyMerged!.contains(c) { return false }
        guard grid.merge(at: r, l1) == nil, text(grid.cell(r, l1)) == nil else { return false }
        return true
    }

    /// True when row r continues the current indicator (its 一级 cell is blank or merged from above).
    func sameIndicatorContinues(_ r: Int) -> Bool {
        guard let l1 = column(.level1) else { return false }
        if let c = grid.visibleCell(r, l1) { return c.row < r }
        return true
    }

    mutating func readFunctional(_ r: Int, si: Int, gi: Int, item: Item) {
        var item = item
        var l1 = cell(.level1, r)
        let l2 = cell(.level2, r)
        var basisCell = cell(.basis, r)
        // The last indicator only, not the array: holding the array would make every append
        // below copy all indicators (a 200,000-row sheet took minutes).
        let current = form.sections[si].groups[gi].indicators.last
        let icode = Mapping.indicatorCode(item.code)
        // The 序号 decides which indicator a row belongs to, whatever a merge says.
        let codeLeaves = icode != nil && current?.code != nil && icode != current!.code
        var l1Text = text(l1)
        var startNew: Bool
        var fillsDrifted = false
        if let l1, l1.row == r, let t = l1Text {
            // A new 一级 cell, unless the sheet repeats the same text row by row (merge lost),
            // or it is the text of an indicator whose first row a drifting merge covered.
            if let cur = current, cur.text.isEmpty, cur.code != nil, icode == cur.code, cur.row < r {
                startNew = false; fillsDrifted = true
            } else {
                // Compared folded: a page's retyped copy may differ in spaces and bracket widths.
                startNew = !(current != nil && Mapping.sameText(current!.text, t)
                             && (item.code == nil || current!.code == nil || icode == current!.code))
            }
        } else if let a = l1, a.row < r {
            startNew = current == nil || current!.textCell != a.ref
            if !startNew && codeLeaves {
                // The merge runs into the next indicator: its own text is what its rows show
                // (a value left under the merge, or a cell below).
                noteDrift(a, "一级指标", "延伸到了第 \(r) 行（序号 \(item.code!) 属于下一个一级指标 \(icode!)）")
                startNew = true
                let covered = grid.cell(r, a.col)
                l1 = covered; l1Text = text(covered)
            }
        } else {
            // Blank 一级: the continuation of the indicator above when the code agrees.
            startNew = current == nil || codeLeaves
            if !startNew, let cur = current { noteEndsEarly(.level1, "一级指标", cur, r, item.code) }
        }
        if let b = basisCell, b.row < r, startNew, codeLeaves {
            noteDrift(b, "文件依据", "延伸到了第 \(r) 行（序号 \(item.code!) 属于下一个一级指标 \(icode!)）")
            basisCell = grid.cell(r, b.col)
        } else if !startNew, basisCell.map({ $0.row == r && text($0) == nil }) ?? true, let cur = current {
            noteEndsEarly(.basis, "文件依据", cur, r, item.code)
        }
        if fillsDrifted, let l1, let t = l1Text {
            let ii = form.sections[si].groups[gi].indicators.count - 1
            form.sections[si].groups[gi].indicators[ii].text = t
            form.sections[si].groups[gi].indicators[ii].textCell = l1.ref
            form.sections[si].groups[gi].indicators[ii].declaredPoints = KText.trailingPoints(t)
            let missing = ref(.level1, form.sections[si].groups[gi].indicators[ii].row)
            form.findings.removeAll { $0.rule == Rule.indicatorMissingText.rawValue && $0.cell == missing }
        }
        // 二级 text, unless 一级 and 二级 are one merged cell (a one-row indicator).
        if let l2, text(l2) != nil, !(l1 != nil && l2.row == l1!.row && l2.col == l1!.col) {
            item.text = text(l2)
            take(l2)
        }
        take(l1)
        let basisText = text(basisCell)
        take(basisCell)
        if startNew {
            var ind = Indicator(code: Mapping.indicatorCode(item.code), text: l1Text ?? "", basis: basisText,
                                declaredPoints: l1Text.flatMap(KText.trailingPoints), row: r, textCell: l1?.ref)
            if l1Text == nil {
                form.findings.append(Finding(.indicatorMissingText, l1.map(\.ref) ?? ref(.level1, r),
                                             "第 \(r) 行缺少一级指标内容"))
            }
            ind.items.append(item)
            appendIndicator(ind, si: si, gi: gi)
        } else {
            let ii = form.sections[si].groups[gi].indicators.count - 1
            if let b = basisText, let bc = basisCell, bc.row == r {
                let cur = form.sections[si].groups[gi].indicators[ii].basis
                if cur == nil {
                    form.sections[si].groups[gi].indicators[ii].basis = b
                } else if KText.squeeze(cur!) != KText.squeeze(b) {
                    form.findings.append(Finding(.basisSplit, bc.ref,
                        "同一一级指标的文件依据被拆成多个单元格，此格内容未并入：「\(b)」"))
                }
            }
            if form.sections[si].groups[gi].indicators[ii].code == nil {
                form.sections[si].groups[gi].indicators[ii].code = Mapping.indicatorCode(item.code)
            }
            form.sections[si].groups[gi].indicators[ii].items.append(item)
        }
    }

    /// `merge.drift` at a merge that covers a row of another indicator; once per merge.
    mutating func noteDrift(_ anchor: Cell, _ what: String, _ how: String) {
        let k = Mapping.key(anchor)
        guard !driftNoted.contains(k), let m = grid.merge(at: anchor.row, anchor.col) else { return }
        driftNoted.insert(k)
        form.findings.append(Finding(.mergeDrift, anchor.ref, "\(what)合并单元格 \(m) \(how)，已按序号归属"))
    }

    /// `merge.drift` when the indicator's vertical merge in a column ends above row r, a row the
    /// 序号 gives to that indicator.
    mutating func noteEndsEarly(_ role: ColumnRole, _ what: String, _ ind: Indicator, _ r: Int, _ code: String?) {
        guard let code, ind.code != nil, let c = column(role), let m = grid.merge(at: ind.row, c),
              m.rowCount >= 2, m.bottom < r, m.top == ind.row, let anchor = grid.cell(m.top, m.left) else { return }
        noteDrift(anchor, what, "止于第 \(m.bottom) 行，未覆盖第 \(r) 行（序号 \(code) 仍属一级指标 \(ind.code!)）")
    }

    static func sameText(_ a: String, _ b: String) -> Bool {
        // Equal squeezed texts fold equal too: one folding each, compared by bytes.
        TextKey(a) == TextKey(b) || TextKey(KText.folded(a)) == TextKey(KText.folded(b))
    }

    func ref(_ role: ColumnRole, _ r: Int) -> String? { column(role).map { CellRef.format(row: r, col: $0) } }
}
