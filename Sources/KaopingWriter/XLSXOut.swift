import CXlsxWriter
import Foundation

/// Why an output could not be written.
public enum WriteError: Error, Equatable {
    case sameAsInput(path: String)
    case libxlsxwriter(path: String, reason: String)
    case rename(path: String, reason: String)
}

/// Writes a workbook to a temporary file beside `path`, then renames it into place:
/// the output appears whole or not at all, and never over one of `inputs`.
/// `constantMemory` flushes rows as they are written (rows must then come in order).
public func writeAtomically(to path: String, inputs: [String] = [], constantMemory: Bool = false,
                            _ body: (UnsafeMutablePointer<lxw_workbook>) throws -> Void) throws {
    let target = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    for i in inputs where URL(fileURLWithPath: i).standardizedFileURL.resolvingSymlinksInPath().path == target {
        throw WriteError.sameAsInput(path: path)
    }
    let dir = (target as NSString).deletingLastPathComponent
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dir.isEmpty ? "." : dir, isDirectory: &isDir), isDir.boolValue else {
        throw WriteError.libxlsxwriter(path: path, reason: "directory \(dir) does not exist")
    }
    let tmp = dir + "/.\((target as NSString).lastPathComponent).\(getpid()).tmp"
    // Try the temporary file first: libxlsxwriter only finds out at close, and says so on stderr.
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else {
        throw WriteError.libxlsxwriter(path: path, reason: "cannot create a file in \(dir): \(String(cString: strerror(errno)))")
    }
    close(fd)
    var opt = lxw_workbook_options()
    opt.constant_memory = constantMemory ? 1 : 0
    guard let wb = workbook_new_opt(tmp, &opt) else {
        unlink(tmp)
        throw WriteError.libxlsxwriter(path: path, reason: "cannot create \(tmp)")
    }
    do {
        try body(wb)
    } catch {
        workbook_close(wb)
        unlink(tmp)
        throw error
    }
    let rc = workbook_close(wb)
    guard rc == LXW_NO_ERROR else {
        unlink(tmp)
        throw WriteError.libxlsxwriter(path: path, reason: String(cString: lxw_strerror(rc)))
    }
    if rename(tmp, target) != 0 {
        let reason = String(cString: strerror(errno))
        unlink(tmp)
        throw WriteError.rename(path: path, reason: reason)
    }
}

/// Display width of text in Excel column units at a font size: CJK and full-width characters
/// count about twice a Latin one.
public enum TextMetrics {
    public static func width(_ s: Substring, fontSize: Double) -> Double {
        var w = 0.0
        for u in s.unicodeScalars {
            let v = u.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v) || (0x3000...0x303F).contains(v)
                || v == 0x201C || v == 0x201D || v == 0x2018 || v == 0x2019 || v == 0x2014 || v == 0x2026
            w += wide ? 2.0 : 1.1
        }
        return w * fontSize / 11.0
    }

    /// Lines a wrapped cell needs in a column of `width` units.
    public static func lines(_ text: String, width: Double, fontSize: Double) -> Int {
        let usable = max(width - 1.0, 1.0) / 1.12 // a little slack: fonts differ between Excel, WPS and LibreOffice
        var n = 0
        for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let w = TextMetrics.width(para, fontSize: fontSize)
            n += max(1, Int((w / usable).rounded(.up)))
        }
        return max(n, 1)
    }

    /// Row height in points for that many lines.
    public static func height(lines: Int, fontSize: Double) -> Double {
        Double(lines) * fontSize * 1.4 + 6
    }
}
