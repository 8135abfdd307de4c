import ArgumentParser
import Foundation
import KaopingRegister
import KaopingWriter

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Score summary of many evaluated forms. Exit 0: all read; 1: some inputs skipped (listed); 2: nothing written.")
    @Argument(help: "Evaluated .xlsx files and folders (searched recursively; ~$* and .* skipped).") var inputs: [String] = []
    @Option(name: .shortAndLong, help: "The summary workbook to write (.xlsx).") var output: String
    @Option(help: "领导评价/公众评议/正向激励加分/察访核验扣分 per 单位: a CSV (UTF-8) or an .xlsx; adds 综合得分.") var ratings: String?
    @Option(help: "The year template for every form (default: each form's year).") var template: String?
    @Option(help: "The folder of year templates.") var templates: String?
    @Option(help: "从登记簿汇总：每个单位该年度的最新一轮 (summarise the register's latest rounds instead of files).") var db: String?
    @Option(help: "与 --db 一起：汇总的年度（默认：登记簿中最近的年度）。") var year: Int?

    func run() throws {
        let store: TemplateStore
        do { store = try TemplateStore(directory: templates) } catch { fail(error) }
        let job = SummaryJob(inputs: inputs, output: output, ratingsFile: ratings, store: store, template: template)
        let tty = isatty(2) != 0
        var lastWidth = 0
        func bar(_ done: Int, _ count: Int, _ file: String) {
            let width = 30
            let filled = count == 0 ? width : done * width / count
            var name = URL(fileURLWithPath: file).lastPathComponent
            if name.count > 40 { name = "…" + name.suffix(39) }
            let line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(done)/\(count) \(name)"
            let pad = max(0, lastWidth - line.count)
            FileHandle.standardError.write(Data(("\r" + line + String(repeating: " ", count: pad)).utf8))
            lastWidth = line.count
        }
        let summary: Summary
        do {
            if inputs.isEmpty && db == nil { throw CLIError(message: "请给出要汇总的考评表文件或文件夹，或用 --db 从登记簿汇总 (no inputs)") }
            summary = try db != nil ? fromRegister(registerPath(db), store: store) : job.run(describe: describe) { i, n, file, outcome in
                if tty {
                    bar(outcome == nil ? i : i + 1, n, file)
                } else if var outcome {
                    // describe(error) already names the file.
                    outcome = outcome.replacingOccurrences(of: "跳过：\(file): ", with: "跳过：")
                    stderr("kaoping: [\(i + 1)/\(n)] \(file): \(outcome)")
                }
            }
        } catch {
            if tty && lastWidth > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
            switch error {
            case SummaryError.outputIsInput(let o):
                stderr("kaoping: \(o): 输出文件与输入文件相同，拒绝覆盖 (refused: OUT is an input)")
            case SummaryError.nothingToSummarise(let n):
                stderr("kaoping: 没有可汇总的考评表（\(n) 个文件被跳过），未写出 \(output) (nothing written)")
            case SummaryError.writeFailed(let f, let r):
                stderr("kaoping: \(f): 写入失败：\(r)，未写出 (write failed)")
            case RatingsError.unreadable(let f, let r):
                stderr("kaoping: \(f): 评分表无法读取：\(r) (ratings unreadable)")
            case RatingsError.noUnitColumn(let f):
                stderr("kaoping: \(f): 评分表缺少「单位」列（应有 单位,领导评价,公众评议,正向激励加分,察访核验扣分） (ratings: no 单位 column)")
            default:
                stderr("kaoping: " + describe(error))
            }
            throw ExitCode(2)
        }
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
        let evaluated = summary.units.filter(\.score.evaluated).count
        stderr("kaoping: 已汇总 \(summary.units.count) 个单位（\(evaluated) 个已考评），问题 \(summary.issues.count) 条 → \(output)")
        if !summary.skipped.isEmpty {
            stderr("kaoping: 跳过 \(summary.skipped.count) 个文件：")
            for s in summary.skipped { stderr("  " + (s.reason.hasPrefix(s.file + ":") ? s.reason : "\(s.file): \(s.reason)")) }
            throw ExitCode(1)
        }
    }

    /// The summary of each unit's latest round of the year in the register (`--db`).
    func fromRegister(_ path: String, store: TemplateStore) throws -> Summary {
        for f in [path] + [ratings].compactMap({ $0 }) where realPath(f) == realPath(output) { throw SummaryError.outputIsInput(output) }
        let register = try Register(path: path, create: false)
        guard let y = try year ?? register.years().first else { throw SummaryError.nothingToSummarise(skipped: 0) }
        let list = try ratings.map(Ratings.read)
        var builder = SummaryBuilder()
        for l in try register.latestForms(year: y, store: store, describe: describe) {
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
