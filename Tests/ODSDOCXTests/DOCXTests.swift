import DOCXReader
import Foundation
import KaopingModel
import GridKit
import XLSXReader
import XCTest
import XLSXCore

/// Word tables made from the samples (python-docx, python-docx split, LibreOffice) read like the
/// .xlsx: every visible cell's value and every merge of the table part, rows renumbered from the
/// table's first row (see scripts/gen-format-fixtures-odsdocx.py for the mapping).
final class DOCXSampleTests: XCTestCase {
    /// The python-docx table starts at the first sheet row with three or more visible values.
    func tableStart(_ g: Grid) -> Int {
        let rows = Dictionary(grouping: visibleCells(g), by: \.row)
        return rows.keys.sorted().first { rows[$0]!.count >= 3 } ?? 1
    }

    /// `html`: the LibreOffice route passes through HTML, which collapses runs of spaces.
    func compare(_ x: Grid, _ d: Grid, start: Int, html: Bool = false, _ what: String) {
        func norm(_ s: String) -> String {
            let t = trimEnd(s)
            return html ? t.replacingOccurrences(of: " +", with: " ", options: .regularExpression) : t
        }
        let xs = visibleCells(x).filter { $0.row >= start }
        for c in xs {
            let r = c.row - start + 1
            let got = d.value(r, c.col)
            let ok: Bool
            if case .number(let a)? = c.value, case .number(let b)? = got { ok = abs(a - b) <= 1e-9 * max(1, abs(a)) }
            else { ok = norm(c.value?.text ?? "") == norm(got?.text ?? "") }
            XCTAssertTrue(ok, "\(what) \(c.ref) → row \(r): xlsx \(String(describing: c.value)) docx \(String(describing: got))")
        }
        XCTAssertEqual(d.cells.filter { !$0.isEmpty }.count, xs.count, "\(what): cell count")
        let want = Set(x.merges.filter { $0.top >= start }.map {
            CellRange(top: $0.top - start + 1, left: $0.left, bottom: $0.bottom - start + 1, right: $0.right)
        })
        XCTAssertEqual(Set(d.merges), want, "\(what): merges")
        XCTAssertEqual(d.name, "")
        XCTAssertTrue(d.hiddenRows.isEmpty)
    }

    func testPythonDocxTables() throws {
        XCTAssertGreaterThanOrEqual(Files.sampleNames.count, 9)
        for name in Files.sampleNames {
            let x = try Workbook(path: Files.sample(name + ".xlsx")).loadGrid(0)
            let start = tableStart(x)
            // The rows above the table are the paragraphs above it, cells joined by a tab.
            let above = (1..<start).map { r in visibleCells(x).filter { $0.row == r }.map { $0.value!.text }.joined(separator: "\t") }
                .filter { !$0.isEmpty }
            for variant in ["pydocx", "split"] {
                let doc = try DOCXDocument(path: Files.fixture("\(name).\(variant).docx"))
                // The split table is one table again: its repeated header is dropped, its rows count on.
                XCTAssertEqual(doc.sheetList, [SheetEntry(name: "")], "\(name).\(variant)")
                let d = try doc.loadGrid(0)
                XCTAssertEqual(d.preamble, above, "\(name).\(variant) preamble")
                compare(x, d, start: start, "\(name).\(variant)")
            }
        }
    }

    /// LibreOffice writes the whole sheet, title rows included, as the table: rows are sheet rows.
    func testLibreOfficeTables() throws {
        for name in Files.sampleNames {
            let x = try Workbook(path: Files.sample(name + ".xlsx")).loadGrid(0)
            let doc = try DOCXDocument(path: Files.fixture("\(name).lo.docx"))
            XCTAssertEqual(doc.sheetList.count, 1, name)
            let d = try doc.loadGrid(0)
            XCTAssertEqual(d.preamble, [], name)
            compare(x, d, start: 1, html: true, "\(name).lo")
            // Rows are the sheet's rows, so the mapper makes the same form.
            let fx = FormMapper().map(x, file: name), fd = FormMapper().map(d, file: name)
            XCTAssertNotNil(fd, name)
            XCTAssertEqual(fx.map { json($0, sheet: x.name, word: true) }, fd.map { json($0, sheet: x.name) }, name)
        }
    }

    /// The form's JSON with the sheet name the .xlsx had (a Word table has none). `word`: what a
    /// Word table cannot carry is left out of the .xlsx form: hidden columns and formulas.
    func json(_ f: Form, sheet: String, word: Bool = false) -> String {
        var f = f
        f.sheet = sheet
        if word {
            f.findings.removeAll { $0.rule.hasPrefix("sheet.hidden") }
            for i in f.findings.indices {
                f.findings[i].message = f.findings[i].message.replacingOccurrences(of: "（公式 =[^）]*）", with: "", options: .regularExpression)
            }
        }
        return f.json.serialized()
    }
}
