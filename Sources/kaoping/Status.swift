import ArgumentParser
import Foundation

import KaopingJobs

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "各单位的报送情况：轮次、错误/警告/提示、状态、修复/新增 (where each unit stands).",
        discussion: """
        每个单位一行：单位、轮次（最新一轮）、错误/警告/提示、状态（通过 / 待修改 / 无法读取 / 未提交）、
        修复/新增（与上一轮相比已改正和新出现的问题数，按 规则 + 序号 对应）。
        --roster 给出应报送的单位名单（CSV，UTF-8 或 GBK；或 .xlsx），须有「单位」列，可有「简称/别名」列
        （多个别名以 、 , ； 分隔）；名单上没有报送的单位显示为 未提交。单位名去掉空白和开头的「泉州市」或「市」后比对。
        示例：kaoping status --year 2024 --roster 名单.csv
              kaoping status --json > status.json
        --json：输出 kaoping.status/1。退出码：0；2 登记簿或名单无法使用。
        """)
    @Option(help: "登记簿文件（默认 $KAOPING_DB 或当前文件夹的 kaoping.db）。") var db: String?
    @Option(help: "年度（默认：登记簿中最近的年度）。") var year: Int?
    @Option(help: "应报送单位名单：CSV（UTF-8/GBK）或 .xlsx，含「单位」列，可有「简称/别名」列。") var roster: String?
    @Flag(help: "输出 JSON（kaoping.status/1）。") var json = false

    func run() throws {
        let path = registerPath(db)
        do {
            let register = try Register(path: path, create: false)
            let list = try roster.map(Roster.read)
            let (year, units) = try StatusJob(register: register, year: year, roster: list).run()
            let out = Output()
            if json {
                out.line(StatusJob.json(year: year, units: units).serialized())
            } else {
                out.line(String(StatusJob.text(year: year, units: units).dropLast()))
            }
            out.flush()
        } catch { fail(error) }
    }
}
