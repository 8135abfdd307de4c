import CXlsxWriter
import Foundation
import KaopingModel
import KaopingRules

/// Writes a form as the office's official, print-ready 考评表 with libxlsxwriter:
/// the template's columns, merges and print set-up; every total a live formula with its cached value.
public struct FormWriter {
    public let template: Template
    /// 档次 / 得分 columns and the score block even on a form without grades (the grading sheet).
    var gradeColumns = false
    /// Each item's 得分 as a live formula of its 权重 and 档次 cells (A1), instead of a number.
    var liveScore: ((_ weight: String, _ grade: String) -> String)? = nil
    public init(template: Template) { self.template = template }

    /// One planned cell or merged block.
    struct Block {
        var top: Int, left: Int, bottom: Int, right: Int
        var text: String?
        var number: Double?
        var formula: String?
        var style: Style
        /// A 项目 label merged down its rows: split at page breaks, each page showing `pageText`.
        var pageText: String? = nil
        /// The cached result of `formula` when it is text (an ungraded 得分 shows empty).
        var cachedText: String? = nil
    }
    enum Style { case title, unitLine, date, header, body, bodyCenter, label, number, plain, note }

    public func write(_ form: Form, to path: String, inputs: [String] = []) throws {
        let plan = layout(form)
        try writeAtomically(to: path, inputs: inputs, constantMemory: true) { wb in
            try render(plan, form: form, workbook: wb)
        }
    }

    // MARK: columns

    struct Columns {
        var keys: [String] = []
        var labels: [String] = []
        var groups: [String?] = []
        var widths: [Double] = []
        func index(_ key: String) -> Int? { keys.firstIndex(of: key) }
        var projectCount: Int { keys.filter { $0.hasPrefix("project") }.count }
    }

    func columns(for form: Form) -> Columns {
        var c = Columns()
        for col in template.columns {
            if col.key == "project2" && template.projectColumns < 2 { continue }
            c.keys.append(col.key); c.labels.append(col.label); c.groups.append(col.group); c.widths.append(col.width)
        }
        if form.hasGrades || gradeColumns {
            c.keys += ["grade", "score"]; c.labels += ["档次", "得分"]; c.groups += [nil, nil]; c.widths += [6, 7]
        }
        return c
    }

    // MARK: layout

    /// An item row of the plan: where the item is in the form. Its cells are made from the form
    /// when they are measured or written (`itemCells`), not held: a 200,000-row form would hold
    /// some 1.6 million blocks.
    struct ItemRow {
        var row: Int
        var section: Int32, group: Int32, indicator: Int32, item: Int32
        /// The item's own 二级指标 text has a cell (职能/other sections, indicators of several rows).
        var textCell: Bool
    }

    struct Plan {
        var cols = Columns()
        /// Everything but the item rows' own cells: title, header, merged 一级指标 blocks, labels, totals.
        var blocks: [Block] = []
        /// The item rows, in order.
        var items: [ItemRow] = []
        var rowCount = 0
        var headerFirst = 0, headerLast = 0
        var bodyFirst = 0, bodyLast = 0
        /// 一级指标 blocks with the 合计 and tail they carry, for the page breaks.
        var keeps: [KeepTogether] = []
        /// Rows that begin a printed page (0-based), once `paginate` has run.
        var breaks: [Int] = []
        /// The unit's sheet row (1-based) → the written row (0-based): items, 合计 and the total.
        var sourceRows: [Int: Int] = [:]
        /// Written rows (0-based) that hold an item.
        var itemRows: [Int] = []
    }

