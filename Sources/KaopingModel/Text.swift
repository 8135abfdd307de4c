import Foundation

/// Text normalisation for what units type into their sheets.
public enum KText {
    /// Full-width ASCII (`２`, `．`, `（`) folded to half-width; the ideographic space to a space.
    public static func halfWidth(_ s: String) -> String {
        // Full-width ASCII is EF BC 81…EF BD 9E in UTF-8 (U+FF01…U+FF5E), the ideographic space
        // E3 80 80. Rewritten byte by byte: Chinese text nearly always has some (，（）).
        fold(s, squeezing: false, limit: Int.max)
    }

    /// The text with every kind of white space removed (labels are printed with wrap spaces).
    public static func squeeze(_ s: String) -> String { fold(s, squeezing: true, halfWidth: false, limit: Int.max) }

    /// `squeeze(halfWidth(s))` in one pass over the bytes; `limit` keeps only the first so many
    /// characters (scalars) of the text: labels are tested on their beginning.
    public static func folded(_ s: String, limit: Int = Int.max) -> String { fold(s, squeezing: true, limit: limit) }

    /// The byte-level folding behind halfWidth, squeeze and folded. Text that needs no change is
    /// returned as it is (no copy): most cells are.
    static func fold(_ s: String, squeezing: Bool, halfWidth: Bool = true, limit: Int) -> String {
        var bytes = s
        return bytes.withUTF8 { u -> String in
            let n = u.count
            // Only the first `limit` scalars (as typed, white space included) count.
            var end = n
            if limit < n {
                var scalars = 0, i = 0
                while i < n {
                    if u[i] & 0xC0 != 0x80 {
                        if scalars == limit { break }
                        scalars += 1
                    }
                    i += 1
                }
                end = i
            }
            // Nothing to fold, nothing cut → the same string.
            let first = foldAttention(u, 0, end, squeezing: squeezing, halfWidth: halfWidth)
            if first == end && end == n { return String(s) }
            return String(unsafeUninitializedCapacity: end) { out in
                if first > 0 { memcpy(out.baseAddress!, u.baseAddress!, first) }
                return first + foldBytes(u, from: first, to: end, into: out.baseAddress! + first, squeezing: squeezing, halfWidth: halfWidth)
            }
        }
    }

    /// Bytes that may start something to fold: ASCII white space, and the lead bytes of the
    /// spaces above ASCII (C2, E1, E2, E3, EF) and of the full-width forms (EF).
    static let foldTable: UnsafePointer<Bool> = {
        let t = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
        for b in 0..<256 { t[b] = b == 0x20 || (b >= 0x09 && b <= 0x0D) || b == 0xC2 || b == 0xE1 || b == 0xE2 || b == 0xE3 || b == 0xEF }
        return UnsafePointer(t)
    }()

    /// The first byte in `[i, end)` whose scalar folding changes (or `end`).
    @inline(__always) static func foldAttention(_ u: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, squeezing: Bool, halfWidth: Bool) -> Int {
        let t = foldTable
        var i = start
        while i < end {
            while i < end && !t[Int(u[i])] { i += 1 }
            if i == end { return end }
            if foldedTo(u, i, squeezing: squeezing, halfWidth: halfWidth) >= 0 { return i }
            i += scalarLength(u[i])
        }
        return end
    }

    @inline(__always) static func scalarLength(_ b: UInt8) -> Int { b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1 }

    /// What the scalar at `i` folds to: -1 unchanged, 0 removed, else the ASCII byte + 1.
    @inline(__always) static func foldedTo(_ u: UnsafeBufferPointer<UInt8>, _ i: Int, squeezing: Bool, halfWidth: Bool) -> Int {
        let b = u[i], n = u.count
        if b < 0x80 {
            return squeezing && (b == 0x20 || (b >= 0x09 && b <= 0x0D)) ? 0 : -1
        }
        if halfWidth, b == 0xEF, i + 2 < n, u[i + 1] == 0xBC || u[i + 1] == 0xBD {
            let scalar = 0xF000 | (UInt32(u[i + 1] & 0x3F) << 6) | UInt32(u[i + 2] & 0x3F)
            if scalar >= 0xFF01 && scalar <= 0xFF5E { return Int(scalar - 0xFEE0) + 1 }
        }
        if squeezing {
            return spaceLength(u, i) > 0 ? 0 : -1
        }
        if halfWidth, b == 0xE3, i + 2 < n, u[i + 1] == 0x80, u[i + 2] == 0x80 { return 0x20 + 1 }
        return -1
    }

