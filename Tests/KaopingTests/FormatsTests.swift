import Foundation
import KaopingJobs
import XCTest

// Every file a unit sends (issue 13): each Sample converted to .xls (LibreOffice), .et (the same
// BIFF8), .ods (LibreOffice) and Word .docx (python-docx, split after a page break, and
// LibreOffice) maps like its .xlsx — the same form apart from `source`, and for Word its rows
// counted in the table (the title and 参评单位 are paragraphs above it).
final class FormatsTests: XCTestCase {
    static let xlsFixtures = Repo.root + "/Tests/XLSReaderTests/Fixtures"
    static let odsDocxFixtures = Repo.root + "/Tests/ODSDOCXTests/Fixtures"

    /// The form as comparable text: every item with its row moved by `shift`, every finding by
    /// rule, code and cell (moved likewise); hidden-column findings left out where the format
    /// cannot hide a column (Word).
    func shape(_ form: Form, shift: Int, hiddenColumns: Bool = true) -> [String] {
        var out = ["title \(form.title ?? "-")", "unit \(form.unit ?? "-")", "year \(form.year ?? 0)",
                   "total \(form.totalDeclared.map { CellValue.format($0) } ?? "-") \(CellValue.format(form.totalPoints))"]
        for s in form.sections {
            out.append("section \(s.kind) \(s.name) \(s.declaredPoints.map { CellValue.format($0) } ?? "-")")
            for g in s.groups {
                out.append(" group \(g.kind?.rawValue ?? "-") \(g.name ?? "-")")
                for i in g.indicators {
                    out.append("  indicator \(i.code ?? "-") \(KText.squeeze(i.text)) \(KText.squeeze(i.basis ?? "-"))")
                    for it in i.items {
                        out.append("   item \(it.code ?? "-") \(KText.squeeze(it.text ?? "-")) \(it.weight.map { CellValue.format($0) } ?? "-") "
                                   + "\(it.deadline ?? "-") \(it.leaders) \(it.departments) \(it.persons) \(it.grade ?? "-") "
                                   + "\(it.score.map { CellValue.format($0) } ?? "-") row \(it.row + shift)")
                    }
                }
            }
        }
        func moved(_ cell: String?) -> String {
            guard let c = cell, let (r, col) = CellRef.parse(Substring(c)) else { return cell ?? "-" }
            return CellRef.format(row: r + shift, col: col)
        }
        let findings = form.findings.filter { hiddenColumns || $0.rule != Rule.sheetHiddenColumn.rawValue }
            .map { "finding \($0.rule) \($0.code ?? "-") \(moved($0.cell))" }.sorted()
        return out + findings
    }

