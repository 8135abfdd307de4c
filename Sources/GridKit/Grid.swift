/// A loaded sheet: its non-empty cells by position, merges, hidden rows and columns, sizes.
public struct Grid: Sendable {
    public let name: String
    public let state: SheetState
    public private(set) var cells: [Cell]
    public let merges: [CellRange]
    public let hiddenRows: Set<Int>
    public let hiddenCols: Set<Int>
    public let colWidths: [Int: Double]
    public let rowHeights: [Int: Double]
    public let formats: [CellFormat]
    /// The workbook counts date serials from 1904 (old Mac Excel) instead of 1900.
    public let date1904: Bool
    /// Text that stands above the table outside any cell, top to bottom: a Word document's
    /// title and 参评单位 paragraphs. Spreadsheets keep these in cells and leave this empty.
    public var preamble: [String] = []
    private var index: [Int: Int] = [:]
    /// For each merge, its anchor (top-left) as the key of every covered cell.
    private var mergeOf: [Int: Int] = [:]
    public let maxRow: Int
    public let maxCol: Int

    @inline(__always) static func key(_ r: Int, _ c: Int) -> Int { r << 15 | c }
    /// How many merged positions one grid expands in all (a real sheet has a few thousand).
    static let mergeBudget = 2_000_000

    public init(name: String, state: SheetState = .visible, cells: [Cell], meta: SheetMeta,
                hiddenRows: Set<Int> = [], rowHeights: [Int: Double] = [:], formats: [CellFormat] = [],
                date1904: Bool = false) {
        self.name = name; self.state = state; self.date1904 = date1904
        self.cells = cells.sorted { ($0.row, $0.col) < ($1.row, $1.col) }
        self.merges = meta.merges
        self.hiddenRows = hiddenRows
        self.hiddenCols = meta.hiddenCols
        self.colWidths = meta.colWidths
        self.rowHeights = rowHeights
        self.formats = formats
        var mr = 0, mc = 0
        for (i, c) in self.cells.enumerated() {
            index[Grid.key(c.row, c.col)] = i   // a duplicate position: the later cell wins, as in Excel
            mr = max(mr, c.row); mc = max(mc, c.col)
        }
        // Merges far outside the data (or absurdly large) are not expanded cell by cell, and all
        // of them together expand at most `Grid.mergeBudget` positions: thousands of overlapping
        // 100,000-cell merges would otherwise take minutes (a hostile sheet, not a real one).
        var budget = Grid.mergeBudget
        for (i, m) in merges.enumerated() {
            let area = m.rowCount * m.colCount
            guard area <= 100_000, area <= budget else { continue }
            budget -= area
            for r in m.top...m.bottom {
                for c in m.left...m.right where mergeOf[Grid.key(r, c)] == nil { mergeOf[Grid.key(r, c)] = i }
            }
        }
        maxRow = mr; maxCol = mc
    }

    public func cell(_ row: Int, _ col: Int) -> Cell? {
        index[Grid.key(row, col)].map { cells[$0] }
    }
    public func value(_ row: Int, _ col: Int) -> CellValue? { cell(row, col)?.value }

    /// The merge covering a position, if any.
    public func merge(at row: Int, _ col: Int) -> CellRange? {
        mergeOf[Grid.key(row, col)].map { merges[$0] }
    }

    /// The cell that shows at a position: the anchor of its merge, or the cell itself.
    public func visibleCell(_ row: Int, _ col: Int) -> Cell? {
        if let m = merge(at: row, col) { return cell(m.top, m.left) }
        return cell(row, col)
    }

    public func format(_ cell: Cell) -> CellFormat {
        cell.style >= 0 && cell.style < formats.count ? formats[cell.style] : CellFormat()
    }

    /// The rows that hold at least one cell, ascending.
    public var rowsWithCells: [Int] {
        var out: [Int] = []
        for c in cells where out.last != c.row { out.append(c.row) }
        return out
    }

    /// Non-empty cells of one row, in column order.
    public func row(_ r: Int) -> [Cell] {
        // Binary search for the row's first cell.
        var lo = 0, hi = cells.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cells[mid].row < r { lo = mid + 1 } else { hi = mid }
        }
        var out: [Cell] = []
        while lo < cells.count && cells[lo].row == r { out.append(cells[lo]); lo += 1 }
        return out
    }
}