    /// Folds `[start, end)` into `out`: runs that need nothing copied at once. Returns the bytes written.
    static func foldBytes(_ u: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, into out: UnsafeMutablePointer<UInt8>,
                          squeezing: Bool, halfWidth: Bool) -> Int {
        let t = foldTable
        var i = start, o = 0
        while i < end {
            let run = i
            while i < end && !t[Int(u[i])] { i += 1 }
            if i > run { memcpy(out + o, u.baseAddress! + run, i - run); o += i - run }
            if i == end { break }
            let len = min(scalarLength(u[i]), end - i)
            switch foldedTo(u, i, squeezing: squeezing, halfWidth: halfWidth) {
            case -1:
                for k in 0..<len { out[o + k] = u[i + k] }
                o += len
            case 0:
                break
            case let c:
                out[o] = UInt8(c - 1); o += 1
            }
            i += len
        }
        return o
    }

    /// The length in bytes of a white-space scalar above ASCII starting at byte i (as `isSpace`
    /// lists them), or 0.
    @inline(__always) static func spaceLength(_ u: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let b = u[i], n = u.count
        switch b {
        case 0xC2:
            return i + 1 < n && (u[i + 1] == 0x85 || u[i + 1] == 0xA0) ? 2 : 0
        case 0xE1:
            return i + 2 < n && u[i + 1] == 0x9A && u[i + 2] == 0x80 ? 3 : 0
        case 0xE2:
            guard i + 2 < n else { return 0 }
            let c = u[i + 1], d = u[i + 2]
            if c == 0x80 && ((d >= 0x80 && d <= 0x8B) || d == 0xA8 || d == 0xA9 || d == 0xAF) { return 3 }
            return c == 0x81 && d == 0x9F ? 3 : 0
        case 0xE3:
            return i + 2 < n && u[i + 1] == 0x80 && u[i + 2] == 0x80 ? 3 : 0
        case 0xEF:
            return i + 2 < n && u[i + 1] == 0xBB && u[i + 2] == 0xBF ? 3 : 0
        default:
            return 0
        }
    }

