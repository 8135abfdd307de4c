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

    public var file: String {
        switch self {
        case .notAForm(let f, _), .noSuchSheet(let f, _, _), .noSheets(let f): return f
        }
    }
}

/// Maps a loaded sheet to the 考评表 model by its header labels, not fixed positions.
public struct FormMapper {
    /// Header label (white space removed, half-width) → column role.
    static let roles: [String: String] = [
        "项目": "project", "序号": "code", "编号": "code",
        "文件依据": "basis", "依据": "basis",
        "一级指标": "level1", "二级指标": "level2",
        "权重": "weight", "权重分值": "weight", "分值": "weight", "权重(分)": "weight",
        "完成时限": "deadline", "时限": "deadline", "完成时间": "deadline",
        "分管领导": "leaders", "分管局领导": "leaders", "分管副职": "leaders",
        "责任部门": "departments", "责任科室": "departments", "责任单位": "departments", "责任处室": "departments",
        "责任人": "persons", "科室负责人": "persons", "科室责任人": "persons", "具体责任人": "persons",
        "备注": "remark", "档次": "grade", "评定档次": "grade", "考评档次": "grade",
        "得分": "score", "考评得分": "score", "评分": "score",
    ]
    static let groupHeaders: Set<String> = ["目标内容", "责任分解"]

    public init() {}

    /// Picks the sheet that holds a 考评表 (the named one, or the first that has the header),
    /// whatever the format: the reader only lists sheets and loads one as a `Grid`.
    public static func map(reader: GridReader, sheet: String?) throws -> Form {
        let sheets = reader.sheetList
        if let sheet {
            guard let i = sheets.firstIndex(where: { $0.name == sheet }) else {
                throw MapError.noSuchSheet(file: reader.path, sheet: sheet, available: sheets.map(\.name))
            }
            guard let form = FormMapper().map(try reader.loadGrid(i), file: reader.path) else {
                throw MapError.notAForm(file: reader.path, sheet: sheet)
            }
            return form
        }
        // Visible sheets first: a hidden sheet is usually last year's copy.
        let ordered = sheets.indices.filter { sheets[$0].state == .visible } + sheets.indices.filter { sheets[$0].state != .visible }
        for i in ordered {
            if let form = FormMapper().map(try reader.loadGrid(i), file: reader.path) { return form }
        }
        if sheets.isEmpty { throw MapError.noSheets(file: reader.path) }
        throw MapError.notAForm(file: reader.path, sheet: nil)
    }

    /// A header label's role; a bracketed note after it (`完成时限（月）`, `责任科室(单位)`) is allowed.
    static func role(_ text: String) -> String? { roleOfFolded(KText.squeeze(KText.halfWidth(text))) }

    static func roleOfFolded(_ t: String) -> String? {
        if let r = roles[t] { return r }
        if t.hasSuffix(")"), let open = t.firstIndex(of: "("), open > t.startIndex { return roles[String(t[..<open])] }
        return nil
    }

    static func isHeaderRow(_ cells: [Cell]) -> Bool {
        var seen = Set<String>()
        for c in cells {
            // Header labels are short; a long text is never one (and is not folded).
            guard case .string(let s)? = c.value, s.utf8.count <= 48 else { continue }
            let t = KText.squeeze(KText.halfWidth(s))
            if let r = roleOfFolded(t) { seen.insert(r) } else if groupHeaders.contains(t) { seen.insert(t) }
        }
        return seen.count >= 3
    }

    public func map(_ grid: Grid, file: String) -> Form? {
        var m = Mapping(grid: grid, file: file)
        guard m.findHeader() else { return nil }
        m.run()
        return m.form
    }
}

/// One mapping run over a grid; holds the cursor state.
struct Mapping {
    let grid: Grid
    var form: Form
    var consumed = Set<Int>()
    var col: [String: Int] = [:]
    var projectCols: [Int] = []
    var left = 1, right = 1
    var headerTop = 0, headerBottom = 0
    var seenAnchors = Set<Int>()
    var inTrailer = false

