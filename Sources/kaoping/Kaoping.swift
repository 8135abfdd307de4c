import ArgumentParser
import Foundation
import KaopingWriter

@main
struct Kaoping: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaoping",
        abstract: "绩效目标考评表: read, check, fix and summarise performance-target evaluation sheets.",
        subcommands: [Inspect.self, Check.self, Fix.self, SummaryCommand.self, ImportCommand.self, StatusCommand.self, Cells.self, BenchWrite.self])
}

/// Prints a person's one-line error to stderr and exits 2, the contract's code for unreadable input.
func fail(_ error: Error) -> Never {
    FileHandle.standardError.write(Data(("kaoping: " + describe(error) + "\n").utf8))
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
    func flush() {
        buf.withUnsafeBytes { p in
            var off = 0
            while off < p.count {
                let n = write(1, p.baseAddress! + off, p.count - off)
                if n <= 0 { break }
                off += n
            }
        }
        buf.removeAll(keepingCapacity: true)
    }
    deinit { flush() }
}

struct Cells: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Every non-empty cell as REF<TAB>TYPE<TAB>VALUE[<TAB>=FORMULA], then merges and hidden rows/columns.")
    @Argument(help: "An .xlsx file.") var file: String
    @Option(help: "The sheet to list (default: the first).") var sheet: String?
    @Flag(help: "Read every cell and the merges but print only counts: cells by type, formulas, merges, hidden rows and columns.")
    var count = false

    func run() throws {
        do {
            let wb = try Workbook(path: file)
            let info = try wb.sheet(named: sheet)
            if count { return try runCount(wb, info) }
            let out = Output()
            out.line("# sheet\t\(info.name)\t\(info.state.rawValue)")
            var hiddenRows: [Int] = []
            let meta = try wb.streamRows(info) { row in
                if row.hidden { hiddenRows.append(row.index) }
                for c in row.cells where !c.isEmpty {
                    var line = c.ref + "\t" + (c.value?.typeCode ?? "f") + "\t" + escape(c.value?.text ?? "")
                    if let f = c.formula { line += "\t=" + escape(f) }
                    out.line(line)
                }
            }
            for m in meta.merges { out.line("merge\t\(m)") }
            if !hiddenRows.isEmpty { out.line("hidden-rows\t" + hiddenRows.map(String.init).joined(separator: ",")) }
            if !meta.hiddenCols.isEmpty {
                out.line("hidden-cols\t" + meta.hiddenCols.sorted().map(CellRef.letters).joined(separator: ","))
            }
            out.flush()
        } catch { fail(error) }
    }

    /// The `--count` mode: the same reading as the listing, without formatting a line per cell.
    func runCount(_ wb: Workbook, _ info: SheetInfo) throws {
        /// The counts, in a class whose fields skip the dynamic exclusivity checks a captured
        /// `var` would get on every cell.
        final class Tally {
            @exclusivity(unchecked) var n = 0, s = 0, b = 0, e = 0, d = 0, f = 0
            @exclusivity(unchecked) var formulas = 0, hiddenRows = 0, rows = 0, textBytes = 0
        }
        let t = Tally()
        let meta = try wb.streamRows(info) { row in
            t.rows += 1
            if row.hidden { t.hiddenRows += 1 }
            for c in row.cells where !c.isEmpty {
                if c.formula != nil { t.formulas += 1 }
                switch c.value {
                case .number?: t.n += 1
                case .string(let s)?: t.s += 1; t.textBytes &+= s.utf8.count
                case .bool?: t.b += 1
                case .error?: t.e += 1
                case .date?: t.d += 1
                case nil: t.f += 1
                }
            }
        }
        let out = Output()
        out.line("# sheet\t\(info.name)\t\(info.state.rawValue)")
        out.line("cells\t\(t.n + t.s + t.b + t.e + t.d + t.f)")
        for (code, n) in [("n", t.n), ("s", t.s), ("b", t.b), ("e", t.e), ("d", t.d), ("f", t.f)] where n > 0 {
            out.line("\(code)\t\(n)")
        }
        out.line("formulas\t\(t.formulas)")
        out.line("string-bytes\t\(t.textBytes)")
        out.line("rows\t\(t.rows)")
        out.line("merges\t\(meta.merges.count)")
        out.line("hidden-rows\t\(t.hiddenRows)")
        out.line("hidden-cols\t\(meta.hiddenCols.count)")
        out.flush()
    }

    func escape(_ s: String) -> String {
        // Most values have none of these bytes and are printed as they are.
        guard s.utf8.contains(where: { $0 == 10 || $0 == 9 || $0 == 13 || $0 == 92 }) else { return s }
        var o = ""
        for ch in s {
            switch ch {
            case "\n": o += "\\n"
            case "\r\n": o += "\\r\\n"
            case "\t": o += "\\t"
            case "\r": o += "\\r"
            case "\\": o += "\\\\"
            default: o.append(ch)
            }
        }
        return o
    }
}
