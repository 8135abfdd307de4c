import ArgumentParser
import Foundation

import KaopingJobs

/// The register file: `--db`, else `$KAOPING_DB`, else `kaoping.db` in the current folder.
func registerPath(_ db: String?) -> String {
    if let db, !db.isEmpty { return db }
    if let env = ProcessInfo.processInfo.environment["KAOPING_DB"], !env.isEmpty { return env }
    return FileManager.default.currentDirectoryPath + "/kaoping.db"
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "把报送的考评表登记入年度登记簿（每份原样保存） (store submissions in the register).",
        discussion: """
        每个文件读取、核对后连同原文件字节、sha256、文件名、接收时间、单位、年度、轮次、表格 JSON 和问题一并登记。
        同一文件再次导入不算新的一轮；同一单位同一年度的另一份文件是下一轮。无法读取的文件也登记，并记下原因。
        有上一年度的登记时，照抄去年的目标记为提示（item.same-as-last-year），完成时限写成往年记为警告（item.deadline-last-year）。
        示例：kaoping import 收件/ --year 2024
              kaoping import 考评表.xlsx --db 2024.db
        退出码：0 全部登记且无错误；1 已登记，但有的有错误或无法读取；2 登记簿无法使用。
        """)
    @Argument(help: "考评表文件或文件夹（递归查找 .xlsx，跳过 ~$ 和隐藏文件）。") var inputs: [String]
    @Option(help: "登记簿文件（默认 $KAOPING_DB 或当前文件夹的 kaoping.db）。") var db: String?
    @Option(help: "登记的年度（默认：表中的年度）。") var year: Int?
    @Option(help: "年度模板所在文件夹。") var templates: String?

    func run() throws {
        let store: TemplateStore
        do { store = try TemplateStore(directory: templates) } catch { fail(error) }
        let path = registerPath(db)
        let register: Register
        do { register = try Register(path: path) } catch { fail(error) }
        let job = ImportJob(inputs: inputs, year: year, store: store, register: register)
        let progress = Progress()
        let outcomes: [ImportOutcome]
        do {
            outcomes = try job.run(describe: { describe($0) }) { i, n, file, outcome in
                if progress.tty {
                    progress.bar(outcome == nil ? i : i + 1, n, file)
                } else if let outcome {
                    stderr("kaoping: [\(i + 1)/\(n)] \(file): \(ImportCommand.line(outcome))")
                }
            }
        } catch {
            progress.finish()
            fail(error)
        }
        progress.finish()
        if progress.tty {
            // On a terminal the bar hid the per-file lines: list what needs attention.
            for o in outcomes where o.failure != nil || o.submission?.state != .ok {
                stderr("kaoping: \(o.file): \(ImportCommand.line(o))")
            }
        }
        let new = outcomes.filter(\.isNew).count
        let again = outcomes.filter { !$0.isNew && $0.submission != nil }.count
        let unreadable = outcomes.filter { $0.submission?.state == .unreadable && $0.isNew }.count
        let withErrors = outcomes.filter { $0.submission?.state == .errors }.count
        let failed = outcomes.filter { $0.failure != nil }.count
        stderr("kaoping: 新登记 \(new) 份，已登记过 \(again) 份，无法读取 \(unreadable) 份\(failed > 0 ? "，未登记 \(failed) 个" : "")；有错误的 \(withErrors) 份 → \(path)")
        if outcomes.isEmpty { stderr("kaoping: 没有找到要登记的 .xlsx 文件 (no input files)") }
        if failed > 0 || outcomes.contains(where: { $0.submission?.state != .ok }) { throw ExitCode(1) }
    }

    /// One file's outcome for a person: unit, year, round, counts, or the reason.
    static func line(_ o: ImportOutcome) -> String {
        if let f = o.failure { return "未登记：" + f.replacingOccurrences(of: o.file + ": ", with: "") }
        guard let s = o.submission else { return "未登记" }
        let who = [s.unit, s.year.map { "\($0)年" }].compactMap { $0 }.joined(separator: " ")
        let again = o.isNew ? "" : "（与已登记的文件相同，未作为新一轮）"
        if s.state == .unreadable {
            return "无法读取，已登记原文件\(again)：" + (s.reason ?? "").replacingOccurrences(of: o.file + ": ", with: "")
        }
        return "\(who) 第 \(s.round) 轮\(again)，\(s.errors) 个错误，\(s.warnings) 个警告，\(s.infos) 条提示"
    }
}
