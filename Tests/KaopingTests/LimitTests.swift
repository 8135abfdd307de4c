import CZip
import Foundation
import KaopingJobs
import XCTest
import XLSXCore

// The reader's limits seen from above: zip bombs, DTDs and entities through Pipeline (default limits)
// and the CLI; counts and lengths through Workbook(path:limits:) + FormMapper.map. The reader-level
// cases live in WorkbookTests/BadInputTests. Also: inputs are never modified, outputs appear whole
// or not at all, and `check` goes on past an unreadable file.
final class LimitTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try MutKit.tempDir("limits") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func sample(_ needle: String = "shengtai-2023.xlsx") throws -> String {
        try XCTUnwrap(MutKit.samples.first { $0.hasSuffix(needle) } ?? MutKit.samples.first)
    }
    /// A sample that keeps its strings in a shared strings part.
    private func sampleWithSST() throws -> String {
        try XCTUnwrap(MutKit.samples.first { (try? MutKit.sharedStringsPart($0)) != nil })
    }

    private func expectXLSX(_ r: (MutKit.Outcome, TimeInterval), _ path: String, _ label: String, seconds: Double = 10,
                            file: StaticString = #filePath, line: UInt = #line, _ ok: (XLSXError) -> Bool) {
        MutKit.assertTyped(r, path, label, seconds: seconds, file: file, line: line)
        guard case .xlsx(let e) = r.0 else { return XCTFail("\(label): expected a refusal, got \(r.0)", file: file, line: line) }
        XCTAssertTrue(ok(e), "\(label): \(e)", file: file, line: line)
    }

    private func expectCLIRefusal(_ path: String, _ words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        guard MutKit.binary != nil else { return }
        let r = try MutKit.cli(["check", path])
        MutKit.assertCLIContract(r, path, "check", file: file, line: line)
        XCTAssertEqual(r.code, 2, r.err, file: file, line: line)
        for w in words { XCTAssertTrue(r.err.contains(w), "stderr lacks \(w): \(r.err)", file: file, line: line) }
    }

    // MARK: zip bombs, default limits

    func testPartDeclaringMoreThanTheSizeLimitIsRefusedAtOnce() throws {
        let s = try sample()
        var b = try MutKit.bytes(s)
        let sheet = try MutKit.sheetPart(s)
        // Declare 3 GB in the central directory (libzip's source of truth) and the local header.
        func put(_ at: Int, _ v: UInt32) { for k in 0..<4 { b[at + k] = UInt8((v >> (8 * k)) & 0xFF) } }
        let name = Array(sheet.utf8)
        var patched = 0, i = 0
        while i + 46 < b.count {
            if b[i] == 0x50, b[i + 1] == 0x4B, b[i + 2] == 1, b[i + 3] == 2, Array(b[i + 46..<min(i + 46 + name.count, b.count)]) == name {
                put(i + 24, 3_000_000_000); patched += 1
            } else if b[i] == 0x50, b[i + 1] == 0x4B, b[i + 2] == 3, b[i + 3] == 4, Array(b[i + 30..<min(i + 30 + name.count, b.count)]) == name {
                put(i + 22, 3_000_000_000); patched += 1
            }
            i += 1
        }
        XCTAssertEqual(patched, 2)
        let p = dir + "/declared.xlsx"
        try MutKit.write(b, to: p)
        let r = MutKit.pipeline(p, store: try MutKit.store())
        expectXLSX(r, p, "declared 3 GB", seconds: 3) {
            if case .partTooLarge(_, let part, let reason) = $0 {
                return part == sheet && reason.contains("\(XLSXLimits.default.maxPartBytes)")
            }
            return false
        }
        try expectCLIRefusal(p, ["压缩炸弹", "zip bomb"])
    }

    func testHighRatioBombIsStoppedWhileInflating() throws {
        let s = try sample()
        let sheet = try MutKit.sheetPart(s)
        // A worksheet of 64 MB of blanks: valid XML that deflates at about 1028:1, just over
        // maxRatio (1000:1; deflate itself cannot go past about 1032:1).
        let head = Array(#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.utf8)
        let tail = Array("</sheetData></worksheet>".utf8)
        let blanks = 64 << 20
        let len = head.count + blanks + tail.count
        let buf = malloc(len)!.assumingMemoryBound(to: UInt8.self)
        head.withUnsafeBufferPointer { _ = memcpy(buf, $0.baseAddress!, head.count) }
        memset(buf + head.count, 0x20, blanks)
        tail.withUnsafeBufferPointer { _ = memcpy(buf + head.count + blanks, $0.baseAddress!, tail.count) }
        let p = dir + "/bomb.xlsx"
        try MutKit.write(try MutKit.bytes(s), to: p)
        var err: Int32 = 0
        let z = try XCTUnwrap(zip_open(p, 0, &err))
        try MutKit.addBuffer(z, sheet, buf, len)
        XCTAssertEqual(zip_close(z), 0)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: p)[.size] as? Int)
        XCTAssertLessThan(size, 100 << 10, "the bomb itself is small")
        let r = MutKit.pipeline(p, store: try MutKit.store(), seconds: 30)
        expectXLSX(r, p, "ratio bomb") {
            if case .partTooLarge(_, let part, let reason) = $0 { return part == sheet && reason.contains("ratio") }
            return false
        }
        try expectCLIRefusal(p, ["压缩炸弹", "ratio"])
    }

    // MARK: DTDs and entities, default limits

    /// Damage the XML scanner finds, and the limits it has that expat had not, are one Chinese
    /// line each, naming the part.
    func testXMLDamageAndScannerLimitsAreSaidInChinese() throws {
        let s = try sample()
        let sheet = try MutKit.sheetPart(s)
        let deep = String(repeating: "<x>", count: XMLScanner.maxDepth + 1)
        let many = "<x " + (0...XMLScanner.maxAttributes).map { "a\($0)=\"1\"" }.joined(separator: " ") + "/>"
        let cases: [(String, (String) -> String, [String])] = [
            ("dup", { $0.replacingOccurrences(of: "<sheetData>", with: #"<sheetData><row r="999" r="998"/>"#) }, ["同一属性出现两次"]),
            ("entity", { $0.replacingOccurrences(of: "<sheetData>", with: "<sheetData><row r=\"999\"><c r=\"A999\" t=\"inlineStr\"><is><t>&nbsp;</t></is></c></row>") }, ["未定义的实体引用"]),
            ("deep", { $0.replacingOccurrences(of: "<sheetData>", with: "<sheetData>" + deep) }, ["嵌套超过 \(XMLScanner.maxDepth) 层"]),
            ("attrs", { $0.replacingOccurrences(of: "<sheetData>", with: "<sheetData>" + many) }, ["属性超过 \(XMLScanner.maxAttributes) 个"]),
        ]
        for (name, edit, words) in cases {
            let p = dir + "/\(name).xlsx"
            try MutKit.rewriteText(s, to: p, part: sheet) { edit($0) }
            let r = MutKit.pipeline(p, store: try MutKit.store())
            guard case .xlsx = r.0 else { XCTFail("\(name): \(r.0)"); continue }
            try expectCLIRefusal(p, words + [sheet])
        }
    }

    func testBillionLaughsIsRefusedQuickly() throws {
        let s = try sample()
        let sheet = try MutKit.sheetPart(s)
        var dtd = #"<!DOCTYPE worksheet [<!ENTITY lol "lol">"#
        var prev = "lol"
        for k in 1...12 {
            dtd += "<!ENTITY lol\(k) \"" + String(repeating: "&\(prev);", count: 10) + "\">"
            prev = "lol\(k)"
        }
        dtd += "]>"
        let p = dir + "/laughs.xlsx"
        try MutKit.rewriteText(s, to: p, part: sheet) { xml in
            #"<?xml version="1.0" encoding="UTF-8"?>"# + dtd + MutKit.body(xml)
                .replacingOccurrences(of: "<sheetData>", with: #"<sheetData><row r="999"><c r="A999" t="inlineStr"><is><t>&lol12;</t></is></c></row>"#)
        }
        let r = MutKit.pipeline(p, store: try MutKit.store())
        expectXLSX(r, p, "billion laughs", seconds: 3) {
            if case .forbiddenDTD(_, let part, let line) = $0 { return part == sheet && line >= 1 }
            return false
        }
        try expectCLIRefusal(p, ["DTD"])
    }

    /// XXE: entities naming a local file with a unique marker, in every place one could be put.
    /// The marker must appear nowhere: not in a form, not in an error, not in the CLI's output.
    func testExternalEntitiesReadNoFile() throws {
        let marker = "KAOPING-XXE-\(UUID().uuidString)"
        let secret = "/tmp/kaoping-xxe-\(getpid())-\(UUID().uuidString.prefix(8)).txt"
        let dtdFile = secret + ".dtd"
        try Data(marker.utf8).write(to: URL(fileURLWithPath: secret))
        try Data(#"<!ENTITY e "\#(marker)"><!ENTITY % p "\#(marker)">"#.utf8).write(to: URL(fileURLWithPath: dtdFile))
        defer { unlink(secret); unlink(dtdFile) }

        let s = try sampleWithSST()
        let sheet = try MutKit.sheetPart(s)
        let sst = try XCTUnwrap(try MutKit.sharedStringsPart(s))
        let decl = #"<?xml version="1.0" encoding="UTF-8" standalone="no"?>"#
        let internalSubset = #"<!DOCTYPE x [<!ENTITY e SYSTEM "file://\#(secret)">]>"#
        let cell = #"<row r="999"><c r="A999" t="inlineStr"><is><t>&e;</t></is></c><c r="B999" t="str"><v>&e;</v></c></row>"#
        var cases: [(String, String, (String) -> String)] = [
            ("sheet, internal subset", sheet, { decl + internalSubset + MutKit.body($0).replacingOccurrences(of: "<sheetData>", with: "<sheetData>" + cell) }),
            ("sheet, external DTD", sheet, { decl + #"<!DOCTYPE worksheet SYSTEM "file://\#(dtdFile)">"# + MutKit.body($0).replacingOccurrences(of: "<sheetData>", with: "<sheetData>" + cell) }),
            ("sheet, parameter entity", sheet, { decl + #"<!DOCTYPE x [<!ENTITY % p SYSTEM "file://\#(dtdFile)"> %p;]>"# + MutKit.body($0).replacingOccurrences(of: "<sheetData>", with: "<sheetData>" + cell) }),
            ("shared strings", sst, { decl + internalSubset + MutKit.body($0).replacingOccurrences(of: "<t>", with: "<t>&e;") }),
            ("workbook sheet name", "xl/workbook.xml", { decl + internalSubset + MutKit.body($0).replacingOccurrences(of: "name=\"", with: "name=\"&e;") }),
            ("relationships", "xl/_rels/workbook.xml.rels", { decl + internalSubset + MutKit.body($0).replacingOccurrences(of: "Target=\"", with: "Target=\"&e;") }),
        ]
        if (try MutKit.part(s, "xl/styles.xml")) != nil {
            cases.append(("styles", "xl/styles.xml", { decl + internalSubset + MutKit.body($0) }))
        }
        let store = try MutKit.store()
        for (label, part, f) in cases {
            let p = dir + "/xxe-\(label.replacingOccurrences(of: " ", with: "_")).xlsx"
            try MutKit.rewriteText(s, to: p, part: part, f)
            let r = MutKit.pipeline(p, store: store)
            expectXLSX(r, p, "XXE in \(label)") {
                if case .forbiddenDTD(_, let q, _) = $0 { return q == part }
                return false
            }
            XCTAssertFalse("\(r.0)".contains(marker), "\(label): the marker leaked into the error")
            if MutKit.binary != nil {
                for cmd in ["check", "inspect", "cells"] {
                    let c = try MutKit.cli([cmd, p])
                    XCTAssertEqual(c.code, 2, "\(cmd) \(label): \(c.err)")
                    XCTAssertFalse(c.out.contains(marker) || c.err.contains(marker), "\(cmd) \(label): the marker leaked")
                }
            }
        }
    }

    // MARK: counts and lengths, custom limits

    private func map(_ path: String, _ limits: XLSXLimits) -> (MutKit.Outcome, TimeInterval) {
        MutKit.within(10) { _ = try FormMapper.map(reader: try Workbook(path: path, limits: limits), sheet: nil) }
    }

    /// Cells as the reader counts them (those with a value or a formula) in the first sheet.
    private func cellCount(_ path: String) throws -> Int {
        let wb = try Workbook(path: path)
        var n = 0
        try wb.streamRows(wb.sheets[0]) { n += $0.cells.count }
        return n
    }

    func testCellCountLimit() throws {
        for s in MutKit.samples.prefix(3) {
            let n = try cellCount(s)
            XCTAssertGreaterThan(n, 100, s)
            var l = XLSXLimits(); l.maxCells = n
            MutKit.assertTyped(map(s, l), s, "exactly at the cell limit")
            if case .form = map(s, l).0 {} else { XCTFail("\(s): a sheet of exactly maxCells cells should map") }
            l.maxCells = n - 1
            expectXLSX(map(s, l), s, "one cell over") {
                if case .limitExceeded(_, _, let what) = $0 { return what.contains("\(n - 1) cells") }
                return false
            }
            l.maxCells = 10
            expectXLSX(map(s, l), s, "maxCells 10") { if case .limitExceeded = $0 { return true }; return false }
        }
    }

    func testSharedStringCountLimit() throws {
        let s = try sampleWithSST()
        let n = try Workbook(path: s).sharedStrings().count
        XCTAssertGreaterThan(n, 10)
        var l = XLSXLimits(); l.maxSharedStrings = n
        if case .form = map(s, l).0 {} else { XCTFail("exactly maxSharedStrings should map") }
        l.maxSharedStrings = n - 1
        let sst = try XCTUnwrap(try MutKit.sharedStringsPart(s))
        expectXLSX(map(s, l), s, "one shared string over") {
            if case .limitExceeded(_, let part, let what) = $0 { return part == sst && what.contains("shared strings") }
            return false
        }
    }

    func testStringLengthLimit() throws {
        var l = XLSXLimits(); l.maxStringBytes = 24   // eight CJK characters
        for s in MutKit.samples {
            expectXLSX(map(s, l), s, "strings over 24 bytes") {
                if case .limitExceeded(_, _, let what) = $0 { return what.contains("longer than 24 bytes") }
                return false
            }
        }
        // Under the default limit (1 MiB) a 2 MiB cell is refused through the pipeline and the CLI.
        let s = try sample()
        let sheet = try MutKit.sheetPart(s)
        let p = dir + "/huge-cell.xlsx"
        let huge = String(repeating: "a", count: 2 << 20)
        try MutKit.rewriteText(s, to: p, part: sheet) {
            $0.replacingOccurrences(of: "</sheetData>", with: #"<row r="999"><c r="A999" t="inlineStr"><is><t>\#(huge)</t></is></c></row></sheetData>"#)
        }
        expectXLSX(MutKit.pipeline(p, store: try MutKit.store()), p, "2 MiB cell") {
            if case .limitExceeded(_, let part, let what) = $0 { return part == sheet && what.contains("A999") }
            return false
        }
        try expectCLIRefusal(p, ["超出限制", "A999"])
    }

    // MARK: inputs are never modified; outputs whole or not at all

    func testInputsAreNeverModified() throws {
        guard MutKit.binary != nil else { throw XCTSkip("kaoping binary not built") }
        let samples = MutKit.samples
        let before = try samples.map(MutKit.sha)
        for s in samples {
            _ = try MutKit.cli(["inspect", s])
            _ = try MutKit.cli(["cells", s])
        }
        _ = try MutKit.cli(["check"] + samples)
        _ = try MutKit.cli(["check", "--json"] + samples)
        let outDir = dir + "/fixed"
        let fix = try MutKit.cli(["fix"] + samples + ["-o", outDir], seconds: 60)
        XCTAssertFalse(fix.timedOut)
        let one = try MutKit.cli(["fix", samples[0], "-o", dir + "/one.xlsx"])
        XCTAssertFalse(one.timedOut)
        XCTAssertEqual(try samples.map(MutKit.sha), before, "a sample changed")
    }

    func testFixRefusesToWriteOverItsInput() throws {
        guard MutKit.binary != nil else { throw XCTSkip("kaoping binary not built") }
        let s = try sample()
        let copy = dir + "/in.xlsx"
        try MutKit.write(try MutKit.bytes(s), to: copy)
        let h = try MutKit.sha(copy)
        let link = dir + "/link.xlsx"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: copy)
        let sub = dir + "/sub"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        for (label, target) in [("same path", copy), ("dotted path", sub + "/../in.xlsx"), ("symlink", link)] {
            let r = try MutKit.cli(["fix", copy, "-o", target])
            XCTAssertEqual(r.code, 2, "\(label): \(r.err)")
            XCTAssertEqual(r.errLines.count, 1, "\(label): \(r.err)")
            XCTAssertEqual(try MutKit.sha(copy), h, "\(label): the input was changed")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(left, ["in.xlsx", "link.xlsx", "sub"], "no temporary file is left behind")
    }

    func testFailedWriteLeavesNoFile() throws {
        guard MutKit.binary != nil else { throw XCTSkip("kaoping binary not built") }
        let s = try sample()
        let plain = dir + "/plain"
        try MutKit.write([1, 2, 3], to: plain)
        let targets = [
            "/nonexistent-\(UUID().uuidString.prefix(8))/dir/x.xlsx",   // no such directory
            plain + "/x.xlsx",                                           // a file where a directory should be
            "/proc/kaoping-\(getpid()).xlsx",                            // a file system that takes no files
        ]
        for t in targets {
            let r = try MutKit.cli(["fix", s, "-o", t])
            XCTAssertEqual(r.code, 2, "\(t): \(r.err)")
            XCTAssertTrue(r.errLines.contains { $0.hasPrefix("kaoping: ") && $0.contains(t) }, "\(t): \(r.err)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: t), "\(t) appeared")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["plain"])
        XCTAssertEqual(try MutKit.bytes(plain), [1, 2, 3])
    }

    /// The CLI contract: an error is one line. libxlsxwriter prints its own `[ERROR] workbook_close(): …`
    /// to stderr when it cannot create the temporary file, before kaoping's line.
    func testFailedWriteIsOneStderrLine() throws {
        guard MutKit.binary != nil else { throw XCTSkip("kaoping binary not built") }
        for t in ["/nonexistent-\(UUID().uuidString.prefix(8))/x.xlsx", "/proc/kaoping-\(getpid()).xlsx"] {
            let r = try MutKit.cli(["fix", try sample(), "-o", t])
            XCTAssertEqual(r.code, 2, "\(t): \(r.err)")
            XCTAssertEqual(r.errLines.count, 1, "\(t): stderr should be one `kaoping: …` line: \(r.err)")
        }
    }

    func testCheckGoesOnPastAnUnreadableFile() throws {
        guard MutKit.binary != nil else { throw XCTSkip("kaoping binary not built") }
        let good = MutKit.samples[0], good2 = MutKit.samples[MutKit.samples.count - 1]
        let broken = dir + "/broken.xlsx"
        try MutKit.write(Array(try MutKit.bytes(good).prefix(1000)), to: broken)
        let r = try MutKit.cli(["check", good, broken, good2])
        XCTAssertEqual(r.code, 2, r.err)
        XCTAssertEqual(r.errLines.count, 1, r.err)
        XCTAssertTrue(r.err.contains(broken), r.err)
        XCTAssertTrue(r.out.contains(good), "the first good file is reported")
        XCTAssertTrue(r.out.contains(good2), "the file after the broken one is reported")
        XCTAssertFalse(r.out.contains(broken))
        // The same with --json: both forms in the array.
        let j = try MutKit.cli(["check", "--json", good, broken, good2])
        XCTAssertEqual(j.code, 2)
        let arr = try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [Any]
        XCTAssertEqual(arr?.count, 2, "two forms in the JSON array")
    }
}
