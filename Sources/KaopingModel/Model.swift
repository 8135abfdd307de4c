/// The 考评表 as a model: sections → groups → 一级指标 (indicators) → 二级指标 (items).
/// Field names follow the contract's schema `kaoping.form/1`.

public enum SectionKind: String, Sendable, Codable, CaseIterable { case functional, administrative, civility, safety, other }
public enum GroupKind: String, Sendable { case key, routine, dynamic }
public enum Severity: String, Sendable { case error, warning, info }

public struct Finding: Sendable, Equatable {
    /// A stable id from the catalogue (`Rule`), such as `indicator.points`.
    public var rule: String
    public var severity: Severity
    /// An A1 reference, or nil when the finding is about the whole form (never anything else:
    /// a ratings file's row goes in `line`).
    public var cell: String?
    /// Chinese, for the office's staff.
    public var message: String
    /// The 序号 of the item or indicator the finding concerns (nil for the sheet as a whole):
    /// findings of two rounds are matched by rule + code.
    public var code: String?
    /// The 1-based line of a CSV file the finding is about (ratings), when there is no cell.
    public var line: Int?

    public init(_ rule: Rule, _ cell: String?, _ message: String, code: String? = nil, severity: Severity? = nil, line: Int? = nil) {
        self.rule = rule.rawValue; self.severity = severity ?? rule.severity; self.cell = cell; self.message = message
        self.code = code; self.line = line
    }
    /// A finding read back as stored (the register): its rule id as written then, which may
    /// name a rule this build no longer has.
    public init(stored rule: String, _ severity: Severity, _ cell: String?, _ message: String, code: String? = nil, line: Int? = nil) {
        self.rule = rule; self.severity = severity; self.cell = cell; self.message = message; self.code = code; self.line = line
    }
    /// The catalogue's entry for the rule.
    public var catalogued: Rule? { Rule(rawValue: rule) }
}

public struct Item: Sendable {
    public var code: String?
    public var text: String?
    public var weight: Double?
    public var deadline: String?
    public var leaders: [String] = []
    public var departments: [String] = []
    public var persons: [String] = []
    public var remark: String?
    public var grade: String?
    public var score: Double?
    /// 1-based sheet row.
    public var row: Int
    public init(row: Int) { self.row = row }
}

public struct Indicator: Sendable {
    public var code: String?
    public var text: String
    public var basis: String?
    public var declaredPoints: Double?
    public var items: [Item] = []
    /// The sheet row where the indicator starts and the cell holding its text.
    public var row: Int
    public var textCell: String?
    public var points: Double { items.reduce(0) { $0 + ($1.weight ?? 0) } }
    public init(code: String?, text: String, basis: String?, declaredPoints: Double?, row: Int, textCell: String?) {
        self.code = code; self.text = text; self.basis = basis; self.declaredPoints = declaredPoints
        self.row = row; self.textCell = textCell
    }
}

public struct Group: Sendable {
    public var kind: GroupKind?
    public var name: String?
    /// The label as printed, e.g. `科学行政（6分）`.
    public var label: String?
    public var declaredPoints: Double?
    public var indicators: [Indicator] = []
    public var labelCell: String?
    public var points: Double { indicators.reduce(0) { $0 + $1.points } }
    public init(kind: GroupKind?, name: String?, label: String?, declaredPoints: Double?, labelCell: String?) {
        self.kind = kind; self.name = name; self.label = label; self.declaredPoints = declaredPoints; self.labelCell = labelCell
    }
}

public struct Section: Sendable {
    public var kind: SectionKind
    public var name: String
    public var label: String?
    public var labelCell: String?
    /// Points in the label (`（68分）`) and in the section's 合计 row, kept apart for the checks.
    public var labelPoints: Double?
    public var subtotal: Double?
    public var subtotalCell: String?
    public var subtotalRow: Int?
    public var subtotalFormula: String?
    public var groups: [Group] = []
    public var declaredPoints: Double? { labelPoints ?? subtotal }
    public var points: Double { groups.reduce(0) { $0 + $1.points } }
    public var items: [Item] { groups.flatMap { $0.indicators.flatMap(\.items) } }
    public init(kind: SectionKind, name: String, label: String?, labelCell: String?, labelPoints: Double?) {
        self.kind = kind; self.name = name; self.label = label; self.labelCell = labelCell; self.labelPoints = labelPoints
    }
}

/// What a column of the table holds, as its header label says.
public enum ColumnRole: String, Sendable, Codable, CaseIterable {
    case project, project2, code, basis, level1, level2, weight, deadline, leaders, departments, persons, remark, grade, score

    /// The case's position in `allCases`.
    public var ordinal: Int {
        switch self {
        case .project: return 0
        case .project2: return 1
        case .code: return 2
        case .basis: return 3
        case .level1: return 4
        case .level2: return 5
        case .weight: return 6
        case .deadline: return 7
        case .leaders: return 8
        case .departments: return 9
        case .persons: return 10
        case .remark: return 11
        case .grade: return 12
        case .score: return 13
        }
    }
}

