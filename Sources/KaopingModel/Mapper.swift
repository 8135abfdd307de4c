import Foundation
import GridKit

/// Why a sheet could not be mapped to a 考评表.
public enum MapError: Error, Equatable {
    /// No sheet has the header of a 考评表 (序号, 一级指标, 权重, 完成时限, …).
    case notAForm(file: String, sheet: String?)
    /// `--sheet NAME` names no sheet of the file.
    case noSuchSheet(file: String, sheet: String, available: [String])
    /// The file lists no sheet (or, for a Word file, holds no table) at all.
    case noSheets(file: String)
    /// More cells than a 考评表 is mapped with (`FormMapper.maxMappedCells`).
    case tooManyCells(file: String, sheet: String, limit: Int)

    public var file: String {
        switch self {
        case .notAForm(let f, _), .noSuchSheet(let f, _, _), .noSheets(let f), .tooManyCells(let f, _, _): return f
        }
    }
}

/// Maps a loaded sheet to the 考评表 model by its header labels, not fixed positions.
public struct FormMapper {
    /// Header label (white space removed, half-width) → column role.
    static let roleNames: [String: ColumnRole] = [
        "项目": .project, "序号": .code, "编号": .code,
        "文件依据": .basis, "依据": .basis,
        "一级指标": .level1, "二级指标": .level2,
        "权重": .weight, "权重分值": .weight, "分值": .weight, "权重(分)": .weight,
        "完成时限": .deadline, "时限": .deadline, "完成时间": .deadline,
        "分管领导": .leaders, "分管局领导": .leaders, "分管副职": .leaders,
        "责任部门": .departments, "责任科室": .departments, "责任单位": .departments, "责任处室": .departments,
        "责任人": .persons, "科室负责人": .persons, "科室责任人": .persons, "具体责任人": .persons,
        "备注": .remark, "档次": .grade, "评定档次": .grade, "考评档次": .grade,
        "得分": .score, "考评得分": .score, "评分": .score,
    ]
    /// Looked up by bytes (`TextKey`): a `String` key is hashed normalised, slow for Chinese.
    static let roles: [TextKey: ColumnRole] = Dictionary(uniqueKeysWithValues: roleNames.map { (TextKey($0.key), $0.value) })
    static let groupHeaders: Set<TextKey> = [TextKey("目标内容"), TextKey("责任分解")]

    public init() {}

    /// Picks the sheet that holds a 考评表 (the named one, or the first that has the header),
    /// whatever the format: the reader only lists sheets and loads one as a `Grid`.
    public static func map(reader: GridReader, sheet: String?) throws -> Form {
        let sheets = reader.sheetList
        if let sheet {
            guard let i = sheets.firstIndex(where: { $0.name == sheet }) else {
                throw MapError.noSuchSheet(file: reader.path, sheet: sheet, available: sheets.map(\.name))
            }
            guard let grid = try load(reader, i), let form = FormMapper().map(grid, file: reader.path) else {
                throw MapError.notAForm(file: reader.path, sheet: sheet)
            }
            return form
        }
        // Visible sheets first: a hidden sheet is usually last year's copy.
        let ordered = sheets.indices.filter { sheets[$0].state == .visible } + sheets.indices.filter { sheets[$0].state != .visible }
        for i in ordered {
            if let grid = try load(reader, i), let form = FormMapper().map(grid, file: reader.path) { return form }
        }
        if sheets.isEmpty { throw MapError.noSheets(file: reader.path) }
        throw MapError.notAForm(file: reader.path, sheet: nil)
    }

    /// Rows the header is looked for in (as `findHeader` does), and the cells read before it.
    public static let headerSearchRows = 400
    public static let headerSearchCells = 100_000
    /// Cells one sheet may hold to be mapped: a 200,000-row 考评表 has about 2 million.
    public static let maxMappedCells = 3_000_000

    /// A sheet, stopped early where the reader can stream: no 考评表 header in the first rows
    /// (a hostile 16-million-cell sheet costs a few hundred rows), or too many cells to map.
    static func load(_ reader: GridReader, _ index: Int) throws -> Grid? {
        guard let streaming = reader as? ProbingGridReader else { return try reader.loadGrid(index) }
        var header = false, cells = 0
        // Under a memory limit (ulimit -v), fewer: refused in one line rather than aborted.
        let limit = min(maxMappedCells, MemoryBudget.cells)
        let sheetName = reader.sheetList[index].name
        return try streaming.loadGrid(index) { row, rowCells in
            cells += rowCells.count
            if !header, !rowCells.isEmpty {
                if isHeaderRow(rowCells) { header = true }
                else if row > headerSearchRows || cells > headerSearchCells { return .giveUp }
            } else if !header, row > headerSearchRows {
                return .giveUp
            }
            if cells > limit {
                return .refuse(MapError.tooManyCells(file: reader.path, sheet: sheetName, limit: limit))
            }
            return .keepReading
        }
    }

