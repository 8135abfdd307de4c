import Foundation
import GridKit
import XLSXCore

/// An OpenDocument spreadsheet (`.ods`): the tables of `content.xml`, read as `Grid`s.
/// Streams `content.xml` through libzip + the XML scanner like the .xlsx reader: a DTD is refused, and
/// repeated rows and cells are counted, never expanded, unless they hold something (then the
/// cell and row limits apply before anything is copied). Only automatic styles in `content.xml`
/// are read (widths, heights, hidden tables, date/bold/wrap); parent styles in `styles.xml` are not.
/// Listing the tables means parsing all of `content.xml`, so `init` keeps the first table's grid
/// from that pass for the first `loadGrid(0)`; any other load parses the part again.
public final class ODSBook: GridReader {
    public let path: String
    public let sheetList: [SheetEntry]
    let zip: ZipArchive
    let limits: XLSXLimits
    static let part = "content.xml"
    /// Most tables one file may hold, as for an .xlsx workbook.
    public static let maxSheets = 4096
    private var firstGrid: Grid?

    /// `zip`: the archive already opened (format detection opened it), else opened here.
    public init(path: String, limits: XLSXLimits = .default, zip opened: ZipArchive? = nil) throws {
        self.path = path
        self.limits = limits
        zip = try opened ?? ZipArchive(path: path, limits: limits)
        guard zip.has(ODSBook.part) else {
            throw XLSXError.missingPart(file: path, part: "\(ODSBook.part) (this zip is not an OpenDocument spreadsheet)")
        }
        let h = ODSContentHandler(file: path, limits: limits, target: 0)
        try XMLStream.parse(zip, part: ODSBook.part, handler: h)
        guard h.tables.count <= ODSBook.maxSheets else {
            throw XLSXError.limitExceeded(file: path, part: ODSBook.part, what: "more than \(ODSBook.maxSheets) sheets")
        }
        sheetList = h.tables.map { t in
            SheetEntry(name: t.name, state: h.hiddenTableStyles.contains(t.style) ? .hidden : .visible)
        }
        if !sheetList.isEmpty { firstGrid = ODSBook.grid(h, sheetList[0]) }
    }

    private static func grid(_ h: ODSContentHandler, _ entry: SheetEntry) -> Grid {
        var meta = SheetMeta()
        meta.merges = h.merges
        meta.hiddenCols = h.hiddenCols
        meta.colWidths = h.colWidths
        return Grid(name: entry.name, state: entry.state, storage: h.cells, meta: meta,
                    hiddenRows: h.hiddenRows, rowHeights: h.rowHeights, formats: h.formats)
    }

    /// Loads table `index` (0-based, into `sheetList`); a bad index is a missing part, not a trap.
    public func loadGrid(_ index: Int) throws -> Grid {
        guard index >= 0, index < sheetList.count else {
            throw XLSXError.noSuchSheet(file: path, sheet: "#\(index + 1)", available: sheetList.map(\.name))
        }
        if index == 0, let g = firstGrid {
            firstGrid = nil
            return g
        }
        let h = ODSContentHandler(file: path, limits: limits, target: index)
        try XMLStream.parse(zip, part: ODSBook.part, handler: h)
        return ODSBook.grid(h, sheetList[index])
    }
}

/// Character data collected up to a byte limit.
struct ODSText {
    var bytes: [UInt8] = []
    var overflow = false
    let limit: Int
    init(limit: Int) { self.limit = limit }
    mutating func reset() { bytes.removeAll(keepingCapacity: true); overflow = false }
    mutating func append(_ b: UInt8) {
        if bytes.count >= limit { overflow = true; return }
        bytes.append(b)
    }
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        if bytes.count + b.count > limit { overflow = true; return }
        bytes.append(contentsOf: b)
    }
    var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// What one automatic style of `content.xml` says that the grid needs.
struct ODSStyle {
    var family = ""
    var dataStyle: String?
    var columnWidth: Double?
    var rowHeight: Double?
    var hidden = false
    var format = CellFormat()
}

