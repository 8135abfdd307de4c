import ArgumentParser
import Foundation
import KaopingJobs

/// The CLI: each command reads its options, calls a job of KaopingJobs, prints. Nothing else.
struct Kaoping: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaoping",
        abstract: "绩效目标考评表：读取、检查、修正并汇总各单位的考评表。",
        discussion: """
        示例：
          kaoping check 收件箱/ --quiet            检查文件夹中的每份考评表
          kaoping fix 城管局.xlsx -o 修正/城管局.xlsx  写出修正后的正式表
          kaoping summary 考评后/ -o 汇总.xlsx       汇总各单位得分
        每个命令的说明：kaoping 命令 --help
        """,
        subcommands: [Inspect.self, Check.self, Fix.self, SummaryCommand.self, ImportCommand.self, StatusCommand.self, NoticeCommand.self, GradingCommand.self, ServeCommand.self, RulesCommand.self, Cells.self],
        helpNames: [.short, .long])
}

/// The year templates, for every command that checks or writes: one option group.
struct TemplateOptions: ParsableArguments {
    @Option(help: ArgumentHelp("检查或写出所用的年度模板（默认：按表中年度选择）。", valueName: "年度"))
    var template: String?
    @Option(help: ArgumentHelp("年度模板所在文件夹（默认：./Templates 或程序旁的 Templates）。", valueName: "文件夹"))
    var templates: String?

    func pipeline() throws -> Pipeline { Pipeline(store: try TemplateStore(directory: templates)) }
}

/// Prints a person's one-line error to stderr and exits 2, the contract's code for unreadable input.
func fail(_ error: Error) -> Never {
    stderr("kaoping: " + describe(error))
    exit(2)
}

func stderr(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

/// Buffered stdout: one write per 64 KiB instead of one per line.
final class Output {
    private var buf: [UInt8] = []
    init() { buf.reserveCapacity(1 << 16) }
    func line(_ s: String) {
        buf.append(contentsOf: s.utf8); buf.append(10)
        if buf.count >= 1 << 16 { flush() }
    }
    func write(_ bytes: [UInt8]) {
        // A big piece goes straight out rather than through the buffer.
        if bytes.count >= 1 << 15 { flush(); Output.writeAll(bytes); return }
        buf.append(contentsOf: bytes)
        if buf.count >= 1 << 16 { flush() }
    }
    private static func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { p in
            var off = 0
            while off < p.count {
                let n = Glibc.write(1, p.baseAddress! + off, p.count - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                off += n
            }
        }
    }
    func line(_ bytes: [UInt8]) {
        buf.append(contentsOf: bytes); buf.append(10)
        if buf.count >= 1 << 16 { flush() }
    }
    func flush() {
        Output.writeAll(buf)
        buf.removeAll(keepingCapacity: true)
    }
    deinit { flush() }
}
