import Foundation
import KaopingJobs

/// A progress bar on stderr when it is a terminal, one line per file otherwise.
final class Progress {
    let tty = isatty(2) != 0
    private var lastWidth = 0

    /// Redraws the bar: done of count, and the file's name (shortened to 40 screen columns).
    func bar(_ done: Int, _ count: Int, _ file: String) {
        let width = 30
        let filled = count == 0 ? width : done * width / count
        var name = URL(fileURLWithPath: file).lastPathComponent
        if Progress.columns(name) > 40 {
            while Progress.columns(name) > 39 { name.removeFirst() }
            name = "…" + name
        }
        let line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(done)/\(count) \(name)"
        // Padded by screen columns: a Chinese character takes two, and a shorter line must
        // blank out all of the one before it.
        let w = Progress.columns(line)
        let pad = max(0, lastWidth - w)
        FileHandle.standardError.write(Data(("\r" + line + String(repeating: " ", count: pad)).utf8))
        lastWidth = w
    }

    /// Ends the bar's line, if one was drawn.
    func finish() {
        if tty && lastWidth > 0 { FileHandle.standardError.write(Data("\n".utf8)); lastWidth = 0 }
    }
    static func columns(_ s: String) -> Int { DisplayWidth.columns(s) }
}
