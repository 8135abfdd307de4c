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

/// Limits every reader applies to a file's list of sheets (or a Word file's tables).
public enum SheetLimits {
    /// Most sheets one file may list: each may be read in turn while looking for the form.
    public static let maxSheets = 4096
}
