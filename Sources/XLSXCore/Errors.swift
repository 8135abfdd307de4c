/// Why a workbook could not be read. Typed here; the CLI words them for people.
public enum XLSXError: Error, Equatable, Sendable {
    case fileNotFound(file: String)
    case unreadable(file: String, reason: String)
    case notZip(file: String)
    /// OLE2 compound file without an encrypted package: a legacy `.xls`.
    case legacyXLS(file: String)
    /// OLE2 compound file holding `EncryptedPackage`: a password-protected `.xlsx`.
    case encrypted(file: String)
    /// A BIFF5/BIFF7 (Excel 5.0–95) or older `.xls`: its BOF is not BIFF8, or it has a `Book` stream.
    case xlsBeforeBIFF8(file: String)
    case missingPart(file: String, part: String)
    case damagedPart(file: String, part: String, line: Int, reason: String)
    /// A part that inflates past the size limit or at an absurd ratio (zip bomb).
    case partTooLarge(file: String, part: String, reason: String)
    /// A DTD or entity declaration: OOXML has none, so it can only be an attack.
    case forbiddenDTD(file: String, part: String, line: Int)
    case limitExceeded(file: String, part: String, what: String)
    case noSuchSheet(file: String, sheet: String, available: [String])
    /// A FIFO, socket, device or folder where a file was expected: never opened.
    case notRegularFile(file: String, kind: FileKind)

    public var file: String {
        switch self {
        case .fileNotFound(let f), .unreadable(let f, _), .notZip(let f), .legacyXLS(let f), .encrypted(let f), .xlsBeforeBIFF8(let f),
             .missingPart(let f, _), .damagedPart(let f, _, _, _), .partTooLarge(let f, _, _),
             .forbiddenDTD(let f, _, _), .limitExceeded(let f, _, _), .noSuchSheet(let f, _, _),
             .notRegularFile(let f, _):
            return f
        }
    }
}

/// Limits that protect against hostile workbooks. Defaults are generous for real sheets.
public struct XLSXLimits: Sendable {
    /// Largest inflated size of one part.
    public var maxPartBytes: Int64 = 256 << 20
    /// Largest inflated/compressed ratio once a part has inflated past `ratioFloorBytes`.
    public var maxRatio: Double = 1000
    public var ratioFloorBytes: Int64 = 16 << 20
    public var maxCells: Int = 20_000_000
    public var maxSharedStrings: Int = 5_000_000
    /// Longest string kept for one cell (Excel's own limit is 32,767 characters).
    public var maxStringBytes: Int = 1 << 20
    public init() {}
    public static let `default` = XLSXLimits()
}
