import Foundation

/// Text normalisation for what units type into their sheets.
public enum KText {
    /// Full-width ASCII (`２`, `．`, `（`) folded to half-width; the ideographic space to a space.
    public static func halfWidth(_ s: String) -> String {
        // Full-width ASCII is EF BC 81…EF BD 9E in UTF-8 (U+FF01…U+FF5E), the ideographic space
        // E3 80 80. Rewritten byte by byte: Chinese text nearly always has some (，（）).
        let u = Array(s.utf8)
        guard u.contains(where: { $0 == 0xEF || $0 == 0xE3 }) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            let b = u[i]
            if b == 0xEF, i + 2 < u.count, u[i + 1] == 0xBC || u[i + 1] == 0xBD {
                let scalar = 0xF000 | (UInt32(u[i + 1] & 0x3F) << 6) | UInt32(u[i + 2] & 0x3F)
                if scalar >= 0xFF01 && scalar <= 0xFF5E {
                    out.append(UInt8(scalar - 0xFEE0)); i += 3; continue
                }
            } else if b == 0xE3, i + 2 < u.count, u[i + 1] == 0x80, u[i + 2] == 0x80 {
                out.append(0x20); i += 3; continue
            }
            out.append(b); i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text with every kind of white space removed (labels are printed with wrap spaces).
    public static func squeeze(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isSpace) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars where !isSpace(u) { out.append(u) }
        return String(out)
    }

    public static func trim(_ s: String) -> String {
        let u = s.unicodeScalars
        guard let first = u.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = u.lastIndex(where: { !isSpace($0) })!
        if first == u.startIndex && last == u.index(before: u.endIndex) { return s }
        return String(u[first...last])
    }

    /// White space as units type it, including the ideographic space and zero-width space.
    @inline(__always) static func isSpace(_ u: Unicode.Scalar) -> Bool {
        if u.value < 0x80 { return u.value == 0x20 || (u.value >= 0x09 && u.value <= 0x0D) }
        // Unicode's White_Space set above ASCII, plus the zero-width space and BOM; listed, because
        // a property look-up per CJK character is slow.
        switch u.value {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
        default: return false
        }
    }

