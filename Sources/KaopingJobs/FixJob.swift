import Foundation
import KaopingWriter
import XLSXCore

/// `kaoping fix`: the corrected official sheet for each input, written on every core.
public struct FixJob {
    public var inputs: [String]
    public var output: String
    public var template: String?
    public var pipeline: Pipeline
    public init(inputs: [String], output: String, template: String? = nil, pipeline: Pipeline) {
        self.inputs = inputs; self.output = output; self.template = template; self.pipeline = pipeline
    }

    /// One input's outcome: lines for stderr and its exit code (0 clean, 1 errors left, 2 not written).
    public struct Report: Sendable {
        public var file: String
        public var output: String?
        public var lines: [String]
        public var code: Int32
    }

    /// Input → output path. With several inputs (or a folder) `-o` must be a folder: an existing
    /// one, or a path ending in `/` (created); `fix A B -o x.xlsx` is refused rather than making
    /// a folder named `x.xlsx`. Two inputs with one name get `name-2.xlsx`.
    public func plan() throws -> [(input: String, output: String)] {
        let files = expandInputs(inputs)
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: output, isDirectory: &isDir)
        let manyInputs = files.count > 1 || inputs.contains { p in
            var d: ObjCBool = false
            return FileManager.default.fileExists(atPath: p, isDirectory: &d) && d.boolValue
        }
        let outIsDir = (exists && isDir.boolValue) || output.hasSuffix("/")
        // An existing non-folder (a device, a file) is said as what it is.
        if manyInputs && exists && !isDir.boolValue { try SafeFile.checkOutputFolder(output) }
        if manyInputs && !outIsDir {
            throw JobError("\(output): 有多个输入文件时，-o 必须是已有的文件夹或以 / 结尾 (with several inputs, -o must be a folder)")
        }
        guard outIsDir else { return files.map { ($0, output) } }
        let dir = try FixJob.outputFolder(output, exists: exists)
        var taken = Set<String>()
        return files.map { file in
            let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            var name = stem + ".xlsx", n = 2
            while !taken.insert(name).inserted { name = "\(stem)-\(n).xlsx"; n += 1 }
            return (file, dir + "/" + name)
        }
    }

    /// A folder output made ready: refused when it exists as something else, created when
    /// missing; its path without trailing slashes (no `out//name.xlsx`). Shared by every job
    /// that writes one file per input or per unit.
    static func outputFolder(_ output: String, exists: Bool) throws -> String {
        try SafeFile.checkOutputFolder(output)
        if !exists {
            do { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
                throw JobError("\(output): 无法创建输出文件夹 (cannot create directory)")
            }
        }
        var dir = output
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        return dir
    }

    /// Writes every output; reports in input order.
    public func run(_ jobs: [(input: String, output: String)]) -> [Report] {
        let allInputs = jobs.map(\.input)
        return parallelMap(jobs.count) { i in oneBigInputAtATime(jobs[i].input) { fix(jobs[i].input, to: jobs[i].output, inputs: allInputs) } }
    }

    func fix(_ file: String, to out: String, inputs: [String]) -> Report {
        do {
            // The form is gone before the written sheet is read back (in a function of its own, so
            // its lifetime ends there): a 200,000-row form's model and the written sheet's grid
            // never coexist.
            func writeFixed() throws -> Template {
                let (read, tpl) = try pipeline.read(file, template: template)
                guard let tpl else { throw JobError("\(file): 没有可用的年度模板 (no template)") }
                try TextLimits.check(read)
                // The one scorer's scores: a 档次 without a 得分 scores here as in the summary.
                let form = read.hasGrades ? Scorer(template: tpl).applyingScores(to: read) : read
                try FormWriter(template: tpl).write(form, to: out, inputs: inputs)
                return tpl
            }
            let tpl = try writeFixed()
            // The form's memory, freed, goes back to the system before the written sheet is read
            // (glibc keeps freed small blocks for reuse; the grid's block would come on top).
            MemoryBudget.giveBack()
            // What is still wrong in the written sheet: the unit's own figures are kept as written.
            let (written, _) = try pipeline.read(out, template: tpl.name)
            let left = written.findings.filter { $0.severity == .error }
            var lines = ["\(escapeForLine(file)) → \(escapeForLine(out))：已写出\(left.isEmpty ? "，无遗留错误" : "，仍有 \(left.count) 个错误需单位修改")"]
            // Cells of the written sheet, said as such: `check` names the unit's own cells.
            for f in left.prefix(20) { lines.append("  错误\t新表 \(f.cell ?? "-")\t\(f.message)") }
            return Report(file: file, output: out, lines: lines, code: left.isEmpty ? 0 : 1)
        } catch {
            return Report(file: file, output: nil, lines: ["kaoping: " + describe(error)], code: 2)
        }
    }
}
