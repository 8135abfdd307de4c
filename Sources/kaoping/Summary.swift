import ArgumentParser
import Foundation
import KaopingJobs
import XLSXCore

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "把多份考评后的考评表汇总为一个工作簿（汇总、图表、明细、问题清单）。",
        discussion: """
        示例：kaoping summary 考评后/ -o 汇总.xlsx --ratings 评分.csv
        文件夹会递归查找（跳过 ~$ 开头的锁定文件和隐藏文件）。
        退出码：0 全部读取；1 有文件被跳过（已列出）；2 未写出。
        """)
    @Argument(help: ArgumentHelp("考评后的考评表文件或文件夹。", valueName: "文件或文件夹")) var inputs: [String] = []
    @Option(name: .shortAndLong, help: ArgumentHelp("写出的汇总工作簿（.xlsx）。", valueName: "输出")) var output: String
    @Option(help: ArgumentHelp("各单位的 领导评价/公众评议/正向激励加分/察访核验扣分：CSV 或 .xlsx；据此计算综合得分。", valueName: "评分表"))
    var ratings: String?
    @Option(help: ArgumentHelp("从登记簿汇总：每个单位该年度的最新一轮（代替文件）。", valueName: "登记簿")) var db: String?
    @Option(help: ArgumentHelp("与 --db 一起：汇总的年度（默认：登记簿中最近的年度）。", valueName: "年度")) var year: Int?
    @OptionGroup var templates: TemplateOptions

    func run() throws {
        if let db {
            do {
                let summary = try RegisterSummaryJob(register: db, year: year, output: output, ratingsFile: ratings,
                                                     store: try TemplateStore(directory: templates.templates)).run()
                return try report(summary)
            } catch let e as ExitCode { throw e } catch { fail(error) }
        }
        if inputs.isEmpty { fail(JobError("请给出要汇总的考评表文件或文件夹，或用 --db 从登记簿汇总 (no inputs)")) }
        let job: SummaryJob
        do {
            job = SummaryJob(inputs: inputs, output: output, ratingsFile: ratings,
                             store: try TemplateStore(directory: templates.templates), template: templates.template)
        } catch { fail(error) }
        let progress = Progress()
        let summary: Summary
        do {
            summary = try job.run(describe: describe) { i, n, file, outcome in
                if progress.tty {
                    progress.bar(outcome == nil ? i : i + 1, n, file)
                } else if var outcome {
                    // describe(error) already names the file.
                    let shown = escapeForLine(file)
                    outcome = escapeForLine(outcome).replacingOccurrences(of: "跳过：\(shown): ", with: "跳过：")
                    stderr("kaoping: [\(i + 1)/\(n)] \(shown): \(outcome)")
                }
            }
        } catch {
            progress.finish()
            fail(error)
        }
        progress.finish()
        try report(summary)
    }

    func report(_ summary: Summary) throws {
        let evaluated = summary.units.filter(\.score.evaluated).count
        stderr("kaoping: 已汇总 \(summary.units.count) 个单位（\(evaluated) 个已考评），问题 \(summary.issues.count) 条 → \(escapeForLine(output))")
        if !summary.skipped.isEmpty {
            stderr("kaoping: 跳过 \(summary.skipped.count) 个文件：")
            for s in summary.skipped { stderr("  " + escapeForLine(s.reason.hasPrefix(s.file + ":") ? s.reason : "\(s.file): \(s.reason)")) }
            throw ExitCode(1)
        }
    }
}
