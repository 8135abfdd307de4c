import Foundation
import KaopingJobs
import XCTest
import XLSXCore

// `kaoping fix` (issue 4): the official sheet is written, then read back with the project's reader.

final class WriterTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func samples() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Repo.samples).filter { $0.hasSuffix(".xlsx") }.sorted()
            .map { Repo.samples + "/" + $0 }
    }

    func fix(_ input: String, template: String? = nil) throws -> (Form, Form, String) {
        let pipeline = Pipeline(store: try Repo.store())
        let (form, tpl) = try pipeline.read(input, template: template)
        let out = dir + "/" + (input as NSString).lastPathComponent
        try KaopingWriter.FormWriter(template: XCTUnwrap(tpl)).write(form, to: out, inputs: [input])
        let (back, _) = try pipeline.read(out, template: tpl!.name)
        return (form, back, out)
    }

    /// What the round trip must keep: structure, codes, texts, weights, names, grades.
    func shape(_ f: Form) -> [String] {
        var out: [String] = []
        for s in f.sections {
            out.append("S \(s.kind) \(s.name) \(s.points) \(s.declaredPoints.map { "\($0)" } ?? "-")")
            for g in s.groups {
                out.append(" G \(g.kind.map { "\($0)" } ?? "-") \(g.name ?? "-") \(g.points)")
                for i in g.indicators {
                    out.append("  I \(i.code ?? "-") \(KText.squeeze(i.text)) \(i.basis.map(KText.squeeze) ?? "-") \(i.declaredPoints.map { "\($0)" } ?? "-")")
                    for t in i.items {
                        out.append("   T \(t.code ?? "-") \(t.text.map(KText.squeeze) ?? "-") \(t.weight ?? -1) \(t.deadline ?? "-") "
                                   + "\(t.leaders) \(t.departments) \(t.persons) \(t.grade ?? "-") \(t.score ?? -1)")
                    }
                }
            }
        }
        return out
    }

    func testRoundTripKeepsEveryFormOfTheSamples() throws {
        for input in try samples() {
            let (form, back, _) = try fix(input)
            let a = shape(form), b = shape(back)
            XCTAssertFalse(a.isEmpty)
            XCTAssertEqual(a.count, b.count, input)
            for (x, y) in zip(a, b) where x != y { XCTFail("\((input as NSString).lastPathComponent): \(x)  ≠  \(y)") }
            XCTAssertEqual(back.unit, form.unit, input)
            XCTAssertEqual(back.year, form.year, input)
            XCTAssertEqual(back.totalPoints, 100, accuracy: 1e-9, input)
            // Totals are declared again, and right: broken totals come back recomputed.
            XCTAssertEqual(back.totalDeclared ?? -1, back.totalPoints, accuracy: 1e-9, input)
            for s in back.sections where s.kind == .functional || s.kind == .administrative {
                XCTAssertEqual(s.subtotal ?? -1, s.points, accuracy: 1e-9, "\(input) \(s.name)")
            }
            XCTAssertFalse(back.findings.contains { $0.rule == "cell.unmapped" }, "\(input): \(back.findings.filter { $0.rule == "cell.unmapped" })")
        }
    }

    func testTotalsAreLiveFormulasWithCachedValues() throws {
        let (_, back, out) = try fix(Repo.samples + "/003-yingji-2021.xlsx")
        let wb = try Workbook(path: out)
        let grid = try wb.load(wb.sheets[0])
        let subtotalRefs = back.sections.compactMap(\.subtotalCell) + [back.totalCell].compactMap { $0 }
        XCTAssertEqual(subtotalRefs.count, 3)
        for ref in subtotalRefs {
            let p = try XCTUnwrap(CellRef.parse(Substring(ref)))
            let cell = try XCTUnwrap(grid.cell(p.row, p.col), ref)
            XCTAssertTrue(cell.formula?.hasPrefix("SUM(") ?? false, "\(ref): \(cell.formula ?? "no formula")")
            guard case .number(let v)? = cell.value else { return XCTFail("\(ref) has no cached value") }
            XCTAssertGreaterThan(v, 0)
        }
        // The input's #REF! score block is gone: no error value is left anywhere.
        XCTAssertFalse(grid.cells.contains { if case .error? = $0.value { return true }; return $0.formula?.contains("#REF!") ?? false })
        XCTAssertFalse(back.findings.contains { $0.rule == "cell.error-value" })
    }

    func testWhatTheUnitWroteStaysAndIsReported() throws {
        // 000 has 一级指标 whose （N分） disagree with their weights: kept as written, still reported.
        let (form, back, _) = try fix(Repo.samples + "/000-chengguan-2024.xlsx")
        let before = form.findings.filter { $0.rule == "indicator.points" }.count
        let after = back.findings.filter { $0.rule == "indicator.points" }.count
        XCTAssertEqual(before, 3)
        XCTAssertEqual(after, 3)
        let texts = back.sections.flatMap { $0.groups.flatMap { $0.indicators.map(\.text) } }
        XCTAssertTrue(texts.contains { $0.hasSuffix("（5分）") })
    }

    func testEvaluatedSheetGetsALiveScoreBlock() throws {
        let (form, back, out) = try fix(Repo.samples + "/004-shengtai-2023-evaluated.xlsx")
        XCTAssertTrue(back.hasGrades)
        XCTAssertEqual(back.items.compactMap(\.grade), form.items.compactMap(\.grade))
        let grid = try { let wb = try Workbook(path: out); return try wb.load(wb.sheets[0]) }()
        let countifs = grid.cells.filter { $0.formula?.hasPrefix("COUNTIF(") ?? false }
        XCTAssertEqual(countifs.count, 6)
        let aPlus = countifs.first { $0.formula!.contains("\"A+\"") }
        XCTAssertEqual(aPlus?.value, .number(Double(form.items.filter { $0.grade == "A+" }.count)))
        let total = grid.cells.first { c in
            guard c.col > 1, case .string("总分")? = grid.value(c.row, c.col - 1) else { return false }
            return c.formula != nil
        }
        let expected = form.items.compactMap(\.score).reduce(0, +)
        guard case .number(let v)? = total?.value else { return XCTFail("no 总分 formula") }
        XCTAssertEqual(v, expected, accuracy: 1e-6)
    }

    func testPrintSetUpIsInTheWrittenSheet() throws {
        let (_, _, out) = try fix(Repo.samples + "/002-jiaotong-2019.xlsx")
        let zip = try ZipArchive(path: out)
        let sheet = String(decoding: try zip.data("xl/worksheets/sheet1.xml"), as: UTF8.self)
        XCTAssertTrue(sheet.contains("orientation=\"landscape\""))
        XCTAssertTrue(sheet.contains("paperSize=\"9\""))
        // One page wide at a computed scale, with manual breaks: Excel ignores them under fit to page (issue 12).
        XCTAssertTrue(sheet.contains(" scale=\""))
        XCTAssertFalse(sheet.contains("fitToPage=\"1\""))
        XCTAssertTrue(sheet.contains("<rowBreaks "))
        XCTAssertTrue(sheet.contains("horizontalCentered=\"1\""))
        XCTAssertTrue(sheet.contains("第 &amp;P 页 共 &amp;N 页"))
        XCTAssertTrue(sheet.contains("showGridLines=\"0\""))
        let book = String(decoding: try zip.data("xl/workbook.xml"), as: UTF8.self)
        XCTAssertTrue(book.contains("_xlnm.Print_Titles"), "header rows repeat on every page")
        XCTAssertTrue(book.contains("$3:$4"), "two header rows in the 2019 template: \(book)")
    }

    func testRowHeightsShowMergedTextWhole() throws {
        let (_, back, out) = try fix(Repo.samples + "/003-yingji-2021.xlsx")
        let wb = try Workbook(path: out)
        let grid = try wb.load(wb.sheets[0])
        let tpl = try Repo.store().named("2021")
        // Each indicator's merged 文件依据 / 一级指标 block: the rows it spans are tall enough
        // for its text at the template's font and the column's width.
        var checked = 0
        for m in grid.merges where m.rowCount > 1 {
            guard let c = grid.cell(m.top, m.left), case .string(let t)? = c.value, t.count > 40 else { continue }
            let width = (m.left...m.right).map { grid.colWidths[$0] ?? 8.43 }.reduce(0, +)
            let lines = TextMetrics.lines(t, width: width, fontSize: tpl.font.bodySize)
            let have = (m.top...m.bottom).map { grid.rowHeights[$0] ?? 15 }.reduce(0, +)
            XCTAssertGreaterThanOrEqual(have + 0.5, Double(lines) * tpl.font.bodySize * 1.2, "\(m): \(lines) lines in \(have) pt")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
        XCTAssertFalse(back.sections.isEmpty)
        // A long text in a narrow column needs more lines than in a wide one.
        XCTAssertGreaterThan(TextMetrics.lines(String(repeating: "考评", count: 40), width: 10, fontSize: 10),
                             TextMetrics.lines(String(repeating: "考评", count: 40), width: 40, fontSize: 10))
        XCTAssertEqual(TextMetrics.lines("ab\ncd", width: 40, fontSize: 10), 2)
    }

    func testNeverWritesOverAnInputAndLeavesNoTemporaryFile() throws {
        let input = dir + "/in.xlsx"
        try FileManager.default.copyItem(atPath: Repo.samples + "/003-yingji-2021.xlsx", toPath: input)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let pipeline = Pipeline(store: try Repo.store())
        let (form, tpl) = try pipeline.read(input)
        XCTAssertThrowsError(try KaopingWriter.FormWriter(template: tpl!).write(form, to: input, inputs: [input])) {
            XCTAssertEqual($0 as? WriteError, .sameAsInput(path: input))
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: input)), before)
        // A directory that does not exist: nothing written, nothing left behind.
        XCTAssertThrowsError(try KaopingWriter.FormWriter(template: tpl!).write(form, to: dir + "/no/such/out.xlsx", inputs: [input]))
        let left = try FileManager.default.contentsOfDirectory(atPath: dir)
        XCTAssertEqual(left, ["in.xlsx"])
    }

    func testTemplateChoosesTheLayout() throws {
        // The 2021 sheet written with the 2024 template: one header row, 2024's column labels.
        let (_, back, out) = try fix(Repo.samples + "/003-yingji-2021.xlsx", template: "2024")
        XCTAssertEqual(back.layout.headerRows, 1)
        XCTAssertEqual(back.layout.labels[.weight], "权重分值")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out))
    }

    func testOneProjectColumnTemplateRoundTrips() throws {
        // A template with 项目 in one column: section and first group share a cell on two lines.
        let tdir = dir + "/tpl"
        try FileManager.default.createDirectory(atPath: tdir, withIntermediateDirectories: true)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Repo.templates + "/2024.json"))) as! [String: Any]
        json["projectColumns"] = 1; json["name"] = "one"; json["years"] = [1999]
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: tdir + "/one.json"))
        let pipeline = Pipeline(store: try TemplateStore(directory: tdir))
        for name in ["000-chengguan-2024", "003-yingji-2021", "002-jiaotong-2019"] {
            let input = Repo.samples + "/\(name).xlsx"
            let (form, _) = try Pipeline(store: try Repo.store()).read(input)
            let tpl = try pipeline.store.named("one")
            let out = dir + "/one-\(name).xlsx"
            try KaopingWriter.FormWriter(template: tpl).write(form, to: out, inputs: [input])
            let (back, _) = try pipeline.read(out, template: "one")
            XCTAssertEqual(back.layout.projectColumns, 1, name)
            XCTAssertEqual(shape(back), shape(form), name)
        }
    }

    /// LibreOffice and openpyxl as independent witnesses, through scripts/integration.sh.
    func testOutputsOpenInLibreOffice() throws {
        let soffice = ["/usr/bin/soffice", "/usr/local/bin/soffice"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard soffice != nil else {
            throw XCTSkip("LibreOffice is not installed: skipped (scripts/integration.sh installs it and runs this check)")
        }
        let bin = Repo.root + "/.build/debug/kaoping"
        guard FileManager.default.isExecutableFile(atPath: bin) else { throw XCTSkip("no debug binary at \(bin)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [Repo.root + "/scripts/integration.sh", bin]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, output)
        XCTAssertTrue(output.contains(" 0 failed"), output)
    }
}
