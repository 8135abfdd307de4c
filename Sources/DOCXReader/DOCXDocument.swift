import Foundation
import GridKit
import XLSXCore

/// The tables of a Word document (`.docx`, `word/document.xml`), each read as a `Grid`.
/// Sheets are the body's top-level tables; a table that follows another with nothing but empty
/// paragraphs (page breaks) between them and the same number of columns is the same table
/// continued: its rows count on, and the rows it opens with that repeat the first table's
/// header are dropped. Grid names are "" (a Word table has none). Word has no cell types, so
/// a cell whose whole text is a plain decimal (`2`, `0.5`, `-3`) is a number, one that is an
/// Excel error literal (`#REF!`) an error, everything else text. Nested tables keep their text in the enclosing cell. The paragraphs just above a table
/// (its last 10 non-empty ones) are the grid's `preamble`.
public final class DOCXDocument: GridReader {
    public let path: String
    public let sheetList: [SheetEntry]
    let tables: [DOCXTable]
    static let part = "word/document.xml"
    /// Most tables (after joining continued ones) one document may hold, as sheets of a workbook.
    public static let maxTables = 4096
    /// Most tables as written (a long table may be split at every page).
    static let maxRawTables = 65_536

    /// `zip`: the archive already opened (format detection opened it), else opened here.
    public init(path: String, limits: XLSXLimits = .default, zip opened: ZipArchive? = nil) throws {
        self.path = path
        let zip = try opened ?? ZipArchive(path: path, limits: limits)
        guard zip.has(DOCXDocument.part) else {
            throw XLSXError.missingPart(file: path, part: "\(DOCXDocument.part) (this zip is not a Word document)")
        }
        let h = DOCXHandler(file: path, limits: limits)
        try XMLStream.parse(zip, part: DOCXDocument.part, handler: h)
        tables = DOCXTable.joinContinued(h.tables)
        guard tables.count <= DOCXDocument.maxTables else {
            throw XLSXError.limitExceeded(file: path, part: DOCXDocument.part, what: "more than \(DOCXDocument.maxTables) tables")
        }
        sheetList = tables.map { _ in SheetEntry(name: "") }
    }

    /// Table `index` (0-based) as a grid: row = 1-based table row, column = grid column.
    public func loadGrid(_ index: Int) throws -> Grid {
        guard index >= 0, index < tables.count else {
            throw XLSXError.noSuchSheet(file: path, sheet: "#\(index + 1)", available: sheetList.map(\.name))
        }
        return tables[index].grid()
    }
}

/// How a cell takes part in a merge (`w:vMerge`, legacy `w:hMerge`).
enum DOCXMerge { case none, restart, `continue` }

struct DOCXCell {
    var text = ""
    var span = 1
    var vMerge = DOCXMerge.none
    var hMerge = DOCXMerge.none
}

struct DOCXRow {
    var before = 0, after = 0
    var cells: [DOCXCell] = []
    var texts: [String] { cells.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) } }
}

/// One top-level table as read, before it becomes a grid.
struct DOCXTable {
    var rows: [DOCXRow] = []
    var gridCols = 0
    var preamble: [String] = []
    /// Only empty paragraphs (or none) stand between this table and the one before it.
    var followsTable = false

    /// Columns the table spans: its `w:tblGrid`, or its widest row when the grid is missing.
    var columns: Int {
        if gridCols > 0 { return gridCols }
        return rows.map { r in r.before + r.cells.reduce(0) { $0 + $1.span } + r.after }.max() ?? 0
    }

    /// Joins each table continued after a page break onto the one it continues.
    static func joinContinued(_ tables: [DOCXTable]) -> [DOCXTable] {
        var out: [DOCXTable] = []
        for t in tables {
            guard t.followsTable, let prev = out.last, prev.columns == t.columns, !t.rows.isEmpty else {
                out.append(t)
                continue
            }
            var rows = t.rows[...]
            // The header again at the top of the continuation: find its first row among the first
            // table's opening rows, then drop as many rows as keep matching.
            let head = prev.rows.prefix(10).map(\.texts)
            if let first = rows.first?.texts, first.contains(where: { !$0.isEmpty }),
               var j = head.firstIndex(of: first) {
                while let r = rows.first, j < head.count, r.texts == head[j] { rows = rows.dropFirst(); j += 1 }
            }
            out[out.count - 1].rows.append(contentsOf: rows)
        }
        return out
    }

