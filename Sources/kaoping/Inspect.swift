import ArgumentParser
import Foundation
import KaopingWriter
import XLSXCore

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The form as JSON (schema kaoping.form/1) on stdout.")
    @Argument(help: "An .xlsx file.") var file: String
    @Option(help: "The sheet that holds the 考评表 (default: the first that has one).") var sheet: String?
    @Option(help: "The year template to check against (default: the form's year).") var template: String?
    @Option(help: "The folder of year templates (default: ./Templates or beside the binary).") var templates: String?
    @Flag(help: "Print JSON (the only output form; kept for the contract).") var json = false

    func run() throws {
        do {
            let pipeline = Pipeline(store: try TemplateStore(directory: templates))
            let (form, _) = try pipeline.read(file, sheet: sheet, template: template)
            let out = Output()
            out.line(form.json.serialized())
            out.flush()
        } catch { fail(error) }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Findings per file. Exit 0: no errors; 1: errors found; 2: a file unreadable.")
    @Argument(help: "One or more .xlsx files.") var files: [String]
    @Option(help: "The year template to check against (default: each form's year).") var template: String?
    @Option(help: "The folder of year templates.") var templates: String?
    @Flag(help: "A JSON array of forms (with their findings) on stdout.") var json = false
    @Flag(help: "Leave out info findings in the text report.") var quiet = false

    func run() throws {
        let store: TemplateStore
        do { store = try TemplateStore(directory: templates) } catch { fail(error) }
        let pipeline = Pipeline(store: store)
        var forms: [JSON] = []
        var anyError = false, anyUnreadable = false
        let out = Output()
        for file in files {
            do {
                let (form, tpl) = try pipeline.read(file, template: template)
                let errors = form.findings.filter { $0.severity == .error }.count
                let warnings = form.findings.filter { $0.severity == .warning }.count
                let infos = form.findings.count - errors - warnings
                anyError = anyError || errors > 0
                if json { forms.append(form.json); continue }
                let who = [form.unit, form.year.map { "\($0)年" }].compactMap { $0 }.joined(separator: " ")
                out.line("\(escapeForLine(file))（\(who.isEmpty ? "单位未识别" : who)，模板 \(tpl?.name ?? "无")）：\(errors) 个错误，\(warnings) 个警告，\(infos) 条提示")
                for f in form.findings where !(quiet && f.severity == .info) {
                    let sev = f.severity == .error ? "错误" : f.severity == .warning ? "警告" : "提示"
                    out.line("  \(sev)\t\(f.cell ?? "-")\t\(f.rule)\t\(f.message)")
                }
            } catch {
                anyUnreadable = true
                stderr("kaoping: " + describe(error))
            }
        }
        if json { out.line(JSON.array(forms).serialized()) }
        out.flush()
        if anyUnreadable { throw ExitCode(2) }
        if anyError { throw ExitCode(1) }
    }
}
