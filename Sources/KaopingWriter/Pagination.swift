import Foundation

/// The paper, margins and print scale of a printed sheet; lengths in points unless named inches.
/// The scale is a whole percentage, written into the sheet: Excel ignores manual page breaks
/// under "fit to page", so the writer fits the width itself (issue 12).
public struct PageSetup: Sendable, Equatable {
    public var paperWidth: Double
    public var paperHeight: Double
    /// Margins in inches, as `worksheet_set_margins` takes them.
    public var left: Double, right: Double, top: Double, bottom: Double

    /// A4 landscape with the margins `FormWriter` writes.
    public static let a4Landscape = PageSetup(paperWidth: 841.89, paperHeight: 595.28, left: 0.4, right: 0.4, top: 0.6, bottom: 0.6)

    public var printableWidth: Double { paperWidth - (left + right) * 72 }
    public var printableHeight: Double { paperHeight - (top + bottom) * 72 }

    /// Width in points of a column `width` characters wide in the default font (Calibri 11), the
    /// wider of Excel's and LibreOffice's: Excel counts 7-pixel digits plus 5 pixels of padding at
    /// 96 dpi; LibreOffice multiplies the stored width (`width` + 5/7, in 1/256) by Calibri's
    /// (Carlito's) digit advance, 0.507 em, about 6% more. Without Carlito LibreOffice measures
    /// DejaVu Sans digits and every column is a quarter wider: install fonts-crosextra-carlito.
    public static func columnPoints(_ width: Double) -> Double {
        guard width > 0 else { return 0 }
        let pixels = (width * 7 + 5).rounded(.down)
        let stored = (pixels / 7 * 256).rounded(.down) / 256
        return max(pixels * 0.75, stored * 11 * 1038 / 2048)
    }

    /// The largest whole percentage (10…100) at which columns of these widths fit the printable
    /// width, less `slack` percent: applications measure the default font a little differently.
    public func fitScale(columnWidths: [Double], slack: Int = 2) -> Int {
        let total = columnWidths.map(PageSetup.columnPoints).reduce(0, +)
        guard total > 0 else { return 100 }
        let pct = Int((printableWidth / total * 100).rounded(.down)) - slack
        return min(100, max(10, pct))
    }

    /// Height of sheet rows (in points at 100%) that one page holds at `scale` percent, with
    /// `safety` kept free for the renderers' rounding of row heights.
    public func rowsHeight(scale: Int, safety: Double = 0.97) -> Double {
        printableHeight * safety * 100 / Double(max(scale, 1))
    }
}

/// Rows that print on one page: a 一级指标 block with the 合计 (and the tail) it carries.
/// `inner` are the rows before which it may break when it is taller than a page (its items).
public struct KeepTogether: Sendable, Equatable {
    public var first: Int
    public var last: Int
    public var inner: [Int]
    public init(first: Int, last: Int, inner: [Int] = []) {
        self.first = first; self.last = last; self.inner = inner
    }
}

/// Where printed pages end: a pure computation from row heights, testable without a writer.
public enum Pagination {
    /// The rows (0-based) that begin a new page, ascending, at most 1023 (Excel's limit).
    /// Rows outside every keep stand alone. A keep that does not fit what is left of a page moves
    /// to the next; one taller than a whole page starts a page and breaks only before its `inner`
    /// rows. Rows `repeatRows` print again at the top of every page after the first.
    /// Keeps must be ascending and disjoint; overlapping ones are treated as one.
    public static func breaks(heights: [Double], repeatRows: ClosedRange<Int>?, keeps: [KeepTogether],
                              pageHeight: Double) -> [Int] {
        let n = heights.count
        guard n > 0, pageHeight > 0 else { return [] }
        func height(_ a: Int, _ b: Int) -> Double {
            let lo = max(a, 0), hi = min(b, n - 1)
            return lo > hi ? 0 : heights[lo...hi].reduce(0, +)
        }
        let repeatHeight = repeatRows.map { height($0.lowerBound, $0.upperBound) } ?? 0
        // Units in row order: each keep, and every row outside a keep on its own.
        var units: [KeepTogether] = []
        var r = 0
        for k in keeps.sorted(by: { $0.first < $1.first }) where k.last >= k.first && k.first < n {
            let first = max(k.first, r)
            while r < first { units.append(KeepTogether(first: r, last: r)); r += 1 }
            let last = min(k.last, n - 1)
            guard last >= first else { continue }
            units.append(KeepTogether(first: first, last: last, inner: k.inner.filter { $0 > first && $0 <= last }.sorted()))
            r = last + 1
        }
        while r < n { units.append(KeepTogether(first: r, last: r)); r += 1 }

        var result: [Int] = []
        var used = 0.0          // height on the current page
        var pageStart = 0.0     // what an empty page already holds (the repeated header)
        func newPage(at row: Int) {
            guard result.count < 1023 else { return }
            result.append(row)
            pageStart = repeatRows.map { row > $0.upperBound } == true ? repeatHeight : 0
            used = pageStart
        }
        for u in units {
            let h = height(u.first, u.last)
            if used + h <= pageHeight { used += h; continue }
            let empty = used <= pageStart
            if repeatHeight + h <= pageHeight || u.inner.isEmpty {
                if !empty { newPage(at: u.first) }
                used += h
                continue
            }
            // Taller than a page: start one, then break between its items.
            if !empty { newPage(at: u.first) }
            let cuts = [u.first] + u.inner + [u.last + 1]
            for i in 0..<(cuts.count - 1) {
                let sh = height(cuts[i], cuts[i + 1] - 1)
                if used + sh > pageHeight && used > pageStart { newPage(at: cuts[i]) }
                used += sh
            }
        }
        return result
    }

    /// Splits the rows `top...bottom` at the page breaks inside it: one range per page.
    public static func split(top: Int, bottom: Int, at breaks: [Int]) -> [ClosedRange<Int>] {
        guard bottom >= top else { return [] }
        var out: [ClosedRange<Int>] = []
        var start = top
        for b in breaks.sorted() where b > top && b <= bottom {
            out.append(start...(b - 1)); start = b
        }
        out.append(start...bottom)
        return out
    }
}
