import Foundation
import XCTest

// What the office's other programs write: a workbook re-saved by LibreOffice headless, or one
// written by openpyxl. Both are skipped (XCTSkip) on a machine without them.

enum Office {
    static let soffice = ["/usr/bin/soffice", "/usr/local/bin/soffice"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs a command line through /bin/sh; its output, or a failure with what it said.
    @discardableResult
    static func sh(_ command: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out; p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0 else { throw XlsxFailure(description: "\(command): \(text)") }
        return text
    }

    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The workbook opened and saved again as .xlsx by LibreOffice (its own profile, so that
    /// parallel runs do not share one); the new file's path.
    static func resaved(_ path: String) throws -> String {
        guard let soffice else { throw XCTSkip("LibreOffice (soffice) is not installed") }
        let dir = (path as NSString).deletingLastPathComponent + "/lo-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let profile = "file:///tmp/kaoping-messy-lo-\(ProcessInfo.processInfo.processIdentifier)"
        try sh("\(soffice) -env:UserInstallation=\(profile) --headless --convert-to xlsx --outdir \(quoted(dir)) \(quoted(path)) >/dev/null 2>&1")
        let out = dir + "/" + (path as NSString).lastPathComponent
        guard FileManager.default.fileExists(atPath: out) else { throw XlsxFailure(description: "soffice wrote no \(out)") }
        return out
    }

    /// Runs a python3 script with openpyxl imported and `path` (the output) bound.
    static func openpyxl(_ path: String, _ script: String) throws {
        guard (try? sh("python3 -c 'import openpyxl'")) != nil else { throw XCTSkip("openpyxl is not installed") }
        let file = (path as NSString).deletingLastPathComponent + "/script-\(UUID().uuidString.prefix(8)).py"
        try ("import openpyxl, sys\npath = sys.argv[1]\n" + script).write(toFile: file, atomically: true, encoding: .utf8)
        try sh("python3 \(quoted(file)) \(quoted(path))")
    }

    /// A python list literal of the standard header (one row, 项目 in A, 序号 in B … 责任人 in J).
    static let header = "['项目','序号','文件依据','一级指标','二级指标','权重','完成时限','分管领导','责任部门','责任人']"
}