/// SAX handler for `content.xml`: lists every table and collects the cells of table number
/// `target` (none when nil), ignoring the others.
final class ODSContentHandler: XMLHandler {
    let file: String
    let limits: XLSXLimits
    let target: Int?
    static let part = ODSBook.part
    static let maxRow = 1_048_576, maxCol = 16_384
    /// Most merges one table may declare (each is a cell's span; a real sheet has hundreds).
    static let maxMerges = 1_000_000
    /// Deepest element nesting accepted: real content is about 12 deep.
    static let maxDepth = 1_000

    struct TableInfo { var name: String; var style: String }
    var tables: [TableInfo] = []
    var hiddenTableStyles = Set<String>()

    // Every event touches this state several times: its accesses are not checked dynamically for
    // exclusivity (a third of the handler's time). Nothing here is reentrant: the scanner calls one
    // callback at a time.
    // Results for the target table.
    @exclusivity(unchecked) var cells = CellStorage()
    @exclusivity(unchecked) var merges: [CellRange] = []
    @exclusivity(unchecked) var hiddenRows = Set<Int>(), hiddenCols = Set<Int>()
    @exclusivity(unchecked) var rowHeights: [Int: Double] = [:], colWidths: [Int: Double] = [:]
    @exclusivity(unchecked) var formats: [CellFormat] = [CellFormat()]
    @exclusivity(unchecked) private var formatIndex: [String: Int] = [:]

    // Styles.
    @exclusivity(unchecked) private var styles: [String: ODSStyle] = [:]
    @exclusivity(unchecked) private var dateStyles = Set<String>()
    @exclusivity(unchecked) private var styleName: String?
    @exclusivity(unchecked) private var inAutoStyles = false

    // Position.
    @exclusivity(unchecked) private var depth = 0
    @exclusivity(unchecked) private var tableDepth = 0          // table:table nesting (a sub-table inside a cell counts on)
    @exclusivity(unchecked) private var tableIndex = -1
    private var active: Bool { tableDepth == 1 && tableIndex == target }
    @exclusivity(unchecked) private var row = 0, col = 0         // 1-based row of the open row; next column (1-based)
    @exclusivity(unchecked) private var rowRepeat = 1
    @exclusivity(unchecked) private var rowHidden = false, rowHeight: Double?
    @exclusivity(unchecked) private var rowCells: [Cell] = []
    @exclusivity(unchecked) private var rowMerges: [CellRange] = []
    @exclusivity(unchecked) private var nextCol = 1
    @exclusivity(unchecked) private var colNext = 1              // next table:table-column position

    // The open cell.
    @exclusivity(unchecked) private var inCell = false
    @exclusivity(unchecked) private var cellRepeat = 1, cellSpanC = 1, cellSpanR = 1
    /// `office:value-type`, read without allocating (it is on nearly every cell).
    enum ValueType { case none, float, percentage, currency, date, time, boolean, string, error, other
        init(_ p: UnsafePointer<CChar>) {
            let n = XMLName(raw: p)
            if n.is("float") { self = .float } else if n.is("string") { self = .string }
            else if n.is("date") { self = .date } else if n.is("percentage") { self = .percentage }
            else if n.is("currency") { self = .currency } else if n.is("time") { self = .time }
            else if n.is("boolean") { self = .boolean } else if n.is("error") { self = .error } else { self = .other }
        }
    }
    @exclusivity(unchecked) private var cellType = ValueType.none, cellTypeExt = ValueType.none
    @exclusivity(unchecked) private var cellNumber: Double?, cellDate: String?, cellBool: Bool?, cellStringValue: String?
    @exclusivity(unchecked) private var cellFormula: String?
    @exclusivity(unchecked) private var cellStyleIndex = 0
    /// The last cell style seen and its format index: neighbouring cells mostly share one.
    @exclusivity(unchecked) private var lastStyle: [CChar] = [0], lastStyleDate = false, lastStyleIndex = 0
    @exclusivity(unchecked) private var paragraphs = 0
    @exclusivity(unchecked) private var text: ODSText
    @exclusivity(unchecked) private var skipDepth = 0            // inside an annotation or a drawing: its text is not the cell's
    @exclusivity(unchecked) private var inParagraph = false

    init(file: String, limits: XLSXLimits, target: Int?) {
        self.file = file; self.limits = limits; self.target = target
        text = ODSText(limit: limits.maxStringBytes)
    }

