import CXlsxWriter
import Foundation
import XLSXCore
#if canImport(Glibc)
import Glibc
#endif

/// Why an output could not be written.
public enum WriteError: Error, Equatable {
    case sameAsInput(path: String)
    case libxlsxwriter(path: String, reason: String)
    case rename(path: String, reason: String)
}

/// Writes a workbook to a temporary file created exclusively beside `path` (see `TempOutput`),
/// then renames it into place: the output appears whole or not at all, never over one of
/// `inputs` (same path, through `..`, or the same device + inode), never through a symlink and
/// never in place of a device, FIFO, socket or folder.
/// `constantMemory` flushes rows as they are written (rows must then come in order).
/// libxlsxwriter's own `[ERROR]`/`[WARNING]` lines are muted meanwhile (see `QuietC`): its
/// failures come back as codes and are worded once, in Chinese, by the CLI.
public func writeAtomically(to path: String, inputs: [String] = [], constantMemory: Bool = false,
                            _ body: (UnsafeMutablePointer<lxw_workbook>) throws -> Void) throws {
    let target = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    for i in inputs where URL(fileURLWithPath: i).standardizedFileURL.resolvingSymlinksInPath().path == target {
        throw WriteError.sameAsInput(path: path)
    }
    try SafeFile.checkOutput(path, inputs: inputs)
    let dir = (path as NSString).deletingLastPathComponent
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dir.isEmpty ? "." : dir, isDirectory: &isDir), isDir.boolValue else {
        throw WriteError.libxlsxwriter(path: path, reason: "输出文件夹 \(dir) 不存在 (directory does not exist)")
    }
    // Created here, O_EXCL|O_NOFOLLOW: nothing planted at a name can be written through.
    let tmp = try TempOutput(for: path)
    QuietC.enter()
    defer { QuietC.leave() }
    var opt = lxw_workbook_options()
    opt.constant_memory = constantMemory ? 1 : 0
    // libxlsxwriter opens by name at close (fopen "wb"); /proc/self/fd/N names the file we hold
    // open, so swapping the temporary name for a link in the meantime changes nothing.
    guard let wb = workbook_new_opt(tmp.pathForWriting, &opt) else {
        let e = errno
        tmp.discard()
        throw tmp.failure(errno: e, reason: "cannot create \(tmp.path)")
    }
    do {
        try body(wb)
    } catch {
        workbook_close(wb)
        tmp.discard()
        throw error
    }
    errno = 0
    let rc = workbook_close(wb)
    let e = errno
    guard rc == LXW_NO_ERROR else {
        let failure = tmp.failure(errno: e, reason: String(cString: lxw_strerror(rc)))
        tmp.discard()
        throw failure
    }
    guard tmp.isCompleteZip(deep: tmp.environmentIsTight) else {
        let failure = tmp.failure(errno: e, reason: "the written file is incomplete")
        tmp.discard()
        throw failure
    }
    try tmp.commit()
}

/// Points C's `stderr` stream at /dev/null while any libxlsxwriter work is in progress (a count
/// under a lock). libxlsxwriter prints `[ERROR] workbook_close(): …` lines through that stream
/// for failures it also returns as codes; Kaoping words those itself in one Chinese line.
/// No file descriptor is touched: Kaoping's messages and the Swift runtime write to fd 2, and the
/// stream is swapped only when the count goes 0→1 or 1→0, so no libxlsxwriter call is reading it
/// then; the only other user in the process, swift-argument-parser, prints before or after.
enum QuietC {
    nonisolated(unsafe) private static var count = 0
    nonisolated(unsafe) private static var saved: UnsafeMutablePointer<FILE>?
    nonisolated(unsafe) private static let sink: UnsafeMutablePointer<FILE>? = fopen("/dev/null", "we")
    private static let lock = NSLock()

    static func enter() {
        lock.lock(); defer { lock.unlock() }
        count += 1
        if count == 1, let sink { saved = Glibc.stderr; Glibc.stderr = sink }
    }

    static func leave() {
        lock.lock(); defer { lock.unlock() }
        count -= 1
        if count == 0, let saved { Glibc.stderr = saved; self.saved = nil }
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