/// Where the table's columns are; the writer and the checks use it.
public struct Layout: Sendable {
    public var headerTop = 0
    public var headerRows = 1
    public var projectColumns = 1
    /// Role → 1-based column.
    public var columns: [ColumnRole: Int] = [:]
    /// Role → the header label as printed.
    public var labels: [ColumnRole: String] = [:]
    public var firstBodyRow = 0
    public var lastBodyRow = 0
    public init() {}
}

public struct Form: Sendable {
    public var file: String
    public var sheet: String
    public var title: String?
    public var unit: String?
    public var year: Int?
    public var date: String?
    public var sections: [Section] = []
    public var totalDeclared: Double?
    public var totalCell: String?
    public var totalLabel: String?
    /// The 绩效目标考评得分 cell's formula, for the stale-total checks (a SUM missing rows, #REF!).
    public var totalFormula: String?
    public var findings: [Finding] = []
    public var layout = Layout()
    /// Lines printed under the table: signatures, 备注 notes, the score block, as (cell, text).
    public var trailer: [(cell: String, text: String)] = []
    public var hasGrades: Bool { layout.columns[.grade] != nil || layout.columns[.score] != nil }
    public var totalPoints: Double { sections.reduce(0) { $0 + $1.points } }
    public var items: [Item] { sections.flatMap(\.items) }
    public init(file: String, sheet: String) { self.file = file; self.sheet = sheet }

    public func section(_ kind: SectionKind) -> Section? { sections.first { $0.kind == kind } }
}

extension Form {
    /// The contract's JSON form, schema `kaoping.form/1`.
    /// The form as a JSON tree. The commands write it with `jsonBytes`/`streamJSON` (no tree);
    /// this is the reference `FormJSONTests` holds them to, byte for byte.
    public var json: JSON {
        func item(_ t: Item) -> JSON {
            .object([
                ("code", .str(t.code)), ("text", .str(t.text)), ("weight", .num(t.weight)),
                ("deadline", .str(t.deadline)),
                ("leaders", .array(t.leaders.map(JSON.string))),
                ("departments", .array(t.departments.map(JSON.string))),
                ("persons", .array(t.persons.map(JSON.string))),
                ("remark", .str(t.remark)), ("grade", .str(t.grade)), ("score", .num(t.score)),
                ("row", .int(t.row)),
            ])
        }
        func indicator(_ i: Indicator) -> JSON {
            .object([
                ("code", .str(i.code)), ("text", .string(i.text)), ("basis", .str(i.basis)),
                ("declaredPoints", .num(i.declaredPoints)), ("points", .number(i.points)),
                ("items", .deferred(i.items.count) { item(i.items[$0]) }),
            ])
        }
        func group(_ g: Group) -> JSON {
            .object([
                ("kind", .str(g.kind?.rawValue)), ("name", .str(g.name)),
                ("declaredPoints", .num(g.declaredPoints)), ("points", .number(g.points)),
                ("indicators", .deferred(g.indicators.count) { indicator(g.indicators[$0]) }),
            ])
        }
        func section(_ s: Section) -> JSON {
            .object([
                ("kind", .string(s.kind.rawValue)), ("name", .string(s.name)),
                ("declaredPoints", .num(s.declaredPoints)), ("points", .number(s.points)),
                ("groups", .array(s.groups.map(group))),
            ])
        }
        return .object([
            ("schema", .string("kaoping.form/1")),
            // A Word table has no sheet: its name is empty (no spreadsheet allows that), its sheet null.
            ("source", .object([("file", .string(file)), ("sheet", .str(sheet.isEmpty ? nil : sheet))])),
            ("title", .str(title)), ("unit", .str(unit)), ("year", .int(year)), ("date", .str(date)),
            ("sections", .array(sections.map(section))),
            ("total", .object([("declaredPoints", .num(totalDeclared)), ("points", .number(totalPoints))])),
            ("findings", .deferred(findings.count) { findings[$0].json }),
        ])
    }
}

extension Finding {
    /// The contract's finding: rule, severity, cell, message, code (and line, only when set).
    public var json: JSON {
        var fields: [(String, JSON)] = [("rule", .string(rule)), ("severity", .string(severity.rawValue)),
                                        ("cell", .str(cell)), ("message", .string(message)), ("code", .str(code))]
        if let line { fields.append(("line", .int(line))) }
        return .object(fields)
    }
}

extension Array {
    /// The same elements in a buffer of their own size.
    mutating func compact() {
        if capacity > count { self = withUnsafeBufferPointer { Array($0) } }
    }
}

extension Form {
    /// Every indicator's items in an array of their own size (see `Mapping.appendIndicator`).
    mutating func compactItems() {
        for s in sections.indices {
            for g in sections[s].groups.indices {
                for i in sections[s].groups[g].indicators.indices { sections[s].groups[g].indicators[i].items.compact() }
            }
        }
    }
}