    func layout(_ form: Form) -> Plan {
        var p = Plan()
        let cols = columns(for: form)
        p.cols = cols
        let last = cols.keys.count - 1
        let pc = cols.projectCount
        let k = { (key: String) -> Int in cols.index(key) ?? 0 }
        var r = 0
        func add(_ top: Int, _ left: Int, _ bottom: Int, _ right: Int, _ text: String?, _ style: Style,
                 number: Double? = nil, formula: String? = nil, pageText: String? = nil) {
            p.blocks.append(Block(top: top, left: left, bottom: bottom, right: right, text: text, number: number,
                                  formula: formula, style: style, pageText: pageText))
        }
        // The last keep grows over a 合计, the total and the tail: they never print alone.
        func extendKeep(to row: Int) {
            if p.keeps.isEmpty { p.keeps.append(KeepTogether(first: row, last: row)) } else { p.keeps[p.keeps.count - 1].last = row }
        }
        // Title and unit line, with room for the stamp.
        let unit = form.unit ?? ""
        let title = form.unit != nil && form.year != nil
            ? template.titlePattern.replacingOccurrences(of: "{year}", with: String(form.year!)).replacingOccurrences(of: "{unit}", with: unit)
            : (form.title ?? "绩效目标考评表")
        add(r, 0, r, last, title, .title); r += 1
        let unitLine = (template.unitLinePattern ?? "参评单位（盖章）：{unit}").replacingOccurrences(of: "{unit}", with: unit)
        let split = max(last - 3, 1)
        add(r, 0, r, split, unitLine, .unitLine)
        add(r, split + 1, r, last, form.date ?? "　　年　　月　　日", .date); r += 1

        // Header.
        p.headerFirst = r
        if template.headerRows >= 2 {
            var c = 0
            while c <= last {
                if let g = cols.groups[c] {
                    var e = c
                    while e + 1 <= last && cols.groups[e + 1] == g { e += 1 }
                    add(r, c, r, e, g, .header)
                    for i in c...e { add(r + 1, i, r + 1, i, cols.labels[i], .header) }
                    c = e + 1
                } else if cols.keys[c].hasPrefix("project") {
                    add(r, 0, r + 1, pc - 1, cols.labels[c], .header); c = pc
                } else {
                    add(r, c, r + 1, c, cols.labels[c], .header); c += 1
                }
            }
            r += 2
        } else {
            add(r, 0, r, max(pc - 1, 0), cols.labels[0], .header)
            for c in pc...last { add(r, c, r, c, cols.labels[c], .header) }
            r += 1
        }
        p.headerLast = r - 1
        p.bodyFirst = r

        // Body.
        let wCol = k("weight")
        let textFirst = k("basis"), textLast = k("level2")
        var totalRefs: [String] = []
        // Evaluated sheets: the 得分 column's totals beside the 权重 ones (issue 12).
        let sCol = cols.index("score")
        var scoreRefs: [String] = []
        func scoreTotal(_ row: Int, _ items: [Item], _ formula: String) {
            guard let sc = sCol else { return }
            add(row, sc, row, sc, nil, .number, number: KText.round(items.compactMap(\.score).reduce(0, +)), formula: formula)
        }
        for (si, s) in form.sections.enumerated() {
            let sectionTop = r
            // The unit's label (its points may be wrong: kept), without the wrap breaks of a narrow cell.
            let sectionLabel = KText.squeeze(s.label ?? template.section(s.kind)?.label ?? s.name)
            let civil = s.kind == .civility || s.kind == .safety
            for (gi, g) in s.groups.enumerated() {
                let groupTop = r
                for (ii, ind) in g.indicators.enumerated() {
                    let indTop = r
                    let oneRow = ind.items.count == 1 && ind.items[0].text == nil
                    for (ki, it) in ind.items.enumerated() {
                        p.items.append(ItemRow(row: r, section: Int32(si), group: Int32(gi), indicator: Int32(ii), item: Int32(ki),
                                               textCell: (s.kind == .functional || s.kind == .other) && !oneRow))
                        p.sourceRows[it.row] = r
                        p.itemRows.append(r)
                        r += 1
                    }
                    if ind.items.isEmpty { continue }
                    p.keeps.append(KeepTogether(first: indTop, last: r - 1, inner: Array((indTop + 1)..<r)))
                    if s.kind == .functional || s.kind == .other {
                        add(indTop, textFirst, r - 1, textFirst, ind.basis, .body)
                        if oneRow {
                            add(indTop, k("level1"), r - 1, textLast, ind.text, .body)
                        } else {
                            add(indTop, k("level1"), r - 1, k("level1"), ind.text, .body)
                        }
                    } else {
                        // 行政能力 and the like: the text spans 文件依据 … 二级指标.
                        let extra = ind.items.compactMap(\.text)
                        add(indTop, textFirst, r - 1, textLast, ([ind.text] + extra).joined(separator: "\n"), .body)
                    }
                }
                if r == groupTop { continue }
                // Group labels: in the second 项目 column, or with the section label in a single one.
                let gLabel = (g.label ?? g.name).map(KText.squeeze)
                if civil {
                    continue
                } else if pc >= 2 {
                    // An unlabelled group's empty merge is split too: every page's cells line up.
                    add(groupTop, 1, r - 1, 1, gLabel, .label, pageText: gLabel ?? "")
                } else if pc == 1 {
                    // One column: a page that begins inside a later group shows the section too.
                    let both = [sectionLabel, gLabel].compactMap { $0 }.joined(separator: "\n")
                    add(groupTop, 0, r - 1, 0, gi == 0 ? both : gLabel, .label, pageText: both)
                }
            }
            if r == sectionTop { continue }
            if civil {
                add(sectionTop, 0, r - 1, max(pc - 1, 0), sectionLabel, .label)
                totalRefs.append(cellRef(sectionTop, wCol) + (r - 1 > sectionTop ? ":" + cellRef(r - 1, wCol) : ""))
                if let sc = sCol { scoreRefs.append(cellRef(sectionTop, sc) + (r - 1 > sectionTop ? ":" + cellRef(r - 1, sc) : "")) }
                continue
            }
            if pc >= 2 {
                // A group-less section (no labels) spans both columns.
                let hasGroupLabels = s.groups.contains { $0.label != nil || $0.name != nil }
                add(sectionTop, 0, r - 1, hasGroupLabels ? 0 : 1, sectionLabel, .label, pageText: sectionLabel)
            }
            // 合计: a live SUM with its cached value.
            let sum = "=SUM(\(cellRef(sectionTop, wCol)):\(cellRef(r - 1, wCol)))"
            if let sr = s.subtotalRow { p.sourceRows[sr] = r }
            add(r, 0, r, wCol - 1, "合计", .label)
            add(r, wCol, r, wCol, nil, .number, number: KText.round(s.points), formula: sum)
            fillBlank(&p, row: r, from: wCol + 1, to: sCol.map { $0 - 1 } ?? last)
            if let sc = sCol {
                scoreTotal(r, s.items, "=SUM(\(cellRef(sectionTop, sc)):\(cellRef(r - 1, sc)))")
                scoreRefs.append(cellRef(r, sc))
                fillBlank(&p, row: r, from: sc + 1, to: last)
            }
            totalRefs.append(cellRef(r, wCol))
            extendKeep(to: r)
            r += 1
        }
        // 绩效目标考评得分.
        let totalLabel = template.totalLabel
        if let tc = form.totalCell.flatMap({ CellRef.parse(Substring($0)) }) { p.sourceRows[tc.row] = r }
        add(r, 0, r, wCol - 1, totalLabel, .label)
        add(r, wCol, r, wCol, nil, .number, number: KText.round(form.totalPoints), formula: "=SUM(\(totalRefs.joined(separator: ",")))")
        fillBlank(&p, row: r, from: wCol + 1, to: sCol.map { $0 - 1 } ?? last)
        if let sc = sCol {
            scoreTotal(r, form.items, "=SUM(\(scoreRefs.joined(separator: ",")))")
            fillBlank(&p, row: r, from: sc + 1, to: last)
        }
        p.bodyLast = r
        extendKeep(to: r)
        r += 2

        // Signatures: what the unit wrote, else the template's blank labels.
        let signed = form.trailer.map(\.text).filter { t in ["领导", "经办人", "联系电话", "互审", "负责人"].contains { t.contains($0) } }
        let sigLines = signed.isEmpty ? (template.signature.isEmpty ? [] : [template.signature.joined(separator: "　　　　　")]) : signed
        for line in sigLines { add(r, 0, r, last, line, .plain); r += 1 }
        // 备注 notes: the template's for the year.
        if !template.notes.isEmpty {
            add(r, 0, r, last, template.notesLabel ?? "备注：", .note); r += 1
            for n in template.notes { add(r, 0, r, last, n, .note); r += 1 }
        }
        // Score block, recomputed live when the form carries 档次 / 得分.
        if form.hasGrades || gradeColumns, let gc = cols.index("grade"), let sc = cols.index("score") {
            r += 1
            let a = p.bodyFirst, b = p.bodyLast - 1
            let gradeRange = "$\(colName(gc))$\(a + 1):$\(colName(gc))$\(b + 1)"
            let totalScore = form.items.compactMap(\.score).reduce(0, +)
            add(r, 1, r, 1, "总分", .header)
            // The 得分 column holds the 合计 totals too: 总分 is the 绩效目标考评得分 row's.
            add(r, 2, r, 2, nil, .number, number: KText.round(totalScore), formula: "=\(cellRef(p.bodyLast, sc))")
            add(r, 3, r, 3, "档次", .header); add(r, 4, r, 4, "个数", .header)
            var rows: [(String, Double, String)] = []
            var sr = p.bodyFirst
            for s in form.sections {
                let n = s.groups.reduce(0) { $0 + $1.indicators.reduce(0) { $0 + $1.items.count } }
                let sectionScore = s.items.compactMap(\.score).reduce(0, +)
                rows.append((s.name, sectionScore, "=SUM(\(cellRef(sr, sc)):\(cellRef(sr + n - 1, sc)))"))
                sr += n + ((s.kind == .functional || s.kind == .administrative || s.kind == .other) ? 1 : 0)
            }
            let grades = ["A+", "A", "A-", "B+", "B", "C"]
            for i in 0..<max(rows.count, grades.count) {
                let rr = r + 1 + i
                if i < rows.count {
                    add(rr, 1, rr, 1, rows[i].0, .bodyCenter)
                    add(rr, 2, rr, 2, nil, .number, number: KText.round(rows[i].1), formula: rows[i].2)
                }
                if i < grades.count {
                    let count = Double(form.items.filter { $0.grade == grades[i] }.count)
                    add(rr, 3, rr, 3, grades[i], .bodyCenter)
                    add(rr, 4, rr, 4, nil, .number, number: count, formula: "=COUNTIF(\(gradeRange),\"\(grades[i])\")")
                }
            }
            r += 1 + max(rows.count, grades.count)
        }
        p.rowCount = r
        extendKeep(to: r - 1)
        return p
    }

