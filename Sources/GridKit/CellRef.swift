/// A1-style references: columns are 1-based (A = 1), rows are 1-based.
public enum CellRef {
    public static func column(_ letters: Substring) -> Int? {
        var n = 0
        for u in letters.utf8 {
            let c: UInt8
            switch u {
            case 65...90: c = u - 64
            case 97...122: c = u - 96
            default: return nil
            }
            n = n * 26 + Int(c)
            if n > 16_384 { return nil }
        }
        return n == 0 ? nil : n
    }

    public static func letters(_ col: Int) -> String {
        // ASCII bytes into a small string (no Character array): refs are made for every finding and cell.
        var buf: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &buf) { b in
            var n = col, k = 8
            while n > 0 && k > 0 {
                k -= 1
                b[k] = UInt8(65 + (n - 1) % 26)
                n = (n - 1) / 26
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: b[k...]), as: UTF8.self)
        }
    }

    public static func format(row: Int, col: Int) -> String {
        // Letters then the row number, written as bytes from the end of a 24-byte buffer.
        var buf: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &buf) { b in
            var k = 24
            var r = row
            if r <= 0 { return letters(col) + String(row) }
            while r > 0 { k -= 1; b[k] = UInt8(48 + r % 10); r /= 10 }
            var n = col
            while n > 0 && k > 0 { k -= 1; b[k] = UInt8(65 + (n - 1) % 26); n = (n - 1) / 26 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: b[k...]), as: UTF8.self)
        }
    }

    /// Parses `B12` or `$B$12`; nil when malformed.
    public static func parse(_ s: Substring) -> (row: Int, col: Int)? {
        let t = s.filter { $0 != "$" }
        guard let split = t.firstIndex(where: { $0.isNumber }) else { return nil }
        guard let col = column(t[t.startIndex..<split]), let row = Int(t[split...]), row > 0, row <= 1_048_576 else {
            return nil
        }
        return (row, col)
    }
}

/// A rectangular range such as a merge, inclusive on both ends.
public struct CellRange: Hashable, Sendable, CustomStringConvertible {
    public var top: Int, left: Int, bottom: Int, right: Int
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = min(top, bottom); self.bottom = max(top, bottom)
        self.left = min(left, right); self.right = max(left, right)
    }
    public init?(_ ref: String) {
        let parts = ref.split(separator: ":")
        guard parts.count == 1 || parts.count == 2, let a = CellRef.parse(parts[0]) else { return nil }
        let b = parts.count == 2 ? CellRef.parse(parts[1]) : a
        guard let b else { return nil }
        self.init(top: a.row, left: a.col, bottom: b.row, right: b.col)
    }
    public func contains(row: Int, col: Int) -> Bool {
        row >= top && row <= bottom && col >= left && col <= right
    }
    public var rowCount: Int { bottom - top + 1 }
    public var colCount: Int { right - left + 1 }
    public var description: String {
        let a = CellRef.format(row: top, col: left)
        return rowCount == 1 && colCount == 1 ? a : a + ":" + CellRef.format(row: bottom, col: right)
    }
}
