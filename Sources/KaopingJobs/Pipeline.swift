import KaopingWriter

/// Open → map → check → score, the way every command starts, whatever the file's format.
public struct Pipeline: Sendable {
    public let store: TemplateStore
    public init(store: TemplateStore) { self.store = store }

    /// The form with its mapping findings, the template's rule findings and the scorer's, and the template used.
    public func read(_ file: String, sheet: String? = nil, template name: String? = nil) throws -> (Form, Template?) {
        let reader = try InputFile.open(file)
        var form = try FormMapper.map(reader: reader, sheet: sheet)
        let template = try name.map { try store.named($0) } ?? (try store.forForm(form))
        if name == nil, let template, let f = TemplateStore.fallbackFinding(form, template) { form.findings.append(f) }
        if let template {
            form.findings += Checker(template: template).check(form)
        }
        // One scorer for fix, check and summary: a written 得分 that disagrees is said here.
        if form.hasGrades { form.findings += Scorer(template: template).score(form).findings }
        return (form, template)
    }
}
