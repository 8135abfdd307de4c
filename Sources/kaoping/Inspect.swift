import ArgumentParser
import Foundation
import KaopingJobs

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "以 JSON（kaoping.form/1）输出一份考评表及其全部问题。",
        discussion: "示例：kaoping inspect 城管局.xlsx --json\n退出码：0 已读取；2 无法读取。")
    @Argument(help: ArgumentHelp("考评表文件（.xlsx 等）。", valueName: "文件")) var file: String
    @Option(help: ArgumentHelp("考评表所在的工作表（默认：第一个有考评表表头的工作表）。", valueName: "工作表")) var sheet: String?
    @OptionGroup var templates: TemplateOptions
    @Flag(help: "输出 JSON（唯一的输出形式，为兼容约定而保留）。") var json = false

    func run() throws {
        do {
            let (form, _) = try templates.pipeline().read(file, sheet: sheet, template: templates.template)
            let out = Output()
            // Streamed: a 200,000-row form's JSON is never held whole.
            form.streamJSON { out.write($0) }
            out.line("")
            out.flush()
        } catch { fail(error) }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "检查考评表，逐条列出问题（严重程度、单元格、规则、说明）。",
        discussion: "示例：kaoping check 收件箱/ --quiet\n文件夹会递归查找（跳过 ~$ 开头的锁定文件和隐藏文件）。\n退出码：0 无错误；1 有错误；2 有文件无法读取（其余文件照常检查）。")
    @Argument(help: ArgumentHelp("考评表文件或文件夹。", valueName: "文件或文件夹")) var files: [String]
    @OptionGroup var templates: TemplateOptions
    @Flag(help: "输出 JSON 数组（每份考评表一个对象）。") var json = false
    @Flag(help: "文字报告中不列“提示”。") var quiet = false

    func run() throws {
        let pipeline: Pipeline
        do { pipeline = try templates.pipeline() } catch { fail(error) }
        var job = CheckJob(inputs: files, pipeline: pipeline, template: templates.template)
        job.writesJSON = json
        let outcomes = job.run()
        let out = Output()
        for o in outcomes {
            if let reason = o.failure { stderr("kaoping: " + reason); continue }
            if !json { CheckJob.report(o, quiet: quiet).forEach(out.line) }
        }
        if json {
            // The forms' JSON as one pretty array, written piece by piece (not joined first).
            let pieces = outcomes.compactMap(\.json)
            if pieces.isEmpty { out.line("[]") } else {
                for (i, p) in pieces.enumerated() {
                    out.write(Array((i == 0 ? "[\n  " : ",\n  ").utf8))
                    out.write(p)
                }
                out.line("\n]")
            }
        }
        out.flush()
        if outcomes.contains(where: { $0.failure != nil }) { throw ExitCode(2) }
        if outcomes.contains(where: { $0.errors > 0 }) { throw ExitCode(1) }
    }
}

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "列出全部检查规则：编号、严重程度、中文名称、含义、单位应如何处理。",
        discussion: "示例：kaoping rules --json")
    @Flag(help: "输出 JSON 数组。") var json = false

    func run() throws {
        let out = Output()
        if json {
            out.line(JSON.array(Rule.allCases.map { r in
                .object([("rule", .string(r.rawValue)), ("severity", .string(r.severity.rawValue)),
                         ("name", .string(r.name)), ("meaning", .string(r.meaning)), ("advice", .string(r.advice))])
            }).serialized())
        } else {
            for r in Rule.allCases {
                out.line("\(r.rawValue)\t\(r.severity.chinese)\t\(r.name)\t\(r.meaning)；\(r.advice)")
            }
        }
        out.flush()
    }
}
