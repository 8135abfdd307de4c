import CZip
import Foundation
import KaopingJobs
import XCTest
import XLSXCore

// Every real sample, damaged in a fixed set of deterministic ways. Each damaged copy must end in a
// Form or a typed error (XLSXError / MapError) naming the file, within seconds: never a crash,
// a hang or an untyped error. A handful also go through the built `kaoping` binary.

/// Helpers shared by MutationTests and LimitTests (prefixed to stay clear of other test files).
enum MutKit {
    /// The repository root, found from this file's path.
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static var samples: [String] {
        let dir = root + "/Samples"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".xlsx") }.sorted().map { dir + "/" + $0 }
    }

    static func store() throws -> TemplateStore { try TemplateStore(directory: root + "/Templates") }

    static func tempDir(_ tag: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("kaoping-\(tag)-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func sha(_ path: String) throws -> String {
        // FNV-1a 64 over the bytes plus the size: enough to notice any change.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let b = try bytes(path)
        for x in b { h = (h ^ UInt64(x)) &* 0x100_0000_01b3 }
        return "\(b.count)-\(String(h, radix: 16))"
    }

    // MARK: zip parts through libzip

    /// Every entry's name and inflated bytes, in archive order.
    static func parts(of path: String) throws -> [(name: String, bytes: [UInt8])] {
        var err: Int32 = 0
        guard let z = zip_open(path, ZIP_RDONLY, &err) else { throw XlsxMutFailure("zip_open(\(path)): \(err)") }
        defer { zip_discard(z) }
        var out: [(String, [UInt8])] = []
        for i in 0..<UInt64(max(zip_get_num_entries(z, 0), 0)) {
            guard let n = zip_get_name(z, i, 0), let f = zip_fopen_index(z, i, 0) else { continue }
            var data: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let got = zip_fread(f, &buf, UInt64(buf.count))
                if got <= 0 { break }
                data += buf[0..<Int(got)]
            }
            zip_fclose(f)
            out.append((String(cString: n), data))
        }
        return out
    }

    static func part(_ path: String, _ name: String) throws -> [UInt8]? {
        try parts(of: path).first { $0.name.lowercased() == name.lowercased() }?.bytes
    }

    /// The first worksheet part and the shared strings part (if any) of a sample.
    static func sheetPart(_ path: String) throws -> String {
        try parts(of: path).map(\.name).filter { $0.hasPrefix("xl/worksheets/") && $0.hasSuffix(".xml") }.sorted().first!
    }
    static func sharedStringsPart(_ path: String) throws -> String? {
        try parts(of: path).map(\.name).first { $0.lowercased().hasSuffix("sharedstrings.xml") }
    }

    /// Copies `src` to `dst`, then replaces (non-nil) or deletes (nil) the named parts with libzip.
    static func rewrite(_ src: String, to dst: String, _ changes: [String: [UInt8]?]) throws {
        try write(try bytes(src), to: dst)
        var err: Int32 = 0
        guard let z = zip_open(dst, 0, &err) else { throw XlsxMutFailure("zip_open(\(dst)): \(err)") }
        for (name, content) in changes {
            if let content {
                let p = malloc(max(content.count, 1))!
                content.withUnsafeBytes { if $0.count > 0 { memcpy(p, $0.baseAddress!, $0.count) } }
                try addBuffer(z, name, p, content.count)
            } else {
                let idx = zip_name_locate(z, name, 0)
                guard idx >= 0, zip_delete(z, UInt64(idx)) == 0 else {
                    zip_discard(z); throw XlsxMutFailure("zip_delete(\(name))")
                }
            }
        }
        guard zip_close(z) == 0 else {
            let msg = String(cString: zip_strerror(z)); zip_discard(z)
            throw XlsxMutFailure("zip_close(\(dst)): \(msg)")
        }
    }

    /// Adds a malloc'd buffer as a part; libzip frees it (freep = 1).
    static func addBuffer(_ z: OpaquePointer, _ name: String, _ p: UnsafeMutableRawPointer, _ count: Int) throws {
        guard let src = zip_source_buffer(z, p, UInt64(count), 1) else { free(p); throw XlsxMutFailure("zip_source_buffer") }
        if zip_file_add(z, name, src, UInt32(ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8)) < 0 {
            zip_source_free(src); throw XlsxMutFailure("zip_file_add(\(name))")
        }
    }

    /// Copies `src` to `dst` with one part's text transformed.
    static func rewriteText(_ src: String, to dst: String, part: String, _ f: (String) -> String) throws {
        guard let old = try self.part(src, part) else { throw XlsxMutFailure("\(src) has no \(part)") }
        try rewrite(src, to: dst, [part: Array(f(String(decoding: old, as: UTF8.self)).utf8)])
    }

    /// Drops the XML declaration so a DOCTYPE can be put in front.
    static func body(_ xml: String) -> String {
        guard xml.hasPrefix("<?xml"), let end = xml.range(of: "?>") else { return xml }
        return String(xml[end.upperBound...])
    }

    /// Raw entries from the central directory: name, offset of the compressed data, its size.
    static func rawEntries(_ b: [UInt8]) -> [(name: String, data: Int, size: Int)] {
        func u16(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        guard b.count >= 22 else { return [] }
        var eocd = b.count - 22
        while eocd >= 0 && !(b[eocd] == 0x50 && b[eocd + 1] == 0x4B && b[eocd + 2] == 5 && b[eocd + 3] == 6) { eocd -= 1 }
        guard eocd >= 0 else { return [] }
        var p = u32(eocd + 16)
        var out: [(String, Int, Int)] = []
        for _ in 0..<u16(eocd + 10) {
            guard p + 46 <= b.count, u32(p) == 0x0201_4B50 else { break }
            let comp = u32(p + 20), n = u16(p + 28), e = u16(p + 30), c = u16(p + 32), local = u32(p + 42)
            let name = String(decoding: b[p + 46..<min(p + 46 + n, b.count)], as: UTF8.self)
            if local + 30 <= b.count {
                let start = local + 30 + u16(local + 26) + u16(local + 28)
                out.append((name, start, comp))
            }
            p += 46 + n + e + c
        }
        return out
    }

    // MARK: running

    enum Outcome {
        case form, xlsx(XLSXError), map(MapError), other(Error), timedOut
    }

    final class Box: @unchecked Sendable { var outcome: Outcome = .timedOut }

    /// Runs `body` on its own thread; gives up (and reports a hang) after `seconds`.
    static func within(_ seconds: Double, _ body: @escaping () throws -> Void) -> (Outcome, TimeInterval) {
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let start = Date()
        let t = Thread {
            do { try body(); box.outcome = .form } catch let e as XLSXError { box.outcome = .xlsx(e) } catch let e as MapError {
                box.outcome = .map(e)
            } catch { box.outcome = .other(error) }
            done.signal()
        }
        t.stackSize = 8 << 20
        t.start()
        if done.wait(timeout: .now() + seconds) == .timedOut { return (.timedOut, seconds) }
        return (box.outcome, Date().timeIntervalSince(start))
    }

    /// Read → map → check, as every command starts.
    static func pipeline(_ path: String, store: TemplateStore, seconds: Double = 60) -> (Outcome, TimeInterval) {
        within(seconds) { _ = try Pipeline(store: store).read(path) }
    }

    /// Fails unless the outcome is a form or a typed error naming `path`, in time.
    static func assertTyped(_ r: (Outcome, TimeInterval), _ path: String, _ label: String, seconds: Double = 30,
                            file: StaticString = #filePath, line: UInt = #line) {
        switch r.0 {
        case .form: break
        case .xlsx(let e): XCTAssertEqual(e.file, path, "\(label): error names another file", file: file, line: line)
        case .map(let e): XCTAssertEqual(e.file, path, "\(label): error names another file", file: file, line: line)
        case .other(let e): XCTFail("\(label): untyped error \(type(of: e)): \(e)", file: file, line: line)
        case .timedOut: XCTFail("\(label): no answer (hang)", file: file, line: line)
        }
        XCTAssertLessThan(r.1, seconds, "\(label): took \(r.1) s", file: file, line: line)
    }

    // MARK: the CLI

    /// The `kaoping` binary built beside the test bundle (or in .build/debug).
    static var binary: String? {
        var dirs: [URL] = [Bundle.main.bundleURL, Bundle(for: MutationTests.self).bundleURL.deletingLastPathComponent()]
        if let exe = Bundle.main.executableURL { dirs.append(exe.deletingLastPathComponent()) }
        dirs.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        dirs.append(URL(fileURLWithPath: root + "/.build/debug"))
        for d in dirs {
            let p = d.appendingPathComponent("kaoping").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    struct Run { var code: Int32; var out: String; var err: String; var timedOut: Bool
        var errLines: [Substring] { err.split(separator: "\n", omittingEmptySubsequences: true) }
    }

    /// Runs the CLI from the repository root (for Templates/), output through files, with a deadline.
    static func cli(_ args: [String], seconds: Double = 30) throws -> Run {
        guard let bin = binary else { throw XlsxMutFailure("the kaoping binary was not found next to the tests; build it first") }
        let dir = try tempDir("cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outPath = dir + "/out", errPath = dir + "/err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try p.run()
        let deadline = Date().addingTimeInterval(seconds)
        var timedOut = false
        while p.isRunning {
            if Date() > deadline { p.terminate(); timedOut = true; break }
            usleep(10_000)
        }
        p.waitUntilExit()
        return Run(code: p.terminationStatus,
                   out: String(decoding: try bytes(outPath), as: UTF8.self),
                   err: String(decoding: try bytes(errPath), as: UTF8.self), timedOut: timedOut)
    }

    /// Exit 0/1, or exit 2 with exactly one stderr line that names the file.
    static func assertCLIContract(_ r: Run, _ path: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(r.timedOut, "\(label): the CLI hung", file: file, line: line)
        XCTAssertTrue([0, 1, 2].contains(r.code), "\(label): exit \(r.code), stderr: \(r.err)", file: file, line: line)
        if r.code == 2 {
            XCTAssertEqual(r.errLines.count, 1, "\(label): stderr should be one line: \(r.err)", file: file, line: line)
            XCTAssertTrue(r.err.hasPrefix("kaoping: "), "\(label): \(r.err)", file: file, line: line)
            XCTAssertTrue(r.err.contains(path), "\(label): stderr does not name \(path): \(r.err)", file: file, line: line)
        }
    }
}

struct XlsxMutFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

final class MutationTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try MutKit.tempDir("mut") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private var count = 0
    private func out(_ sample: String, _ tag: String) -> String {
        count += 1
        return dir + "/" + ((sample as NSString).lastPathComponent as NSString).deletingPathExtension + "-\(count)-\(tag).xlsx"
    }

    func testSamplesArePresent() throws {
        XCTAssertGreaterThanOrEqual(MutKit.samples.count, 5, "Samples/*.xlsx")
        let store = try MutKit.store()
        for s in MutKit.samples {
            let r = MutKit.pipeline(s, store: store)
            guard case .form = r.0 else { XCTFail("\(s): the unmutated sample should read: \(r.0)"); continue }
        }
    }

    func testTruncatedAtManyOffsets() throws {
        let store = try MutKit.store()
        for s in MutKit.samples {
            let b = try MutKit.bytes(s)
            // 16 offsets spread over the file, plus the edges of the end-of-central-directory record.
            var cuts = (1...13).map { b.count * $0 / 14 }
            cuts += [0, 3, b.count - 22, b.count - 1]
            for c in cuts {
                let p = out(s, "cut\(c)")
                try MutKit.write(Array(b[0..<max(0, c)]), to: p)
                MutKit.assertTyped(MutKit.pipeline(p, store: store), p, "truncated at \(c)")
            }
        }
    }

    func testBytesFlippedInsideDeflateStreams() throws {
        let store = try MutKit.store()
        for s in MutKit.samples {
            let b = try MutKit.bytes(s)
            let entries = MutKit.rawEntries(b)
            XCTAssertGreaterThan(entries.count, 3, s)
            for e in entries where e.size > 8 {
                for (k, at) in [e.size / 3, e.size * 2 / 3, 2].enumerated() {
                    var m = b
                    m[e.data + at] ^= [0xFF, 0x55, 0x08][k]
                    let p = out(s, "flip")
                    try MutKit.write(m, to: p)
                    MutKit.assertTyped(MutKit.pipeline(p, store: store), p, "\(e.name): byte \(at) of the deflate stream flipped")
                }
            }
        }
    }

    func testEachPartRemovedInTurn() throws {
        let store = try MutKit.store()
        for s in MutKit.samples {
            let sheet = try MutKit.sheetPart(s)
            for name in try MutKit.parts(of: s).map(\.name) {
                let p = out(s, "rm")
                try MutKit.rewrite(s, to: p, [name: nil])
                let r = MutKit.pipeline(p, store: store)
                MutKit.assertTyped(r, p, "\(name) removed")
                // Without these the file cannot be a workbook.
                if name == "xl/workbook.xml" || name == sheet {
                    if case .form = r.0 { XCTFail("\(s) without \(name) still read as a form") }
                }
            }
        }
    }

    func testXMLCutMidTag() throws {
        let store = try MutKit.store()
        for s in MutKit.samples {
            let sheet = try MutKit.sheetPart(s)
            let xml = try XCTUnwrap(try MutKit.part(s, sheet))
            let opens = xml.indices.filter { xml[$0] == 0x3C && $0 + 1 < xml.count && xml[$0 + 1] == 0x63 } // "<c"
            XCTAssertFalse(opens.isEmpty)
            for frac in [0.1, 0.5, 0.95] {
                let at = opens[Int(Double(opens.count - 1) * frac)] + 5   // inside `<c r="…`
                let p = out(s, "xmlcut")
                try MutKit.rewrite(s, to: p, [sheet: Array(xml[0..<at])])
                let r = MutKit.pipeline(p, store: store)
                MutKit.assertTyped(r, p, "sheet cut at \(at)")
                if case .xlsx(.damagedPart(_, let part, let line, _)) = r.0 {
                    XCTAssertEqual(part, sheet); XCTAssertGreaterThan(line, 0)
                } else { XCTFail("\(s): a sheet cut mid-tag should be a damaged part: \(r.0)") }
            }
            // Shared strings cut in the middle of a multi-byte character.
            if let sst = try MutKit.sharedStringsPart(s), let x = try MutKit.part(s, sst),
               let mid = x.indices.first(where: { x[$0] >= 0xE0 }) {
                let p = out(s, "sstcut")
                try MutKit.rewrite(s, to: p, [sst: Array(x[0...mid])])
                let r = MutKit.pipeline(p, store: store)
                MutKit.assertTyped(r, p, "shared strings cut mid-character")
                if case .form = r.0 { XCTFail("\(s): cut shared strings still read") }
            }
        }
    }

    func testHostileMerges() throws {
        let store = try MutKit.store()
        let variants: [(String, String)] = [
            ("whole sheet", #"<mergeCell ref="A1:XFD1048576"/>"#),
            ("bad ref", #"<mergeCell ref="ZZZ99999999"/><mergeCell ref="A0:B2"/><mergeCell ref=""/><mergeCell ref="A1:B2:C3"/><mergeCell/>"#),
            ("tall", #"<mergeCell ref="A1:J1048576"/><mergeCell ref="B2:B1048576"/>"#),
            ("just under the expansion cap", #"<mergeCell ref="A1:J9999"/>"#),
            ("overlapping", #"<mergeCell ref="A1:D5"/><mergeCell ref="C3:F8"/><mergeCell ref="F8:C3"/><mergeCell ref="A1:A1"/><mergeCell ref="B4:H40"/>"#),
            ("far outside", #"<mergeCell ref="XFA1048570:XFD1048576"/><mergeCell ref="A1048576:B1048576"/>"#),
        ]
        for s in MutKit.samples {
            let sheet = try MutKit.sheetPart(s)
            for (label, merges) in variants {
                let p = out(s, "merge")
                try MutKit.rewriteText(s, to: p, part: sheet) { xml in
                    if let r = xml.range(of: "<mergeCells") , let close = xml[r.upperBound...].range(of: ">") {
                        return xml.replacingCharacters(in: close.upperBound..<close.upperBound, with: merges)
                    }
                    return xml.replacingOccurrences(of: "</sheetData>", with: "</sheetData><mergeCells>" + merges + "</mergeCells>")
                }
                MutKit.assertTyped(MutKit.pipeline(p, store: store), p, "merges: \(label)")
            }
        }
    }

    func testLongCellAndInvalidText() throws {
        let store = try MutKit.store()
        let long = String(repeating: "长", count: 50_000)
        for s in MutKit.samples {
            let sheet = try MutKit.sheetPart(s)
            // A 50,000-character inline cell in the body and the title's place.
            let p = out(s, "long")
            try MutKit.rewriteText(s, to: p, part: sheet) { xml in
                xml.replacingOccurrences(of: "</sheetData>",
                    with: #"<row r="1000"><c r="B1000" t="inlineStr"><is><t>\#(long)</t></is></c><c r="C1000" t="str"><f>A1&amp;"\#(long)"</f><v>\#(long)</v></c></row></sheetData>"#)
            }
            MutKit.assertTyped(MutKit.pipeline(p, store: store), p, "50,000-character cell")

            guard let sst = try MutKit.sharedStringsPart(s), let x = try MutKit.part(s, sst) else { continue }
            let xml = String(decoding: x, as: UTF8.self)
            // The first shared string 50,000 characters long (it is usually the title).
            let q = out(s, "longsst")
            try MutKit.rewriteText(s, to: q, part: sst) { $0.replacingOccurrences(of: "<t>", with: "<t>" + long, options: [], range: $0.range(of: "<t>")) }
            MutKit.assertTyped(MutKit.pipeline(q, store: store), q, "50,000-character shared string")
            // Invalid UTF-8 inside the first shared string: a stray continuation byte, a truncated
            // sequence, an overlong slash, an encoded surrogate, 0xFF.
            guard let t = x.indices.first(where: { $0 + 3 <= x.count && Array(x[$0..<$0 + 3]) == Array("<t>".utf8) }) else { continue }
            for bad: [UInt8] in [[0x80], [0xE4, 0xB8], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF, 0xFE]] {
                var m = x
                m.insert(contentsOf: bad, at: t + 3)
                let r = out(s, "utf8")
                try MutKit.rewrite(s, to: r, [sst: m])
                let o = MutKit.pipeline(r, store: store)
                MutKit.assertTyped(o, r, "invalid UTF-8 \(bad)")
                if case .form = o.0 { XCTFail("\(s): invalid UTF-8 \(bad) was accepted") }
            }
            // OOXML escapes naming lone surrogates and NUL are kept as text, not trapped on.
            let e = out(s, "esc")
            try MutKit.rewrite(s, to: e, [sst: Array(xml.replacingOccurrences(of: "<t>", with: "<t>_xD800__x0000__xFFFF__x", options: [], range: xml.range(of: "<t>")).utf8)])
            MutKit.assertTyped(MutKit.pipeline(e, store: store), e, "_xHHHH_ escapes of surrogates")
        }
    }

    func testMillionEmptyRows() throws {
        let store = try MutKit.store()
        let s = try XCTUnwrap(MutKit.samples.first)
        let sheet = try MutKit.sheetPart(s)
        let xml = String(decoding: try XCTUnwrap(try MutKit.part(s, sheet)), as: UTF8.self)
        let cut = try XCTUnwrap(xml.range(of: "</sheetData>"))
        let head = Array(xml[..<cut.lowerBound].utf8), tail = Array(xml[cut.lowerBound...].utf8)
        // Streams the XML into one malloc'd buffer that libzip takes over.
        let n = 1_000_000
        let cap = head.count + tail.count + n * 20
        let buf = malloc(cap)!.assumingMemoryBound(to: UInt8.self)
        var len = 0
        func put(_ b: [UInt8]) { b.withUnsafeBufferPointer { memcpy(buf + len, $0.baseAddress!, b.count) }; len += b.count }
        put(head)
        let base = 2000
        for i in 0..<n {
            let s = "<row r=\"\(base + i)\"/>"
            var u = s; u.withUTF8 { memcpy(buf + len, $0.baseAddress!, $0.count); len += $0.count }
        }
        put(tail)
        let p = out(s, "million")
        try MutKit.write(try MutKit.bytes(s), to: p)
        var err: Int32 = 0
        let z = try XCTUnwrap(zip_open(p, 0, &err))
        try MutKit.addBuffer(z, sheet, buf, len)
        XCTAssertEqual(zip_close(z), 0)
        // Hang guards, not speed tests: generous for a loaded machine (this takes about 3 s alone).
        let r = MutKit.pipeline(p, store: store, seconds: 120)
        MutKit.assertTyped(r, p, "1,000,000 empty rows", seconds: 90)
        if case .form = r.0 {} else { XCTFail("empty rows after the table should not stop the form: \(r.0)") }
    }

    /// Inputs that once crashed or hung (from the fuzzer, scripts/fuzz.sh, or found while writing
    /// these tests), kept in Regressions/ as NAME.EXPECTED.xlsx, EXPECTED one of form, damaged,
    /// limit (limitExceeded / partTooLarge) or typed (any typed error or a form).
    func testRegressionFiles() throws {
        let store = try MutKit.store()
        let dir = MutKit.root + "/Tests/KaopingTests/Regressions"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".xlsx") }.sorted()
        XCTAssertFalse(files.isEmpty, "Regressions/*.xlsx")
        for f in files {
            let p = dir + "/" + f
            let expected = f.split(separator: ".").dropLast().last.map(String.init) ?? "typed"
            let r = MutKit.pipeline(p, store: store)
            MutKit.assertTyped(r, p, f, seconds: 30)  // a hang guard, not a speed test: CI machines vary
            switch (expected, r.0) {
            case ("form", .form), ("typed", _), ("damaged", .xlsx(.damagedPart)),
                 ("limit", .xlsx(.limitExceeded)), ("limit", .xlsx(.partTooLarge)): break
            default: XCTFail("\(f): expected \(expected), got \(r.0)")
            }
        }
    }

    /// A handful of the damaged files through the real binary: exit 0/1, or 2 with one line naming the file.
    func testCLIOnDamagedFiles() throws {
        guard MutKit.binary != nil else { throw XCTSkip("kaoping binary not built") }
        let s = try XCTUnwrap(MutKit.samples.first { $0.contains("shengtai-2023.xlsx") } ?? MutKit.samples.first)
        let b = try MutKit.bytes(s)
        let sheet = try MutKit.sheetPart(s)
        var files: [(String, String)] = []
        let half = out(s, "half"); try MutKit.write(Array(b[0..<b.count / 2]), to: half); files.append(("truncated", half))
        let nowb = out(s, "nowb"); try MutKit.rewrite(s, to: nowb, ["xl/workbook.xml": nil]); files.append(("no workbook.xml", nowb))
        let cut = out(s, "cut")
        try MutKit.rewriteText(s, to: cut, part: sheet) { String($0.prefix($0.count / 2)) }
        files.append(("sheet cut", cut))
        let merge = out(s, "merge")
        try MutKit.rewriteText(s, to: merge, part: sheet) {
            $0.replacingOccurrences(of: "</sheetData>", with: #"</sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/><mergeCell ref="ZZZ99999999"/></mergeCells>"#)
        }
        files.append(("hostile merge", merge))
        let flip = out(s, "flip")
        var m = b
        if let e = MutKit.rawEntries(b).first(where: { $0.name == sheet }) { m[e.data + e.size / 2] ^= 0xFF }
        try MutKit.write(m, to: flip); files.append(("flipped", flip))
        let txt = out(s, "text"); try MutKit.write(Array("序号,一级指标\n".utf8), to: txt); files.append(("text", txt))
        let spaced = dir + "/名 称 with space.xlsx"; try MutKit.write(Array(b[0..<100]), to: spaced); files.append(("odd name", spaced))
        for (label, f) in files {
            for cmd in ["check", "inspect"] {
                let r = try MutKit.cli([cmd, f])
                MutKit.assertCLIContract(r, f, "\(cmd) \(label)")
            }
        }
        // The damaged ones must say so.
        for (label, f) in files where label != "hostile merge" {
            XCTAssertEqual(try MutKit.cli(["check", f]).code, 2, label)
        }
    }
}
