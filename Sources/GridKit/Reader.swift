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
