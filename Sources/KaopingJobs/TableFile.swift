import Foundation
import XLSXCore

/// The office's own lists (the ratings of 领导评价/公众评议…, the roster of units): the first
/// sheet of any workbook Kaoping reads, or a CSV as Excel saves it on Chinese Windows
/// (GB18030/GBK), or UTF-8 with or without a BOM.
public enum TableFile {
    /// Why a list could not be read, in Chinese.
    public struct Failure: Error { public let reason: String }

    /// The cells as text, and for a workbook the cells that are numbers (nil for a CSV).
    public static func read(_ path: String) throws -> (text: [[String]], numbers: [[Double?]]?) {
        let kind: FileFormat
        do { kind = try InputFile.kind(of: path) } catch { throw Failure(reason: reason(error)) }
        if kind != .unknown {
            let reader = try InputFile.open(path)
            guard !reader.sheetList.isEmpty else { return ([], []) }
            let grid = try reader.loadGrid(0)
            var table: [[String]] = [], numbers: [[Double?]] = []
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
            return (table, numbers)
        }
        // Through SafeFile: a FIFO or device given as the list is refused, never read.
        let bytes: [UInt8]
        do { bytes = try SafeFile.contents(path) } catch { throw Failure(reason: reason(error)) }
        guard let text = decodeText(bytes) else { throw Failure(reason: "既不是 UTF-8 也不是 GBK/GB18030 编码的 CSV") }
        return (Ratings.csv(text), nil)
    }

    static func reason(_ error: Error) -> String {
        switch error {
        case XLSXError.notRegularFile(_, let kind): return "不是普通文件（\(kind.chinese)）"
        case XLSXError.fileNotFound: return "文件不存在"
        default: return "无法读取"
        }
    }

    /// UTF-8 (a BOM dropped), else GB18030 (a superset of GBK and GB2312) through iconv.
    public static func decodeText(_ bytes: [UInt8]) -> String? {
        var b = bytes[...]
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b = b.dropFirst(3) }
        if let s = String(validating: b, as: UTF8.self) { return s }
        return iconvDecode(Array(bytes), from: "GB18030")
    }

}

/// `bytes` converted from `encoding` to UTF-8 with Glibc's iconv; nil on an invalid sequence.
func iconvDecode(_ bytes: [UInt8], from encoding: String) -> String? {
    let cd = iconv_open("UTF-8", encoding)
    if cd == iconv_t(bitPattern: -1) { return nil }
    defer { iconv_close(cd) }
    var input = bytes.map { CChar(bitPattern: $0) }
    var output = [CChar](repeating: 0, count: bytes.count * 2 + 16)
    // UTF-8 needs at most twice the bytes of GB18030 (2 → 3, 4 → 4, 1 → 1).
    let left: Int? = input.withUnsafeMutableBufferPointer { inp in
        output.withUnsafeMutableBufferPointer { outp in
            var inPtr = inp.baseAddress, inLeft = inp.count
            var outPtr = outp.baseAddress, outLeft = outp.count
            let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            return r == -1 || inLeft != 0 ? nil : outLeft
        }
    }
    guard let left else { return nil }
    output.removeLast(left)
    return String(decoding: output.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