    /// The cells of an item row, in the order the plan had them, to `body`.
    func itemCells(_ e: ItemRow, of form: Form, _ cols: Columns, _ body: (Block) throws -> Void) rethrows {
        let it = form.sections[Int(e.section)].groups[Int(e.group)].indicators[Int(e.indicator)].items[Int(e.item)]
        let r = e.row
        func cell(_ c: Int, _ text: String?, _ style: Style, number: Double? = nil) throws {
            try body(Block(top: r, left: c, bottom: r, right: c, text: text, number: number, style: style))
        }
        let k = { (key: String) -> Int in cols.index(key) ?? 0 }
        let wCol = k("weight")
        try cell(k("code"), it.code, .bodyCenter)
        if e.textCell { try cell(k("level2"), it.text, .body) }
        try cell(wCol, nil, .number, number: it.weight)
        try cell(k("deadline"), it.deadline, .bodyCenter)
        try cell(k("leaders"), it.leaders.joined(separator: "\n"), .bodyCenter)
        try cell(k("departments"), it.departments.joined(separator: "\n"), .bodyCenter)
        try cell(k("persons"), it.persons.joined(separator: "\n"), .bodyCenter)
        if let rc = cols.index("remark") { try cell(rc, it.remark, .body) }
        if let gc = cols.index("grade") { try cell(gc, it.grade, .bodyCenter) }
        if let sc = cols.index("score") {
            if let live = liveScore, let gc = cols.index("grade") {
                try body(Block(top: r, left: sc, bottom: r, right: sc, text: nil, number: it.score,
                               formula: live(cellRef(r, wCol), cellRef(r, gc)), style: .number,
                               cachedText: it.score == nil ? "" : nil))
            } else {
                try cell(sc, nil, .number, number: it.score)
            }
        }
    }

