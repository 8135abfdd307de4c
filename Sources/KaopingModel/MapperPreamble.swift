import Foundation
import GridKit

/// The run over the rows, and the preamble above the header: title, 参评单位, date, year.
extension Mapping {
    // MARK: the run

    mutating func run() {
        readPreamble()
        // Only rows that hold a cell: a sheet of a million empty rows costs nothing.
        for r in grid.rowsWithCells where r > headerBottom { readRow(r) }
        finish()
    }

    mutating func readPreamble() {
        // A Word document's title and 参评单位 lines are paragraphs above its table.
        for t in grid.preamble where !KText.trim(t).isEmpty { readPreambleText(KText.trim(t), cell: nil) }
        for r in stride(from: 1, to: headerTop, by: 1) {
            for c in grid.row(r) {
                guard let t = text(c) else { continue }
                take(c)
                readPreambleText(t, cell: c.ref)
            }
        }
        if let title = form.title {
            let (year, unit) = Mapping.titleParts(title)
            form.year = year
            if form.unit == nil { form.unit = unit }
        }
        if form.year == nil, let d = form.date, let y = Int(d.prefix(4)), (2000...2100).contains(y) {
            form.year = y  // a title without its year: the date's year
        }
    }

    /// One text above the header: the 参评单位 line, a date, the title, or a note kept for the writer.
    mutating func readPreambleText(_ t: String, cell: String?) {
        let sq = KText.squeeze(KText.halfWidth(t))
        if sq.has("参评单位") {
            if let i = t.firstIndex(where: { $0 == "：" || $0 == ":" }) {
                var u = KText.trim(String(t[t.index(after: i)...]))
                // A paragraph may carry the date after the unit (`泉州市应急管理局　　2021年7月28日`).
                if let d = u.range(of: #"\d{4}\s*(年|[.\-/]\d)"#, options: .regularExpression) {
                    if form.date == nil { form.date = Mapping.date(in: String(u[d.lowerBound...])) }
                    u = KText.trim(String(u[..<d.lowerBound]))
                }
                if !u.isEmpty { form.unit = u }
            }
        } else if let d = Mapping.date(in: t), form.date == nil, sq.count <= 16 {
            form.date = d
        } else if sq.has("考评表") {
            var title = t
            for p in ["附件：", "附件:", "附件"] where title.hasPrefix(p) {
                title = KText.trim(String(title.dropFirst(p.count)))
            }
            if form.title == nil || (form.title!.hasPrefix("附件")) { form.title = title }
        } else if let cell {
            form.trailer.append((cell, t))
        }
    }

    static func date(in s: String) -> String? {
        // A date has at least four digits in a row; most cells do not, and skip the regex.
        var run = 0, seen = false
        for b in s.utf8 { if b >= 0x30 && b <= 0x39 { run += 1; if run >= 4 { seen = true; break } } else { run = 0 } }
        guard seen || s.utf8.contains(0xEF) else { return nil }
        let t = KText.squeeze(KText.halfWidth(s))
        let patterns = [#"\d{4}年\d{1,2}月\d{1,2}日"#, #"\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}"#]
        for p in patterns {
            if let r = t.range(of: p, options: .regularExpression) { return String(t[r]) }
        }
        return nil
    }

    /// `2024年度泉州市国资委绩效目标考评表` or `泉州市交通运输局2019年度绩效目标考评表` → (year, unit).
    /// A generic title (`…市直机关政府系列…`) names no unit.
    static func titleParts(_ title: String) -> (Int?, String?) {
        let t = KText.squeeze(KText.halfWidth(title))
        guard let yr = t.range(of: #"\d{4}年度?"#, options: .regularExpression) else { return (nil, nil) }
        let year = Int(t[yr].prefix(4))
        var unit: String? = nil
        if let end = t.range(of: "绩效目标考评表") ?? t.range(of: "考评表") {
            let before = String(t[t.startIndex..<yr.lowerBound])
            let after = yr.upperBound <= end.lowerBound ? String(t[yr.upperBound..<end.lowerBound]) : ""
            let cand = before.isEmpty ? after : before
            let generic = ["市直", "系列", "驻泉", "各单位", "单位绩效"]
            if !cand.isEmpty && !generic.contains(where: { cand.contains($0) }) { unit = cand }
        }
        return (year, unit)
    }
}
