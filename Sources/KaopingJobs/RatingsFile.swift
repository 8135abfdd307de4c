import Foundation
import KaopingRules
import XLSXCore

extension Ratings {
    /// A CSV (UTF-8, optional BOM) or an .xlsx whose first sheet has the headers.
    public static func read(_ path: String) throws -> Ratings {
        // A workbook of any format Kaoping reads (its first sheet), else a CSV.
        if FileManager.default.fileExists(atPath: path), try InputFile.kind(of: path) != .unknown {
            let reader = try InputFile.open(path)
            guard !reader.sheetList.isEmpty else { throw RatingsError.noUnitColumn(file: path) }
            let grid = try reader.loadGrid(0)
            var table: [[String]] = []
            var numbers: [[Double?]] = []
            if grid.maxRow > 0 {
                for r in 1...grid.maxRow {
                    var t: [String] = [], n: [Double?] = []
                    for c in 1...max(grid.maxCol, 1) {
                        let v = grid.value(r, c)
                        t.append(v?.text ?? "")
                        if case .number(let d)? = v { n.append(d) } else { n.append(nil) }
                    }
                    table.append(t); numbers.append(n)
                }
            }
            return try parse(table: table, numbers: numbers, file: path)
        }
        // Through SafeFile: a FIFO or device given as the ratings file is refused, never read.
        let data: Data
        do { data = Data(try SafeFile.contents(path)) } catch XLSXError.notRegularFile(_, let kind) {
            throw RatingsError.unreadable(file: path, reason: "不是普通文件（\(kind.chinese)）")
        } catch XLSXError.fileNotFound {
            throw RatingsError.unreadable(file: path, reason: "文件不存在")
        } catch {
            throw RatingsError.unreadable(file: path, reason: "无法读取")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw RatingsError.unreadable(file: path, reason: "不是 UTF-8 编码的 CSV")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return try parse(table: csv(text), numbers: nil, file: path)
    }
}
