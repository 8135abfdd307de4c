import Foundation

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

    /// Screen columns of a text: East Asian wide and full-width characters take two.
    static func columns(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { n, u in
            let v = u.value
            if u.properties.generalCategory == .nonspacingMark || v == 0x200B { return n }
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
                || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
                || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
                || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return n + (wide ? 2 : 1)
        }
    }
}