    /// A header label's role; a bracketed note after it (`完成时限（月）`, `责任科室(单位)`) is allowed.
    static func role(_ text: String) -> ColumnRole? { roleOfFolded(KText.folded(text)) }

    static func roleOfFolded(_ t: String) -> ColumnRole? {
        // Every label is 2 to 5 characters, with or without a bracketed note: shorter or much
        // longer texts are not looked up.
        guard t.utf8.count >= 4 else { return nil }
        if let r = roles[TextKey(t)] { return r }
        if t.utf8.last == 0x29, let open = t.firstIndex(of: "("), open > t.startIndex { return roles[TextKey(String(t[..<open]))] }
        return nil
    }

    static func isHeaderRow<C: Collection<Cell>>(_ cells: C) -> Bool {
        // Roles (or group headers) seen, a handful at most: an array, not a set.
        var seen: [String] = []
        for c in cells {
            // Header labels are short; a long text is never one (and is not folded).
            guard case .string(let s)? = c.value, s.utf8.count <= 48, mayBeLabel(s) else { continue }
            let t = KText.folded(s)
            let key = roleOfFolded(t)?.rawValue ?? (groupHeaders.contains(TextKey(t)) ? t : nil)
            if let key, !seen.contains(key) {
                seen.append(key)
                if seen.count >= 3 { return true }
            }
        }
        return false
    }

    /// The first characters of every header label: a cell starting otherwise (most body cells)
    /// is not folded and looked up.
    static let labelStarts: Set<UInt32> = Set((Array(roleNames.keys) + ["目标内容", "责任分解"]).compactMap { $0.unicodeScalars.first?.value })

    static func mayBeLabel(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first(where: { !KText.isSpace($0) }) else { return false }
        return labelStarts.contains(first.value)
    }

    public func map(_ grid: Grid, file: String) -> Form? {
        var m = Mapping(grid: grid, file: file)
        guard m.findHeader() else { return nil }
        m.run()
        m.form.compactItems()
        return m.form
    }
}

/// One mapping run over a grid; holds the cursor state.
struct Mapping {
    let grid: Grid
    var form: Form
    /// Taken cells, by their position in `grid.cells` (a flag a cell, not a set of positions).
    var consumed: [Bool]
    var col: [ColumnRole: Int] = [:] { didSet { colOf = ColumnRole.allCases.map { col[$0] } } }
    /// `col` by the role's ordinal: asked for several times a row, a dictionary look-up each.
    private var colOf = [Int?](repeating: nil, count: ColumnRole.allCases.count)
    @inline(__always) func column(_ role: ColumnRole) -> Int? { colOf[role.ordinal] }
    var projectCols: [Int] = []
    var left = 1, right = 1
    var headerTop = 0, headerBottom = 0
    var seenAnchors = Set<Int>()
    var inTrailer = false
    /// Merges already said to drift (`merge.drift` once per merge).
    var driftNoted = Set<Int>()
    /// The last names cell read per role, with its names (see `names(_:_:)`).
    var namesCache = [(text: String, names: [String])?](repeating: nil, count: ColumnRole.allCases.count)
    /// Columns with a vertical merge in the body, found on first use.
    var verticallyMerged: Set<Int>? = nil

    init(grid: Grid, file: String) {
        self.grid = grid
        consumed = [Bool](repeating: false, count: grid.cells.count)
        form = Form(file: (file as NSString).lastPathComponent, sheet: grid.name)
    }

    /// A picture placed in a cell by WPS (`=DISPIMG("ID_…",1)`, the image in xl/cellimages.xml):
    /// a stamp or a photo, no text of the form.
    static func isPicture(_ c: Cell) -> Bool { c.formula.map { $0.has("DISPIMG(") } ?? false }

    static func key(_ c: Cell) -> Int { c.row << 15 | c.col }
    mutating func take(_ c: Cell?) { if let c, let i = grid.index(c.row, c.col) { consumed[i] = true } }
    func isTaken(_ c: Cell) -> Bool { grid.index(c.row, c.col).map { consumed[$0] } ?? false }

    func text(_ c: Cell?) -> String? {
        guard let c, let v = c.value, !Mapping.isPicture(c) else { return nil }
        // A real date (a number formatted as a date) reads as the unit sees it: 2024年12月31日.
        if case .number(let d) = v, grid.format(c).isDate, let date = Mapping.dateText(serial: d, date1904: grid.date1904) {
            return date
        }
        let s = KText.trim(v.text)
        return s.isEmpty ? nil : s
    }

    /// An Excel date serial as `YYYY年M月D日` (days since 1899-12-30, or 1904-01-01).
    static func dateText(serial: Double, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= 1, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down)) + (date1904 ? 1462 : 0)
        if !date1904 && days < 61 { days += 1 } // Excel's phantom 1900-02-29
        // Civil date from days since 1899-12-30 (Howard Hinnant's algorithm, shifted to 1970).
        let z = days - 25569 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return "\(y)年\(m)月\(d)日"
    }
}
