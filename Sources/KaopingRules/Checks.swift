import KaopingModel

/// The office's rules (DOMAIN.md), applied with the year's template. The checks are grouped by
/// what they look at: sections and the total (SectionChecks), indicators and items (ItemChecks),
/// the office's counts and the fixed 行政能力 list (OfficeChecks).
public struct Checker {
    public let template: Template
    public init(template: Template) { self.template = template }

    static func fmt(_ d: Double) -> String { CellValue.format(KText.round(d)) }
    static func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-6 }
    /// Text compared as the office reads it: no white space, half-width punctuation, no final 。.
    public func check(_ form: Form) -> [Finding] {
        var out = Findings(form: form)
        checkSections(form, &out)
        checkTotal(form, &out)
        checkItems(form, &out)
        checkFunctionalCounts(form, &out)
        checkAdministrative(form, &out)
        return out.list
    }
}

/// The findings of one check run, with the form's cell references at hand.
struct Findings {
    let form: Form
    var list: [Finding] = []
    init(form: Form) { self.form = form }

    mutating func add(_ rule: Rule, _ cell: String?, _ message: String, code: String? = nil, severity: Severity? = nil) {
        list.append(Finding(rule, cell, message, code: code, severity: severity))
    }
    /// The cell of a column role at a sheet row.
    func ref(_ role: ColumnRole, _ row: Int) -> String? { form.layout.columns[role].map { CellRef.format(row: row, col: $0) } }
}