    private func limit(_ what: String) -> XLSXError {
        .limitExceeded(file: file, part: ODSContentHandler.part, what: what)
    }

    func startElement(_ name: XMLName, _ a: XMLAttributes) throws {
        depth += 1
        if depth > ODSContentHandler.maxDepth { throw limit("elements nested more than \(ODSContentHandler.maxDepth) deep") }
        if inAutoStyles { styleStart(name, a); return }
        if name.is("automatic-styles") { inAutoStyles = true; return }
        if name.is("table") {
            tableDepth += 1
            if tableDepth == 1 {
                tableIndex += 1
                if tables.count >= ODSBook.maxSheets { throw limit("more than \(ODSBook.maxSheets) sheets") }
                tables.append(TableInfo(name: a["name"] ?? "Sheet\(tableIndex + 1)", style: a["style-name"] ?? ""))
                row = 0; colNext = 1
            }
            return
        }
        guard active else { return }
        if inCell {
            try cellContent(name, a)
            return
        }
        if name.is("table-row") {
            rowRepeat = max(1, a.int("number-rows-repeated") ?? 1)
            let vis = a["visibility"]
            rowHidden = vis == "collapse" || vis == "filter"
            rowHeight = a["style-name"].flatMap { styles[$0]?.rowHeight }
            rowCells.removeAll(keepingCapacity: true)
            rowMerges.removeAll(keepingCapacity: true)
            nextCol = 1
        } else if name.is("table-cell") || name.is("covered-table-cell") {
            inCell = true
            cellRepeat = max(1, a.int("number-columns-repeated") ?? 1)
            cellSpanC = 1; cellSpanR = 1
            cellType = .none; cellTypeExt = .none
            cellNumber = nil; cellDate = nil; cellBool = nil; cellStringValue = nil; cellFormula = nil
            var stylePtr: UnsafePointer<CChar>? = nil
            paragraphs = 0
            text.reset()
            let covered = name.is("covered-table-cell")
            var sawType = false
            a.forEach { k, v in
                if k.is("value-type") {
                    // office:value-type comes first; LibreOffice's calcext:value-type (which says
                    // "error" where office: says "string") follows under the same local name.
                    if sawType { cellTypeExt = ValueType(v) } else { cellType = ValueType(v); sawType = true }
                } else if k.is("value") {
                    var end: UnsafeMutablePointer<CChar>? = nil
                    let d = strtod(v, &end)
                    if end != UnsafeMutablePointer(mutating: v) { cellNumber = d }
                } else if k.is("date-value") {
                    cellDate = String(cString: v)
                } else if k.is("time-value") {
                    cellNumber = ODSContentHandler.duration(String(cString: v))
                } else if k.is("boolean-value") {
                    let s = String(cString: v)
                    cellBool = s == "true" || s == "1"
                } else if k.is("string-value") {
                    cellStringValue = String(cString: v)
                } else if k.is("formula") {
                    cellFormula = ODSContentHandler.formula(String(cString: v))
                } else if k.is("style-name") {
                    stylePtr = v
                } else if !covered, k.is("number-columns-spanned") {
                    cellSpanC = max(1, XMLAttributes.parseInt(v) ?? 1)
                } else if !covered, k.is("number-rows-spanned") {
                    cellSpanR = max(1, XMLAttributes.parseInt(v) ?? 1)
                }
            }
            cellStyleIndex = styleIndex(stylePtr, date: cellType == .date)
            if cellStringValue != nil, cellStringValue!.utf8.count > limits.maxStringBytes {
                throw limit("a cell longer than \(limits.maxStringBytes) bytes")
            }
        } else if name.is("table-column") {
            let n = max(1, a.int("number-columns-repeated") ?? 1)
            let lo = colNext, hi = min(colNext + n - 1, ODSContentHandler.maxCol)
            colNext = colNext + min(n, ODSContentHandler.maxCol + 1)
            guard lo <= hi else { return }
            let vis = a["visibility"]
            if vis == "collapse" || vis == "filter" { for c in lo...hi { hiddenCols.insert(c) } }
            if let w = a["style-name"].flatMap({ styles[$0]?.columnWidth }) { for c in lo...hi { colWidths[c] = w } }
        }
    }