    /// The table as cells and merges: a vertical merge runs from its `restart` cell down through
    /// the `continue` cells that start in the same grid column.
    func grid() -> Grid {
        var cells: [Cell] = []
        var merges: [CellRange] = []
        var open: [Int: Int] = [:]   // grid column → index of the vertical merge running there
        for (ri, row) in rows.enumerated() {
            let r = ri + 1
            var c = 1 + row.before
            var next: [Int: Int] = [:]
            var lastH: Int? = nil
            for cell in row.cells {
                let span = cell.span
                defer { c += span }
                if cell.hMerge == .continue, let h = lastH {
                    merges[h].right = max(merges[h].right, c + span - 1)
                    continue
                }
                lastH = nil
                if cell.vMerge == .continue, let m = open[c] {
                    merges[m].bottom = r
                    next[c] = m
                    continue
                }
                if let v = DOCXTable.value(cell.text) { cells.append(Cell(row: r, col: c, value: v)) }
                if span > 1 || cell.vMerge == .restart || cell.hMerge == .restart {
                    merges.append(CellRange(top: r, left: c, bottom: r, right: c + span - 1))
                    if cell.vMerge == .restart { next[c] = merges.count - 1 }
                    if cell.hMerge == .restart { lastH = merges.count - 1 }
                }
            }
            open = next
        }
        merges.removeAll { $0.rowCount == 1 && $0.colCount == 1 }
        var meta = SheetMeta()
        meta.merges = merges
        var g = Grid(name: "", cells: cells, meta: meta)
        g.preamble = preamble
        return g
    }

    /// A cell's text as a value: nil when empty, a number when it is a plain decimal.
    static func value(_ text: String) -> CellValue? {
        var t = text
        while let l = t.last, l == "\n" || l == " " || l == "\t" { t.removeLast() }
        guard !t.isEmpty else { return nil }
        if let d = plainNumber(t) { return .number(d) }
        // A table pasted from a broken sheet shows Excel's error values: keep them as errors.
        if errorLiterals.contains(t) { return .error(t) }
        return .string(t)
    }

    static let errorLiterals: Set<String> = ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"]

    /// `12`, `-3`, `0.25`, `100.5`: digits with an optional sign and one decimal point, no
    /// leading zero before another digit (so codes like `01` and `1-1-1` stay text).
    static func plainNumber(_ s: String) -> Double? {
        let u = Array(s.utf8)
        guard u.count <= 20 else { return nil }
        var i = u.first == UInt8(ascii: "-") ? 1 : 0
        let start = i
        var digits = 0, dot = false
        while i < u.count {
            let b = u[i]
            if b >= 0x30 && b <= 0x39 { digits += 1 } else if b == UInt8(ascii: "."), !dot, digits > 0 { dot = true } else { return nil }
            i += 1
        }
        guard digits > 0, u.last != UInt8(ascii: ".") else { return nil }
        if u.count - start >= 2, u[start] == 0x30, u[start + 1] != UInt8(ascii: ".") { return nil }
        return Double(s)
    }
}

/// SAX handler for `word/document.xml`: body paragraphs and tables, nothing else kept.
final class DOCXHandler: XMLHandler {
    let file: String
    let limits: XLSXLimits
    static let part = DOCXDocument.part
    static let maxRows = 1_048_576, maxCols = 16_384
    static let maxDepth = 1_000
    /// Most paragraphs kept above a table as its preamble.
    static let preambleLines = 10

    // Not checked for exclusivity at run time: the scanner calls one callback at a time.
    @exclusivity(unchecked) var tables: [DOCXTable] = []
    @exclusivity(unchecked) private var depth = 0
    @exclusivity(unchecked) private var tblDepth = 0
    @exclusivity(unchecked) private var table = DOCXTable()
    @exclusivity(unchecked) private var row = DOCXRow()
    @exclusivity(unchecked) private var cell = DOCXCell()
    @exclusivity(unchecked) private var inCell = false          // a cell of a top-level table is open
    @exclusivity(unchecked) private var cellParagraphs: [String] = []
    @exclusivity(unchecked) private var rowCols = 0
    @exclusivity(unchecked) private var cellCount = 0, rowCount = 0
    /// Body paragraphs since the last table (non-empty ones, the last few).
    @exclusivity(unchecked) private var recent: [String] = []
    @exclusivity(unchecked) private var textSinceTable = false
    @exclusivity(unchecked) private var sawTable = false

    @exclusivity(unchecked) private var para: [UInt8] = []
    @exclusivity(unchecked) private var paraOverflow = false
    @exclusivity(unchecked) private var inPara = 0
    @exclusivity(unchecked) private var runDepth = 0
    @exclusivity(unchecked) private var inT = false
    @exclusivity(unchecked) private var skipDepth = 0           // deleted text, text boxes, fallbacks: not the cell's text

    init(file: String, limits: XLSXLimits) { self.file = file; self.limits = limits }

    private func limit(_ what: String) -> XLSXError {
        .limitExceeded(file: file, part: DOCXHandler.part, what: what)
    }

    private func append(_ b: UInt8) {
        if para.count >= limits.maxStringBytes { paraOverflow = true; return }
        para.append(b)
    }