    public static func trim(_ s: String) -> String {
        // Most cells have nothing to trim: their first and last bytes say so (a space above ASCII
        // begins with one of five lead bytes and ends in one of a dozen last bytes).
        if let clean = s.utf8.withContiguousStorageIfAvailable({ u -> Bool in
            guard let f = u.first, let l = u.last else { return false }
            let firstOK = !foldTable[Int(f)]   // not a byte a space can begin with
            let lastOK = l < 0x80 ? !(l == 0x20 || (l >= 0x09 && l <= 0x0D)) : !((l >= 0x80 && l <= 0x8B) || l == 0xA0 || l == 0xA8 || l == 0xA9 || l == 0xAF || l == 0x9F || l == 0xBF)
            return firstOK && lastOK
        }), clean { return s }
        let u = s.unicodeScalars
        if let f = u.first, let l = u.last, !isSpace(f), !isSpace(l) { return s }
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

    /// Unicode's White_Space (what `Character.isWhitespace` tests), without a property look-up.
    @inline(__always) static func isWhiteSpaceProperty(_ v: UInt32) -> Bool {
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        switch v {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// A number as units write it: `2`, `1.5分`, `２`, ` 1.5 `. Nil when it is not one.
    public static func number(_ s: String) -> Double? {
        var t = folded(s)
        if t.utf8.last == 0x86, t.hasSuffix("分") { t.removeLast() }
        // ASCII only, so bytes are characters.
        guard !t.isEmpty, t.utf8.count < 40 else { return nil }
        guard t.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B }) else { return nil }
        return Double(t)
    }

    /// Points at the end of a 一级指标 text: `…（4分）`, `…(5 分)`; the last such bracket wins.
    public static func trailingPoints(_ s: String) -> Double? {
        // Only a text that ends in a bracket can: looked at before any folding.
        guard let end = s.unicodeScalars.last(where: { !isSpace($0) }), end == ")" || end == "）" else { return nil }
        // The bracket is at the end: only the last 64 characters are folded (points are short).
        let u = s.unicodeScalars
        var from = u.endIndex, k = 0
        while from > u.startIndex && k < 64 { from = u.index(before: from); k += 1 }
        let t = folded(from == u.startIndex ? s : String(u[from...]))
        // `…(4分)`: the bytes between the last `(` and the final `分)` (E5 88 86 29).
        let b = Array(t.utf8), n = b.count
        guard n >= 4, b[n - 4] == 0xE5, b[n - 3] == 0x88, b[n - 2] == 0x86, b[n - 1] == 0x29,
              let open = b[..<(n - 4)].lastIndex(of: 0x28) else { return nil }
        return Double(String(decoding: b[(open + 1)..<(n - 4)], as: UTF8.self))
    }

    /// Points anywhere in a label: `职能工作目标（68分）`, `职能工作目标80分`, `科学行政 (4分)`.
    public static func labelPoints(_ s: String) -> Double? {
        guard s.has("分") else { return nil }
        let t = folded(s)
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
        var t = folded(s)
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
        // One name as typed (no separator, no space: no byte of one) is the common cell.
        if !s.isEmpty, !s.utf8.contains(where: { $0 <= 0x20 || $0 == 0x2C || $0 == 0x2F || $0 == 0x3B || $0 == 0xC2 || ($0 >= 0xE1 && $0 <= 0xE3) || $0 == 0xEF }) {
            return [s]
        }
        // Tokens, each with whether only spaces (no line break, no separator) came before it.
        // Scalar by scalar: the separators and spaces are all single scalars.
        var tokens: [(text: Substring, spaced: Bool)] = []
        var spacedOnly = true   // what lies between the last token and the current position
        let u = s.unicodeScalars
        var start: String.Index? = nil
        var at = u.startIndex
        while at < u.endIndex {
            let i = at
            let v = u[i].value
            let hard = v == 0x3001 || v == 0x2C || v == 0xFF0C || v == 0x2F || v == 0xFF0F || v == 0x3B || v == 0xFF1B
                || v == 0xFF64 || (v >= 0x0A && v <= 0x0D) || v == 0x85 || v == 0x2028 || v == 0x2029
            if hard || isWhiteSpaceProperty(v) {
                if let st = start { tokens.append((s[st..<i], spacedOnly)); start = nil; spacedOnly = true }
                if hard { spacedOnly = false }
            } else if start == nil {
                start = i
            }
            at = u.index(after: i)
        }
        if let st = start { tokens.append((s[st...], spacedOnly)) }
        func single(_ t: Substring) -> Bool { t.utf8.count <= 16 && t.count == 1 }
        var out: [String] = []
        var i = 0
        while i < tokens.count {
            if single(tokens[i].text), i + 1 < tokens.count, single(tokens[i + 1].text), tokens[i + 1].spaced {
                out.append(String(tokens[i].text + tokens[i + 1].text)); i += 2
            } else {
                out.append(String(tokens[i].text)); i += 1
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
        // Most codes are typed plainly (`1-2-3`): taken as they are.
        let b = s.utf8
        if let f = b.first, f >= 0x30 && f <= 0x39, let l = b.last, l >= 0x30 && l <= 0x39, b.count <= 24,
           b.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }), !s.has("--") {
            return (s, false)
        }
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
            // Anything else can only be a final `.`/`、`; any other text is no code.
            else if u.value == 0x2E || u.value == 0x3001 || u.value == 0x2C || u.value == 0xFF0C || u.value == 0x3002 || u.value == 0xFF0E { out.append(u) }
            else { return nil }
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

/// A string hashed and compared by its UTF-8 bytes. Swift hashes and compares a `String` by
/// its normalised characters, many times slower for Chinese; the texts looked up this way
/// (labels, item texts of one sheet and its template) are compared as typed.
public struct TextKey: Hashable {
    public let text: String
    public init(_ text: String) { self.text = text }
    public static func == (a: TextKey, b: TextKey) -> Bool {
        var x = a.text, y = b.text
        return x.withUTF8 { p in y.withUTF8 { q in p.count == q.count && (p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0) } }
    }
    public func hash(into h: inout Hasher) {
        var t = text
        t.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
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
                // memchr for the first byte, then memcmp (memmem is not in Swift's Glibc).
                let base = h.baseAddress!, first = Int32(n[0]), end = h.count - n.count
                var i = 0
                while i <= end {
                    guard let p = memchr(base + i, first, end - i + 1) else { return false }
                    let at = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self) - base
                    if memcmp(base + at, n.baseAddress!, n.count) == 0 { return true }
                    i = at + 1
                }
                return false
            }
        }
    }

