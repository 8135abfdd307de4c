import ArgumentParser
import Foundation
import KaopingWriter

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
            do { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
                fail(CLIError(message: "\(output): 无法创建输出目录 (cannot create directory)"))
            }
        }
        var worst: Int32 = 0
        for file in files {
            let out = outIsDir ? output + "/" + ((file as NSString).lastPathComponent as NSString).deletingPathExtension + ".xlsx" : output
            do {
                let (form, tpl) = try pipeline.read(file, template: template)
                guard let tpl else { throw CLIError(message: "\(file): 没有可用的年度模板 (no template)") }
                try FormWriter(template: tpl).write(form, to: out, inputs: files)
                // What is still wrong in the written sheet: the unit's own figures are kept as written.
                let (written, _) = try pipeline.read(out, template: tpl.name)
                let left = written.findings.filter { $0.severity == .error }
                stderr("\(file) → \(out)：已写出\(left.isEmpty ? "，无遗留错误" : "，仍有 \(left.count) 个错误需单位修改")")
                for f in left.prefix(20) { stderr("  错误\t\(f.cell ?? "-")\t\(f.message)") }
                if !left.isEmpty { worst = max(worst, 1) }
            } catch {
                stderr("kaoping: " + describe(error))
                worst = 2
            }
        }
        if worst != 0 { throw ExitCode(worst) }
    }
}
