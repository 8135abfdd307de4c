import Foundation
import KaopingWriter
import XLSXCore

/// One line for a person: the file, the part or cell, and the reason (Chinese first, then English).
func describe(_ error: Error) -> String {
    switch error {
    case let e as XLSXError:
        switch e {
        case .fileNotFound(let f): return "\(f): 文件不存在 (file not found)"
        case .unreadable(let f, let r): return "\(f): 无法读取 (cannot read: \(r))"
        case .notZip(let f): return "\(f): 不是 .xlsx 文件，无法解压 (not a zip/xlsx file)"
        case .legacyXLS(let f): return "\(f): 这是旧版 .xls 文件，请在 Excel 或 WPS 中另存为 .xlsx 后再提交 (old .xls format: save it as .xlsx)"
        case .xlsBeforeBIFF8(let f): return "\(f): 这是 Excel 95 或更早的 .xls 文件，请在 Excel 或 WPS 中另存为 .xlsx 后再提交 (Excel 95 or older .xls: save it as .xlsx)"
        case .encrypted(let f): return "\(f): 工作簿设有密码保护，请取消密码后再提交 (password-protected workbook)"
        case .missingPart(let f, let p): return "\(f): 缺少部件 \(p)，文件已损坏 (missing part)"
        case .damagedPart(let f, let p, let line, let r):
            return "\(f): 部件 \(p)\(line > 0 ? " 第 \(line) 行" : "") 已损坏：\(r) (damaged part)"
        case .partTooLarge(let f, let p, let r): return "\(f): 部件 \(p) 解压后过大，疑似压缩炸弹：\(r) (refused: zip bomb limit)"
        case .forbiddenDTD(let f, let p, let line): return "\(f): 部件 \(p) 第 \(line) 行含 DTD/实体声明，已拒绝 (refused: DTD or entity declaration)"
        case .limitExceeded(let f, let p, let w): return "\(f): 部件 \(p) 超出限制：\(w) (refused: limit exceeded)"
        case .noSuchSheet(let f, let s, let all): return "\(f): 没有名为「\(s)」的工作表，现有：\(all.joined(separator: "、")) (no such sheet)"
        }
    case let e as MapError:
        switch e {
        case .notAForm(let f, let s):
            return "\(f): \(s.map { "工作表「\($0)」" } ?? "所有工作表都")不是绩效目标考评表（找不到 序号/一级指标/权重/完成时限 等表头） (not a 考评表)"
        }
    case let e as TemplateError:
        switch e {
        case .directoryNotFound(let dirs): return "找不到模板目录 Templates/（已查找：\(dirs.prefix(3).joined(separator: "、"))…）；可用 --templates DIR 指定 (templates not found)"
        case .unknown(let n, let all): return "没有名为「\(n)」的模板，现有：\(all.joined(separator: "、")) (no such template)"
        case .invalid(let f, let r): return "\(f): 模板文件无效：\(r) (invalid template)"
        }
    case let e as WriteError:
        switch e {
        case .sameAsInput(let p): return "\(p): 输出文件不能与输入文件相同，拒绝覆盖 (refusing to write over an input)"
        case .libxlsxwriter(let p, let r): return "\(p): 写出失败：\(r) (write failed)"
        case .rename(let p, let r): return "\(p): 无法落盘：\(r) (rename failed)"
        }
    case let e as CLIError:
        return e.message
    default:
        return "\(error)"
    }
}

struct CLIError: Error { let message: String }