    /// Prefix test on the UTF-8 bytes: `hasPrefix` compares by characters (with normalisation),
    /// many times slower for Chinese text.
    public func begins(with prefix: String) -> Bool {
        let k = prefix.utf8.count
        guard utf8.count >= k else { return false }
        if k == 0 { return true }
        if let r = utf8.withContiguousStorageIfAvailable({ a in
            prefix.utf8.withContiguousStorageIfAvailable { p in memcmp(a.baseAddress!, p.baseAddress!, k) == 0 }
        }), let same = r { return same }
        return utf8.starts(with: prefix.utf8)
    }

    /// Suffix test on the UTF-8 bytes (see `begins(with:)`).
    public func ends(with suffix: String) -> Bool {
        let n = utf8.count, k = suffix.utf8.count
        guard n >= k else { return false }
        return utf8[utf8.index(utf8.startIndex, offsetBy: n - k)...].elementsEqual(suffix.utf8)
    }
}

extension KText {
    /// `folded(s)` without the trailing 。 . ; ； marks (and spaces): how the checks compare the
    /// texts of items and indicators.
    public static func norm(_ s: String) -> String {
        let t = folded(s)
        // Scalars, cut once: the four marks are single scalars.
        let u = t.unicodeScalars
        var end = u.endIndex
        while end > u.startIndex {
            let l = u[u.index(before: end)]
            guard l == "。" || l == "." || l == ";" || l == "；" else { break }
            end = u.index(before: end)
        }
        return end == u.endIndex ? t : String(u[..<end])
    }
}

/// A text as the checks compare it (`KText.norm`), hashed from its folded bytes as they are
/// folded: no folded copy is made (a form's every item text was folded into a new string only
/// to be hashed). Equal keys are confirmed on the folded strings themselves.
public struct NormKey: Hashable {
    public let text: String
    private let hashed: Int
    private let length: Int

    public init(_ text: String) {
        self.text = text
        var h = Hasher(), n = 0
        var s = text
        s.withUTF8 { u in
            let end = NormKey.cut(u)
            guard end > 0 else { return }
            // As `KText.fold(squeezing: true, halfWidth: true)`, into a scratch buffer.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end) { out in
                n = KText.foldBytes(u, from: 0, to: end, into: out.baseAddress!, squeezing: true, halfWidth: true)
                h.combine(bytes: UnsafeRawBufferPointer(start: out.baseAddress, count: n))
            }
        }
        hashed = h.finalize()
        length = n
    }

    /// Where the text ends once trailing marks (。 . ; ； and their full-width forms) and white
    /// space are cut: scalars read backwards from the end.
    static func cut(_ u: UnsafeBufferPointer<UInt8>) -> Int {
        var end = u.count
        while end > 0 {
            var start = end - 1
            while start > 0 && end - start < 4 && u[start] & 0xC0 == 0x80 { start -= 1 }
            let len = end - start
            let b0 = u[start]
            var mark = false
            if len == 1 {
                mark = b0 == 0x2E || b0 == 0x3B || b0 == 0x20 || (b0 >= 0x09 && b0 <= 0x0D)
            } else if len == 3 && b0 == 0xE3 && u[start + 1] == 0x80 && u[start + 2] == 0x82 {
                mark = true   // 。
            } else if len == 3 && b0 == 0xEF && u[start + 1] == 0xBC && (u[start + 2] == 0x8E || u[start + 2] == 0x9B) {
                mark = true   // ． ；
            } else {
                mark = KText.spaceLength(u, start) == len
            }
            guard mark else { break }
            end = start
        }
        return end
    }

    public static func == (a: NormKey, b: NormKey) -> Bool {
        a.hashed == b.hashed && a.length == b.length && KText.norm(a.text) == KText.norm(b.text)
    }
    public func hash(into h: inout Hasher) { h.combine(hashed) }
}
