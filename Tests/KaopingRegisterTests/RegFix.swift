import Foundation
import KaopingJobs
import XCTest

/// Paths, scratch folders and file makers for the register's tests.
enum RegFix {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static var samples: String { root + "/Samples" }
    static func sample(_ name: String) -> String { samples + "/" + name }
    static var store: TemplateStore { try! TemplateStore(directory: root + "/Templates") }
    /// The CLI built beside the tests (`swift build --build-tests` builds it too).
    static var binary: String { root + "/.build/debug/kaoping" }

    static func scratch(_ tag: String = "reg") throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("kaoping-\(tag)-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs a program; returns its exit status, stdout and stderr.
    @discardableResult
    static func run(_ exe: String, _ args: [String], env: [String: String] = [:], cwd: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        p.environment = e
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        // Read before waiting: a full pipe would block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let r = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: r, as: UTF8.self))
    }

    static func python(_ script: String, _ args: [String]) throws -> String {
        let r = try run("/usr/bin/env", ["python3", "-c", script] + args)
        if r.status != 0 { throw XCTSkip("python3 failed: \(r.err)") }
        return r.out
    }

    /// Copies an .xlsx, replacing text in its strings (the shared strings, or the worksheets'
    /// inline strings; each `old` must occur), every other part copied byte for byte — the way a
    /// unit edits a cell's text without touching formulas.
    static func editStrings(_ src: String, _ out: String, _ edits: [(String, String)]) throws {
        let script = """
        import sys, zipfile, json
        from xml.sax.saxutils import escape
        src, out, edits = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
        found = set()
        with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
            for info in z.infolist():
                data = z.read(info)
                n = info.filename
                if n == "xl/sharedStrings.xml" or (n.startswith("xl/worksheets/") and n.endswith(".xml")):
                    t = data.decode("utf-8")
                    for old, new in edits:
                        if escape(old) in t: found.add(old)
                        t = t.replace(escape(old), escape(new))
                    data = t.encode("utf-8")
                o.writestr(info, data)
        missing = [old for old, _ in edits if old not in found]
        if missing: sys.exit("not found: " + repr(missing))
        """
        let json = String(decoding: try JSONSerialization.data(withJSONObject: edits.map { [$0.0, $0.1] }), as: UTF8.self)
        let r = try run("/usr/bin/env", ["python3", "-c", script, src, out, json])
        guard r.status == 0 else { throw NSError(domain: "editStrings", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.err]) }
    }

    static func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

    static func importFiles(_ files: [String], into reg: Register, year: Int? = nil) throws -> [ImportOutcome] {
        try ImportJob(inputs: files, year: year, store: store, register: reg).run()
    }
}
