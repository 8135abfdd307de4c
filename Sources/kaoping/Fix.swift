import ArgumentParser
import Foundation
import KaopingWriter
import XLSXCore

struct Fix: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Writes a corrected, print-ready official sheet. Exit 0: written; 1: written with errors left; 2: not written.")
    @Argument(help: "One or more .xlsx files.") var files: [String]
    @Option(name: .short, help: "The output .xlsx (one input) or a directory (several inputs).") var output: String
    @Option(help: "The year template to write (default: the form's year).") var template: String?
    @Option(help: "The folder of year templates.") var templates: String?

    func run() throws {
        let store: TemplateStore
        do { store = try TemplateStore(directory: templates) } catch { fail(error) }
        let pipeline = Pipeline(store: store)
        var isDir: ObjCBool = false
        let outIsDir = files.count > 1 || (FileManager.default.fileExists(atPath: output, isDirectory: &isDir) && isDir.boolValue)
        if outIsDir {
            do { try SafeFile.checkOutputFolder(output) } catch { fail(error) }
            do { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
                fail(CLIError(message: "\(output): 无法创建输出目录 (cannot create directory)"))
            }
        }
        // One output per input, written on every core; reports printed in input order.
        // Two inputs with one name (from two folders) get `name-2.xlsx`, never the same output.
        var taken = Set<String>()
        let jobs = files.map { file -> (String, String) in
            guard outIsDir else { return (file, output) }
            let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            var name = stem + ".xlsx", n = 2
            while !taken.insert(name).inserted { name = "\(stem)-\(n).xlsx"; n += 1 }
            return (file, output + "/" + name)
        }
        final class Reports: @unchecked Sendable { var lines: [[String]]; var codes: [Int32]
            init(_ n: Int) { lines = Array(repeating: [], count: n); codes = Array(repeating: 0, count: n) } }
        let reports = Reports(jobs.count)
        let lock = NSLock()
        let files = self.files, template = self.template
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            let (file, out) = jobs[i]
            var lines: [String] = [], code: Int32 = 0
            do {
                let (form, tpl) = try pipeline.read(file, template: template)
                guard let tpl else { throw CLIError(message: "\(file): 没有可用的年度模板 (no template)") }
                try FormWriter(template: tpl).write(form, to: out, inputs: files)
                // What is still wrong in the written sheet: the unit's own figures are kept as written.
                let (written, _) = try pipeline.read(out, template: tpl.name)
                let left = written.findings.filter { $0.severity == .error }
                lines.append("\(escapeForLine(file)) → \(escapeForLine(out))：已写出\(left.isEmpty ? "，无遗留错误" : "，仍有 \(left.count) 个错误需单位修改")")
                for f in left.prefix(20) { lines.append("  错误\t\(f.cell ?? "-")\t\(f.message)") }
                if !left.isEmpty { code = 1 }
            } catch {
                lines.append("kaoping: " + describe(error))
                code = 2
            }
            lock.lock(); reports.lines[i] = lines; reports.codes[i] = code; lock.unlock()
        }
        for l in reports.lines.joined() { stderr(l) }
        let worst = reports.codes.max() ?? 0
        if worst != 0 { throw ExitCode(worst) }
    }
}
