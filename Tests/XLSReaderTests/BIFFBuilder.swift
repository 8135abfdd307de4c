import Foundation

/// Writes small BIFF8 workbooks and compound files byte by byte, so that tests can break
/// exactly one thing in them. Only the test uses it; the fixtures come from LibreOffice.
enum BIFF {
    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) } }
    static func f64(_ d: Double) -> [UInt8] { (0..<8).map { UInt8(d.bitPattern >> (8 * UInt64($0)) & 0xFF) } }

    static func record(_ type: Int, _ body: [UInt8]) -> [UInt8] { le16(type) + le16(body.count) + body }
    static func bof(_ dt: Int, version: Int = 0x0600) -> [UInt8] { record(0x0809, le16(version) + le16(dt) + [UInt8](repeating: 0, count: 12)) }
    static let eof = record(0x000A, [])
    /// XLUnicodeString, compressed when every character fits in 8 bits.
    static func string(_ s: String, short: Bool = false) -> [UInt8] {
        let u = Array(s.utf16)
        let wide = u.contains { $0 > 0xFF }
        let n = short ? [UInt8(u.count)] : le16(u.count)
        return n + [wide ? 1 : 0] + (wide ? u.flatMap { le16(Int($0)) } : u.map { UInt8($0) })
    }
    static func number(_ r: Int, _ c: Int, _ v: Double, xf: Int = 15) -> [UInt8] { record(0x0203, le16(r) + le16(c) + le16(xf) + f64(v)) }
    static func labelSST(_ r: Int, _ c: Int, _ i: Int) -> [UInt8] { record(0x00FD, le16(r) + le16(c) + le16(15) + le32(UInt32(i))) }

    /// A workbook stream: globals (`globals` records after BOF), one sheet "S" holding `cells`.
    static func workbook(globals: [UInt8] = [], cells: [UInt8] = [], version: Int = 0x0600) -> [UInt8] {
        let name = string("S", short: true)
        let boundLen = 4 + 6 + name.count
        let head = bof(0x0005, version: version) + globals
        let offset = head.count + boundLen + eof.count
        let bound = record(0x0085, le32(UInt32(offset)) + [0, 0] + name)
        return head + bound + eof + bof(0x0010, version: version) + cells + eof
    }

    /// A compound file holding `streams` (each padded to 4096 bytes so none lands in the mini
    /// stream): FAT in sector 0, directory in sector 1, stream data after. `patch` may edit the
    /// FAT, the directory entries or anything else before the bytes are returned.
    static func compound(_ streams: [(String, [UInt8])], shift: Int = 9,
                         patch: (inout [UInt32], inout [UInt8]) -> Void = { _, _ in }) -> [UInt8] {
        let ss = 1 << shift
        var fat = [UInt32](repeating: 0xFFFF_FFFF, count: ss / 4)
        fat[0] = 0xFFFF_FFFD        // FAT sector
        fat[1] = 0xFFFF_FFFE        // directory: one sector
        var data: [UInt8] = []
        var dir = [UInt8](repeating: 0, count: ss)
        func entry(_ i: Int, _ name: String, type: UInt8, child: UInt32, right: UInt32, start: UInt32, size: Int) {
            let o = 128 * i
            let u = Array(name.utf16)
            for (k, c) in u.enumerated() { dir[o + 2 * k] = UInt8(c & 0xFF); dir[o + 2 * k + 1] = UInt8(c >> 8) }
            dir.replaceSubrange((o + 0x40)..<(o + 0x42), with: le16(2 * (u.count + 1)))
            dir[o + 0x42] = type
            dir.replaceSubrange((o + 0x44)..<(o + 0x50), with: le32(0xFFFF_FFFF) + le32(right) + le32(child))
            dir.replaceSubrange((o + 0x74)..<(o + 0x7C), with: le32(start) + le32(UInt32(size)))
        }
        entry(0, "Root Entry", type: 5, child: streams.isEmpty ? 0xFFFF_FFFF : 1, right: 0xFFFF_FFFF, start: 0xFFFF_FFFE, size: 0)
        var next = 2
        for (k, (name, body)) in streams.enumerated() {
            var b = body
            if b.count < 4096 { b += [UInt8](repeating: 0, count: 4096 - b.count) }
            let n = (b.count + ss - 1) / ss
            for s in 0..<n { fat[next + s] = s == n - 1 ? 0xFFFF_FFFE : UInt32(next + s + 1) }
            entry(k + 1, name, type: 2, child: 0xFFFF_FFFF, right: k + 1 < streams.count ? UInt32(k + 2) : 0xFFFF_FFFF,
                  start: UInt32(next), size: b.count)
            data += b + [UInt8](repeating: 0, count: n * ss - b.count)
            next += n
        }
        patch(&fat, &dir)
        var header = [UInt8](repeating: 0, count: ss)
        header.replaceSubrange(0..<8, with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        header.replaceSubrange(0x18..<0x22, with: le16(0x3E) + le16(shift == 9 ? 3 : 4) + le16(0xFFFE) + le16(shift) + le16(6))
        header.replaceSubrange(0x28..<0x4C, with: le32(shift == 9 ? 0 : 1) + le32(1) + le32(1) + le32(0) + le32(4096)
                               + le32(0xFFFF_FFFE) + le32(0) + le32(0xFFFF_FFFE) + le32(0))
        for i in 0..<109 { header.replaceSubrange((0x4C + 4 * i)..<(0x50 + 4 * i), with: le32(i == 0 ? 0 : 0xFFFF_FFFF)) }
        let fatBytes = fat.flatMap { le32($0) }
        return header + fatBytes + dir + data
    }
}
