import Foundation

/// Text normalisation for what units type into their sheets.
public enum KText {
    /// Full-width ASCII (`２`, `．`, `（`) folded to half-width; the ideographic space to a space.
    public static func halfWidth(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.value >= 0xFF01 && u.value <= 0xFF5E, let h = Unicode.Scalar(u.value - 0xFEE0) {
                out.append(h)
            } else if u.value == 0x3000 {
                out.append(" ")
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// The text with every kind of white space removed (labels are printed with wrap spaces).
    public static func squeeze(_ s: String) -> String {
        String(s.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "\u{200B}" }.map(Character.init))
    }

    public static func trim(_ s: String) -> String {
        s.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{200B}\u{3000}")))
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

    /// Names or departments in one cell: split on white space and line breaks; a name padded
    /// to two characters (`李 昀`, `刘  滨`) is one person.
    public static func names(_ s: String?) -> [String] {
        guard let s else { return [] }
        let tokens = halfWidthSeparators(s).split(whereSeparator: { $0.isWhitespace || $0 == "、" || $0 == "," || $0 == "，" || $0 == "/" || $0 == ";" || $0 == "；" })
            .map(String.init).filter { !$0.isEmpty }
        var out: [String] = []
        var i = 0
        while i < tokens.count {
            // Two lone characters in a row are one padded two-character name.
            if tokens[i].count == 1, i + 1 < tokens.count, tokens[i + 1].count == 1,
               isPaddedPair(s, tokens[i], tokens[i + 1]) {
                out.append(tokens[i] + tokens[i + 1]); i += 2
            } else {
                out.append(tokens[i]); i += 1
            }
        }
        return out
    }

    private static func halfWidthSeparators(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{3000}", with: " ")
    }

    /// The two characters are separated only by spaces (not a line break) in the cell.
    private static func isPaddedPair(_ s: String, _ a: String, _ b: String) -> Bool {
        guard let ra = s.range(of: a) else { return false }
        let rest = s[ra.upperBound...]
        guard let rb = rest.range(of: b) else { return false }
        let between = rest[..<rb.lowerBound]
        return !between.isEmpty && between.allSatisfy { $0 == " " || $0 == "\u{3000}" }
    }

    /// `1-2-3` style codes: segments of digits joined by `-` (dashes normalised).
    public static func code(_ s: String) -> String? {
        var t = squeeze(halfWidth(s))
        t = t.replacingOccurrences(of: "—", with: "-").replacingOccurrences(of: "－", with: "-")
            .replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "_", with: "-")
        while let l = t.last, ".、,，。".contains(l) { t.removeLast() } // `1-1-1.`, `4-1、`
        guard !t.isEmpty, t.count <= 24 else { return nil }
        let segs = t.split(separator: "-", omittingEmptySubsequences: false)
        guard segs.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        return t
    }

    public static func round(_ d: Double) -> Double { (d * 1_000_000).rounded() / 1_000_000 }
}
