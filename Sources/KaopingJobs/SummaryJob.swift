import Foundation
import KaopingWriter
import XLSXCore

/// Reads the inputs, scores them and writes the workbook. The CLI and the tests call this.
public struct SummaryJob {
    public var inputs: [String]
    public var output: String
    public var ratingsFile: String?
    public var store: TemplateStore
    /// Template name forced for every form (default: each form's year).
    public var template: String?

    public init(inputs: [String], output: String, ratingsFile: String? = nil, store: TemplateStore, template: String? = nil) {
        self.inputs = inputs; self.output = output; self.ratingsFile = ratingsFile; self.store = store; self.template = template
    }

    /// The files the job reads: directories expanded. OUT is left out of a folder's listing only
    /// when it is an earlier summary (re-running into the same folder); any other OUT among the
    /// inputs is refused by `run`.
    public var files: [String] {
        expandInputs(inputs, excluding: SummaryJob.isSummary(output) ? output : nil)
    }

    /// - Parameters:
    ///   - describe: one line for a person per unreadable file.
    ///   - progress: called before each file (index from 0, count, file) and after it (with the outcome).
    public func run(describe: (Error) -> String = { "\($0)" },
                    progress: (_ index: Int, _ count: Int, _ file: String, _ outcome: String?) -> Void = { _, _, _, _ in }) throws -> Summary {
        let files = self.files
        let out = realPath(output)
        for f in files + inputs + [ratingsFile].compactMap({ $0 }) where realPath(f) == out {
            throw SummaryError.outputIsInput(output)
        }
        // Before reading anything: a device, FIFO, symlink or hard link to an input as OUT.
        try SafeFile.checkOutput(output, inputs: files + [ratingsFile].compactMap { $0 })
        let ratings = try ratingsFile.map(Ratings.read)
        let pipeline = Pipeline(store: store)
        // Read on every core; then add in input order, so "keep the first" stays deterministic.
        let results = readAll(files, pipeline: pipeline, template: template)
        var builder = SummaryBuilder()
        for (i, file) in files.enumerated() {
            progress(i, files.count, file, nil)
            do {
                let (form, tpl) = try results[i].get()
                let before = builder.summary.skipped.count
                builder.add(form: form, template: tpl, file: file)
                if builder.summary.skipped.count > before {
                    progress(i, files.count, file, "跳过：" + builder.summary.skipped.last!.reason)
                } else {
                    let u = builder.summary.units.last!
                    let who = [u.unit, u.year.map { "\($0)年" }].compactMap { $0 }.joined(separator: " ")
                    progress(i, files.count, file, u.score.evaluated
                        ? "\(who)，目标考核得分 \(CellValueText.format(u.score.target))" : "\(who)，未考评（无档次/得分）")
                }
            } catch {
                let reason = describe(error)
                builder.addFailure(file: file, reason: reason)
                progress(i, files.count, file, "跳过：" + reason)
            }
        }
        let summary = builder.finish(ratings: ratings)
        guard !summary.units.isEmpty else { throw SummaryError.nothingToSummarise(skipped: summary.skipped.count) }
        try SummaryWriter.write(summary, to: output)
        return summary
    }
}

extension SummaryJob {
    /// True when the file is a workbook the summary writer made (sheets 汇总 … 问题清单).
    public static func isSummary(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path), let wb = try? Workbook(path: path) else { return false }
        let names = wb.sheets.map(\.name)
        return names.first == "汇总" && names.contains("问题清单")
    }
}
