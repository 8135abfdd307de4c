/// One sheet (or, for a Word file, one table) as a reader lists it before loading it.
public struct SheetEntry: Sendable, Equatable {
    public var name: String
    public var state: SheetState
    public init(name: String, state: SheetState = .visible) { self.name = name; self.state = state }
}

/// What every format's reader does, whatever the format: list its sheets, load one as a `Grid`.
/// The .xlsx `Workbook` is one implementation; .xls, .ods and .docx readers are others.
/// Errors are thrown as the reader's typed errors and worded for people in one place above.
public protocol GridReader: AnyObject {
    /// The file as named by the caller (used in every error).
    var path: String { get }
    /// Sheets in workbook order.
    var sheetList: [SheetEntry] { get }
    /// Loads sheet `index` (into `sheetList`) with its cells, merges, hidden rows/columns and sizes.
    func loadGrid(_ index: Int) throws -> Grid
}

/// What a caller looking at a sheet as it streams says of each row: read on, stop quietly (what
/// it looks for is not there), or refuse the sheet with an error.
public enum RowVerdict {
    case keepReading
    case giveUp
    case refuse(Error)
}

/// A reader that can stop a sheet early: the mapper looks for a 考评表 header in the first rows
/// and stops a sheet of 16 million cells without one after a few hundred rows.
public protocol ProbingGridReader: GridReader {
    /// Loads sheet `index`, showing `probe` each row's non-empty cells as they stream past;
    /// nil when the probe gave up.
    func loadGrid(_ index: Int, probe: (_ row: Int, _ cells: CellArray.SubSequence) -> RowVerdict) throws -> Grid?
}
