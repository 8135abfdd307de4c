import GridKit
import XLSXCore


public struct SheetInfo: Sendable {
    public var name: String
    public var state: SheetState
    /// The worksheet part inside the zip, resolved through the relationships.
    public var part: String
}

/// A generic XLSX workbook: sheets, shared strings and formats. Knows nothing of 考评表.
public final class Workbook {
    /// Most sheets one workbook may list (Excel's practical ceiling is far lower for real work).
    public static let maxSheets = SheetLimits.maxSheets
    public let path: String
    public let sheets: [SheetInfo]
    public let date1904: Bool
    public let formats: [CellFormat]
    let zip: ZipArchive
    let limits: XLSXLimits
    private let sharedStringsPart: String?
    private var _strings: [String]?
    /// Sheet parts a probe gave up on (see `load(_:probe:)`).
    private var gaveUpParts = Set<String>()

    /// `zip`: the archive already opened (format detection opened it), else opened here.
    public init(path: String, limits: XLSXLimits = .default, zip opened: ZipArchive? = nil) throws {
        self.path = path
        self.limits = limits
        let zip = try opened ?? ZipArchive(path: path, limits: limits)
        self.zip = zip
        let rootRels = try Relationships.read(zip, for: "")
        var wbPart = rootRels.byType("officeDocument").map { Relationships.resolve($0.target, from: "") } ?? "xl/workbook.xml"
        if !zip.has(wbPart), zip.has("xl/workbook.xml") { wbPart = "xl/workbook.xml" }
        guard zip.has(wbPart) else {
            if zip.partNames.isEmpty || !zip.has("[Content_Types].xml") {
                throw XLSXError.missingPart(file: path, part: "xl/workbook.xml (this zip is not an Excel workbook)")
            }
            throw XLSXError.missingPart(file: path, part: wbPart)
        }
        let wbRels = try Relationships.read(zip, for: wbPart)
        let h = WorkbookPartHandler()
        try XMLStream.parse(zip, part: wbPart, handler: h)
        date1904 = h.date1904
        // Each sheet may be read in turn while looking for a form: bound how many there can be.
        guard h.sheets.count <= Workbook.maxSheets else {
            throw XLSXError.limitExceeded(file: path, part: wbPart, what: "more than \(Workbook.maxSheets) sheets")
        }
        var infos: [SheetInfo] = []
        for (i, e) in h.sheets.enumerated() {
            var part: String? = wbRels.byId(e.relId).map { Relationships.resolve($0.target, from: wbPart) }
            if part == nil || !zip.has(part!) {
                // Some writers get the relationship wrong; fall back to the conventional name.
                let guess = "xl/worksheets/sheet\(i + 1).xml"
                if zip.has(guess) { part = guess }
            }
            guard let p = part else { throw XLSXError.missingPart(file: path, part: "worksheet for sheet '\(e.name)'") }
            infos.append(SheetInfo(name: e.name, state: e.state, part: p))
        }
        sheets = infos
        sharedStringsPart = wbRels.byType("sharedStrings").map { Relationships.resolve($0.target, from: wbPart) }
            ?? (zip.has("xl/sharedStrings.xml") ? "xl/sharedStrings.xml" : nil)
        if let stylesPart = wbRels.byType("styles").map({ Relationships.resolve($0.target, from: wbPart) }), zip.has(stylesPart) {
            let sh = StylesHandler()
            try XMLStream.parse(zip, part: stylesPart, handler: sh)
            formats = sh.formats
        } else {
            formats = []
        }
    }

    /// Shared strings, read once on first use.
    public func sharedStrings() throws -> [String] {
        if let s = _strings { return s }
        var s: [String] = []
        if let p = sharedStringsPart, zip.has(p) {
            let h = SharedStringsHandler(limits: limits, file: path, part: p)
            try XMLStream.parse(zip, part: p, handler: h)
            s = h.strings
        }
        _strings = s
        return s
    }

    public func format(_ style: Int) -> CellFormat {
        style >= 0 && style < formats.count ? formats[style] : CellFormat()
    }

    public func sheet(named name: String?) throws -> SheetInfo {
        guard let name else {
            guard let first = sheets.first else { throw XLSXError.missingPart(file: path, part: "any worksheet") }
            return first
        }
        if let s = sheets.first(where: { $0.name == name }) { return s }
        throw XLSXError.noSuchSheet(file: path, sheet: name, available: sheets.map(\.name))
    }

    /// Streams the rows of a sheet; only the current row is held. Returns merges, widths and the like.
    @discardableResult
    public func streamRows(_ sheet: SheetInfo, _ body: @escaping (Row) throws -> Void) throws -> SheetMeta {
        // A big sheet starts inflating on its own thread while the shared strings are read.
        let pre = _strings == nil ? zip.prefetch(sheet.part) : nil
        let strings: [String]
        do { strings = try sharedStrings() } catch { pre?.finish(); throw error }
        let h = SheetHandler(strings: strings, file: path, part: sheet.part, limits: limits, onRow: body)
        try XMLStream.parse(zip, part: sheet.part, prefetched: pre ?? zip.prefetch(sheet.part), handler: h)
        return h.meta
    }

    /// Loads a sheet into a grid of its non-empty cells.
    public func load(_ sheet: SheetInfo) throws -> Grid {
        try load(sheet, probe: nil)!
    }

    /// Thrown out of the row callback to stop the scanner when the probe gives up.
    private struct GaveUp: Error {}

    func load(_ sheet: SheetInfo, probe: ((Int, CellArray.SubSequence) -> RowVerdict)?) throws -> Grid? {
        // Several sheets may name one part (a hostile workbook names it thousands of times): a
        // part the probe gave up on is not read again.
        if probe != nil, gaveUpParts.contains(sheet.part) { return nil }
        // One block grown in place (CellStorage): the cells are never held twice.
        let cells = CellStorage()
        var hiddenRows = Set<Int>()
        var heights: [Int: Double] = [:]
        let meta: SheetMeta
        do {
            meta = try streamRows(sheet) { row in
                if row.hidden { hiddenRows.insert(row.index) }
                if let h = row.height { heights[row.index] = h }
                let before = cells.count
                for c in row.cells where !c.isEmpty { cells.append(c) }
                if let probe {
                    switch probe(row.index, CellArray(cells)[before...]) {
                    case .keepReading: break
                    case .giveUp: throw GaveUp()
                    case .refuse(let e): throw e
                    }
                }
            }
        } catch is GaveUp {
            gaveUpParts.insert(sheet.part)
            return nil
        }
        return Grid(name: sheet.name, state: sheet.state, storage: cells, meta: meta,
                    hiddenRows: hiddenRows, rowHeights: heights, formats: formats, date1904: date1904)
    }
}

extension Workbook: ProbingGridReader {
    public var sheetList: [SheetEntry] { sheets.map { SheetEntry(name: $0.name, state: $0.state) } }
    public func loadGrid(_ index: Int) throws -> Grid { try load(sheets[index]) }
    public func loadGrid(_ index: Int, probe: (Int, CellArray.SubSequence) -> RowVerdict) throws -> Grid? {
        try withoutActuallyEscaping(probe) { try load(sheets[index], probe: $0) }
    }
}
