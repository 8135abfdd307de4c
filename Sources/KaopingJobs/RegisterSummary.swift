import Foundation
import XLSXCore
import KaopingModel
import KaopingRegister
import KaopingWriter

/// One unit's latest round of a year, re-read from its stored bytes (issue 14, point 5).
public struct LatestForm {
    public var submission: Submission
    /// The form with the findings stored at import (cross-year ones included); nil when unreadable.
    public var form: Form?
    public var template: Template?
    /// Why the form is missing (the stored reason, or why re-reading failed).
    public var failure: String?
}

extension Register {
    /// Each unit's latest round for `year`, its stored bytes read again through `Pipeline` (the
    /// form JSON holds no layout, which scoring needs). Bytes go through a temporary file that
    /// is removed before returning. `form.file` is the name the file was received under.
    public func latestForms(year: Int, store: TemplateStore, describe: (Error) -> String = { "\($0)" }) throws -> [LatestForm] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kaoping-register-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var out: [LatestForm] = []
        let pipeline = Pipeline(store: store)
        for (i, s) in try latestRounds(year: year).enumerated() {
            if s.state == .unreadable {
                out.append(LatestForm(submission: s, form: nil, template: nil, failure: s.reason ?? "无法读取"))
                continue
            }
            guard let bytes = try bytes(sha256: s.sha256) else {
                out.append(LatestForm(submission: s, form: nil, template: nil, failure: "登记簿中缺少文件内容"))
                continue
            }
            let ext = URL(fileURLWithPath: s.fileName).pathExtension
            let tmp = dir + "/\(i)" + (ext.isEmpty ? "" : "." + ext)
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: tmp))
                defer { try? FileManager.default.removeItem(atPath: tmp) }
                var (form, template) = try pipeline.read(tmp, template: s.template)
                form.file = s.fileName
                form.findings = try findings(submission: s.id)
                // The unit it was registered under (a nameless sheet got its file name).
                if form.unit.map(KText.trim)?.isEmpty ?? true { form.unit = s.unit }
                out.append(LatestForm(submission: s, form: form, template: template, failure: nil))
            } catch {
                out.append(LatestForm(submission: s, form: nil, template: nil, failure: describe(error).replacingOccurrences(of: tmp, with: s.fileName)))
            }
        }
        return out
    }
}

/// `kaoping summary --db`: the summary of each unit's latest round of the year in the register.
public struct RegisterSummaryJob {
    public var register: String
    public var year: Int?
    public var output: String
    public var ratingsFile: String?
    public var store: TemplateStore
    public init(register: String, year: Int?, output: String, ratingsFile: String?, store: TemplateStore) {
        self.register = register; self.year = year; self.output = output; self.ratingsFile = ratingsFile; self.store = store
    }

    public func run() throws -> Summary {
        for f in [register] + [ratingsFile].compactMap({ $0 }) where realPath(f) == realPath(output) { throw SummaryError.outputIsInput(output) }
        try SafeFile.checkOutput(output, inputs: [register] + [ratingsFile].compactMap { $0 })
        let reg = try Register(path: register, create: false)
        guard let y = try year ?? reg.years().first else { throw SummaryError.nothingToSummarise(skipped: 0) }
        let list = try ratingsFile.map(Ratings.read)
        var builder = SummaryBuilder()
        for l in try reg.latestForms(year: y, store: store, describe: describe) {
            if let form = l.form {
                builder.add(form: form, template: l.template, file: l.submission.fileName)
            } else {
                builder.addFailure(file: l.submission.fileName, reason: l.failure ?? "无法读取")
            }
        }
        let summary = builder.finish(ratings: list)
        guard !summary.units.isEmpty else { throw SummaryError.nothingToSummarise(skipped: summary.skipped.count) }
        try SummaryWriter.write(summary, to: output)
        return summary
    }
}
