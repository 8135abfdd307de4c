#if canImport(Glibc)
import Glibc
#endif

/// A streaming XML 1.0 tokenizer of our own for the UTF-8 parts of .xlsx, .ods and .docx files,
/// in place of expat (issue 16: expat alone was half of reading a sheet).
///
/// What it checks, as expat does: well-formedness (one root, tags that pair, attributes once each,
/// `=` and quotes, no `<` in a value, the five predefined entities and character references of
/// XML characters only), UTF-8 (no overlong forms, surrogates, U+FFFE/U+FFFF) and XML's character
/// range in text, values, comments and CDATA. A DTD (`<!DOCTYPE`) is refused on sight, so no
/// entity is ever declared or expanded. Namespaces are not resolved: the handlers read local
/// names only (as they did from expat), so a prefix is cut off and `xmlns` declarations are not
/// reported as attributes; a prefix nobody declared is let through (expat refused it). Names
/// follow XML 1.0's 5th edition, a little wider than expat's tables past ASCII. Like the expat
/// setup before it, every part is read as UTF-8 whatever its declaration says.
///
/// Limits expat lacks: one markup token (a tag, comment, PI or CDATA section) of at most
/// `maxToken` bytes, `maxDepth` open elements, `maxAttributes` on one element. Text is handed
/// over as it streams, in pieces, so a long text costs no more than its chunk.
///
/// Bytes are decoded in the scanner's own buffer: names and values are NUL-terminated in place
/// and references replaced there (a replacement is never longer than what it replaces).
/// A token cut by the end of a chunk is scanned again once the buffer holds at least twice as
/// much, so a long token costs linear time, not quadratic.
public final class XMLScanner {
    public static let maxToken = 16 << 20
    public static let maxDepth = 10_000
    public static let maxAttributes = 10_000

    let handler: XMLHandler
    let file: String, part: String

