import Foundation

/// A cell's value as stored (a formula's cached value for formula cells).
public enum CellValue: Equatable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    /// An error value such as `#REF!`, kept as written.
    case error(String)
    /// An ISO 8601 date (`t="d"`), kept as written.
    case date(String)

    public var typeCode: String {
        switch self {
        case .number: return "n"
        case .string: return "s"
        case .bool: return "b"
        case .error: return "e"
        case .date: return "d"
        }
    }

    /// The value as a person would read it in the cell.
    public var text: String {
        switch self {
        case .number(let d): return CellValue.format(d)
        case .string(let s), .error(let s), .date(let s): return s
        case .bool(let b): return b ? "TRUE" : "FALSE"
        }
    }

    public static func format(_ d: Double) -> String {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        var s = String(d)
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }
}

public struct Cell: Sendable {
    // Position and style in 32 bits each, laid out around the value: 48 bytes a cell instead
    // of 64 (a 200,000-row sheet holds two million).
    @usableFromInline var r: Int32, c: Int32
    public var value: CellValue?
    @usableFromInline var s: Int32
    /// The formula without its leading `=`, shared formulas expanded to this cell.
    public var formula: String?

    // Inlinable: the readers, in other modules, make and read cells by the million.
    @inlinable public var row: Int { get { Int(r) } set { r = Int32(clamping: newValue) } }
    @inlinable public var col: Int { get { Int(c) } set { c = Int32(clamping: newValue) } }
    /// Index into the workbook's cell formats (`Workbook.formats`).
    @inlinable public var style: Int { get { Int(s) } set { s = Int32(clamping: newValue) } }

    @inlinable public init(row: Int, col: Int, value: CellValue?, formula: String? = nil, style: Int = 0) {
        r = Int32(clamping: row); c = Int32(clamping: col); self.value = value; self.formula = formula
        s = Int32(clamping: style)
    }
    public var ref: String { CellRef.format(row: row, col: col) }
    /// A cell with neither a value nor a formula is only formatting.
    @inlinable public var isEmpty: Bool {
        if formula != nil { return false }
        switch value {
        case nil: return true
        case .string(let s)?: return s.isEmpty
        default: return false
        }
    }
}

/// What later layers need of a cell format.
public struct CellFormat: Sendable, Equatable {
    public var bold = false
    public var wrap = false
    public var isDate = false
    public var fontSize: Double? = nil
    public init() {}
}
