import ArgumentParser
import Foundation
import KaopingJobs

struct Cells: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cells",
        abstract: "读取器的调试窗口：逐个列出非空单元格（REF<TAB>类型<TAB>值[<TAB>=公式]），然后是合并区域和隐藏行列。",
        discussion: "示例：kaoping cells 城管局.xlsx | head\n类型：n 数值，s 文本，b 逻辑值，e 错误值（如 #REF!），d 日期，f 只有公式。")
    @Argument(help: ArgumentHelp("表格文件。", valueName: "文件")) var file: String
    @Option(help: ArgumentHelp("要列出的工作表（默认：第一个）。", valueName: "工作表")) var sheet: String?
    @Flag(help: "读取全部单元格和合并区域，只输出计数（基准测试用）。") var count = false

    func run() throws {
        let out = Output()
        do {
            if count { try CellsJob.count(file, sheet: sheet, out.line) } else { try CellsJob.list(file, sheet: sheet, out.line) }
            out.flush()
        } catch { out.flush(); fail(error) }
    }
}