    /// Elements inside an open cell: paragraphs and their spans, spaces, breaks and tabs.
    private func cellContent(_ name: XMLName, _ a: XMLAttributes) throws {
        if skipDepth > 0 { skipDepth += 1; return }
        if name.is("annotation") || name.is("frame") || name.is("custom-shape") || name.is("note") || name.is("rect") || name.is("line") || name.is("g") {
            skipDepth = 1
            return
        }
        if name.is("p") || name.is("h") {
            if paragraphs > 0 { text.append(0x0A) }
            paragraphs += 1
            inParagraph = true
        } else if name.is("s") {
            let n = min(max(1, a.int("c") ?? 1), limits.maxStringBytes + 1)
            for _ in 0..<n { text.append(0x20) }
        } else if name.is("line-break") {
            text.append(0x0A)
        } else if name.is("tab") {
            text.append(0x09)
        }
        if text.overflow { throw limit("a cell longer than \(limits.maxStringBytes) bytes") }
    }

    func endElement(_ name: XMLName) throws {
        defer { depth -= 1 }
        if inAutoStyles {
            if name.is("automatic-styles") { inAutoStyles = false }
            else if name.is("style") || name.is("date-style") { styleName = nil }
            return
        }
        if name.is("table") {
            tableDepth -= 1
            return
        }
        guard active else { return }
        if inCell {
            if skipDepth > 0 { skipDepth -= 1; return }
            if name.is("table-cell") || name.is("covered-table-cell") {
                inCell = false
                try finishCell()
            } else if name.is("p") || name.is("h") {
                inParagraph = false
            }
            return
        }
        if name.is("table-row") { try finishRow() }
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard inCell, inParagraph, skipDepth == 0, active else { return }
        // Spaces are kept as written, as LibreOffice reads its own files (it writes "苏  欣" with
        // two plain spaces, not text:s); line ends are only the XML's own layout and are dropped.
        guard let base = bytes.baseAddress else { return }
        if memchr(base, 0x0A, bytes.count) == nil && memchr(base, 0x0D, bytes.count) == nil {
            text.append(bytes)
        } else {
            for b in bytes where b != 0x0A && b != 0x0D { text.append(b) }
        }
    }

    // MARK: cells and rows

    private func finishCell() throws {
        if text.overflow { throw limit("a cell longer than \(limits.maxStringBytes) bytes") }
        let first = nextCol
        let n = cellRepeat
        nextCol = min(first + n, ODSContentHandler.maxCol + 2)   // past XFD only counting matters
        let value = cellValue()
        let spans = cellSpanC > 1 || cellSpanR > 1
        guard value != nil || cellFormula != nil || spans else { return }   // an empty run costs nothing
        let last = first + n - 1
        if last > ODSContentHandler.maxCol || last + cellSpanC - 1 > ODSContentHandler.maxCol {
            throw limit("a cell beyond column \(ODSContentHandler.maxCol) (XFD)")
        }
        let r = row + 1
        if r + cellSpanR - 1 > ODSContentHandler.maxRow {
            throw limit("a merge beyond row \(ODSContentHandler.maxRow)")
        }
        if value != nil || cellFormula != nil {
            if cells.count + rowCells.count + n > limits.maxCells { throw limit("more than \(limits.maxCells) cells") }
            for c in first...last {
                rowCells.append(Cell(row: r, col: c, value: value, formula: cellFormula, style: cellStyleIndex))
            }
        }
        if spans {
            if merges.count + rowMerges.count + n > ODSContentHandler.maxMerges {
                throw limit("more than \(ODSContentHandler.maxMerges) merged ranges")
            }
            for c in first...last {
                rowMerges.append(CellRange(top: r, left: c, bottom: r + cellSpanR - 1, right: c + cellSpanC - 1))
            }
        }
    }

    /// The cell's value from its type: numbers, dates as serials (formatted as dates), text.
    private func cellValue() -> CellValue? {
        let s = paragraphs > 0 ? text.string : cellStringValue ?? ""
        if cellTypeExt == .error || (cellFormula != nil && cellType == .string && ODSContentHandler.isErrorLiteral(s)) {
            return s.isEmpty ? .error("#VALUE!") : .error(s)
        }
        switch cellType {
        case .float, .percentage, .currency, .time:
            if let d = cellNumber { return .number(d) }
        case .date:
            if let d = cellDate, let serial = ODSContentHandler.serial(d) { return .number(serial) }
            if let d = cellDate { return .string(d) }
        case .boolean:
            if let b = cellBool { return .bool(b) }
        default:
            break
        }
        return s.isEmpty ? nil : .string(s)
    }

