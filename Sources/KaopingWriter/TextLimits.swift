import KaopingModel

/// Why a form cannot be written without losing text.
public enum WriterLimitError: Error, Equatable {
    /// A cell's text is longer than a spreadsheet cell holds (Excel: 32,767 characters). Written,
    /// it would be cut without a word, or dropped, and then blamed on the unit.
    case textTooLong(file: String, cell: String, length: Int)
}

/// The limits of what an .xlsx cell holds, checked before anything is written.
public enum TextLimits {
    /// Excel's limit on a cell's text, in UTF-16 code units (what Excel counts).
    public static let maxCellCharacters = 32_767

    /// Throws for the first text of the form (in the unit's own cell) that a cell cannot hold.
    public static func check(_ form: Form) throws {
        func test(_ text: String?, _ cell: String?) throws {
            guard let t = text, t.utf16.count > maxCellCharacters else { return }
            throw WriterLimitError.textTooLong(file: form.file, cell: cell ?? "-", length: t.utf16.count)
        }
        func ref(_ role: ColumnRole, _ row: Int) -> String? { form.layout.columns[role].map { CellRef.format(row: row, col: $0) } }
        try test(form.title, nil)
        try test(form.unit, nil)
        for s in form.sections {
            try test(s.label, s.labelCell)
            for g in s.groups {
                try test(g.label, g.labelCell)
                for ind in g.indicators {
                    try test(ind.text, ind.textCell)
                    try test(ind.basis, ref(.basis, ind.row))
                    for it in ind.items {
                        try test(it.text, ref(.level2, it.row))
                        try test(it.deadline, ref(.deadline, it.row))
                        try test(it.remark, ref(.remark, it.row))
                        try test(it.leaders.joined(separator: "\n"), ref(.leaders, it.row))
                        try test(it.departments.joined(separator: "\n"), ref(.departments, it.row))
                        try test(it.persons.joined(separator: "\n"), ref(.persons, it.row))
                    }
                }
            }
        }
        for t in form.trailer { try test(t.text, t.cell) }
    }
}