    init(grid: Grid, file: String) {
        self.grid = grid
        form = Form(file: (file as NSString).lastPathComponent, sheet: grid.name)
    }

    static func key(_ c: Cell) -> Int { c.row << 15 | c.col }
    mutating func take(_ c: Cell?) { if let c { consumed.insert(Mapping.key(c)) } }

    func text(_ c: Cell?) -> String? {
        guard let c, let v = c.value else { return nil }
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

    // MARK: header

    mutating func findHeader() -> Bool {
        var r = 1
        let last = min(grid.maxRow, 400)
        while r <= last {
            let cells = grid.row(r)
            if FormMapper.isHeaderRow(cells) {
                var roles: [String: Int] = [:]
                var labels: [String: String] = [:]
                var bottom = r
                func scan(_ row: Int) {
                    for c in grid.row(row) {
                        guard let t = text(c), let role = FormMapper.role(t) else { continue }
                        if roles[role] == nil || row > r { roles[role] = c.col; labels[role] = t }
                    }
                }
                scan(r)
                // A second header row: sub-labels under 目标内容 / 责任分解.
                let next = grid.row(r + 1)
                let nextRoles = Set(next.compactMap { text($0).flatMap(FormMapper.role) })
                if nextRoles.count >= 2 && !nextRoles.isSubset(of: ["weight"]) {
                    // Only if the row does not hold body data (a code like 1-1-1).
                    let hasCode = next.contains { c in text(c).flatMap(KText.code).map { $0.contains("-") } ?? false }
                    if !hasCode { bottom = r + 1; scan(r + 1) }
                }
                guard roles["code"] != nil || roles["level1"] != nil,
                      roles.count >= 4 else { r += 1; continue }
                col = roles
                headerTop = r; headerBottom = bottom
                for row in r...bottom { for c in grid.row(row) { take(c) } }
                let codeCol = roles["code"] ?? roles["level1"] ?? 1
                if let p = roles["project"], p < codeCol {
                    projectCols = Array(p..<codeCol)
                } else if let p = roles["project"] {
                    projectCols = [p]
                } else {
                    projectCols = codeCol > 1 ? Array(1..<codeCol) : []
                }
                left = min(roles.values.min() ?? 1, projectCols.first ?? Int.max)
                right = roles.values.max() ?? 1
                if let m = grid.merge(at: r, right) { right = max(right, m.right) }
                form.layout.headerTop = r
                form.layout.headerRows = bottom - r + 1
                form.layout.projectColumns = max(projectCols.count, 1)
                form.layout.columns = roles
                form.layout.labels = labels
                form.layout.firstBodyRow = bottom + 1
                return true
            }
            r += 1
        }
        return false
    }

    // MARK: the run

    mutating func run() {
        readPreamble()
        // Only rows that hold a cell: a sheet of a million empty rows costs nothing.
        for r in grid.rowsWithCells where r > headerBottom { readRow(r) }
        finish()
    }

    mutating func readPreamble() {
        for r in stride(from: 1, to: headerTop, by: 1) {
            for c in grid.row(r) {
                guard let t = text(c) else { continue }
                take(c)
                let sq = KText.squeeze(KText.halfWidth(t))
                if sq.has("参评单位") {
                    if let i = t.firstIndex(where: { $0 == "：" || $0 == ":" }) {
                        let u = KText.trim(String(t[t.index(after: i)...]))
                        if !u.isEmpty { form.unit = u }
                    }
                } else if let d = Mapping.date(in: t), form.date == nil, sq.count <= 16 {
                    form.date = d
                } else if sq.has("考评表") {
                    var title = t
                    for p in ["附件：", "附件:", "附件"] where title.hasPrefix(p) {
                        title = KText.trim(String(title.dropFirst(p.count)))
                    }
                    if form.title == nil || (form.title!.hasPrefix("附件")) { form.title = title }
                } else {
                    form.trailer.append((c.ref, t))
                }
            }
        }
        if let title = form.title {
            let (year, unit) = Mapping.titleParts(title)
            form.year = year
            if form.unit == nil { form.unit = unit }
        }
        if form.year == nil, let d = form.date, let y = Int(d.prefix(4)), (2000...2100).contains(y) {
            form.year = y  // a title without its year: the date's year
        }
    }

    static func date(in s: String) -> String? {
        // A date has at least four digits in a row; most cells do not, and skip the regex.
        var run = 0, seen = false
        for b in s.utf8 { if b >= 0x30 && b <= 0x39 { run += 1; if run >= 4 { seen = true; break } } else { run = 0 } }
        guard seen || s.utf8.contains(0xEF) else { return nil }
        let t = KText.squeeze(KText.halfWidth(s))
        let patterns = [#"\d{4}年\d{1,2}月\d{1,2}日"#, #"\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}"#]
        for p in patterns {
            if let r = t.range(of: p, options: .regularExpression) { return String(t[r]) }
        }
        return nil
    }

    /// `2024年度泉州市国资委绩效目标考评表` or `泉州市交通运输局2019年度绩效目标考评表` → (year, unit).
    /// A generic title (`…市直机关政府系列…`) names no unit.
    static func titleParts(_ title: String) -> (Int?, String?) {
        let t = KText.squeeze(KText.halfWidth(title))
        guard let yr = t.range(of: #"\d{4}年度?"#, options: .regularExpression) else { return (nil, nil) }
        let year = Int(t[yr].prefix(4))
        var unit: String? = nil
        if let end = t.range(of: "绩效目标考评表") ?? t.range(of: "考评表") {
            let before = String(t[t.startIndex..<yr.lowerBound])
            let after = yr.upperBound <= end.lowerBound ? String(t[yr.upperBound..<end.lowerBound]) : ""
            let cand = before.isEmpty ? after : before
            let generic = ["市直", "系列", "驻泉", "各单位", "单位绩效"]
            if !cand.isEmpty && !generic.contains(where: { cand.contains($0) }) { unit = cand }
        }
        return (year, unit)
    }

    // MARK: rows

    mutating func readRow(_ r: Int) {
        let own = grid.row(r).filter { !$0.isEmpty }
        if own.isEmpty { return }
        if inTrailer { readTrailer(own); return }
        if FormMapper.isHeaderRow(own) {
            own.forEach { take($0) }
            return
        }
        let labelCells = own.filter { $0.col < (col["weight"] ?? Int.max) }
        let labelText = labelCells.compactMap { text($0) }.map { Mapping.labelKey($0) }
        if labelText.contains(where: { $0.has("考评得分") || $0 == "总计" }) {
            form.totalDeclared = weightValue(r)
            form.totalCell = weightCell(r)?.ref
            form.totalLabel = labelText.first { $0.has("考评得分") || $0 == "总计" }
            takeSummaryRow(r, own)
            form.layout.lastBodyRow = r
            inTrailer = true
            return
        }
        if labelText.contains(where: { $0.hasPrefix("合计") || $0.hasPrefix("小计") }) {
            // 合计 closes the current section.
            if !form.sections.isEmpty {
                let i = form.sections.count - 1
                form.sections[i].subtotal = weightValue(r)
                form.sections[i].subtotalCell = weightCell(r)?.ref
                form.sections[i].subtotalRow = r
                form.sections[i].subtotalFormula = weightCell(r)?.formula
            }
            takeSummaryRow(r, own)
            // A project label that starts on this row still counts (e.g. a group label drawn into 合计).
            readLabels(r)
            form.layout.lastBodyRow = r
            return
        }
        // Labels (合计, 绩效目标考评得分, 单位主要领导…) are short: long texts are not folded for them.
        let squeezed = own.compactMap { text($0) }.map { Mapping.labelKey($0) }
        if squeezed.contains(where: { Mapping.trailerStarts.contains(where: $0.hasPrefix) }) && form.sections.count > 0 {
            inTrailer = true
            readTrailer(own)
            return
        }
        readLabels(r)
        // A row with nothing in the table's own columns (only a 项目 label, or a stray note
        // beside the table) is no item; a stray cell stays unconsumed and is reported.
        let firstCol = (projectCols.last ?? (left - 1)) + 1
        guard own.contains(where: { $0.col >= firstCol && $0.col <= right }) else { return }
        readBody(r)
        form.layout.lastBodyRow = r
    }

    /// A 合计 or total row: its label cells, the weight and the score are the model's;
    /// anything else written on it is left to be reported.
    mutating func takeSummaryRow(_ r: Int, _ own: [Cell]) {
        let w = col["weight"] ?? Int.max
        for c in own where c.col < w { take(c) }
        take(weightCell(r))
        if let sc = col["score"] { take(grid.visibleCell(r, sc)) }
    }

    /// A cell's text folded for label tests, from its first 40 characters only.
    static func labelKey(_ t: String) -> String {
        KText.squeeze(KText.halfWidth(t.count > 40 ? String(t.prefix(40)) : t))
    }

    static let trailerStarts = ["单位主要领导", "主要领导", "经办人", "联系电话", "绩效同组互审", "备注:", "备注：", "总分", "填表人"]

    mutating func readTrailer(_ own: [Cell]) {
        for c in own {
            take(c)
            guard let t = text(c) else { continue }
            form.trailer.append((c.ref, t))
            if form.date == nil, let d = Mapping.date(in: t), KText.squeeze(t).count <= 16 {
                form.date = d
                if form.year == nil, let y = Int(d.prefix(4)), (2000...2100).contains(y) { form.year = y }
            }
        }
    }

    func weightCell(_ r: Int) -> Cell? {
        if let w = col["weight"], let c = grid.visibleCell(r, w), c.value != nil || c.formula != nil { return c }
        return nil
    }
    func weightValue(_ r: Int) -> Double? {
        guard let c = weightCell(r) else { return nil }
        if case .number(let d)? = c.value { return d }
        return text(c).flatMap(KText.number)
    }

    // MARK: labels

    static func classify(_ squeezed: String) -> (section: SectionKind?, group: GroupKind?) {
        var s: SectionKind? = nil
        if squeezed.has("职能") { s = .functional }
        else if squeezed.has("行政能力") { s = .administrative }
        else if squeezed.has("精神文明") || squeezed.has("文明创建") { s = .civility }
        else if squeezed.has("平安") { s = .safety }
        var g: GroupKind? = nil
        if squeezed.has("重点") { g = .key } else if squeezed.has("常规") { g = .routine } else if squeezed.has("动态") { g = .dynamic }
        return (s, g)
    }

    mutating func readLabels(_ r: Int) {
        for pc in projectCols {
            guard let anchor = grid.visibleCell(r, pc), anchor.row == r, anchor.col == pc,
                  let t = text(anchor) else { continue }
            let k = Mapping.key(anchor)
            if seenAnchors.contains(k) { continue }
            seenAnchors.insert(k)
            take(anchor)
            let sq = KText.squeeze(KText.halfWidth(t))
            if sq.hasPrefix("合计") || sq.hasPrefix("小计") { continue }
            let (s, g) = Mapping.classify(sq)
            if s != nil, let (sectionText, groupText) = Mapping.splitLabel(t) {
                // Section and group in one cell on separate lines (`职能工作目标（68分）\n重点工作目标`,
                // `行政能力目标\n科学行政（6分）`): both are opened.
                openSection(s!, label: sectionText, cell: anchor.ref)
                let gk = Mapping.classify(KText.squeeze(KText.halfWidth(groupText))).group
                if gk == nil, s == .functional {
                    form.findings.append(Finding(.labelUnrecognized, anchor.ref,
                        "项目栏「\(groupText)」不是可识别的分组名称（重点/常规/动态工作目标），已忽略"))
                } else {
                    openGroup(gk, label: groupText, cell: anchor.ref)
                }
            } else if let s, let g {
                // One line holding both (`职能工作目标（68分）重点工作目标`): both are opened.
                openSection(s, label: t, cell: anchor.ref)
                openGroup(g, label: Mapping.standardGroupNames[g]!, cell: anchor.ref)
            } else if let s {
                openSection(s, label: t, cell: anchor.ref)
            } else if g == nil, form.sections.last?.kind == .functional {
                // 职能 groups are 重点/常规/动态; anything else there is a fragment of a label cut
                // by a page break (`常` + `规 工 作 目 标`) or a stray note: said, not made a group.
                form.findings.append(Finding(.labelUnrecognized, anchor.ref,
                    "项目栏「\(t)」不是可识别的分组名称（重点/常规/动态工作目标），已忽略"))
            } else {
                openGroup(g, label: t, cell: anchor.ref)
            }
        }
    }

    static func defaultName(_ k: SectionKind) -> String {
        switch k {
        case .functional: return "职能工作目标"
        case .administrative: return "行政能力目标"
        case .civility: return "精神文明建设成效"
        case .safety: return "平安建设成效"
        case .other: return "其他"
        }
    }

    mutating func openSection(_ kind: SectionKind, label: String, cell: String?) {
        let points = KText.labelPoints(label)
        let name = KText.labelName(label)
        if let last = form.sections.last, last.kind == kind, kind == .functional || kind == .administrative {
            // The same section's label again (pasted page by page): not a new section.
            if let p = points, let lp = last.labelPoints, p != lp {
                form.findings.append(Finding(.sectionLabelRepeated, cell,
                    "「\(last.name)」的标签重复出现且分值不同（\(CellValue.format(lp))分 与 \(CellValue.format(p))分）"))
            }
            return
        }
        let plain = name.isEmpty || Mapping.classify(name).group != nil
        var s = Section(kind: kind, name: plain ? Mapping.defaultName(kind) : name,
                        label: label, labelCell: cell, labelPoints: points)
        if kind != .functional && kind != .administrative {
            s.groups.append(Group(kind: nil, name: nil, label: nil, declaredPoints: nil, labelCell: nil))
        }
        form.sections.append(s)
    }

    mutating func openGroup(_ kind: GroupKind?, label: String, cell: String?) {
        if form.sections.isEmpty {
            openSection(kind != nil ? .functional : .administrative, label: "", cell: nil)
            form.sections[form.sections.count - 1].label = nil
        }
        let si = form.sections.count - 1
        let name = KText.labelName(label)
        if let g = form.sections[si].groups.last, g.name == name || (kind != nil && g.kind == kind) {
            return // the same group's label repeated
        }
        // An unnamed group with nothing in it yet takes the label.
        if let g = form.sections[si].groups.last, g.name == nil, g.indicators.isEmpty {
            form.sections[si].groups.removeLast()
        }
        form.sections[si].groups.append(Group(kind: kind, name: name, label: label,
                                              declaredPoints: KText.labelPoints(label), labelCell: cell))
    }

    /// Splits a multi-line 项目 cell into its section label and a group label: the section label
    /// is the first lines up to where they read as a whole label (ending in 目标 or in points);
    /// nil when the cell is one label (`职能\n工作\n目标` is one).
    static func splitLabel(_ t: String) -> (String, String)? {
        let lines = t.split(whereSeparator: \.isNewline).map { KText.trim(String($0)) }.filter { !$0.isEmpty }
        guard lines.count > 1 else { return nil }
        var head = ""
        for (i, line) in lines.enumerated().dropLast() {
            head += line
            let sq = KText.squeeze(KText.halfWidth(head))
            if sq.hasSuffix("目标") || sq.hasSuffix("分)") || (sq.hasSuffix("分") && KText.labelPoints(sq) != nil) {
                let rest = lines[(i + 1)...].joined(separator: " ")
                // `行政能力目标\n（20分）` is one label wrapped before its points.
                return KText.labelName(rest).isEmpty ? nil : (head, rest)
            }
        }
        return nil
    }

    static let standardGroupNames: [GroupKind: String] = [.key: "重点工作目标", .routine: "常规工作目标", .dynamic: "动态工作目标"]

    /// The group a row belongs to, opening sections and groups the sheet left unlabelled.
    mutating func currentGroup(code: String?) -> (Int, Int) {
        let seg = code.flatMap { $0.split(separator: "-").first }.flatMap { Int($0) }
        if form.sections.isEmpty {
            let kind: SectionKind = (seg ?? 1) <= 3 ? .functional : .administrative
            form.sections.append(Section(kind: kind, name: Mapping.defaultName(kind), label: nil, labelCell: nil, labelPoints: nil))
        }
        let si = form.sections.count - 1
        if form.sections[si].kind == .functional, let seg, (1...3).contains(seg) {
            let kind: GroupKind = seg == 1 ? .key : seg == 2 ? .routine : .dynamic
            let groups = form.sections[si].groups
            if let g = groups.last, g.kind == nil, g.indicators.isEmpty, g.name == nil {
                form.sections[si].groups[groups.count - 1].kind = kind
                form.sections[si].groups[groups.count - 1].name = Mapping.standardGroupNames[kind]
            } else if groups.last == nil || (groups.last!.kind != nil && groups.last!.kind != kind
                                              && !(groups.last!.indicators.isEmpty)) {
                // The code moved to another group without a label (e.g. 2-1-1 under 重点).
                if groups.last?.kind.map({ kindOrder($0) < kindOrder(kind) }) ?? true {
                    form.sections[si].groups.append(Group(kind: kind, name: Mapping.standardGroupNames[kind],
                                                          label: nil, declaredPoints: nil, labelCell: nil))
                }
            }
        }
        if form.sections[si].groups.isEmpty {
            form.sections[si].groups.append(Group(kind: nil, name: nil, label: nil, declaredPoints: nil, labelCell: nil))
        }
        return (si, form.sections[si].groups.count - 1)
    }

    func kindOrder(_ k: GroupKind) -> Int { k == .key ? 1 : k == .routine ? 2 : 3 }

    // MARK: body

    /// The visible cell of a role's column at a row: the merge anchor if merged.
    func cell(_ role: String, _ r: Int) -> Cell? {
        guard let c = col[role] else { return nil }
        return grid.visibleCell(r, c)
    }

    func isOwnAnchor(_ c: Cell?, _ r: Int) -> Bool { c.map { $0.row == r } ?? false }

    static func indicatorCode(_ code: String?) -> String? {
        guard let code else { return nil }
        let segs = code.split(separator: "-")
        return segs.count <= 2 ? code : segs.prefix(2).joined(separator: "-")
    }

    mutating func readBody(_ r: Int) {
        let codeCell = cell("code", r)
        let rawCode = isOwnAnchor(codeCell, r) ? text(codeCell) : nil
        var code = rawCode.flatMap(KText.code)
        if let rc = rawCode, code == nil {
            // Not a code: keep it visible rather than drop it.
            form.findings.append(Finding(.codeInvalid, codeCell?.ref, "序号「\(rc)」不是“1-2-3”形式的编号"))
            code = nil
            take(codeCell)
        }
        take(codeCell)
        let (si, gi) = currentGroup(code: code)
        let kind = form.sections[si].kind

        // What the row says in the content columns (文件依据, 一级, 二级), by distinct anchor.
        var contentAnchors: [Cell] = []
        for role in ["basis", "level1", "level2"] {
            if let c = cell(role, r), text(c) != nil, !contentAnchors.contains(where: { $0.row == c.row && $0.col == c.col }) {
                contentAnchors.append(c)
            }
        }

        var item = Item(row: r)
        item.code = code
        fillItem(&item, r, si: si, gi: gi)

        if kind == .functional || kind == .other {
            readFunctional(r, si: si, gi: gi, item: item)
        } else {
            // 行政能力, 精神文明, 平安: one row is one indicator; its text spans 文件依据…二级.
            let own = contentAnchors.filter { $0.row == r }
            let inds = form.sections[si].groups[gi].indicators
            if own.isEmpty, !contentAnchors.isEmpty, inds.last != nil {
                // Text merged down from the row above: one more item of the same indicator.
                form.sections[si].groups[gi].indicators[inds.count - 1].items.append(item)
                return
            }
            var ind = Indicator(code: Mapping.indicatorCode(code), text: own.first.flatMap { text($0) } ?? "",
                                basis: nil, declaredPoints: nil, row: r, textCell: own.first?.ref)
            own.forEach { take($0) }
            if own.count > 1 {
                item.text = own.dropFirst().compactMap { text($0) }.joined(separator: "\n")
            }
            ind.items.append(item)
            form.sections[si].groups[gi].indicators.append(ind)
        }
    }

    mutating func fillItem(_ item: inout Item, _ r: Int, si: Int, gi: Int) {
        if let w = cell("weight", r) {
            take(w)
            switch w.value {
            case .number(let d)?: item.weight = d
            case .string(let s)?:
                if let d = KText.number(s) {
                    item.weight = d
                    form.findings.append(Finding(.numberAsText, w.ref, "权重「\(s)」以文本形式保存，已按数值 \(CellValue.format(d)) 读取"))
                } else if !KText.trim(s).isEmpty {
                    form.findings.append(Finding(.weightUnparsable, w.ref, "权重「\(s)」无法识别为数值"))
                }
            case .error(let e)?:
                form.findings.append(Finding(.weightError, w.ref, "权重单元格显示错误值 \(e)"))
            default: break
            }
        }
        if let d = cell("deadline", r) { take(d); item.deadline = text(d) }
        if let c = cell("remark", r) { take(c); item.remark = text(c) }
        if let c = cell("grade", r) {
            take(c)
            if let t = text(c) {
                let g = KText.squeeze(KText.halfWidth(t)).uppercased()
                    .replacingOccurrences(of: "—", with: "-").replacingOccurrences(of: "－", with: "-")
                if ["A+", "A", "A-", "B+", "B", "C"].contains(g) { item.grade = g } else {
                    form.findings.append(Finding(.gradeInvalid, c.ref, "档次「\(t)」不是 A+、A、A-、B+、B、C 之一"))
                }
            }
        }
        if let c = cell("score", r) {
            take(c)
            if case .number(let d)? = c.value { item.score = d } else if let t = text(c) {
                if let d = KText.number(t) { item.score = d } else if case .error? = c.value {} else {
                    form.findings.append(Finding(.scoreUnparsable, c.ref, "得分「\(t)」无法识别为数值"))
                }
            }
        }
        // Names: a cell merged over several rows belongs to each; a blank cell under a filled one
        // of the same indicator continues it (the merge was lost).
        let prev = form.sections[si].groups[gi].indicators.last?.items.last
        for (role, kp) in [("leaders", \Item.leaders), ("departments", \Item.departments), ("persons", \Item.persons)] {
            let c = cell(role, r)
            take(c)
            item[keyPath: kp] = KText.names(text(c))
            if item[keyPath: kp].isEmpty, c == nil, let prev, sameIndicatorContinues(r), !prev[keyPath: kp].isEmpty {
                item[keyPath: kp] = prev[keyPath: kp]
            }
        }
    }

    /// True when row r continues the current indicator (its 一级 cell is blank or merged from above).
    func sameIndicatorContinues(_ r: Int) -> Bool {
        guard let l1 = col["level1"] else { return false }
        if let c = grid.visibleCell(r, l1) { return c.row < r }
        return true
    }

    mutating func readFunctional(_ r: Int, si: Int, gi: Int, item: Item) {
        var item = item
        let l1 = cell("level1", r)
        let l2 = cell("level2", r)
        let basisCell = cell("basis", r)
        let inds = form.sections[si].groups[gi].indicators
        let current = inds.last
        let l1Text = text(l1)
        var startNew: Bool
        if let l1, l1.row == r, let t = l1Text {
            // A new 一级 cell, unless the sheet repeats the same text row by row (merge lost).
            startNew = !(current != nil && KText.squeeze(current!.text) == KText.squeeze(t)
                         && (item.code == nil || current!.code == nil || Mapping.indicatorCode(item.code) == current!.code))
        } else if let l1, l1.row < r {
            startNew = current == nil || current!.textCell != l1.ref
        } else {
            // Blank 一级: the continuation of the indicator above when the code agrees.
            startNew = current == nil || !(item.code == nil || current!.code == nil
                                           || Mapping.indicatorCode(item.code) == current!.code)
        }
        // 二级 text, unless 一级 and 二级 are one merged cell (a one-row indicator).
        if let l2, text(l2) != nil, !(l1 != nil && l2.row == l1!.row && l2.col == l1!.col) {
            item.text = text(l2)
            take(l2)
        }
        take(l1)
        let basisText = text(basisCell)
        take(basisCell)
        if startNew {
            var ind = Indicator(code: Mapping.indicatorCode(item.code), text: l1Text ?? "", basis: basisText,
                                declaredPoints: l1Text.flatMap(KText.trailingPoints), row: r, textCell: l1?.ref)
            if l1Text == nil {
                form.findings.append(Finding(.indicatorMissingText, l1.map(\.ref) ?? ref("level1", r),
                                             "第 \(r) 行缺少一级指标内容"))
            }
            ind.items.append(item)
            form.sections[si].groups[gi].indicators.append(ind)
        } else {
            let ii = inds.count - 1
            if let b = basisText, let bc = basisCell, bc.row == r {
                let cur = form.sections[si].groups[gi].indicators[ii].basis
                if cur == nil {
                    form.sections[si].groups[gi].indicators[ii].basis = b
                } else if KText.squeeze(cur!) != KText.squeeze(b) {
                    form.findings.append(Finding(.basisSplit, bc.ref,
                        "同一一级指标的文件依据被拆成多个单元格，此格内容未并入：「\(b)」"))
                }
            }
            if form.sections[si].groups[gi].indicators[ii].code == nil {
                form.sections[si].groups[gi].indicators[ii].code = Mapping.indicatorCode(item.code)
            }
            form.sections[si].groups[gi].indicators[ii].items.append(item)
        }
    }

    func ref(_ role: String, _ r: Int) -> String? { col[role].map { CellRef.format(row: r, col: $0) } }

    // MARK: finish

    mutating func finish() {
        // A label with no rows under it (a stray repeat) leaves no empty group behind.
        for i in form.sections.indices where form.sections[i].groups.count > 1 {
            form.sections[i].groups.removeAll { $0.indicators.isEmpty }
        }
        // Hidden rows and columns are read, and said.
        let hiddenRows = grid.hiddenRows.filter { $0 >= headerTop && $0 <= max(form.layout.lastBodyRow, headerBottom) }.sorted()
        for r in hiddenRows {
            form.findings.append(Finding(.sheetHiddenRow, "A\(r)", "第 \(r) 行被隐藏，已照常读取"))
        }
        for c in grid.hiddenCols.sorted() where c <= max(right, grid.maxCol) && c >= left {
            let label = col.first { $0.value == c }.flatMap { form.layout.labels[$0.key] }
            form.findings.append(Finding(.sheetHiddenColumn, CellRef.letters(c) + "\(headerTop)",
                                         "第 \(CellRef.letters(c)) 列\(label.map { "（\($0)）" } ?? "")被隐藏，已照常读取"))
        }
        // Error values wherever they are.
        for c in grid.cells {
            if case .error(let e)? = c.value {
                form.findings.append(Finding(.cellErrorValue, c.ref, "单元格 \(c.ref) 显示错误值 \(e)\(c.formula.map { "（公式 =\($0)）" } ?? "")"))
            } else if let f = c.formula, f.has("#REF!") {
                form.findings.append(Finding(.cellErrorValue, c.ref, "单元格 \(c.ref) 的公式引用已失效：=\(f)"))
            }
        }
        // Nothing lost: every non-empty cell is in the model or named here.
        for c in grid.cells where !c.isEmpty && !consumed.contains(Mapping.key(c)) {
            let t = c.value?.text ?? ("=" + (c.formula ?? ""))
            form.findings.append(Finding(.cellUnmapped, c.ref, "单元格 \(c.ref) 的内容未归入考评表：「\(String(t.prefix(60)))」"))
        }
    }
}