    func fillBlank(_ p: inout Plan, row: Int, from: Int, to: Int) {
        guard from <= to else { return }
        for c in from...to { p.blocks.append(Block(top: row, left: c, bottom: row, right: c, text: nil, style: .body)) }
    }

    func colName(_ c: Int) -> String { CellRef.letters(c + 1) }
    func cellRef(_ r: Int, _ c: Int) -> String { colName(c) + String(r + 1) }

    // MARK: row heights

    /// The heights the item rows' own cells need, on rows of one line otherwise. Measured once
    /// per sheet: splitting the 项目 labels at page breaks changes blocks, never item cells.
    func itemHeights(_ plan: Plan, _ form: Form) -> [Double] {
        var h = Array(repeating: TextMetrics.height(lines: 1, fontSize: template.font.bodySize), count: plan.rowCount)
        for e in plan.items { itemCells(e, of: form, plan.cols) { b in h[b.top] = max(h[b.top], need(b, plan)) } }
        return h
    }

    /// The height a block's text needs in its columns.
    func need(_ b: Block, _ plan: Plan) -> Double {
        guard let t = b.text, !t.isEmpty else { return 0 }
        let body = template.font.bodySize
        let size: Double
        switch b.style {
        case .title: size = template.font.titleSize
        case .header: size = template.font.headerSize ?? body
        default: size = body
        }
        let width = plan.cols.widths[b.left...b.right].reduce(0, +)
        return TextMetrics.height(lines: TextMetrics.lines(t, width: width, fontSize: size), fontSize: size)
    }

