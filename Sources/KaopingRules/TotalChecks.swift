import KaopingModel

/// Stale totals: a 合计 or 绩效目标考评得分 formula that no longer covers the rows it should
/// (rows added below its SUM range) or whose references are lost (`#REF!`).
extension Checker {
    /// The sheet rows a sum formula adds up in one column: `SUM(G5:G30)`, `G5+G9`,
    /// `SUM(G5:G9,G12)`, `$G$5`. Nil when the formula is anything else (another function,
    /// another column or sheet, a constant) — then nothing is said about its range.
    static func summedRows(_ formula: String, column: String) -> [ClosedRange<Int>]? {
        var t = Substring(formula.uppercased().filter { $0 != " " && $0 != "$" })
        if t.hasPrefix("=") { t = t.dropFirst() }
        var ranges: [ClosedRange<Int>] = []
        var i = t.startIndex
        func ref() -> (String, Int)? {
            var letters = "", digits = ""
            while i < t.endIndex, t[i].isASCII, t[i].isLetter { letters.append(t[i]); i = t.index(after: i) }
            while i < t.endIndex, t[i].isASCII, t[i].isNumber { digits.append(t[i]); i = t.index(after: i) }
            guard !letters.isEmpty, let n = Int(digits), n > 0, n <= 1_048_576 else { return nil }
            return (letters, n)
        }
        while i < t.endIndex {
            if t[i...].hasPrefix("SUM(") { i = t.index(i, offsetBy: 4); continue }
            if "()+,".contains(t[i]) { i = t.index(after: i); continue }
            guard let (c1, r1) = ref(), c1 == column else { return nil }
            var r2 = r1
            if i < t.endIndex, t[i] == ":" {
                i = t.index(after: i)
                guard let (c2, b) = ref(), c2 == column else { return nil }
                r2 = b
            }
            ranges.append(min(r1, r2)...max(r1, r2))
        }
        return ranges.isEmpty ? nil : ranges
    }

    /// Rows as people read them: `第 31–40 行`, `第 12、15 行`.
    static func rowList(_ rows: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < rows.count {
            var j = i
            while j + 1 < rows.count, rows[j + 1] == rows[j] + 1 { j += 1 }
            parts.append(j > i ? "\(rows[i])–\(rows[j])" : "\(rows[i])")
            i = j + 1
        }
        return "第 " + parts.joined(separator: "、") + " 行"
    }

    func weightLetters(_ f: Form) -> String? { f.layout.columns[.weight].map(CellRef.letters) }

    /// A 合计 whose SUM misses some of its section's item rows: `section.subtotal-range`. True when said.
    func checkSubtotalRange(_ s: Section, _ form: Form, _ out: inout Findings) -> Bool {
        guard let f = s.subtotalFormula, let col = weightLetters(form),
              let ranges = Checker.summedRows(f, column: col) else { return false }
        let missed = s.items.map(\.row).filter { r in !ranges.contains { $0.contains(r) } }.sorted()
        guard !missed.isEmpty else { return false }
        let shown = s.subtotal.map { "\(Checker.fmt($0)) 分" } ?? "空值"
        out.add(.sectionSubtotalRange, s.subtotalCell,
                "「\(s.name)」合计公式 =\(f) 未包括\(Checker.rowList(missed))的权重：表中显示 \(shown)，按各项权重应为 \(Checker.fmt(s.points)) 分")
        return true
    }

    /// A 绩效目标考评得分 whose formula holds `#REF!` (`total.formula-broken`) or whose SUM misses
    /// 合计 or item rows (`total.formula-range`). True when said.
    func checkTotalFormula(_ form: Form, _ out: inout Findings) -> Bool {
        guard let f = form.totalFormula else { return false }
        let total = form.totalPoints
        let shown = form.totalDeclared.map { "\(Checker.fmt($0)) 分" } ?? "错误值"
        if f.uppercased().contains("#REF!") {
            out.add(.totalFormulaBroken, form.totalCell,
                    "绩效目标考评得分的公式 =\(f) 含失效的引用 #REF!：表中显示 \(shown)，按各项权重应为 \(Checker.fmt(total)) 分")
            return true
        }
        guard let col = weightLetters(form), let ranges = Checker.summedRows(f, column: col) else { return false }
        // The total adds the 合计 rows when the sheet has them (and it names one), else the items.
        let subtotalRows = form.sections.compactMap(\.subtotalRow)
        let usesSubtotals = !subtotalRows.isEmpty && subtotalRows.contains { r in ranges.contains { $0.contains(r) } }
        let wanted = usesSubtotals ? subtotalRows : form.items.map(\.row)
        let missed = wanted.filter { r in !ranges.contains { $0.contains(r) } }.sorted()
        guard !missed.isEmpty else { return false }
        out.add(.totalFormulaRange, form.totalCell,
                "绩效目标考评得分的公式 =\(f) 未包括\(Checker.rowList(missed))\(usesSubtotals ? "（合计行）" : "")：表中显示 \(shown)，按各项权重应为 \(Checker.fmt(total)) 分")
        return true
    }
}
