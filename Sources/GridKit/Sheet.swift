/// Whether a sheet shows in its workbook's tabs.
public enum SheetState: String, Sendable { case visible, hidden, veryHidden }

/// Sheet-level facts a reader collects beside the cells: merges, hidden columns, widths.
public struct SheetMeta: Sendable {
    public var merges: [CellRange] = []
    public var hiddenCols: Set<Int> = []
    public var colWidths: [Int: Double] = [:]
    public var defaultRowHeight: Double?
    public var declaredDimension: String?
    public init() {}
}
