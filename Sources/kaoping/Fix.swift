import ArgumentParser
import Foundation
import KaopingJobs

struct Fix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "写出修正后、可直接打印盖章的正式考评表。",
        discussion: """
        示例：kaoping fix 城管局.xlsx -o 修正/城管局.xlsx
              kaoping fix 收件箱/ -o 修正/
        有多个输入（或输入是文件夹）时，-o 必须是已有的文件夹或以 / 结尾。从不覆盖输入文件。
        退出码：0 已写出；1 已写出但仍有错误需单位修改；2 未写出。
        """)
    @Argument(help: ArgumentHelp("考评表文件或文件夹。", valueName: "文件或文件夹")) var files: [String]
    @Option(name: .shortAndLong, help: ArgumentHelp("输出的 .xlsx（一个输入）或文件夹（多个输入）。", valueName: "输出")) var output: String
    @OptionGroup var templates: TemplateOptions

    func run() throws {
        let job: FixJob
        let plan: [(input: String, output: String)]
        do {
            job = FixJob(inputs: files, output: output, template: templates.template, pipeline: try templates.pipeline())
            plan = try job.plan()
        } catch { fail(error) }
        let reports = job.run(plan)
        for r in reports { r.lines.forEach(stderr) }
        let worst = reports.map(\.code).max() ?? 0
        if worst != 0 { throw ExitCode(worst) }
    }
}
