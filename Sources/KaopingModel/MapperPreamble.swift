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
        let sq = KText.folded(t)
        if sq.has("参评单位") {
            if let i = t.firstIndex(where: { $0 == "：" || $0 == ":" }) {
                var u = KText.trim(String(t[t.index(after: i)...]))
                // A paragraph may carry the date after the unit (`泉州市应急管理局　　2021年7月28日`).
                if let d = Mapping.dateStart(in: u) {
                    if form.date == nil { form.date = Mapping.date(in: String(u[d...])) }
                    u = KText.trim(String(u[..<d]))
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
        let t = KText.folded(s)
        // `\d{4}年\d{1,2}月\d{1,2}日` anywhere, else `\d{4}[.-/]\d{1,2}[.-/]\d{1,2}`, scanned
        // by hand: compiling a regular expression costs more than mapping a whole sheet.
        let b = Array(t.utf8)
        return (DateScan.find(b, kanji: true) ?? DateScan.find(b, kanji: false)).map { String(decoding: b[$0], as: UTF8.self) }
    }

    /// Where a date starts in a 参评单位 line: four digits (half- or full-width), optional white
    /// space, then 年 or a separator and a digit (`泉州市应急管理局　　2021年7月28日`).
    static func dateStart(in u: String) -> String.Index? {
        let scalars = Array(u.unicodeScalars.indices)
        let sv = u.unicodeScalars
        func digit(_ k: Int) -> Bool {
            guard k < scalars.count else { return false }
            let v = sv[scalars[k]].value
            return (v >= 0x30 && v <= 0x39) || (v >= 0xFF10 && v <= 0xFF19)
        }
        var i = 0
        while i + 4 <= scalars.count {
            if digit(i) && digit(i + 1) && digit(i + 2) && digit(i + 3) {
                var j = i + 4
                while j < scalars.count, sv[scalars[j]].properties.isWhitespace { j += 1 }
                if j < scalars.count {
                    let v = sv[scalars[j]].value
                    if v == 0x5E74 { return scalars[i] }                                        // 年
                    if (v == 0x2E || v == 0x2D || v == 0x2F) && digit(j + 1) { return scalars[i] }  // . - /
                }
            }
            i += 1
        }
        return nil
    }

    /// `2024年度泉州市国资委绩效目标考评表` or `泉州市交通运输局2019年度绩效目标考评表` → (year, unit).
    /// A generic title (`…市直机关政府系列…`) names no unit.
    static func titleParts(_ title: String) -> (Int?, String?) {
        let t = KText.folded(title)
        guard let yr = DateScan.yearInTitle(t) else { return (nil, nil) }
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

/// The date patterns of the preamble, scanned on UTF-8 bytes of folded text (ASCII digits).
enum DateScan {
    static let nian: [UInt8] = Array("年".utf8), yue: [UInt8] = Array("月".utf8), ri: [UInt8] = Array("日".utf8)
    static let du: [UInt8] = Array("度".utf8)

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func digits(_ b: [UInt8], _ i: Int, _ most: Int) -> Int {
        var k = 0
        while k < most, i + k < b.count, isDigit(b[i + k]) { k += 1 }
        return k
    }
    static func has(_ b: [UInt8], _ i: Int, _ w: [UInt8]) -> Bool {
        i + w.count <= b.count && b[i..<(i + w.count)].elementsEqual(w)
    }
    static func isSeparator(_ b: [UInt8], _ i: Int) -> Bool {
        i < b.count && (b[i] == 0x2E || b[i] == 0x2D || b[i] == 0x2F)
    }

    /// The first match of `\d{4}年\d{1,2}月\d{1,2}日` (kanji) or `\d{4}[.-/]\d{1,2}[.-/]\d{1,2}`.
    /// A one- or two-digit field followed by a fixed mark needs no backtracking: a third digit
    /// where the mark should be fails either way.
    static func find(_ b: [UInt8], kanji: Bool) -> Range<Int>? {
        var i = 0
        while i + 4 <= b.count {
            defer { i += 1 }
            guard digits(b, i, 4) == 4 else { continue }
            var j = i + 4
            if kanji {
                guard has(b, j, nian) else { continue }
                j += nian.count
                let m = digits(b, j, 2)
                guard m > 0, has(b, j + m, yue) else { continue }
                j += m + yue.count
                let d = digits(b, j, 2)
                guard d > 0, has(b, j + d, ri) else { continue }
                return i..<(j + d + ri.count)
            } else {
                guard isSeparator(b, j) else { continue }
                j += 1
                let m = digits(b, j, 2)
                guard m > 0, isSeparator(b, j + m) else { continue }
                j += m + 1
                let d = digits(b, j, 2)
                guard d > 0 else { continue }
                return i..<(j + d)
            }
        }
        return nil
    }

    /// `\d{4}年度?` in a folded title.
    static func yearInTitle(_ t: String) -> Range<String.Index>? {
        let b = Array(t.utf8)
        var i = 0
        while i + 4 <= b.count {
            if digits(b, i, 4) == 4, has(b, i + 4, nian) {
                var end = i + 4 + nian.count
                if has(b, end, du) { end += du.count }
                let u = t.utf8
                return u.index(u.startIndex, offsetBy: i)..<u.index(u.startIndex, offsetBy: end)
            }
            i += 1
        }
        return nil
    }
}
