import Foundation
import GridKit

/// One row at a time: totals, 合计, trailer (signatures, notes, score block), or a body row.
extension Mapping {
    // MARK: rows

    mutating func readRow(_ r: Int) {
        let own = grid.row(r).filter { !$0.isEmpty && !Mapping.isPicture($0) }
        if own.isEmpty { return }
        if inTrailer { readTrailer(own); return }
        if FormMapper.isHeaderRow(own) {
            own.forEach { take($0) }
            return
        }
        // Each cell's text and label key once (labels are short: long texts are folded from
        // their first 40 characters only).
        let w = column(.weight) ?? Int.max
        var labelText: [String] = [], squeezed: [String] = []
        for c in own {
            guard let t = text(c) else { continue }
            // Only a text that can pass one of the tests below is folded; the others stand as ""
            // (which passes none): most cells are item texts, names and dates.
            let k = Mapping.mayHoldLabelKey(t) ? Mapping.labelKey(t) : ""
            squeezed.append(k)
            if c.col < w { labelText.append(k) }
        }
        if let total = labelText.first(where: { $0.has("考评得分") || $0 == "总计" }) {
            form.totalDeclared = weightValue(r)
            form.totalCell = weightCell(r)?.ref
            form.totalFormula = weightCell(r)?.formula
            form.totalLabel = total
            takeSummaryRow(r, own)
            form.layout.lastBodyRow = r
            inTrailer = true
            return
        }
        if labelText.contains(where: { $0.begins(with: "合计") || $0.begins(with: "小计") }) {
            // 合计 closes the current section.
            if !form.sections.isEmpty {
                let i = form.sections.count - 1
                form.sections[i].subtotal = weightValue(r)
                form.sections[i].subtotalCell = weightCell(r)?.ref
                form.sections[i].subtotalRow = r
                form.sections[i].subtotalFormula = weightCell(r)?.formula
            }
            takeSummaryRow(r, own)
            // A project label that starts on this row still counts (e.g. a group label drawn into 合计).
            readLabels(r)
            form.layout.lastBodyRow = r
            return
        }
        // A page break's `续表` line, or a note row `（注：以上指标…）`, is no item: the line is the
        // sheet's layout, the note is kept with the lines under the table.
        if !squeezed.isEmpty, squeezed.allSatisfy(Mapping.isContinuationLine) { own.forEach { take($0) }; return }
        // (A note beside the table, outside its columns, stays unmapped and is reported.)
        if !squeezed.isEmpty, squeezed.allSatisfy(Mapping.isNote), form.sections.count > 0,
           own.allSatisfy({ $0.col >= left && $0.col <= right }) {
            for c in own { take(c); if let t = text(c) { form.trailer.append((c.ref, t)) } }
            return
        }
        if form.sections.count > 0, squeezed.contains(where: Mapping.startsTrailer) {
            inTrailer = true
            readTrailer(own)
            return
        }
        readLabels(r)
        // A row with nothing in the table's own columns (only a 项目 label, or a stray note
        // beside the table) is no item; a stray cell stays unconsumed and is reported.
        let firstCol = (projectCols.last ?? (left - 1)) + 1
        guard own.contains(where: { $0.col >= firstCol && $0.col <= right }) else { return }
        readBody(r)
        form.layout.lastBodyRow = r
    }

    /// A 合计 or total row: its label cells, the weight and the score are the model's;
    /// anything else written on it is left to be reported.
    mutating func takeSummaryRow(_ r: Int, _ own: [Cell]) {
        let w = column(.weight) ?? Int.max
        for c in own where c.col < w { take(c) }
        take(weightCell(r))
        if let sc = column(.score) { take(grid.visibleCell(r, sc)) }
    }

    /// A cell's text folded for label tests, from its first 40 characters only.
    static func labelKey(_ t: String) -> String { KText.folded(t, limit: 40) }

