/// Byte classes and character rules for `XMLScanner`: one table look-up per byte on the hot
/// paths, the rules of XML 1.0 (5th edition) and UTF-8 for the rare bytes.
final class XMLTables: @unchecked Sendable {
    // Classes of `text` and `value` (0: a byte that needs nothing).
    static let lt: UInt8 = 1, amp: UInt8 = 2, cr: UInt8 = 3, lf: UInt8 = 4, bracket: UInt8 = 5
    static let invalid: UInt8 = 6, utf2: UInt8 = 7, utf3: UInt8 = 8, utf4: UInt8 = 9
    static let quote: UInt8 = 10, ws: UInt8 = 11
    // Bits of `name`.
    static let nameStart: UInt8 = 1, nameChar: UInt8 = 2, nameUTF8: UInt8 = 4, colon: UInt8 = 8

    /// Character data: stops at `<`, `&`, CR, LF, `]`, control bytes and UTF-8 lead bytes.
    let text: UnsafeMutablePointer<UInt8>
    /// Attribute values: stops at quotes, `<`, `&`, tab/CR/LF, control and UTF-8 lead bytes.
    let value: UnsafeMutablePointer<UInt8>
    /// Name bytes (ASCII rules; non-ASCII checked by code point; the colon marked apart).
    let name: UnsafeMutablePointer<UInt8>

    static let shared = XMLTables()

    private init() {
        text = .allocate(capacity: 256); value = .allocate(capacity: 256); name = .allocate(capacity: 256)
        for i in 0..<256 {
            let b = UInt8(i)
            var t: UInt8 = 0
            switch b {
            case 0x3C: t = XMLTables.lt
            case 0x26: t = XMLTables.amp
            case 0x0D: t = XMLTables.cr
            case 0x0A: t = XMLTables.lf
            case 0x5D: t = XMLTables.bracket
            case 0x09: t = 0
            case 0x00..<0x20: t = XMLTables.invalid
            case 0x80..<0xC2: t = XMLTables.invalid      // continuation bytes, overlong leads
            case 0xC2...0xDF: t = XMLTables.utf2
            case 0xE0...0xEF: t = XMLTables.utf3
            case 0xF0...0xF4: t = XMLTables.utf4
            case 0xF5...0xFF: t = XMLTables.invalid
            default: t = 0
            }
            text[i] = t
            var v = t
            switch b {
            case 0x22, 0x27: v = XMLTables.quote
            case 0x09, 0x0A, 0x0D: v = XMLTables.ws
            case 0x5D: v = 0
            default: break
            }
            value[i] = v
            var n: UInt8 = 0
            if b == 0x3A {
                n = XMLTables.nameStart | XMLTables.nameChar | XMLTables.colon
            } else if (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F {
                n = XMLTables.nameStart | XMLTables.nameChar
            } else if (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E {
                n = XMLTables.nameChar
            } else if b >= 0xC2 && b <= 0xF4 {
                n = XMLTables.nameUTF8
            }
            name[i] = n
        }
    }

    /// A well-formed UTF-8 sequence of `n` bytes whose lead byte's class said `n`, and an XML
    /// character (no surrogates, no U+FFFE/U+FFFF).
    @inline(__always) static func validSequence(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Bool {
        let c0 = p[0], c1 = p[1]
        guard c1 & 0xC0 == 0x80 else { return false }
        if n == 2 { return true }
        let c2 = p[2]
        guard c2 & 0xC0 == 0x80 else { return false }
        if n == 3 {
            if c0 == 0xE0 { return c1 >= 0xA0 }
            if c0 == 0xED { return c1 < 0xA0 }
            if c0 == 0xEF && c1 == 0xBF { return c2 < 0xBE }
            return true
        }
        guard p[3] & 0xC0 == 0x80 else { return false }
        if c0 == 0xF0 { return c1 >= 0x90 }
        if c0 == 0xF4 { return c1 < 0x90 }
        return true
    }

    static func decode(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> UInt32 {
        switch n {
        case 2: return UInt32(p[0] & 0x1F) << 6 | UInt32(p[1] & 0x3F)
        case 3: return UInt32(p[0] & 0x0F) << 12 | UInt32(p[1] & 0x3F) << 6 | UInt32(p[2] & 0x3F)
        default: return UInt32(p[0] & 0x07) << 18 | UInt32(p[1] & 0x3F) << 12 | UInt32(p[2] & 0x3F) << 6 | UInt32(p[3] & 0x3F)
        }
    }

    /// XML 1.0's Char production.
    static func isChar(_ v: UInt32) -> Bool {
        v == 0x09 || v == 0x0A || v == 0x0D || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
            || (0x10000...0x10FFFF).contains(v)
    }

    /// XML 1.0 (5th edition) NameStartChar / NameChar, for characters past ASCII.
    static func isNameChar(_ v: UInt32, first: Bool) -> Bool {
        switch v {
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
             0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF:
            return true
        case 0xB7, 0x300...0x36F, 0x203F...0x2040:
            return !first
        default:
            return false
        }
    }

    /// `v` (an XML character) as UTF-8 at `p`; the byte count.
    static func encode(_ v: UInt32, into p: UnsafeMutablePointer<UInt8>) -> Int {
        if v < 0x80 { p[0] = UInt8(v); return 1 }
        if v < 0x800 { p[0] = UInt8(0xC0 | v >> 6); p[1] = UInt8(0x80 | v & 0x3F); return 2 }
        if v < 0x10000 {
            p[0] = UInt8(0xE0 | v >> 12); p[1] = UInt8(0x80 | (v >> 6) & 0x3F); p[2] = UInt8(0x80 | v & 0x3F)
            return 3
        }
        p[0] = UInt8(0xF0 | v >> 18); p[1] = UInt8(0x80 | (v >> 12) & 0x3F)
        p[2] = UInt8(0x80 | (v >> 6) & 0x3F); p[3] = UInt8(0x80 | v & 0x3F)
        return 4
    }
}
