import CXlsxWriter
import Foundation
import KaopingJobs
import XCTest

// Test workbooks written with libxlsxwriter: a thin cell writer (XBook/XSheet, 1-based rows and
// columns like the reader) and a 考评表 builder (TForm + TLayout → TFormWriter → Placed).

/// The repository root, found from this file's path.
enum Repo {
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static var samples: String { root + "/Samples" }
    static var templates: String { root + "/Templates" }
    static func store() throws -> TemplateStore { try TemplateStore(directory: templates) }
}

/// A scratch directory per test case class, removed by the caller.
enum Scratch {
    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("kaoping-maptests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

struct XlsxFailure: Error, CustomStringConvertible { let description: String }

/// One workbook being written.
final class XBook {
    let path: String
    private let wb: UnsafeMutablePointer<lxw_workbook>
    private var closed = false

    init(path: String) throws {
        guard let wb = workbook_new(path) else { throw XlsxFailure(description: "workbook_new(\(path)) failed") }
        self.path = path
        self.wb = wb
    }

    func sheet(_ name: String) throws -> XSheet {
        guard let ws = workbook_add_worksheet(wb, name) else { throw XlsxFailure(description: "add_worksheet(\(name)) failed") }
        return XSheet(ws: ws)
    }

    func close() throws {
        guard !closed else { return }
        closed = true
        let err = workbook_close(wb)
        if err != LXW_NO_ERROR { throw XlsxFailure(description: "workbook_close(\(path)): error \(err.rawValue)") }
    }
}

/// A worksheet; rows and columns are 1-based here (libxlsxwriter's are 0-based).
struct XSheet {
    let ws: UnsafeMutablePointer<lxw_worksheet>

    private static func r(_ row: Int) -> lxw_row_t { lxw_row_t(row - 1) }
    private static func c(_ col: Int) -> lxw_col_t { lxw_col_t(col - 1) }

    func str(_ row: Int, _ col: Int, _ s: String) {
        _ = worksheet_write_string(ws, XSheet.r(row), XSheet.c(col), s, nil)
    }
    func num(_ row: Int, _ col: Int, _ d: Double) {
        _ = worksheet_write_number(ws, XSheet.r(row), XSheet.c(col), d, nil)
    }
    func formula(_ row: Int, _ col: Int, _ f: String, cached: Double) {
        _ = worksheet_write_formula_num(ws, XSheet.r(row), XSheet.c(col), f, nil, cached)
    }
    /// A merged range with its text; a single cell is just written.
    func merge(_ r1: Int, _ c1: Int, _ r2: Int, _ c2: Int, _ s: String) {
        if r1 == r2 && c1 == c2 { str(r1, c1, s); return }
        _ = worksheet_merge_range(ws, XSheet.r(r1), XSheet.c(c1), XSheet.r(r2), XSheet.c(c2), s, nil)
    }
    func value(_ row: Int, _ col: Int, _ v: TVal) {
        switch v {
        case .num(let d): num(row, col, d)
        case .text(let s): str(row, col, s)
        }
    }
    func hideRow(_ row: Int) {
        var o = lxw_row_col_options()
        o.hidden = 1
        _ = worksheet_set_row_opt(ws, XSheet.r(row), 15.0, nil, &o)
    }
    func hideColumn(_ col: Int) {
        var o = lxw_row_col_options()
        o.hidden = 1
        _ = worksheet_set_column_opt(ws, XSheet.c(col), XSheet.c(col), 8.43, nil, &o)
    }
}

// MARK: the 考评表 spec

/// A cell value as typed: a number or text (`"2"`, `"1.5分"`, `"２"`).
enum TVal {
    case num(Double)
    case text(String)
    var number: Double? {
        switch self {
        case .num(let d): return d
        case .text(let s): return KText.number(s)
        }
    }
}

struct TItem {
    var code: String?
    var text: String?
    var weight: TVal?
    var deadline: String? = "12月底前"
    var leaders: String? = "张副局长"
    var departments: String? = "办公室"
    var persons: String? = "王科长"
}

struct TIndicator {
    var basis: String?
    var text: String
    var items: [TItem]
}

struct TGroup {
    var label: String?
    var indicators: [TIndicator]
}

struct TSection {
    var label: String
    var admin = false
    var groups: [TGroup]
    var subtotal = true
    /// Overrides the cached value of the 合计 formula (default: the sum of the weights).
    var subtotalCached: Double? = nil
}

struct TForm {
    var title = "2019年度泉州市测试局绩效目标考评表"
    var unitLine: String? = "参评单位（盖章）：泉州市测试局"
    var sections: [TSection]
    var totalLabel = "绩效目标考评得分"
    var totalCached: Double? = nil
    var signature = true

    /// The small complete form every layout test starts from: 职能工作目标（80分） with two
    /// 重点 indicators of two items each, 合计, 行政能力目标（20分） with four rows, 合计, the total.
    static func standard() -> TForm {
        func item(_ code: String, _ text: String, _ w: Double, leaders: String = "张副局长",
                  departments: String = "办公室", persons: String = "王科长") -> TItem {
            TItem(code: code, text: text, weight: .num(w), deadline: "12月底前",
                  leaders: leaders, departments: departments, persons: persons)
        }
        let key = TGroup(label: "重点工作目标", indicators: [
            TIndicator(basis: "市政府工作报告（泉政办〔2024〕1号）",
                       text: "推进城市道路提升改造，完善城市功能。（属市委工作要点第3项）（40分）",
                       items: [item("1-1-1", "完成主干道路改造10条。", 20, leaders: "陈局长", departments: "建设科", persons: "林工"),
                               item("1-1-2", "完成背街小巷整治30条。", 20, leaders: "陈局长", departments: "建设科", persons: "林工")]),
            TIndicator(basis: "抓城建提品质（泉委办〔2024〕13号）",
                       text: "加强市容环境整治，提升城市品质。（40分）",
                       items: [item("1-2-1", "开展市容专项整治行动4次。", 20, leaders: "黄局长", departments: "市容科", persons: "郑工"),
                               item("1-2-2", "建成口袋公园5个。", 20, leaders: "黄局长", departments: "园林科", persons: "吴工")]),
        ])
        let admin = TGroup(label: nil, indicators: (1...4).map { n in
            TIndicator(basis: nil, text: "行政能力第\(n)项工作，按规定完成。", items: [
                TItem(code: "4-\(n)", text: nil, weight: .num(5), deadline: "12月", leaders: "刘副局长",
                      departments: "办公室", persons: "周主任")])
        })
        return TForm(sections: [
            TSection(label: "职能工作目标（80分）", groups: [key]),
            TSection(label: "行政能力目标（20分）", admin: true, groups: [admin]),
        ])
    }
}

struct TLayout {
    var sheetName = "Sheet1"
    /// Unrelated sheets written before the form's sheet.
    var leadingSheets: [String] = []
    /// Top-left cell of the header (title two rows above, unit line one row above).
    var originRow = 3
    var originCol = 1
    var headerRows = 1
    var projectColumns = 1
    /// With one 项目 column: the first group's label goes into the section label's cell, on its own line.
    var combinedLabels = false
    /// Cells of an indicator (一级, 文件依据), the labels and the 合计/title rows merged as in the seeds.
    var merges = true
    /// The header printed again before the row of these item codes (pasted page by page).
    var repeatHeaderBefore: Set<String> = []
    /// A blank spacer row before the row of these item codes.
    var spacerBefore: Set<String> = []
    /// Header label of the 责任人 column etc. can be varied; role → label.
    var labels: [String: String] = [:]
}

/// Where the writer put things (1-based rows and columns).
struct Placed {
    var col: [String: Int] = [:]
    /// Item code → its row.
    var row: [String: Int] = [:]
    /// Rows in sheet order for all items, codes or not.
    var itemRows: [Int] = []
    var headerRows: [Int] = []
    var spacerRows: [Int] = []
    var subtotalRows: [Int] = []
    var totalRow = 0
    var signatureRow = 0
    var titleRow = 0
    /// Labels as written: label text → cell.
    var labelCells: [String: String] = [:]

    func ref(_ role: String, _ row: Int) -> String { CellRef.format(row: row, col: col[role]!) }
    func ref(_ role: String, code: String) -> String { ref(role, row[code]!) }
    var lastCol: Int { col["persons"]! }
}

enum TFormWriter {
    static let roles = ["code", "basis", "level1", "level2", "weight", "deadline", "leaders", "departments", "persons"]
    static let defaultLabels: [String: String] = [
        "project": "项目", "code": "序号", "basis": "文件依据", "level1": "一级指标", "level2": "二级指标",
        "weight": "权重", "deadline": "完成时限", "leaders": "分管领导", "departments": "责任部门", "persons": "责任人",
    ]

    /// Writes a workbook holding the form; `extra` may add cells, hide rows and columns.
    @discardableResult
    static func write(_ form: TForm, layout: TLayout = TLayout(), to path: String,
                      extra: ((XSheet, Placed) -> Void)? = nil) throws -> Placed {
        let book = try XBook(path: path)
        for name in layout.leadingSheets {
            let s = try book.sheet(name)
            // An unrelated list: a few known words, not a 考评表 header.
            s.str(1, 1, "通讯录")
            s.str(2, 1, "序号"); s.str(2, 2, "姓名"); s.str(2, 3, "电话"); s.str(2, 4, "备注")
            for i in 1...4 {
                s.num(2 + i, 1, Double(i)); s.str(2 + i, 2, "联系人\(i)")
                s.str(2 + i, 3, "0595-2222000\(i)"); s.str(2 + i, 4, i == 2 ? "12月底前调岗" : "")
            }
        }
        let s = try book.sheet(layout.sheetName)
        let placed = render(form, layout, s)
        extra?(s, placed)
        try book.close()
        return placed
    }

    static func render(_ form: TForm, _ L: TLayout, _ s: XSheet) -> Placed {
        var p = Placed()
        let c0 = L.originCol
        let projectCols = Array(c0..<(c0 + L.projectColumns))
        p.col["project"] = c0
        for (i, role) in roles.enumerated() { p.col[role] = c0 + L.projectColumns + i }
        let labels = defaultLabels.merging(L.labels) { $1 }
        let last = p.lastCol
        func col(_ role: String) -> Int { p.col[role]! }

        // Title and unit line.
        p.titleRow = L.originRow - 2
        if L.merges { s.merge(p.titleRow, c0, p.titleRow, last, form.title) } else { s.str(p.titleRow, c0, form.title) }
        if let u = form.unitLine { s.str(L.originRow - 1, c0, u) }

        func header(_ r: Int) -> Int {
            p.headerRows.append(r)
            if L.headerRows == 1 {
                if L.merges { s.merge(r, c0, r, projectCols.last!, labels["project"]!) } else { s.str(r, c0, labels["project"]!) }
                for role in roles { s.str(r, col(role), labels[role]!) }
                return r + 1
            }
            // Two rows: 目标内容 over 序号…二级指标, 责任分解 over 分管领导…责任人.
            if L.merges {
                s.merge(r, c0, r + 1, projectCols.last!, labels["project"]!)
                s.merge(r, col("code"), r, col("level2"), "目标内容")
                s.merge(r, col("weight"), r + 1, col("weight"), labels["weight"]!)
                s.merge(r, col("deadline"), r + 1, col("deadline"), labels["deadline"]!)
                s.merge(r, col("leaders"), r, col("persons"), "责任分解")
            } else {
                s.str(r, c0, labels["project"]!)
                s.str(r, col("code"), "目标内容")
                s.str(r, col("weight"), labels["weight"]!)
                s.str(r, col("deadline"), labels["deadline"]!)
                s.str(r, col("leaders"), "责任分解")
            }
            for role in ["code", "basis", "level1", "level2", "leaders", "departments", "persons"] {
                s.str(r + 1, col(role), labels[role]!)
            }
            return r + 2
        }

        var r = header(L.originRow)
        let wl = CellRef.letters(col("weight"))
        var subtotalRefs: [String] = []
        var allWeights: Double = 0

        for sec in form.sections {
            // Label segments: (text, column, first row, last row); a repeated header cuts them.
            var segments: [(String, Int, Int, Int)] = []
            var sectionStart = r
            let firstRow = r
            for (gi, g) in sec.groups.enumerated() {
                var groupStart = r
                // The single-column label of this group.
                let singleText: String? = {
                    if gi == 0 {
                        if L.combinedLabels, let gl = g.label { return sec.label + "\n" + gl }
                        return sec.label
                    }
                    return g.label
                }()
                if L.projectColumns == 1, gi > 0, singleText != nil {
                    // The previous label ends here.
                    if sectionStart < r { segments.append((currentSingleText(sec, gi - 1, L), c0, sectionStart, r - 1)) }
                    sectionStart = r
                }
                for ind in g.indicators {
                    if let code = ind.items.first?.code, L.spacerBefore.contains(code) {
                        p.spacerRows.append(r)
                        r += 1
                    }
                    if let code = ind.items.first?.code, L.repeatHeaderBefore.contains(code) {
                        if sectionStart < r {
                            segments.append((L.projectColumns == 1 ? currentSingleText(sec, gi, L) : sec.label, c0, sectionStart, r - 1))
                        }
                        if L.projectColumns == 2, let gl = g.label, groupStart < r { segments.append((gl, c0 + 1, groupStart, r - 1)) }
                        r = header(r)
                        sectionStart = r; groupStart = r
                    }
                    let r0 = r
                    for it in ind.items {
                        if let c = it.code { s.str(r, col("code"), c); p.row[c] = r }
                        p.itemRows.append(r)
                        if let w = it.weight { s.value(r, col("weight"), w); allWeights += w.number ?? 0 }
                        if let d = it.deadline { s.str(r, col("deadline"), d) }
                        if let v = it.leaders { s.str(r, col("leaders"), v) }
                        if let v = it.departments { s.str(r, col("departments"), v) }
                        if let v = it.persons { s.str(r, col("persons"), v) }
                        r += 1
                    }
                    let r1 = r - 1
                    if sec.admin {
                        if L.merges { s.merge(r0, col("basis"), r0, col("level2"), ind.text) } else { s.str(r0, col("level1"), ind.text) }
                    } else if ind.items.count == 1 && ind.items[0].text == nil {
                        // A one-row indicator, 一级/二级 merged horizontally.
                        if let b = ind.basis { s.str(r0, col("basis"), b) }
                        if L.merges { s.merge(r0, col("level1"), r0, col("level2"), ind.text) } else { s.str(r0, col("level1"), ind.text) }
                    } else {
                        if let b = ind.basis { if L.merges { s.merge(r0, col("basis"), r1, col("basis"), b) } else { s.str(r0, col("basis"), b) } }
                        if L.merges { s.merge(r0, col("level1"), r1, col("level1"), ind.text) } else { s.str(r0, col("level1"), ind.text) }
                        for (k, it) in ind.items.enumerated() { if let t = it.text { s.str(r0 + k, col("level2"), t) } }
                    }
                }
                if L.projectColumns == 2, let gl = g.label, groupStart < r { segments.append((gl, c0 + 1, groupStart, r - 1)) }
            }
            if sectionStart < r {
                segments.append((L.projectColumns == 1 ? currentSingleText(sec, lastLabelledGroup(sec), L) : sec.label, c0, sectionStart, r - 1))
            }
            for (text, c, a, b) in segments {
                if L.merges { s.merge(a, c, b, c, text) } else { s.str(a, c, text) }
                if p.labelCells[text] == nil { p.labelCells[text] = CellRef.format(row: a, col: c) }
            }
            let lastBody = r - 1
            if sec.subtotal {
                if L.merges { s.merge(r, c0, r, col("level2"), "合计") } else { s.str(r, c0, "合计") }
                let sum = sec.groups.flatMap(\.indicators).flatMap(\.items).reduce(0.0) { $0 + ($1.weight?.number ?? 0) }
                s.formula(r, col("weight"), "=SUM(\(wl)\(firstRow):\(wl)\(lastBody))", cached: sec.subtotalCached ?? sum)
                subtotalRefs.append("\(wl)\(r)")
                p.subtotalRows.append(r)
                r += 1
            }
        }
        // The total.
        p.totalRow = r
        if L.merges { s.merge(r, c0, r, col("level2"), form.totalLabel) } else { s.str(r, c0, form.totalLabel) }
        let f = subtotalRefs.isEmpty ? "=SUM(\(wl)\(L.originRow + L.headerRows):\(wl)\(r - 1))" : "=" + subtotalRefs.joined(separator: "+")
        s.formula(r, col("weight"), f, cached: form.totalCached ?? allWeights)
        r += 1
        if form.signature {
            p.signatureRow = r + 1
            s.str(r + 1, c0, "单位主要领导：")
            s.str(r + 1, col("level1"), "经办人：")
            s.str(r + 1, col("weight"), "联系电话：")
        }
        return p
    }

    static func lastLabelledGroup(_ sec: TSection) -> Int {
        sec.groups.indices.last { $0 == 0 || sec.groups[$0].label != nil } ?? 0
    }

    /// The text of the single-column label covering group gi (a group without label continues the one above).
    static func currentSingleText(_ sec: TSection, _ gi: Int, _ L: TLayout) -> String {
        var i = gi
        while i > 0 && sec.groups[i].label == nil { i -= 1 }
        if i == 0 {
            if L.combinedLabels, let gl = sec.groups[0].label { return sec.label + "\n" + gl }
            return sec.label
        }
        return sec.groups[i].label!
    }
}

// MARK: reading back

enum Read {
    /// Maps the workbook the way the CLI does (first sheet holding a 考评表).
    static func form(_ path: String, sheet: String? = nil) throws -> Form {
        try FormMapper.map(reader: Workbook(path: path), sheet: sheet)
    }
    /// Read → map → check with a named template.
    static func checked(_ path: String, template: String) throws -> Form {
        try Pipeline(store: Repo.store()).read(path, template: template).0
    }
}

extension Form {
    var allIndicators: [Indicator] { sections.flatMap { $0.groups.flatMap(\.indicators) } }
    func findings(_ rule: String) -> [Finding] { findings.filter { $0.rule == rule } }
    func cells(_ rule: String) -> [String] { findings(rule).compactMap(\.cell) }
    func item(_ code: String) -> Item? { items.first { $0.code == code } }
    func indicator(_ code: String) -> Indicator? { allIndicators.first { $0.code == code } }
    var findingsSummary: String { findings.map { "\($0.rule)@\($0.cell ?? "-")" }.joined(separator: ", ") }
}
