import Foundation
import KaopingRegister
import KaopingWriter
import XLSXCore

/// One line for a person: the file, the part or cell, and the reason (Chinese first, then English).
/// Every error of every layer is worded here, once; the CLI and the server print what this says.
/// Control characters (a newline in a file name) are escaped, so a refusal is always one line.
public func describe(_ error: Error) -> String { escapeForLine(describeUnescaped(error)) }

private func describeUnescaped(_ error: Error) -> String {
    switch error {
    case let e as XLSXError:
        switch e {
        case .fileNotFound(let f): return "\(f): 文件不存在 (file not found)"
        case .unreadable(let f, let r):
            return r == "is a directory" ? "\(f): 这是文件夹，不是文件 (is a directory)" : "\(f): 无法读取：\(Reasons.chinese(r)) (cannot read: \(r))"
        case .notZip(let f): return "\(f): 不是 .xlsx 文件，无法解压 (not a zip/xlsx file)"
        case .legacyXLS(let f): return "\(f): 这是旧版 .xls 文件，请在 Excel 或 WPS 中另存为 .xlsx 后再提交 (old .xls format: save it as .xlsx)"
        case .encrypted(let f): return "\(f): 工作簿设有密码保护，请取消密码后再提交 (password-protected workbook)"
        case .missingPart(let f, let p): return "\(f): 缺少部件 \(p)，文件已损坏 (missing part)"
        case .damagedPart(let f, let p, let line, let r):
            return "\(f): 部件 \(p)\(line > 0 ? " 第 \(line) 行" : "") 已损坏：\(Reasons.chinese(r)) (damaged part: \(r))"
        case .partTooLarge(let f, let p, let r): return "\(f): 部件 \(p) 解压后过大，疑似压缩炸弹：\(Reasons.chinese(r)) (refused: zip bomb limit: \(r))"
        case .forbiddenDTD(let f, let p, let line): return "\(f): 部件 \(p) 第 \(line) 行含 DTD/实体声明，已拒绝 (refused: DTD or entity declaration)"
        case .limitExceeded(let f, let p, let w): return "\(f): 部件 \(p) 超出限制：\(Reasons.chinese(w)) (refused: limit exceeded: \(w))"
        case .noSuchSheet(let f, let s, let all): return "\(f): 没有名为「\(s)」的工作表，现有：\(all.joined(separator: "、")) (no such sheet)"
        case .xlsBeforeBIFF8(let f): return "\(f): 这是 Excel 95 或更早的 .xls 文件，请在 Excel 或 WPS 中另存为 .xlsx 后再提交 (Excel 95 or older .xls: save it as .xlsx)"
        case .notRegularFile(let f, let k): return "\(f): 不是普通文件（\(k.chinese)），已跳过 (not a regular file: \(k.english))"
        }
    case let e as OutputError:
        switch e {
        case .notRegularFile(let p, let k): return "\(p): 输出位置已存在且不是普通文件（\(k.chinese)），拒绝写入 (refused: output exists and is a \(k.english))"
        case .symlink(let p): return "\(p): 输出位置是符号链接，拒绝写入，也不会写到它指向的文件 (refused: output is a symlink)"
        case .sameFileAsInput(let p, let i): return "\(p): 输出文件与输入文件 \(i) 是同一个文件（硬链接），拒绝覆盖 (refused: output is a hard link to an input)"
        case .notADirectory(let p, let k): return "\(p): 输出目录位置已存在且不是文件夹（\(k.chinese)），拒绝写入 (refused: output folder exists and is a \(k.english))"
        case .diskFull(let p): return "\(p): 磁盘已满，未写出，临时文件已删除 (disk full: nothing written)"
        case .fileTooLarge(let p): return "\(p): 超出文件大小限制（ulimit -f），未写出，临时文件已删除 (file size limit exceeded: nothing written)"
        case .temporaryReplaced(let p): return "\(p): 写出期间临时文件被他人替换，已放弃，未写出 (refused: temporary file replaced while writing)"
        case .io(let p, let r): return "\(p): 写出失败：\(r)，未写出 (write failed)"
        case .interrupted(let p): return "\(p): 已中断，未写出 (interrupted)"
        }
    case let e as MapError:
        switch e {
        case .notAForm(let f, let s):
            return "\(f): \(s.map { "工作表「\($0)」" } ?? "所有工作表都")不是绩效目标考评表（找不到 序号/一级指标/权重/完成时限 等表头） (not a 考评表)"
        case .noSuchSheet(let f, let s, let all):
            return "\(f): 没有名为「\(s)」的工作表，现有：\(all.joined(separator: "、")) (no such sheet)"
        case .noSheets(let f):
            return "\(f): 文件中没有任何工作表或表格 (no sheet)"
        case .tooManyCells(let f, let s, let n):
            return "\(f): 工作表「\(s)」的单元格超过 \(n) 个，远超考评表的规模，已拒绝 (refused: more than \(n) cells to map)"
        }
    case let e as InputError:
        switch e {
        case .unsupported(let f, let kind):
            switch kind {
            case .doc: return "\(f): 这是旧版 Word .doc 文件，请在 Word 或 WPS 中另存为 .docx（或把考评表另存为 .xlsx）后再提交 (old Word .doc: save it as .docx)"
            case .pdf: return "\(f): 这是 PDF 文件，无法读取表格内容，请提交 Excel（.xlsx）或 Word（.docx）原件 (PDF: send the .xlsx or .docx)"
            case .image: return "\(f): 这是图片文件，无法读取表格内容，请提交 Excel（.xlsx）原件 (image: send the .xlsx)"
            case .ods: return "\(f): 这是 OpenDocument 表格（.ods），请另存为 .xlsx 后再提交 (.ods: save it as .xlsx)"
            case .docx: return "\(f): 这是 Word 文档（.docx），请把考评表另存为 .xlsx 后再提交 (.docx: save the table as .xlsx)"
            case .otherOffice: return "\(f): 这是旧版 Office 文件，但不是工作簿或 Word 文档；请提交考评表的 .xlsx 文件 (an old Office file that is not a workbook)"
            case .otherZip: return "\(f): 这是压缩包或其他文档，不是 Excel 工作簿；请提交考评表的 .xlsx 文件 (a zip that is not a workbook)"
            case .xlsx, .xls, .encrypted, .unknown: return "\(f): 无法识别的文件格式 (unknown format)"
            }
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
    case let e as SummaryError:
        switch e {
        case .outputIsInput(let o): return "\(o): 输出文件与输入文件相同，拒绝覆盖 (refused: OUT is an input)"
        case .nothingToSummarise(let n): return "没有可汇总的考评表（\(n) 个文件被跳过），未写出 (nothing written)"
        case .writeFailed(let f, let r): return "\(f): 写入失败：\(r)，未写出 (write failed)"
        }
    case let e as RatingsError:
        switch e {
        case .unreadable(let f, let r): return "\(f): 评分表无法读取：\(r) (ratings unreadable)"
        case .noUnitColumn(let f): return "\(f): 评分表缺少「单位」列（应有 单位,领导评价,公众评议,正向激励加分,察访核验扣分） (ratings: no 单位 column)"
        }
    case let e as WriterLimitError:
        switch e {
        case .textTooLong(let f, let cell, let n):
            return "\(f): 单元格 \(cell) 有 \(n) 个字符，超过 Excel 单元格上限 32767 个字符，写出会截断内容，已拒绝；请精简该单元格 (cell text over 32,767 characters)"
        }
    case let e as RegisterError:
        switch e {
        case .cannotOpen(let p, let r): return "\(p): 无法打开或创建登记簿：\(r) (cannot open register)"
        case .notADatabase(let p): return "\(p): 不是 SQLite 数据库或已损坏，不能作为登记簿 (not an SQLite database)"
        case .notARegister(let p): return "\(p): 这个 SQLite 数据库不是 Kaoping 登记簿，拒绝写入 (not a Kaoping register)"
        case .newerSchema(let p, let found, let supported):
            return "\(p): 登记簿版本为 \(found)，本程序只认识到版本 \(supported)，请使用更新的 kaoping (register schema \(found) is newer than \(supported))"
        case .busy(let p): return "\(p): 登记簿正被另一个程序写入，等待 \(Register.busyTimeoutMs / 1000) 秒后仍未释放，请稍后重试 (register busy)"
        case .sqlite(let p, let code, let m): return "\(p): 登记簿操作失败：\(m) (SQLite error \(code))"
        case .notFound(let p): return "\(p): 登记簿不存在，请先用 kaoping import 登记考评表 (register not found)"
        }
    case let e as RosterError:
        switch e {
        case .unreadable(let f, let r): return "\(f): 单位名单无法读取：\(r) (roster unreadable)"
        case .noUnitColumn(let f): return "\(f): 单位名单缺少「单位」列 (roster: no 单位 column)"
        }
    case let e as JobError:
        return e.message
    default:
        return "\(error)"
    }
}

/// A job's own refusal, already worded for a person.
public struct JobError: Error, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// The readers' reasons (the XML scanner's, in expat's words; libzip's; the limits'), which are
/// English, said in Chinese.
/// The English stays after it in brackets for whoever debugs the file.
enum Reasons {
    static let patterns: [(String, String)] = [
        (#"^declares (\d+) bytes, over the limit of (\d+)$"#, "声明解压后 $1 字节，超过上限 $2 字节"),
        (#"^inflates at a ratio over (\d+):1$"#, "压缩比超过 $1:1"),
        (#"^inflates past the limit of (\d+) bytes$"#, "解压后超过上限 $1 字节"),
        (#"^more than (\d+) cells$"#, "单元格超过 $1 个"),
        (#"^more than (\d+) shared strings$"#, "共享字符串超过 $1 个"),
        (#"^more than (\d+) sheets$"#, "工作表超过 $1 个"),
        (#"^cell ([A-Z]+\d+) longer than (\d+) bytes$"#, "单元格 $1 超过 $2 字节"),
        (#"^a string longer than (\d+) bytes$"#, "有字符串超过 $1 字节"),
        (#"^row (\d+) is past the last row of a sheet \((\d+)\)$"#, "第 $1 行超出工作表的最大行数 $2"),
        (#"^row (\d+) has a cell past the last column \(XFD\)$"#, "第 $1 行有单元格超出最大列 XFD"),
        (#"^cell ([A-Z]+\d+) names shared string (.*), which does not exist$"#, "单元格 $1 引用的共享字符串 $2 不存在"),
        (#"^out of memory parsing (.*)$"#, "解析 $1 时内存不足"),
        (#"^no element found$"#, "内容在中途被截断（XML 不完整）"),
        (#"^unclosed token$"#, "内容在中途被截断（XML 不完整）"),
        (#"^not well-formed \(invalid token\)$"#, "XML 格式错误（无效字符）"),
        (#"^mismatched tag$"#, "XML 标签不配对"),
        (#"^junk after document element$"#, "XML 结束后还有多余内容"),
        (#"^unclosed CDATA section$"#, "内容在中途被截断（CDATA 段不完整）"),
        (#"^duplicate attribute$"#, "XML 格式错误（同一属性出现两次）"),
        (#"^undefined entity$"#, "XML 格式错误（未定义的实体引用）"),
        (#"^reference to invalid character number$"#, "XML 格式错误（字符引用不是有效字符）"),
        (#"^XML declaration not well-formed$"#, "XML 声明格式错误"),
        (#"^XML or text declaration not at start of entity$"#, "XML 声明不在部件开头"),
        (#"^an XML token longer than (\d+) bytes$"#, "有 XML 标记长于 $1 字节"),
        (#"^elements nested deeper than (\d+)$"#, "XML 元素嵌套超过 $1 层"),
        (#"^more than (\d+) attributes on one element$"#, "一个 XML 元素的属性超过 $1 个"),
        (#"(?i)encoding|utf-8"#, "含有无效的字符编码"),
        (#"(?i)crc"#, "压缩数据校验失败（CRC 错误）"),
        (#"(?i)zlib|deflate|inflate|compress"#, "压缩数据已损坏"),
        (#"(?i)no such file"#, "文件不存在"),
        (#"(?i)permission denied"#, "没有读取权限"),
    ]

    static func chinese(_ english: String) -> String {
        for (pattern, zh) in patterns {
            guard let re = try? NSRegularExpression(pattern: pattern) else { continue }
            let range = NSRange(english.startIndex..., in: english)
            if let m = re.firstMatch(in: english, range: range) {
                return re.replacementString(for: m, in: english, offset: 0, template: zh)
            }
        }
        // A reason with no Chinese wording yet still says, in Chinese, what kind of failure it is.
        return "文件内容不符合格式"
    }
}
