/// A loaded sheet: its non-empty cells by position, merges, hidden rows and columns, sizes.
public struct Grid: Sendable {
    public let name: String
    public let state: SheetState
    /// In order: by row, then column.
    public let cells: CellArray
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
    /// Where each row's cells start in `cells` (sorted by row, then column): row r is
    /// `cells[rowStart[r]..<rowStart[r + 1]]`. Four bytes a row instead of a dictionary entry a cell.
    private var rowStart: [Int32] = []
    /// The merge of every covered position, by row: row r's covered columns are
    /// `mergeCols[mergeRowStart[r]..<mergeRowStart[r + 1]]` (ascending), each with its merge in
    /// `mergeIndex`. Eight bytes a covered cell instead of a dictionary entry.
    private var mergeRowStart: [Int32] = []
    private var mergeCols: [Int32] = []
    private var mergeIndex: [Int32] = []
    public let maxRow: Int
    public let maxCol: Int

    /// How many merged positions one grid expands in all (a real sheet has a few thousand).
    static let mergeBudget = 2_000_000

    public init(name: String, state: SheetState = .visible, cells: [Cell], meta: SheetMeta,
                hiddenRows: Set<Int> = [], rowHeights: [Int: Double] = [:], formats: [CellFormat] = [],
                date1904: Bool = false) {
        self.init(name: name, state: state, storage: CellStorage(cells), meta: meta, hiddenRows: hiddenRows,
                  rowHeights: rowHeights, formats: formats, date1904: date1904)
    }

    /// A grid over the cells a reader gathered (taken, not copied, when they are in order).
    public init(name: String, state: SheetState = .visible, storage: CellStorage, meta: SheetMeta,
                hiddenRows: Set<Int> = [], rowHeights: [Int: Double] = [:], formats: [CellFormat] = [],
                date1904: Bool = false) {
        self.name = name; self.state = state; self.date1904 = date1904
        // Readers give cells in order; sorted only when they are not (stable: of two cells at one
        // position the later wins, as in Excel).
        storage.shrinkToFit()
        let given = CellArray(storage)
        var inOrder = true
        for i in given.indices.dropFirst() where (given[i - 1].row, given[i - 1].col) > (given[i].row, given[i].col) { inOrder = false; break }
        self.cells = inOrder ? given : CellArray(given.enumerated().sorted { ($0.element.row, $0.element.col, $0.offset) < ($1.element.row, $1.element.col, $1.offset) }.map(\.element))
        self.merges = meta.merges
        self.hiddenRows = hiddenRows
        self.hiddenCols = meta.hiddenCols
        self.colWidths = meta.colWidths
        self.rowHeights = rowHeights
        self.formats = formats
        var mr = 0, mc = 0
        for c in self.cells { mr = max(mr, c.row); mc = max(mc, c.col) }
        var starts = [Int32](repeating: 0, count: mr + 2)
        var k = 0
        for r in 0...(mr + 1) {
            while k < self.cells.count && self.cells[k].row < r { k += 1 }
            starts[r] = Int32(k)
        }
        rowStart = starts
        // Merges far outside the data (or absurdly large) are not expanded cell by cell, and all
        // of them together expand at most `Grid.mergeBudget` positions: thousands of overlapping
        // 100,000-cell merges would otherwise take minutes (a hostile sheet, not a real one).
        // Positions packed as row (22 bits) · column (15) · merge (27), sorted: of two merges over
        // one position the first in the sheet wins.
        var budget = Grid.mergeBudget
        var covered: [UInt64] = []
        for (i, m) in merges.enumerated() {
            let area = m.rowCount * m.colCount
            guard area <= 100_000, area <= budget else { continue }
            budget -= area
            guard m.top >= 0, m.bottom < 1 << 22, m.left >= 0, m.right < 1 << 15, i < 1 << 27 else { continue }
            for r in m.top...m.bottom {
                for c in m.left...m.right { covered.append(UInt64(r) << 42 | UInt64(c) << 27 | UInt64(i)) }
            }
        }
        if !covered.isEmpty {
            covered.sort()
            let lastRow = Int(covered.last! >> 42)
            var starts = [Int32](repeating: 0, count: lastRow + 2)
            var cols: [Int32] = [], idx: [Int32] = []
            cols.reserveCapacity(covered.count); idx.reserveCapacity(covered.count)
            var prev: UInt64 = .max
            for p in covered {
                let pos = p >> 27
                if pos == prev { continue }   // a later merge over the same position
                prev = pos
                starts[Int(p >> 42) + 1] += 1
                cols.append(Int32(truncatingIfNeeded: (p >> 27) & 0x7FFF))
                idx.append(Int32(truncatingIfNeeded: p & 0x7FF_FFFF))
            }
            for r in 1..<starts.count { starts[r] += starts[r - 1] }
            mergeRowStart = starts; mergeCols = cols; mergeIndex = idx
        }
        maxRow = mr; maxCol = mc
    }

    public func cell(_ row: Int, _ col: Int) -> Cell? {
        index(row, col).map { cells[$0] }
    }
    public func value(_ row: Int, _ col: Int) -> CellValue? { cell(row, col)?.value }

    /// The merge covering a position, if any.
    public func merge(at row: Int, _ col: Int) -> CellRange? {
        guard row >= 0, row + 1 < mergeRowStart.count else { return nil }
        var lo = Int(mergeRowStart[row]), hi = Int(mergeRowStart[row + 1])
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(mergeCols[mid]) < col { lo = mid + 1 } else { hi = mid }
        }
        return lo < Int(mergeRowStart[row + 1]) && Int(mergeCols[lo]) == col ? merges[Int(mergeIndex[lo])] : nil
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
        guard r >= 0, r + 1 < rowStart.count else { return [] }
        return Array(cells[Int(rowStart[r])..<Int(rowStart[r + 1])])
    }

    /// The position of a cell in `cells`, for per-cell marks kept in an array rather than a set
    /// of positions: the last cell at the position (a duplicate: the later wins), by binary
    /// search in the row.
    public func index(_ row: Int, _ col: Int) -> Int? {
        guard row >= 0, row + 1 < rowStart.count else { return nil }
        var lo = Int(rowStart[row]), hi = Int(rowStart[row + 1])
        while lo < hi {
            let mid = (lo + hi) / 2
            if cells[mid].col <= col { lo = mid + 1 } else { hi = mid }
        }
        return lo > Int(rowStart[row]) && cells[lo - 1].col == col ? lo - 1 : nil
    }
}