    private func finishRow() throws {
        let first = row + 1
        let n = rowRepeat
        let empty = rowCells.isEmpty && rowMerges.isEmpty
        if empty {
            // Trailing runs of a million empty rows are only counted; a short run keeps its
            // height and hidden flag (a real hidden empty row, or a spacer).
            if n <= 1_000, first + n - 1 <= ODSContentHandler.maxRow {
                for r in first..<(first + n) {
                    if rowHidden { hiddenRows.insert(r) }
                    if let h = rowHeight { rowHeights[r] = h }
                }
            }
            row = min(row + n, ODSContentHandler.maxRow + 1)
            return
        }
        let last = first + n - 1
        if last > ODSContentHandler.maxRow { throw limit("a row beyond row \(ODSContentHandler.maxRow)") }
        // n is at most a million here, so the products below cannot overflow.
        if cells.count + rowCells.count * n > limits.maxCells { throw limit("more than \(limits.maxCells) cells") }
        if merges.count + rowMerges.count * n > ODSContentHandler.maxMerges {
            throw limit("more than \(ODSContentHandler.maxMerges) merged ranges")
        }
        for k in 0..<n {
            for var c in rowCells { c.row += k; cells.append(c) }
            for m in rowMerges {
                merges.append(CellRange(top: m.top + k, left: m.left, bottom: m.bottom + k, right: m.right))
            }
            let r = first + k
            if rowHidden { hiddenRows.insert(r) }
            if let h = rowHeight { rowHeights[r] = h }
        }
        row = last
    }

    /// The format index of a cell style (a pointer valid only in the callback), cached for runs.
    private func styleIndex(_ p: UnsafePointer<CChar>?, date: Bool) -> Int {
        guard let p else { return date ? formatIndex(for: nil, date: true) : 0 }
        if date == lastStyleDate, lastStyle.withUnsafeBufferPointer({ strcmp($0.baseAddress!, p) == 0 }) {
            return lastStyleIndex
        }
        let name = String(cString: p)
        lastStyle = Array(name.utf8CString)
        lastStyleDate = date
        lastStyleIndex = formatIndex(for: name, date: date)
        return lastStyleIndex
    }

    private func formatIndex(for style: String?, date: Bool) -> Int {
        let key = (style ?? "") + (date ? "\u{1}d" : "")
        if let i = formatIndex[key] { return i }
        var f = style.flatMap { styles[$0]?.format } ?? CellFormat()
        if date || (style.flatMap { styles[$0]?.dataStyle }.map { dateStyles.contains($0) } ?? false) { f.isDate = true }
        formats.append(f)
        formatIndex[key] = formats.count - 1
        return formats.count - 1
    }

    // MARK: styles

    private func styleStart(_ name: XMLName, _ a: XMLAttributes) {
        if name.is("style") {
            guard let n = a["name"] else { styleName = nil; return }
            styleName = n
            var s = ODSStyle()
            s.family = a["family"] ?? ""
            s.dataStyle = a["data-style-name"]
            styles[n] = s
        } else if name.is("date-style") {
            if let n = a["name"] { dateStyles.insert(n) }
        } else if let n = styleName {
            if name.is("table-column-properties") {
                styles[n]?.columnWidth = a["column-width"].flatMap(ODSContentHandler.points).map(ODSContentHandler.characters)
            } else if name.is("table-row-properties") {
                styles[n]?.rowHeight = a["row-height"].flatMap(ODSContentHandler.points)
            } else if name.is("table-properties") {
                if a["display"] == "false" { hiddenTableStyles.insert(n) }
            } else if name.is("text-properties") {
                if a["font-weight"] == "bold" { styles[n]?.format.bold = true }
                if let size = a["font-size"].flatMap(ODSContentHandler.points) { styles[n]?.format.fontSize = size }
            } else if name.is("table-cell-properties") {
                if a["wrap-option"] == "wrap" { styles[n]?.format.wrap = true }
            }
        }
    }
}
