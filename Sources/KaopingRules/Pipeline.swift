import KaopingModel
import Workbook

/// Read → map → check, the way every command starts.
public struct Pipeline {
    public let store: TemplateStore
    public init(store: TemplateStore) { self.store = store }

    /// The form with its mapping findings and the template's rule findings, and the template used.
    public func read(_ file: String, sheet: String? = nil, template name: String? = nil) throws -> (Form, Template?) {
        let wb = try Workbook(path: file)
        var form = try FormMapper.map(workbook: wb, sheet: sheet)
        let template = try name.map { try store.named($0) } ?? (try store.forYear(form.year))
        if let template {
            form.findings += Checker(template: template).check(form)
        }
        return (form, template)
    }
}