    func startElement(_ name: XMLName, _ a: XMLAttributes) throws {
        depth += 1
        if depth > DOCXHandler.maxDepth { throw limit("elements nested more than \(DOCXHandler.maxDepth) deep") }
        if skipDepth > 0 { skipDepth += 1; return }
        if name.is("del") || name.is("moveFrom") || name.is("txbxContent") || name.is("Fallback")
            || name.is("delText") || name.is("instrText") || name.is("rt") {
            skipDepth = 1
            return
        }
        if name.is("t") { inT = runDepth > 0 || inPara > 0; return }
        if name.is("r") { runDepth += 1; return }
        if runDepth > 0 {
            if name.is("tab") { append(0x09) }
            else if name.is("br") {
                let type = a["type"]
                if type == nil || type == "textWrapping" { append(0x0A) }   // page and column breaks are no text
            } else if name.is("cr") { append(0x0A) }
            else if name.is("noBreakHyphen") { append(UInt8(ascii: "-")) }
            return
        }
        if name.is("p") {
            inPara += 1
            if inPara == 1 { para.removeAll(keepingCapacity: true); paraOverflow = false }
            return
        }
        if name.is("tbl") {
            tblDepth += 1
            if tblDepth == 1 {
                table = DOCXTable()
                table.preamble = recent
                table.followsTable = sawTable && !textSinceTable
            }
            return
        }
        guard tblDepth == 1 else { return }    // a nested table's structure is only text to us
        if name.is("tr") {
            rowCount += 1
            if rowCount > DOCXHandler.maxRows { throw limit("more than \(DOCXHandler.maxRows) table rows") }
            row = DOCXRow(); rowCols = 0
        } else if name.is("tc") {
            inCell = true
            cell = DOCXCell()
            cellParagraphs.removeAll(keepingCapacity: true)
        } else if name.is("gridCol") {
            table.gridCols += 1
            if table.gridCols > DOCXHandler.maxCols { throw limit("a table wider than \(DOCXHandler.maxCols) columns") }
        } else if name.is("gridSpan"), inCell {
            cell.span = max(1, a.int("val") ?? 1)
            if cell.span > DOCXHandler.maxCols { throw limit("a cell spanning more than \(DOCXHandler.maxCols) columns") }
        } else if name.is("vMerge"), inCell {
            cell.vMerge = a["val"] == "restart" ? .restart : .continue
        } else if name.is("hMerge"), inCell {
            cell.hMerge = a["val"] == "restart" ? .restart : .continue
        } else if name.is("gridBefore"), !inCell {
            row.before = min(a.int("val") ?? 0, DOCXHandler.maxCols + 1)
        } else if name.is("gridAfter"), !inCell {
            row.after = min(a.int("val") ?? 0, DOCXHandler.maxCols + 1)
        }
    }

    func endElement(_ name: XMLName) throws {
        defer { depth -= 1 }
        if skipDepth > 0 { skipDepth -= 1; return }
        if name.is("t") { inT = false; return }
        if name.is("r") { runDepth = max(0, runDepth - 1); return }
        if runDepth > 0 { return }
        if name.is("p") {
            guard inPara > 0 else { return }
            inPara -= 1
            guard inPara == 0 else { return }
            try closeParagraph()
            return
        }
        if name.is("tbl") {
            if tblDepth == 1 {
                if tables.count >= DOCXDocument.maxRawTables { throw limit("more than \(DOCXDocument.maxRawTables) tables") }
                tables.append(table)
                table = DOCXTable()
                recent.removeAll()
                textSinceTable = false
                sawTable = true
            }
            tblDepth = max(0, tblDepth - 1)
            return
        }
        guard tblDepth == 1 else { return }
        if name.is("tc") {
            guard inCell else { return }
            inCell = false
            while let l = cellParagraphs.last, l.isEmpty { cellParagraphs.removeLast() }
            cell.text = cellParagraphs.joined(separator: "\n")
            if cell.text.utf8.count > limits.maxStringBytes {
                throw limit("a table cell longer than \(limits.maxStringBytes) bytes")
            }
            rowCols += cell.span
            if row.before + rowCols > DOCXHandler.maxCols { throw limit("a table row wider than \(DOCXHandler.maxCols) columns") }
            cellCount += 1
            if cellCount > limits.maxCells { throw limit("more than \(limits.maxCells) cells") }
            row.cells.append(cell)
        } else if name.is("tr") {
            table.rows.append(row)
        }
    }

    private func closeParagraph() throws {
        let text = String(decoding: para, as: UTF8.self)
        if tblDepth == 0 {
            // Body text: only the last few non-empty paragraphs are kept, as a table's preamble.
            let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !t.isEmpty else { return }
            textSinceTable = true
            recent.append(t)
            if recent.count > DOCXHandler.preambleLines { recent.removeFirst() }
            return
        }
        if paraOverflow { throw limit("a table cell longer than \(limits.maxStringBytes) bytes") }
        guard inCell else { return }   // a paragraph of a nested table outside any cell of ours
        cellParagraphs.append(text)
        if cellParagraphs.count > limits.maxStringBytes { throw limit("a table cell longer than \(limits.maxStringBytes) bytes") }
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard inT, skipDepth == 0 else { return }
        if para.count + bytes.count > limits.maxStringBytes { paraOverflow = true; return }
        para.append(contentsOf: bytes)
    }
}
