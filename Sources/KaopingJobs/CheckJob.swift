import Foundation
import KaopingWriter
import XLSXCore

/// `kaoping check`: every input read, mapped and checked; a report per file.
public struct CheckJob {
    public var inputs: [String]
    public var pipeline: Pipeline
    public var template: String?
    /// Each form's JSON written too (`check --json`), on the core that read it.
    public var writesJSON = false
    public init(inputs: [String], pipeline: Pipeline, template: String? = nil) {
        self.inputs = inputs; self.pipeline = pipeline; self.template = template
    }

    /// One input's outcome: its form (nil when unreadable) and the line that says why not.
    public struct Outcome {
        public var file: String
        /// The form, for the text report (nil when unreadable, and once its JSON is written:
        /// a batch then holds no form past its own file).
        public var form: Form?
        public var template: Template?
        public var failure: String?
        /// The form as JSON at level 1 of the output array, when the job writes JSON.
        public var json: [UInt8]?
        public var errors = 0, warnings = 0, infos = 0
        init(file: String, form: Form? = nil, template: Template? = nil, failure: String? = nil, json: [UInt8]? = nil) {
            self.file = file; self.template = template; self.failure = failure; self.json = json
            for f in form?.findings ?? [] {
                switch f.severity {
                case .error: errors += 1
                case .warning: warnings += 1
                case .info: infos += 1
                }
            }
            self.form = json == nil ? form : nil
        }
    }

    /// Folders expanded, read on every core, outcomes in input order.
    public func run() -> [Outcome] {
        let files = expandInputs(inputs)
        let json = writesJSON
        return parallelMap(files.count) { i in
            switch readOne(files[i], pipeline: pipeline, template: template) {
            case .success(let (form, tpl)):
                return Outcome(file: files[i], form: form, template: tpl, json: json ? form.jsonBytes(level: 1) : nil)
            case .failure(let e): return Outcome(file: files[i], failure: describe(e))
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
