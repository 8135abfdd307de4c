import ArgumentParser
import Foundation
import KaopingJobs

struct GradingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grading",
        abstract: "写出供评审填写的评分表：档次下拉列表、得分实时公式 (the sheet the evaluators fill in).",
        discussion: """
        正式考评表加「档次」列（下拉选择 A+ A A- B+ B C）和「得分」列（权重 × 模板的档次系数，实时公式），
        合计、绩效目标考评得分和总分随之求和。填好的评分表可直接用于 kaoping summary 和 kaoping import。
        示例：kaoping grading 城管局.xlsx -o 评分/城管局-评分表.xlsx
              kaoping grading 终稿/ -o 评分/
              kaoping grading --db 2024.db --year 2024 -o 评分/
        --db：登记簿中该年度每个单位的最新一轮，各写一份到 -o 文件夹。
        退出码：0 已写出；2 未写出（有的未写出时也为 2，已写出的照常保留）。
        """)
    @Argument(help: ArgumentHelp("考评表文件或文件夹。", valueName: "文件或文件夹")) var files: [String] = []
    @Option(name: .shortAndLong, help: ArgumentHelp("输出的 .xlsx（一个输入）或文件夹。", valueName: "输出")) var output: String
    @Option(help: ArgumentHelp("登记簿文件：写出其中每个单位最新一轮的评分表。", valueName: "登记簿")) var db: String?
    @Option(help: ArgumentHelp("与 --db 一起：年度（默认：登记簿中最近的年度）。", valueName: "年度")) var year: Int?
    @OptionGroup var templates: TemplateOptions

    func validate() throws {
        if db == nil && files.isEmpty { throw ValidationError("请给出考评表文件，或用 --db 指定登记簿") }
        if db != nil && !files.isEmpty { throw ValidationError("--db 与文件不能同时给出") }
    }

    func run() throws {
        let reports: [FixJob.Report]
        do {
            let pipeline = try templates.pipeline()
            if let db {
                let register = try Register(path: registerPath(db), create: false)
                reports = try GradingJob.fromRegister(register, year: year, output: output, store: pipeline.store)
            } else {
                let job = GradingJob(inputs: files, output: output, template: templates.template, pipeline: pipeline)
                reports = job.run(try job.plan())
            }
        } catch { fail(error) }
        for r in reports { r.lines.forEach(stderr) }
        if reports.contains(where: { $0.code != 0 }) { throw ExitCode(2) }
    }
}
