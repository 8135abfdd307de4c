import ArgumentParser
import Foundation
import KaopingJobs

struct NoticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice",
        abstract: "写出退回单位的通知：问题清单 + 标出待改单元格的修正表 (the notice sent back to a unit).",
        discussion: """
        第一张工作表「问题清单」：序号、位置（链接到修正表中的单元格）、问题、说明、严重程度；
        第二张是修正后的正式考评表，单位仍须修改的单元格标色（错误红色、警告黄色）并附批注。
        修正表已自动更正的问题照样列出，注明无需修改；找不到对应位置的问题写「原表 D28」。
        示例：kaoping notice 城管局.xlsx -o 通知/城管局-通知.xlsx
              kaoping notice 收件箱/ -o 通知/
              kaoping notice --db 2024.db --unit 泉州市城市管理局 -o 城管局-通知.xlsx
        --unit：登记簿中该单位最新一轮（原样保存的文件）；有多个输入时 -o 必须是文件夹或以 / 结尾。
        退出码：0 无须修改（可打印盖章）；1 已写出，仍有错误需单位修改；2 未写出。
        """)
    @Argument(help: ArgumentHelp("考评表文件或文件夹。", valueName: "文件或文件夹")) var files: [String] = []
    @Option(name: .shortAndLong, help: ArgumentHelp("输出的 .xlsx（一个输入）或文件夹（多个输入）。", valueName: "输出")) var output: String
    @Option(help: ArgumentHelp("登记簿文件（与 --unit 一起用；默认 $KAOPING_DB 或当前文件夹的 kaoping.db）。", valueName: "登记簿")) var db: String?
    @Option(help: ArgumentHelp("单位名称（全称或简称）：写出登记簿中该单位最新一轮的通知。", valueName: "单位")) var unit: String?
    @Option(help: ArgumentHelp("与 --unit 一起：年度（默认：该单位最近的年度）。", valueName: "年度")) var year: Int?
    @OptionGroup var templates: TemplateOptions

    func validate() throws {
        if unit == nil && files.isEmpty { throw ValidationError("请给出考评表文件，或用 --unit 指定登记簿中的单位") }
        if unit != nil && !files.isEmpty { throw ValidationError("--unit 与文件不能同时给出") }
    }

    func run() throws {
        let reports: [FixJob.Report]
        do {
            let pipeline = try templates.pipeline()
            if let unit {
                let register = try Register(path: registerPath(db), create: false)
                reports = [NoticeJob.fromRegister(register, unit: unit, year: year, output: output,
                                                  template: templates.template, pipeline: pipeline)]
            } else {
                let job = NoticeJob(inputs: files, output: output, template: templates.template, pipeline: pipeline)
                reports = job.run(try job.plan())
            }
        } catch { fail(error) }
        for r in reports { r.lines.forEach(stderr) }
        let worst = reports.map(\.code).max() ?? 0
        if worst != 0 { throw ExitCode(worst) }
    }
}