    /// The words `readRow`'s label tests look for: at the start of a key (合计, 小计, 总计 and the
    /// signature words of `trailerStarts`), or anywhere in it (考评得分, 续表, a 注 note).
    static let labelStartWords = ["合计", "小计", "总计"] + trailerStarts
    static let labelInnerWords = ["考评得分", "续", "注"]
    /// Their first characters' UTF-8 as integers (each a three-byte character).
    static let labelStarts = labelStartWords.map(first3), labelInner = labelInnerWords.map(first3)

    /// False when no label test of `readRow` can pass on the text's key, told from its bytes: the
    /// key would have to begin with the first character of a `labelStartWords` word, or hold that
    /// of a `labelInnerWords` word within the 40 characters it keeps. The key's first character is
    /// the text's first that is not white space (folding only drops spaces and makes full-width
    /// ASCII half-width).
    static func mayHoldLabelKey(_ t: String) -> Bool {
        let starts = labelStarts, inner = labelInner
        var s = t
        return s.withUTF8 { u -> Bool in
            let n = u.count
            var i = 0, scalars = 0, first = true
            while i < n && scalars < 40 {
                let b = u[i]
                let len = KText.scalarLength(b)
                scalars += 1
                if b < 0x80 {
                    if first && !(b == 0x20 || (b >= 0x09 && b <= 0x0D)) { first = false }
                    i += 1
                    continue
                }
                if KText.spaceLength(u, i) > 0 { i += len; continue }
                if len == 3 && i + 2 < n {
                    let c = UInt32(b) << 16 | UInt32(u[i + 1]) << 8 | UInt32(u[i + 2])
                    if inner.contains(c) || (first && starts.contains(c)) { return true }
                }
                first = false
                i += len
            }
            return false
        }
    }

    /// `续表`, `(续表)`, `续表2`, `续上表` (folded text).
    static func isContinuationLine(_ k: String) -> Bool {
        var t = Substring(k)
        guard k.has("续") else { return false }
        if t.hasPrefix("(") && t.hasSuffix(")") { t = t.dropFirst().dropLast() }
        guard t.hasPrefix("续表") || t == "续上表" else { return false }
        return t.dropFirst(2).allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A note row: `(注:以上指标…)`, `注:…`, `注1:…` (folded text).
    static func isNote(_ k: String) -> Bool {
        guard k.utf8.count >= 4, k.has("注") else { return false }
        var t = Substring(k)
        if t.hasPrefix("(") { t = t.dropFirst() }
        guard t.hasPrefix("注") else { return false }
        t = t.dropFirst().drop { $0.isASCII && $0.isNumber }
        return t.hasPrefix(":")
    }

    static let trailerStarts = ["单位主要领导", "主要领导", "经办人", "联系电话", "绩效同组互审", "备注:", "备注：", "总分", "填表人"]
    /// The first characters' UTF-8 (3 bytes each) of `trailerStarts`, as integers: most cells are
    /// ruled out by their first character alone (nine prefix tests a cell were 2 % of a batch).
    static let trailerFirsts: Set<UInt32> = Set(trailerStarts.map { first3($0) })
    @inline(__always) static func first3(_ k: String) -> UInt32 {
        var u = k.utf8.makeIterator()
        guard let a = u.next(), let b = u.next(), let c = u.next() else { return 0 }
        return UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
    }
    static func startsTrailer(_ k: String) -> Bool {
        guard trailerFirsts.contains(first3(k)) else { return false }
        return trailerStarts.contains { k.begins(with: $0) }
    }

    mutating func readTrailer(_ own: [Cell]) {
        for c in own {
            take(c)
            guard let t = text(c) else { continue }
            form.trailer.append((c.ref, t))
            if form.date == nil, let d = Mapping.date(in: t), KText.squeeze(t).count <= 16 {
                form.date = d
                if form.year == nil, let y = Int(d.prefix(4)), (2000...2100).contains(y) { form.year = y }
            }
        }
    }

    func weightCell(_ r: Int) -> Cell? {
        if let w = column(.weight), let c = grid.visibleCell(r, w), c.value != nil || c.formula != nil { return c }
        return nil
    }
    func weightValue(_ r: Int) -> Double? {
        guard let c = weightCell(r) else { return nil }
        if case .number(let d)? = c.value { return d }
        return text(c).flatMap(KText.number)
    }
}