    /// A number as units write it: `2`, `1.5分`, `２`, ` 1.5 `. Nil when it is not one.
    public static func number(_ s: String) -> Double? {
        var t = squeeze(halfWidth(s))
        if t.hasSuffix("分") { t.removeLast() }
        guard !t.isEmpty, t.count < 40 else { return nil }
        guard t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }) else { return nil }
        return Double(t)
    }

    /// Points at the end of a 一级指标 text: `…（4分）`, `…(5 分)`; the last such bracket wins.
    public static func trailingPoints(_ s: String) -> Double? {
        let t = squeeze(halfWidth(s))
        guard t.hasSuffix("分)") else { return nil }
        guard let open = t.lastIndex(of: "(") else { return nil }
        let inner = t[t.index(after: open)..<t.index(t.endIndex, offsetBy: -2)]
        return Double(inner)
    }

    /// Points anywhere in a label: `职能工作目标（68分）`, `职能工作目标80分`, `科学行政 (4分)`.
    public static func labelPoints(_ s: String) -> Double? {
        let t = squeeze(halfWidth(s))
        guard let fen = t.lastIndex(of: "分") else { return nil }
        var start = fen
        while start > t.startIndex {
            let p = t.index(before: start)
            if t[p].isASCII && (t[p].isNumber || t[p] == ".") { start = p } else { break }
        }
        return start == fen ? nil : Double(t[start..<fen])
    }

    /// A label's name: white space, brackets and points removed (`管理 创新 (6 分)` → `管理创新`).
    public static func labelName(_ s: String) -> String {
        var t = squeeze(halfWidth(s))
        // Drop a points suffix in or out of brackets.
        if let fen = t.lastIndex(of: "分"), labelPoints(String(t[...fen])) != nil {
            var start = fen
            while start > t.startIndex {
                let p = t.index(before: start)
                if t[p].isASCII && (t[p].isNumber || t[p] == ".") { start = p } else { break }
            }
            var lo = start, hi = t.index(after: fen)
            if lo > t.startIndex, t[t.index(before: lo)] == "(" { lo = t.index(before: lo) }
            if hi < t.endIndex, t[hi] == ")" { hi = t.index(after: hi) }
            t.removeSubrange(lo..<hi)
        }
        return t
    }

    /// Names or departments in one cell: split on 、，,/／;；, white space and line breaks (a
    /// trailing 、 is no name); two lone characters with only spaces between them (`李 昀`,
    /// `李　昀`) are one padded two-character name. A line break never joins.
    public static func names(_ s: String?) -> [String] {
        guard let s else { return [] }
        // Tokens, each with whether only spaces (no line break, no separator) came before it.
        var tokens: [(text: String, spaced: Bool)] = []
        var cur = ""
        var spacedOnly = true   // what lies between the last token and the current position
        for ch in s {
            let hard = ch == "、" || ch == "," || ch == "，" || ch == "/" || ch == "／" || ch == ";" || ch == "；"
                || ch == "､" || ch.isNewline
            if hard || ch.isWhitespace {
                if !cur.isEmpty { tokens.append((cur, spacedOnly)); cur = ""; spacedOnly = true }
                if hard { spacedOnly = false }
                continue
            }
            cur.append(ch)
        }
        if !cur.isEmpty { tokens.append((cur, spacedOnly)) }
        var out: [String] = []
        var i = 0
        while i < tokens.count {
            if tokens[i].text.count == 1, i + 1 < tokens.count, tokens[i + 1].text.count == 1, tokens[i + 1].spaced {
                out.append(tokens[i].text + tokens[i + 1].text); i += 2
            } else {
                out.append(tokens[i].text); i += 1
            }
        }
        return out
    }

    /// `1-2-3` style codes: segments of digits joined by `-` (dashes normalised).
    public static func code(_ s: String) -> String? { codeRetyped(s)?.code }

    /// Dashes units type between a code's digits: the hyphen-minus's look-alikes (U+2010–2015,
    /// the minus sign U+2212, the small and full-width hyphen-minus U+FE58, U+FE63, U+FF0D).
    @inline(__always) static func isDash(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x2D, 0x5F, 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return true
        default: return false
        }
    }

    /// The code and whether it was typed differently from its normal form: full-width digits,
    /// another dash, spaces inside or around it (also U+3000). A trailing `.`/`、` is no retyping.
    /// Nil when the text is no code.
    public static func codeRetyped(_ s: String) -> (code: String, retyped: Bool)? {
        var out = String.UnicodeScalarView()
        var retyped = false
        var n = 0
        for u in s.unicodeScalars {
            n += 1
            if n > 64 { return nil }
            if u.value >= 0x30 && u.value <= 0x39 { out.append(u) }
            else if u.value >= 0xFF10 && u.value <= 0xFF19 { out.append(Unicode.Scalar(u.value - 0xFEE0)!); retyped = true }
            else if isDash(u) { out.append("-"); if u.value != 0x2D { retyped = true } }
            else if isSpace(u) { retyped = true }
            else { out.append(u) }
        }
        var t = String(out)
        while let l = t.last, ".、,，。．".contains(l) { t.removeLast() } // `1-1-1.`, `4-1、`
        guard !t.isEmpty, t.count <= 24 else { return nil }
        let segs = t.split(separator: "-", omittingEmptySubsequences: false)
        guard segs.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        return (t, retyped)
    }

    public static func round(_ d: Double) -> Double { (d * 1_000_000).rounded() / 1_000_000 }
}

extension String {
    /// Substring test on the UTF-8 bytes; Foundation's `contains` goes through NSString and is
    /// many times slower on the mapper's hot path.
    public func has(_ needle: String) -> Bool {
        if needle.isEmpty { return true }
        var hay = self, nee = needle
        return hay.withUTF8 { h in
            nee.withUTF8 { n in
                guard h.count >= n.count else { return false }
                let first = n[0], last = h.count - n.count
                var i = 0
                while i <= last {
                    if h[i] == first && memcmp(h.baseAddress! + i, n.baseAddress!, n.count) == 0 { return true }
                    i += 1
                }
                return false
            }
        }
    }
}