    /// Heights that show every cell's text whole, merged cells included: single-row blocks and
    /// the item cells (`items`, from `itemHeights`) first, then tall merged blocks spread their
    /// shortfall over the rows they span.
    func rowHeights(_ plan: Plan, items: [Double]) -> [Double] {
        var h = items
        for b in plan.blocks where b.top == b.bottom { h[b.top] = max(h[b.top], need(b, plan)) }
        for b in plan.blocks where b.top != b.bottom {
            let have = h[b.top...b.bottom].reduce(0, +)
            let want = need(b, plan)
            if want > have {
                let add = (want - have) / Double(b.bottom - b.top + 1)
                for r in b.top...b.bottom { h[r] += add }
            }
        }
        if plan.rowCount > 1 { h[1] = max(h[1], 36) } // room for the stamp
        return h.map { min($0, 409) } // Excel's limit per row
    }

    // MARK: pages

    /// The page set-up the writer prints with.
    public static let page = PageSetup.a4Landscape

    /// The print scale (percent) that fits the plan's columns to the page width.
    func printScale(_ plan: Plan) -> Int { FormWriter.page.fitScale(columnWidths: plan.cols.widths) }

    /// Page breaks between 一级指标 blocks, and the 项目 labels split at them so that every page
    /// shows its own. Splitting can make rows taller (a label on fewer rows), which can move a
    /// break: heights only grow, a few rounds settle it.
    func paginate(_ plan: Plan, _ form: Form) -> (plan: Plan, heights: [Double]) {
        let pageHeight = FormWriter.page.rowsHeight(scale: printScale(plan))
        let repeatRows = plan.headerFirst <= plan.headerLast ? plan.headerFirst...plan.headerLast : nil
        let items = itemHeights(plan, form)
        var heights = rowHeights(plan, items: items)
        var out = plan
        for _ in 0..<6 {
            let breaks = Pagination.breaks(heights: heights, repeatRows: repeatRows, keeps: plan.keeps, pageHeight: pageHeight)
            out = splitLabels(plan, at: breaks)
            let again = zip(heights, rowHeights(out, items: items)).map { max($0, $1) }
            if again == heights { break }
            heights = again
        }
        return (out, heights)
    }

    /// The plan with each 项目 label merge cut at the page breaks; every piece that opens a page
    /// carries the label's `pageText` (the same words: the mapper reads a repeated label as one).
    func splitLabels(_ plan: Plan, at breaks: [Int]) -> Plan {
        var p = plan
        p.breaks = breaks
        p.blocks = []
        let starts = Set(breaks)
        for b in plan.blocks {
            guard let text = b.pageText else { p.blocks.append(b); continue }
            for (i, rows) in Pagination.split(top: b.top, bottom: b.bottom, at: breaks).enumerated() {
                var piece = b
                piece.top = rows.lowerBound; piece.bottom = rows.upperBound
                // A piece that opens a page (a later group's too, in one column) shows the page's label.
                if i > 0 || starts.contains(piece.top) { piece.text = text }
                p.blocks.append(piece)
            }
        }
        return p
    }
}