    func testEverySampleMapsAlikeInEveryFormat() throws {
        let pipeline = Pipeline(store: try Repo.store())
        let samples = try FileManager.default.contentsOfDirectory(atPath: Repo.samples).filter { $0.hasSuffix(".xlsx") }.sorted()
        XCTAssertEqual(samples.count, 9)
        var compared = 0
        for s in samples {
            let stem = String(s.dropLast(5))
            let (base, _) = try pipeline.read(Repo.samples + "/" + s)
            XCTAssertNotNil(base.sheet)
            var alts = [(Self.xlsFixtures + "/\(stem).xls", true), (Self.odsDocxFixtures + "/\(stem).ods", true)]
            for kind in ["pydocx", "split", "lo"] { alts.append((Self.odsDocxFixtures + "/\(stem).\(kind).docx", false)) }
            for (path, spreadsheet) in alts where FileManager.default.fileExists(atPath: path) {
                let (form, _) = try pipeline.read(path)
                let name = (path as NSString).lastPathComponent
                if spreadsheet {
                    XCTAssertEqual(form.sheet, base.sheet, name)
                } else {
                    let json = try JSONSerialization.jsonObject(with: Data(form.json.serialized().utf8)) as? [String: Any]
                    let source = json?["source"] as? [String: Any]
                    XCTAssertTrue(source?["sheet"] is NSNull, "\(name): source.sheet is null for Word")
                }
                // Word rows are the table's: the header's row tells the offset to the sheet's.
                let shift = base.layout.headerTop - form.layout.headerTop
                // python-docx files carry the title and 参评单位 as paragraphs above the table.
                if !spreadsheet && !path.hasSuffix(".lo.docx") { XCTAssertGreaterThan(shift, 0, name) }
                var want = shape(base, shift: 0, hiddenColumns: spreadsheet)
                var got = shape(form, shift: shift, hiddenColumns: spreadsheet)
                // LibreOffice writes SUM(#REF!) to .xls as =#N/A: the same finding, another formula text.
                if path.hasSuffix(".xls") { want = want.filter { !$0.contains("cell.error-value") }; got = got.filter { !$0.contains("cell.error-value") } }
                XCTAssertEqual(got, want, name)
                compared += 1
            }
            // WPS's .et is the same BIFF8: a copy named .et reads the same.
            let xls = Self.xlsFixtures + "/\(stem).xls"
            if FileManager.default.fileExists(atPath: xls) {
                let dir = try Scratch.directory()
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let et = dir + "/\(stem).et"
                try FileManager.default.copyItem(atPath: xls, toPath: et)
                XCTAssertEqual(try InputFile.kind(of: et), .xls)
                let (form, _) = try pipeline.read(et)
                XCTAssertEqual(shape(form, shift: 0), shape(try pipeline.read(xls).0, shift: 0), "\(stem).et")
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 45, "9 samples × .xls, .ods and three Word variants")
    }

    func testFixAndSummaryTakeEveryFormat() throws {
        let dir = try Scratch.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = Pipeline(store: try Repo.store())
        let inputs = [Self.xlsFixtures + "/003-yingji-2021.xls", Self.odsDocxFixtures + "/004-shengtai-2023.ods",
                      Self.odsDocxFixtures + "/002-jiaotong-2019.pydocx.docx"]
        let job = FixJob(inputs: inputs, output: dir + "/out/", pipeline: pipeline)
        for r in job.run(try job.plan()) {
            XCTAssertLessThan(r.code, 2, r.lines.joined(separator: "\n"))
            let out = try XCTUnwrap(r.output)
            XCTAssertEqual(try InputFile.kind(of: out), .xlsx)
            let (back, _) = try pipeline.read(out)
            let (orig, _) = try pipeline.read(r.file)
            XCTAssertEqual(back.items.map(\.code), orig.items.map(\.code), r.file)
        }
        let evaluated = [Self.xlsFixtures + "/004-shengtai-2023-evaluated.xls", Self.odsDocxFixtures + "/003-yingji-2021-evaluated.ods",
                         Self.odsDocxFixtures + "/000-chengguan-2024-evaluated.pydocx.docx"]
        let summary = try SummaryJob(inputs: evaluated, output: dir + "/sum.xlsx", store: try Repo.store()).run()
        XCTAssertEqual(summary.units.count, 3)
        XCTAssertTrue(summary.units.allSatisfy { $0.score.evaluated }, "\(summary.units.map(\.unit))")
    }

    func testRefusalsSayWhatToSaveAs() throws {
        let dir = try Scratch.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // An old Word .doc: a compound file with a WordDocument stream (written here by LibreOffice when present).
        let cases: [(String, [UInt8], String)] = [
            ("a.pdf", Array("%PDF-1.4\n%âãÏÓ\n".utf8), "PDF"),
            ("b.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46], "图片"),
        ]
        for (name, bytes, word) in cases {
            let p = dir + "/" + name
            FileManager.default.createFile(atPath: p, contents: Data(bytes))
            XCTAssertThrowsError(try Pipeline(store: try Repo.store()).read(p)) { e in
                XCTAssertTrue(describe(e).contains(word), describe(e))
                XCTAssertFalse(describe(e).contains("\n"))
            }
        }
    }
}
