import Foundation
import KaopingWriter
import XLSXCore

/// `kaoping check`: every input read, mapped and checked; a report per file.
public struct CheckJob {
    public var inputs: [String]
    public var pipeline: Pipeline
    public var template: String?
    public init(inputs: [String], pipeline: Pipeline, template: String? = nil) {
        self.inputs = inputs; self.pipeline = pipeline; self.template = template
    }

    /// One input's outcome: its form (nil when unreadable) and the line that says why not.
    public struct Outcome {
        public var file: String
        public var form: Form?
        public var template: Template?
        public var failure: String?
        public var errors: Int { form?.findings.filter { $0.severity == .error }.count ?? 0 }
        public var warnings: Int { form?.findings.filter { $0.severity == .warning }.count ?? 0 }
        public var infos: Int { form?.findings.filter { $0.severity == .info }.count ?? 0 }
    }

    /// Folders expanded, read on every core, outcomes in input order.
    public func run() -> [Outcome] {
        let files = expandInputs(inputs)
        let results = readAll(files, pipeline: pipeline, template: template)
        return zip(files, results).map { file, r in
            switch r {
            case .success(let (form, tpl)): return Outcome(file: file, form: form, template: tpl)
            case .failure(let e): return Outcome(file: file, failure: describe(e))
            }
        }
    }

    /// The text report of one readable input: a head line, then one line per finding.
    public static func report(_ o: Outcome, quiet: Bool) -> [String] {
        guard let form = o.form else { return [] }
        let who = [form.unit, form.year.map { "\($0)年" }].compactMap { $0 }.joined(separator: " ")
        var lines = ["\(escapeForLine(o.file))（\(who.isEmpty ? "单位未识别" : who)，模板 \(o.template?.name ?? "无")）：\(o.errors) 个错误，\(o.warnings) 个警告，\(o.infos) 条提示"]
        for f in form.findings where !(quiet && f.severity == .info) {
            lines.append("  \(f.severity.chinese)\t\(f.cell ?? "-")\t\(f.rule)\t\(f.message)")
        }
        return lines
    }
}
