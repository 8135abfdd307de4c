import Foundation
import KaopingJobs
import KaopingModel
import XCTest

/// The form's JSON written straight from the model (`JSONEmitter`) is the tree writer's, byte
/// for byte: pretty at any level, compact, and streamed in chunks.
final class FormJSONTests: XCTestCase {
    func same(_ form: Form, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let tree = form.json
        XCTAssertEqual(form.jsonBytes(), tree.bytes(), what, file: file, line: line)
        XCTAssertEqual(form.jsonBytes(level: 1), tree.bytes(level: 1), what, file: file, line: line)
        XCTAssertEqual(form.jsonBytes(pretty: false), tree.bytes(pretty: false), what, file: file, line: line)
        var streamed: [UInt8] = [], pieces = 0
        form.streamJSON(chunk: 512) { streamed += $0; pieces += 1 }
        XCTAssertEqual(streamed, tree.bytes(), what, file: file, line: line)
        if streamed.count > 2048 { XCTAssertGreaterThan(pieces, 1, what, file: file, line: line) }
    }

    func testEveryReadableTestFileWritesTheSameJSON() throws {
        let pipeline = Pipeline(store: try Repo.store())
        let root = URL(fileURLWithPath: Repo.samples).deletingLastPathComponent().path
        var files = try FileManager.default.contentsOfDirectory(atPath: Repo.samples).map { Repo.samples + "/" + $0 }
        for d in ["Tests/ODSDOCXTests/Fixtures", "Tests/XLSReaderTests/Fixtures"] {
            files += ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + d)) ?? []).map { root + "/" + d + "/" + $0 }
        }
        var n = 0
        for f in files.sorted() where [".xlsx", ".xls", ".et", ".ods", ".docx"].contains(where: f.hasSuffix) {
            guard let (form, _) = try? pipeline.read(f) else { continue }
            same(form, f)
            n += 1
        }
        XCTAssertGreaterThan(n, 40)
    }

    func testCornersWriteTheSameJSON() {
        var form = Form(file: "a\"b\\c\n.xlsx", sheet: "")
        same(form, "empty form")
        form.title = "标题\u{1}"; form.year = -2024; form.totalDeclared = .nan
        var s = Section(kind: .functional, name: "职能", label: nil, labelCell: nil, labelPoints: 0.1 + 0.2)
        s.groups.append(Group(kind: nil, name: nil, label: nil, declaredPoints: -0.0, labelCell: nil))
        var g = Group(kind: .key, name: "重点", label: "重点（5分）", declaredPoints: 5, labelCell: "B3")
        var ind = Indicator(code: "1-1", text: "一级", basis: nil, declaredPoints: 123456789012345, row: 4, textCell: "D4")
        var it = Item(row: 4)
        it.leaders = ["张三", "李四"]; it.weight = 0.5; it.score = 1e15; it.grade = "A+"; it.remark = String(repeating: "长", count: 400)
        ind.items.append(it)
        ind.items.append(Item(row: 5))
        g.indicators.append(ind)
        g.indicators.append(Indicator(code: nil, text: "", basis: "依据", declaredPoints: nil, row: 6, textCell: nil))
        s.groups.append(g)
        form.sections.append(s)
        form.sections.append(Section(kind: .administrative, name: "行政", label: nil, labelCell: nil, labelPoints: nil))
        form.findings.append(Finding(.itemWeightMissing, "E5", "缺少权重", code: "1-1-2"))
        form.findings.append(Finding(.ratingsUnmatched, nil, "行", line: 7))
        same(form, "corners")
    }
}