    /// Buffer: `[pos, end)` unscanned; one spare byte past `end` for the `<` sentinel.
    @exclusivity(unchecked) var buf: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) var cap: Int
    @exclusivity(unchecked) var pos = 0, end = 0
    /// The next scan waits until `end - pos` reaches this (a token was cut: see the type's notes).
    @exclusivity(unchecked) var retryAt = 0
    /// Line of `pos`, counted as scanned (CR LF, CR and LF each end a line, as in expat).
    @exclusivity(unchecked) var line = 1

    enum Place { case start, prolog, content, epilog }
    @exclusivity(unchecked) var place = Place.start

    /// The open elements' qualified names, back to back; per element (`depth` of them) two
    /// `marks`: where its name begins on the stack, and its local part's offset in it.
    @exclusivity(unchecked) var stack: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) var stackCap = 256, stackLen = 0
    @exclusivity(unchecked) var marks: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) var marksCap = 64, depth = 0

    /// The attribute array handed to handlers (name, value, …, nil), and each attribute's spans
    /// while its tag is scanned: name start, name end, value start, value end, flags, local start.
    @exclusivity(unchecked) var attrs: UnsafeMutablePointer<UnsafePointer<CChar>?>
    @exclusivity(unchecked) var spans: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) var attrCap = 32
    static let spanWidth = 6
    /// Set by `name` and `value` beside what they return.
    @exclusivity(unchecked) var localStart = 0, valueFlags = 0

    let tables = XMLTables.shared

    public init(handler: XMLHandler, file: String, part: String) {
        self.handler = handler; self.file = file; self.part = part
        cap = 1 << 16
        buf = .allocate(capacity: cap + 1)
        stack = .allocate(capacity: stackCap)
        marks = .allocate(capacity: 2 * marksCap)
        attrs = .allocate(capacity: 2 * attrCap + 1)
        spans = .allocate(capacity: XMLScanner.spanWidth * attrCap)
    }

    deinit {
        buf.deallocate(); stack.deallocate(); marks.deallocate(); attrs.deallocate(); spans.deallocate()
    }

    // MARK: Feeding

    /// Room for `count` more bytes after what is buffered; write there, then call `commit`.
    public func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        let keep = end - pos
        if pos > 0 {
            if keep > 0 { memmove(buf, buf + pos, keep) }
            pos = 0; end = keep
        }
        if keep + count > cap {
            var n = cap
            while keep + count > n { n *= 2 }
            let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: n + 1)
            if keep > 0 { nb.update(from: buf, count: keep) }
            buf.deallocate()
            buf = nb; cap = n
        }
        return buf + end
    }

    /// `count` bytes were written at `reserve`'s pointer; scans what is complete. `count == 0`
    /// ends the document.
    public func commit(_ count: Int) throws {
        end += count
        if count == 0 { try finish(); return }
        if end - pos < retryAt { return }
        try scan(final: false)
        // What is left after a scan is one cut token.
        if end - pos > XMLScanner.maxToken { throw tooLong }
    }

    /// Copies `chunk` in and scans; an empty chunk ends the document.
    public func feed(_ chunk: UnsafeRawBufferPointer) throws {
        guard let base = chunk.baseAddress, chunk.count > 0 else { try commit(0); return }
        let p = reserve(chunk.count)
        p.update(from: base.assumingMemoryBound(to: UInt8.self), count: chunk.count)
        try commit(chunk.count)
    }

    /// The end of the document: whatever is left must complete it.
    public func finish() throws {
        try scan(final: true)
        if place != .epilog { throw damaged("no element found") }
    }

    // MARK: Errors

    func damaged(_ reason: String) -> XLSXError {
        .damagedPart(file: file, part: part, line: line, reason: reason)
    }
    var invalid: XLSXError { damaged("not well-formed (invalid token)") }
    var tooLong: XLSXError {
        .limitExceeded(file: file, part: part, what: "an XML token longer than \(XMLScanner.maxToken) bytes")
    }

    // MARK: Scanning

    /// Scans from `pos` while tokens are complete. A cut token stays for the next call (or is
    /// an error when `final`).
    func scan(final: Bool) throws {
        let b = buf, e = end
        b[e] = 0x3C   // the sentinel: every loop stops at a `<`
        var i = pos
        retryAt = 0
        if place == .start {
            // A UTF-8 byte order mark is skipped; the declaration may only come first.
            if e - i < 6 && !final { retryAt = 6; return }
            if e - i >= 3 && b[i] == 0xEF && b[i + 1] == 0xBB && b[i + 2] == 0xBF { i += 3; pos = i }
        }
        while i < e {
            let next: Int?
            if b[i] != 0x3C {
                next = place == .content ? try text(i, final: final) : try space(i)
            } else {
                let line0 = line
                next = try markup(i)
                if let n = next, n - i > XMLScanner.maxToken { throw tooLong }
                if next == nil {
                    line = line0
                    if final { throw damaged(b[i + 1] == 0x21 && i + 2 < e && b[i + 2] == 0x5B ? "unclosed CDATA section" : "unclosed token") }
                }
            }
            guard let n = next else {
                retryAt = max(2 * (e - pos), 8)
                return
            }
            i = n
            pos = i
        }
        pos = i
    }

    /// White space outside the root element (nothing else may be there).
    func space(_ start: Int) throws -> Int {
        // Nothing may come before the declaration, not even white space.
        if place == .start { place = .prolog }
        let i = skipSpace(start)
        guard buf[i] == 0x3C else { throw place == .epilog ? damaged("junk after document element") : invalid }
        return i
    }

    /// Character data from `start` to the next `<`: checked, references and line ends resolved
    /// in place, handed over. Nil when it stops at a cut reference or character (what came
    /// before it has been handed over; `pos` then points at the cut).
    func text(_ start: Int, final: Bool) throws -> Int? {
        let b = buf, t = tables.text, e = end
        var r = start, w = start
        func deliver() {
            if w > start { handler.characters(UnsafeBufferPointer(start: b + start, count: w - start)) }
        }
        while true {
            if r == w {
                while t[Int(b[r])] == 0 { r += 1 }
                w = r
            } else {
                while t[Int(b[r])] == 0 { b[w] = b[r]; w += 1; r += 1 }
            }
            switch t[Int(b[r])] {
            case XMLTables.lt:
                deliver()
                return r
            case XMLTables.amp:
                guard let (v, len) = try reference(r, final: final) else {
                    deliver(); pos = r; return nil
                }
                r += len; w += XMLTables.encode(v, into: b + w)
            case XMLTables.cr:
                if r + 1 == e && !final { deliver(); pos = r; return nil }
                line += 1
                b[w] = 0x0A; w += 1
                r += (r + 1 < e && b[r + 1] == 0x0A) ? 2 : 1
            case XMLTables.lf:
                line += 1
                b[w] = 0x0A; w += 1; r += 1
            case XMLTables.bracket:
                // `]]>` may not appear in text.
                if e - r < 3 && !final { deliver(); pos = r; return nil }
                if r + 2 < e && b[r + 1] == 0x5D && b[r + 2] == 0x3E { throw invalid }
                b[w] = 0x5D; w += 1; r += 1
            case XMLTables.utf2, XMLTables.utf3, XMLTables.utf4:
                let n = Int(t[Int(b[r])] - XMLTables.utf2) + 2
                if r + n > e {
                    if final { throw invalid }
                    deliver(); pos = r; return nil
                }
                guard XMLTables.validSequence(b + r, n) else { throw invalid }
                if r != w { for k in 0..<n { b[w + k] = b[r + k] } }
                r += n; w += n
            default:
                throw invalid
            }
        }
    }

    /// A reference at `r` (`&amp;`, `&#20013;`, `&#x4E2D;`): (its character, bytes read), or nil
    /// when the bytes end before its `;`. Its UTF-8 is never longer than the reference.
    func reference(_ r: Int, final: Bool) throws -> (UInt32, Int)? {
        let b = buf, e = end
        var i = r + 1
        if i < e && b[i] == 0x23 {   // #
            i += 1
            var hex = false
            if i < e && b[i] == 0x78 { hex = true; i += 1 }   // x
            var v: UInt32 = 0, digits = 0
            while i < e {
                let c = b[i]
                var d: UInt32
                if c >= 0x30 && c <= 0x39 { d = UInt32(c - 0x30) }
                else if hex && c >= 0x61 && c <= 0x66 { d = UInt32(c - 0x61 + 10) }
                else if hex && c >= 0x41 && c <= 0x46 { d = UInt32(c - 0x41 + 10) }
                else { break }
                v = v &* (hex ? 16 : 10) &+ d
                if v > 0x10FFFF { throw damaged("reference to invalid character number") }
                digits += 1; i += 1
            }
            if i == e { if final { throw invalid }; return nil }
            guard digits > 0, b[i] == 0x3B else { throw invalid }
            guard XMLTables.isChar(v) else { throw damaged("reference to invalid character number") }
            return (v, i + 1 - r)
        }
        let n0 = i
        while i < e && i - n0 < 8 && b[i] != 0x3B && tables.name[Int(b[i])] & XMLTables.nameChar != 0 { i += 1 }
        if i == e { if final { throw invalid }; return nil }
        guard b[i] == 0x3B, i > n0 else { throw invalid }
        let v: UInt32
        switch (i - n0, b[n0], b[n0 + 1]) {
        case (2, 0x6C, 0x74): v = 0x3C   // lt
        case (2, 0x67, 0x74): v = 0x3E   // gt
        case (3, 0x61, 0x6D) where b[n0 + 2] == 0x70: v = 0x26   // amp
        case (4, 0x61, 0x70) where b[n0 + 2] == 0x6F && b[n0 + 3] == 0x73: v = 0x27   // apos
        case (4, 0x71, 0x75) where b[n0 + 2] == 0x6F && b[n0 + 3] == 0x74: v = 0x22   // quot
        default:
            throw damaged("undefined entity")
        }
        return (v, i + 1 - r)
    }

    /// The token at `s` (a `<`). Returns the index after it, or nil when it is cut.
    func markup(_ s: Int) throws -> Int? {
        let b = buf
        guard s + 1 < end else { return nil }
        switch b[s + 1] {
        case 0x2F: return try endTag(s)
        case 0x3F: return try instruction(s)
        case 0x21: return try bang(s)
        default: return try startTag(s)
        }
    }

    /// A qualified name from `start` (whose first byte the caller checked can start one): its
    /// end, or -1 when cut. Sets `localStart`, where the part after its prefix begins. As under
    /// expat's namespace processing a name holds at most one colon, neither first nor last.
    @inline(__always) func name(_ start: Int) throws -> Int {
        let b = buf, t = tables.name
        var i = start, colon = -1
        while true {
            // Plain ASCII name bytes (a colon has a bit of its own and stops here).
            while t[Int(b[i])] & (XMLTables.nameChar | XMLTables.colon) == XMLTables.nameChar { i += 1 }
            let c = t[Int(b[i])]
            if c & XMLTables.colon != 0 {
                guard colon < 0, i > start else { throw invalid }
                colon = i; i += 1
                continue
            }
            if c & XMLTables.nameUTF8 == 0 { break }
            // A non-ASCII character: XML 1.0's name ranges (5th edition).
            let n = Int(tables.text[Int(b[i])] - XMLTables.utf2) + 2
            if i + n > end { return -1 }
            guard XMLTables.validSequence(b + i, n),
                  XMLTables.isNameChar(XMLTables.decode(b + i, n), first: i == start || i == colon + 1) else { throw invalid }
            i += n
        }
        if i >= end { return -1 }
        if colon >= 0 {
            guard colon + 1 < i, startsName(colon + 1) else { throw invalid }
            localStart = colon + 1
        } else {
            localStart = start
        }
        return i
    }

    @inline(__always) func startsName(_ i: Int) -> Bool {
        let c = tables.name[Int(buf[i])]
        return c & (XMLTables.nameStart | XMLTables.nameUTF8) != 0
    }

    /// White space from `i`; its end (lines counted).
    @inline(__always) func skipSpace(_ start: Int) -> Int {
        let b = buf
        var i = start
        while true {
            switch b[i] {
            case 0x20, 0x09: i += 1
            case 0x0A: line += 1; i += 1
            case 0x0D: line += 1; i += 1; if i < end && b[i] == 0x0A { i += 1 }
            default: return i
            }
        }
    }

    /// `<name attr="value" …>` or `<name …/>`.
    func startTag(_ s: Int) throws -> Int? {
        let b = buf, e = end
        let n0 = s + 1
        guard startsName(n0) else { throw invalid }
        let n1 = try name(n0)
        if n1 < 0 { return nil }
        let local = localStart
        var i = n1, count = 0, selfClosing = false
        while true {
            let before = i
            i = skipSpace(i)
            if i >= e { return nil }
            let c = b[i]
            if c == 0x3E { i += 1; break }
            if c == 0x2F {
                if i + 1 >= e { return nil }
                guard b[i + 1] == 0x3E else { throw invalid }
                i += 2; selfClosing = true; break
            }
            // An attribute, after white space.
            guard i > before, startsName(i) else { throw invalid }
            let a0 = i
            let a1 = try name(a0)
            if a1 < 0 { return nil }
            let al = localStart
            i = b[a1] == 0x3D ? a1 : skipSpace(a1)
            if i >= e { return nil }
            guard b[i] == 0x3D else { throw invalid }   // =
            i += 1
            if b[i] != 0x22 { i = skipSpace(i) }
            if i >= e { return nil }
            let q = b[i]
            guard q == 0x22 || q == 0x27 else { throw invalid }
            i += 1
            let v0 = i
            let v1 = try value(i, quote: q)
            if v1 < 0 { return nil }
            i = v1 + 1
            if count == attrCap { growAttributes() }
            if count == XMLScanner.maxAttributes {
                throw XLSXError.limitExceeded(file: file, part: part, what: "more than \(XMLScanner.maxAttributes) attributes on one element")
            }
            let sp = spans + XMLScanner.spanWidth * count
            sp[0] = a0; sp[1] = a1; sp[2] = v0; sp[3] = v1; sp[4] = valueFlags; sp[5] = al
            count += 1
        }
        if count > 1 { try checkDuplicates(count) }
        if place == .epilog { throw damaged("junk after document element") }
        place = .content
        if !selfClosing { try push(n0, n1, local: local) }
        // The tag is whole: now terminate names and values in place.
        var k = 0
        for a in 0..<count {
            let sp = spans + XMLScanner.spanWidth * a
            let a0 = sp[0], a1 = sp[1]
            // xmlns and xmlns:p declare namespaces; expat did not report them either.
            if b[a0] == 0x78 && a1 - a0 >= 5 && b[a0 + 1] == 0x6D && b[a0 + 2] == 0x6C && b[a0 + 3] == 0x6E && b[a0 + 4] == 0x73
                && (a1 - a0 == 5 || b[a0 + 5] == 0x3A) { continue }
            b[a1] = 0
            var v1 = sp[3]
            if sp[4] != 0 { v1 = normalizeValue(sp[2], v1) }
            b[v1] = 0
            attrs[2 * k] = UnsafeRawPointer(b + sp[5]).assumingMemoryBound(to: CChar.self)
            attrs[2 * k + 1] = UnsafeRawPointer(b + sp[2]).assumingMemoryBound(to: CChar.self)
            k += 1
        }
        attrs[2 * k] = nil
        b[n1] = 0
        let nm = XMLName(raw: UnsafeRawPointer(b + local).assumingMemoryBound(to: CChar.self))
        try handler.startElement(nm, XMLAttributes(raw: attrs))
        if selfClosing {
            try handler.endElement(nm)
            if depth == 0 { place = .epilog }
        }
        return i
    }

    /// An attribute value from `start` to its closing `quote`: the index of the quote, or -1 when
    /// cut. `valueFlags` is 1 when it holds a reference or a tab/line break to normalize.
    @inline(__always) func value(_ start: Int, quote: UInt8) throws -> Int {
        let b = buf, t = tables.value, e = end
        var i = start
        valueFlags = 0
        while true {
            while t[Int(b[i])] == 0 { i += 1 }
            let c = b[i]
            switch t[Int(c)] {
            case XMLTables.quote:
                if c == quote { return i }
                i += 1
            case XMLTables.lt:
                if i >= e { return -1 }
                throw invalid
            case XMLTables.amp:
                // Checked here (so an error is found before anything is handed over), decoded later.
                guard let (_, len) = try reference(i, final: false) else { return -1 }
                i += len; valueFlags = 1
            case XMLTables.ws:
                if c == 0x0A { line += 1 } else if c == 0x0D {
                    if i + 1 >= e { return -1 }
                    if b[i + 1] != 0x0A { line += 1 }
                }
                i += 1; valueFlags = 1
            case XMLTables.utf2, XMLTables.utf3, XMLTables.utf4:
                let n = Int(t[Int(c)] - XMLTables.utf2) + 2
                if i + n > e { return -1 }
                guard XMLTables.validSequence(b + i, n) else { throw invalid }
                i += n
            default:
                throw invalid
            }
        }
    }

    /// Decodes a flagged value in place (references; tab, CR, LF, CR LF → one space); its new end.
    func normalizeValue(_ v0: Int, _ v1: Int) -> Int {
        let b = buf
        var r = v0, w = v0
        while r < v1 {
            let c = b[r]
            if c == 0x26 {
                // Checked when scanned: cannot fail.
                let (v, len) = (try? reference(r, final: true)) ?? (0x26, 1)
                r += len; w += XMLTables.encode(v, into: b + w)
            } else if c == 0x09 || c == 0x0A {
                b[w] = 0x20; w += 1; r += 1
            } else if c == 0x0D {
                b[w] = 0x20; w += 1; r += 1
                if r < v1 && b[r] == 0x0A { r += 1 }
            } else {
                b[w] = c; w += 1; r += 1
            }
        }
        return w
    }

    /// `</name>`: must close the innermost open element. Its name is compared with that
    /// element's first; only a mismatch is scanned as a name (to tell damage from a wrong name).
    func endTag(_ s: Int) throws -> Int? {
        let b = buf, e = end
        let n0 = s + 2
        if n0 >= e { return nil }
        guard place == .content, depth > 0 else {
            if place == .epilog { throw damaged("junk after document element") }
            throw invalid
        }
        let top = marks + 2 * (depth - 1)
        let len = stackLen - top[0]
        let n1 = n0 + len
        if n1 >= e { return nil }
        guard same(stack + top[0], b + n0, len), tables.name[Int(b[n1])] & (XMLTables.nameChar | XMLTables.nameUTF8) == 0 else {
            guard startsName(n0) else { throw invalid }
            if try name(n0) < 0 { return nil }
            throw damaged("mismatched tag")
        }
        let i = b[n1] == 0x3E ? n1 : skipSpace(n1)
        if i >= e { return nil }
        guard b[i] == 0x3E else { throw invalid }
        stackLen = top[0]
        depth -= 1
        b[n1] = 0
        try handler.endElement(XMLName(raw: UnsafeRawPointer(b + n0 + top[1]).assumingMemoryBound(to: CChar.self)))
        if depth == 0 { place = .epilog }
        return i + 1
    }

    /// `n` bytes equal; names are short, so compared inline.
    @inline(__always) func same(_ p: UnsafeMutablePointer<UInt8>, _ q: UnsafeMutablePointer<UInt8>, _ n: Int) -> Bool {
        var k = 0
        while k < n {
            if p[k] != q[k] { return false }
            k += 1
        }
        return true
    }

    /// Opens an element: its qualified name on the stack, with where its local part begins.
    @inline(__always) func push(_ n0: Int, _ n1: Int, local: Int) throws {
        if depth == marksCap {
            if depth >= XMLScanner.maxDepth {
                throw XLSXError.limitExceeded(file: file, part: part, what: "elements nested deeper than \(XMLScanner.maxDepth)")
            }
            let n = min(2 * marksCap, XMLScanner.maxDepth)
            let nm = UnsafeMutablePointer<Int>.allocate(capacity: 2 * n)
            nm.update(from: marks, count: 2 * depth)
            marks.deallocate()
            marks = nm; marksCap = n
        }
        let len = n1 - n0
        if stackLen + len > stackCap {
            var n = stackCap
            while stackLen + len > n { n *= 2 }
            let ns = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
            ns.update(from: stack, count: stackLen)
            stack.deallocate()
            stack = ns; stackCap = n
        }
        let dst = stack + stackLen, src = buf + n0
        for k in 0..<len { dst[k] = src[k] }
        marks[2 * depth] = stackLen
        marks[2 * depth + 1] = local - n0
        depth += 1
        stackLen += len
    }

    func growAttributes() {
        let n = attrCap * 2
        let na = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: 2 * n + 1)
        let ns = UnsafeMutablePointer<Int>.allocate(capacity: XMLScanner.spanWidth * n)
        ns.update(from: spans, count: XMLScanner.spanWidth * attrCap)
        attrs.deallocate(); spans.deallocate()
        attrs = na; spans = ns; attrCap = n
    }

    /// No attribute twice on one element: pairwise for a few, by hash for many (a hostile tag
    /// with thousands of attributes stays linear).
    func checkDuplicates(_ count: Int) throws {
        let b = buf
        func same(_ x: Int, _ y: Int) -> Bool {
            let p = spans + XMLScanner.spanWidth * x, q = spans + XMLScanner.spanWidth * y
            let n = p[1] - p[0]
            return n == q[1] - q[0] && self.same(b + p[0], b + q[0], n)
        }
        if count <= 16 {
            for x in 1..<count { for y in 0..<x where same(x, y) { throw damaged("duplicate attribute") } }
            return
        }
        var size = 32
        while size < 2 * count { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for x in 0..<count {
            let p = spans + XMLScanner.spanWidth * x
            var h: UInt64 = 0xcbf29ce484222325
            for k in p[0]..<p[1] { h = (h ^ UInt64(b[k])) &* 0x100000001b3 }
            var slot = Int(h & UInt64(size - 1))
            while slots[slot] >= 0 {
                if same(x, Int(slots[slot])) { throw damaged("duplicate attribute") }
                slot = (slot + 1) & (size - 1)
            }
            slots[slot] = Int32(x)
        }
    }

    /// `<?target …?>`: the XML declaration at the very start, any other instruction skipped.
    func instruction(_ s: Int) throws -> Int? {
        let b = buf, e = end
        let n0 = s + 2
        if n0 >= e { return nil }
        guard startsName(n0) else { throw invalid }
        let n1 = try name(n0)
        if n1 < 0 { return nil }
        let isXML = n1 - n0 == 3 && (b[n0] | 0x20) == 0x78 && (b[n0 + 1] | 0x20) == 0x6D && (b[n0 + 2] | 0x20) == 0x6C
        var next: Int?
        if isXML {
            guard place == .start, b[n0] == 0x78, b[n0 + 1] == 0x6D, b[n0 + 2] == 0x6C else {
                throw damaged("XML or text declaration not at start of entity")
            }
            next = try declaration(n1)
        } else if n1 + 1 >= e {
            return nil
        } else if b[n1] == 0x3F && b[n1 + 1] == 0x3E {
            next = n1 + 2
        } else {
            guard b[n1] == 0x20 || b[n1] == 0x09 || b[n1] == 0x0A || b[n1] == 0x0D else { throw invalid }
            next = try until(n1, 0x3F, 0x3E, 0).map { $0 + 2 }
        }
        // Only a whole token moves on from the start (a cut declaration is scanned again).
        if next != nil && place == .start { place = .prolog }
        return next
    }

    /// `<?xml version="1.x" encoding="…" standalone="yes|no"?>` after `<?xml` (ends at `start`).
    func declaration(_ start: Int) throws -> Int? {
        let b = buf, e = end
        var i = start, seen = 0
        while true {
            let before = i
            i = skipSpace(i)
            if i + 1 >= e { return nil }
            if b[i] == 0x3F {
                guard b[i + 1] == 0x3E, seen >= 1 else { throw damaged("XML declaration not well-formed") }
                return i + 2
            }
            guard i > before, startsName(i) else { throw damaged("XML declaration not well-formed") }
            let n1 = try name(i)
            if n1 < 0 { return nil }
            let key = String(decoding: UnsafeBufferPointer(start: b + i, count: n1 - i), as: UTF8.self)
            i = skipSpace(n1)
            if i >= e { return nil }
            guard b[i] == 0x3D else { throw damaged("XML declaration not well-formed") }
            i = skipSpace(i + 1)
            if i >= e { return nil }
            let q = b[i]
            guard q == 0x22 || q == 0x27 else { throw damaged("XML declaration not well-formed") }
            var j = i + 1
            while j < e && b[j] != q && b[j] != 0x3C { j += 1 }
            if j >= e { return nil }
            guard b[j] == q else { throw damaged("XML declaration not well-formed") }
            // As expat reads it: values of [A-Za-z0-9._-], the encoding's first a letter (and
            // then ignored: every part is read as UTF-8), standalone yes or no.
            let v = Array(UnsafeBufferPointer(start: b + i + 1, count: j - i - 1))
            var ok = v.allSatisfy { asciiLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
            switch (key, seen) {
            case ("version", 0):
                seen = 1
            case ("encoding", 1):
                ok = ok && !v.isEmpty && asciiLetter(v[0])
                seen = 2
            case ("standalone", 1), ("standalone", 2):
                ok = ok && (v == Array("yes".utf8) || v == Array("no".utf8))
                seen = 3
            default:
                ok = false
            }
            guard ok else { throw damaged("XML declaration not well-formed") }
            i = j + 1
        }
    }

    /// `<!--…-->`, `<![CDATA[…]]>` or the refused `<!DOCTYPE`.
    func bang(_ s: Int) throws -> Int? {
        let b = buf, e = end
        if s + 3 >= e { return nil }
        if b[s + 2] == 0x2D {
            guard b[s + 3] == 0x2D else { throw invalid }
            if place == .start { place = .prolog }
            // `--` may only end a comment.
            guard let close = try until(s + 4, 0x2D, 0x2D, 0) else { return nil }
            if close + 2 >= e { return nil }
            guard b[close + 2] == 0x3E else { throw invalid }
            return close + 3
        }
        if s + 9 > e { return nil }
        if memcmp(b + s, "<![CDATA[", 9) == 0 {
            guard place == .content else { throw invalid }
            guard let close = try until(s + 9, 0x5D, 0x5D, 0x3E) else { return nil }
            // Line ends inside are normalized as in text.
            var r = s + 9, w = r
            while r < close {
                if b[r] == 0x0D {
                    b[w] = 0x0A; w += 1; r += 1
                    if r < close && b[r] == 0x0A { r += 1 }
                } else { b[w] = b[r]; w += 1; r += 1 }
            }
            if w > s + 9 { handler.characters(UnsafeBufferPointer(start: b + s + 9, count: w - s - 9)) }
            return close + 3
        }
        if memcmp(b + s, "<!DOCTYPE", 9) == 0 {
            throw XLSXError.forbiddenDTD(file: file, part: part, line: line)
        }
        throw invalid
    }

    /// The first `x y [z]` from `start` (z == 0: two bytes), checking the characters passed and
    /// counting their lines; nil when the bytes end first.
    func until(_ start: Int, _ x: UInt8, _ y: UInt8, _ z: UInt8) throws -> Int? {
        let b = buf, t = tables.text, e = end
        let width = z == 0 ? 2 : 3
        var i = start
        while true {
            if i + width > e { return nil }
            let c = b[i]
            if c == x && b[i + 1] == y && (z == 0 || b[i + 2] == z) { return i }
            switch t[Int(c)] {
            case 0, XMLTables.lt, XMLTables.amp, XMLTables.bracket: i += 1
            case XMLTables.lf: line += 1; i += 1
            case XMLTables.cr:
                i += 1
                if b[i] != 0x0A { line += 1 }
            case XMLTables.utf2, XMLTables.utf3, XMLTables.utf4:
                let n = Int(t[Int(c)] - XMLTables.utf2) + 2
                if i + n > e { return nil }
                guard XMLTables.validSequence(b + i, n) else { throw invalid }
                i += n
            default:
                throw invalid
            }
        }
    }
}

@inline(__always) private func asciiLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
