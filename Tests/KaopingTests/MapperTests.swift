import Foundation
import KaopingJobs
import XCTest

// MARK: - The six sample workbooks against their expected forms

final class FixtureTests: XCTestCase {
    static let names = ["000-chengguan-2024", "001-guoziwei-2024", "002-jiaotong-2019", "003-yingji-2021",
                        "004-shengtai-2023", "004-shengtai-2023-evaluated"]

    func testSamplesArePresent() throws {
        for n in FixtureTests.names {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(Repo.samples)/\(n).xlsx"), n)
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(Repo.samples)/\(n).expected.json"), n)
        }
    }

    func test000Chengguan2024() throws { try compare("000-chengguan-2024") }
    func test001Guoziwei2024() throws { try compare("001-guoziwei-2024") }
    func test002Jiaotong2019() throws { try compare("002-jiaotong-2019") }
    func test003Yingji2021() throws { try compare("003-yingji-2021") }
    func test004Shengtai2023() throws { try compare("004-shengtai-2023") }
    func test004Shengtai2023Evaluated() throws { try compare("004-shengtai-2023-evaluated") }

    /// The form as JSON, parsed back with Foundation (the contract's output, not the model).
    static func actualJSON(_ name: String) throws -> [String: Any] {
        let (form, _) = try Pipeline(store: Repo.store()).read("\(Repo.samples)/\(name).xlsx")
        let text = form.json.serialized()
        let obj = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(obj as? [String: Any], "form.json is not an object")
    }

    static func expectedJSON(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(Repo.samples)/\(name).expected.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func compare(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let a = try FixtureTests.actualJSON(name)
        let e = try FixtureTests.expectedJSON(name)
        let diffs = JSONDiff.forms(a, e)
        XCTAssertTrue(diffs.isEmpty, "\(name): \(diffs.count) differences:\n" + diffs.prefix(40).joined(separator: "\n"),
                      file: file, line: line)
        // The comparison itself must see something: sections and items exist on both sides.
        let items = ((e["sections"] as? [[String: Any]]) ?? []).flatMap { ($0["groups"] as? [[String: Any]]) ?? [] }
            .flatMap { ($0["indicators"] as? [[String: Any]]) ?? [] }.flatMap { ($0["items"] as? [[String: Any]]) ?? [] }
        XCTAssertGreaterThan(items.count, 10, "\(name): expected file holds too few items to be a real comparison")
    }

    func testJSONDiffNoticesAChange() throws {
        // The comparer must be able to fail: change one weight, one name, one text.
        let name = "000-chengguan-2024"
        let a = try FixtureTests.actualJSON(name)
        var e = try FixtureTests.expectedJSON(name)
        XCTAssertEqual(JSONDiff.forms(a, e), [])
        var sections = e["sections"] as! [[String: Any]]
        var groups = sections[0]["groups"] as! [[String: Any]]
        var inds = groups[0]["indicators"] as! [[String: Any]]
        var items = inds[0]["items"] as! [[String: Any]]
        items[0]["weight"] = 99
        items[0]["persons"] = ["某人"]
        items[1]["text"] = "别的内容"
        inds[0]["items"] = items; groups[0]["indicators"] = inds; sections[0]["groups"] = groups; e["sections"] = sections
        e["year"] = 2020
        let diffs = JSONDiff.forms(a, e)
        XCTAssertEqual(diffs.count, 4, diffs.joined(separator: "\n"))
    }
}

/// Compares two `kaoping.form/1` objects field by field, as scripts/compare.py does.
enum JSONDiff {
    static func ws(_ v: Any?) -> Any? {
        guard let s = v as? String else { return v }
        return s.unicodeScalars.filter { !$0.properties.isWhitespace }.map(String.init).joined()
    }

    static func same(_ x: Any?, _ y: Any?) -> Bool {
        let xn = x is NSNull ? nil : x, yn = y is NSNull ? nil : y
        switch (xn, yn) {
        case (nil, nil): return true
        case (nil, _), (_, nil): return false
        case let (a as String, b as String): return a == b
        case let (a as NSNumber, b as NSNumber): return abs(a.doubleValue - b.doubleValue) < 1e-9
        case let (a as [Any], b as [Any]): return a.count == b.count && zip(a, b).allSatisfy { same($0, $1) }
        case let (a as [String: Any], b as [String: Any]):
            return Set(a.keys) == Set(b.keys) && a.keys.allSatisfy { same(a[$0], b[$0]) }
        default: return false
        }
    }

    static func forms(_ a: [String: Any], _ e: [String: Any]) -> [String] {
        var out: [String] = []
        func cmp(_ path: String, _ x: Any?, _ y: Any?) {
            if !same(x, y) { out.append("\(path): got \(String(describing: x ?? "nil")) want \(String(describing: y ?? "nil"))") }
        }
        func list(_ d: [String: Any], _ k: String) -> [[String: Any]] { (d[k] as? [[String: Any]]) ?? [] }
        for k in ["title", "unit", "year"] { cmp(k, a[k], e[k]) }
        let ta = a["total"] as? [String: Any] ?? [:], te = e["total"] as? [String: Any] ?? [:]
        cmp("total.declaredPoints", ta["declaredPoints"], te["declaredPoints"])
        cmp("total.points", ta["points"], te["points"])
        let sa = list(a, "sections"), se = list(e, "sections")
        cmp("sections.count", sa.count, se.count)
        for (si, (s1, s2)) in zip(sa, se).enumerated() {
            let p = "s\(si)"
            for k in ["kind", "name", "declaredPoints", "points"] { cmp("\(p).\(k)", s1[k], s2[k]) }
            let ga = list(s1, "groups"), ge = list(s2, "groups")
            cmp("\(p).groups.count", ga.count, ge.count)
            for (gi, (g1, g2)) in zip(ga, ge).enumerated() {
                let q = "\(p).g\(gi)"
                for k in ["kind", "name", "declaredPoints", "points"] { cmp("\(q).\(k)", g1[k], g2[k]) }
                let ia = list(g1, "indicators"), ie = list(g2, "indicators")
                cmp("\(q).indicators.count", ia.count, ie.count)
                for (ii, (i1, i2)) in zip(ia, ie).enumerated() {
                    let r = "\(q).i\(ii)(\(i2["code"] ?? "-"))"
                    for k in ["code", "declaredPoints", "points"] { cmp("\(r).\(k)", i1[k], i2[k]) }
                    for k in ["text", "basis"] { cmp("\(r).\(k)", ws(i1[k]), ws(i2[k])) }
                    let xa = list(i1, "items"), xe = list(i2, "items")
                    cmp("\(r).items.count", xa.count, xe.count)
                    for (ti, (t1, t2)) in zip(xa, xe).enumerated() {
                        let t = "\(r).t\(ti)(row \(t2["row"] ?? "-"))"
                        for k in ["code", "weight", "deadline", "leaders", "departments", "persons", "row", "grade", "score"] {
                            cmp("\(t).\(k)", t1[k], t2[k])
                        }
                        for k in ["text", "remark"] { cmp("\(t).\(k)", ws(t1[k]), ws(t2[k])) }
                    }
                }
            }
        }
        return out
    }
}

// MARK: - Layouts the samples lack, built with libxlsxwriter

final class MapperTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func path(_ name: String = #function) -> String {
        dir + "/" + name.filter { $0.isLetter || $0.isNumber } + ".xlsx"
    }

    /// The standard form's content, whatever the layout: 80 + 20 = 100, four functional items, four admin rows.
    func assertStandardContent(_ form: Form, _ p: Placed, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(form.title, "2019年度泉州市测试局绩效目标考评表", file: file, line: line)
        XCTAssertEqual(form.unit, "泉州市测试局", file: file, line: line)
        XCTAssertEqual(form.year, 2019, file: file, line: line)
        XCTAssertEqual(form.sections.map(\.kind), [.functional, .administrative], file: file, line: line)
        guard form.sections.count == 2 else { return }
        let f = form.sections[0], a = form.sections[1]
        XCTAssertEqual(f.name, "职能工作目标", file: file, line: line)
        XCTAssertEqual(f.declaredPoints, 80, file: file, line: line)
        XCTAssertEqual(f.points, 80, file: file, line: line)
        XCTAssertEqual(f.subtotal, 80, file: file, line: line)
        XCTAssertEqual(f.groups.map(\.kind), [.key], file: file, line: line)
        XCTAssertEqual(f.groups.first?.name, "重点工作目标", file: file, line: line)
        let inds = f.groups.flatMap(\.indicators)
        XCTAssertEqual(inds.map(\.code), ["1-1", "1-2"], file: file, line: line)
        XCTAssertEqual(inds.map { $0.items.count }, [2, 2], file: file, line: line)
        XCTAssertEqual(inds.map(\.declaredPoints), [40, 40], file: file, line: line)
        XCTAssertEqual(inds.map(\.points), [40, 40], file: file, line: line)
        XCTAssertEqual(inds.first?.basis, "市政府工作报告（泉政办〔2024〕1号）", file: file, line: line)
        XCTAssertEqual(inds.last?.basis, "抓城建提品质（泉委办〔2024〕13号）", file: file, line: line)
        XCTAssertEqual(inds.first?.text, "推进城市道路提升改造，完善城市功能。（属市委工作要点第3项）（40分）", file: file, line: line)
        XCTAssertEqual(f.items.map(\.code), ["1-1-1", "1-1-2", "1-2-1", "1-2-2"], file: file, line: line)
        XCTAssertEqual(f.items.map(\.text), ["完成主干道路改造10条。", "完成背街小巷整治30条。", "开展市容专项整治行动4次。", "建成口袋公园5个。"], file: file, line: line)
        XCTAssertEqual(f.items.map(\.weight), [20, 20, 20, 20], file: file, line: line)
        XCTAssertEqual(f.items.map(\.row), ["1-1-1", "1-1-2", "1-2-1", "1-2-2"].map { p.row[$0]! }, file: file, line: line)
        XCTAssertEqual(f.items.map(\.leaders), [["陈局长"], ["陈局长"], ["黄局长"], ["黄局长"]], file: file, line: line)
        XCTAssertEqual(f.items.map(\.departments), [["建设科"], ["建设科"], ["市容科"], ["园林科"]], file: file, line: line)
        XCTAssertEqual(f.items.map(\.persons), [["林工"], ["林工"], ["郑工"], ["吴工"]], file: file, line: line)
        XCTAssertEqual(f.items.map(\.deadline), Array(repeating: "12月底前", count: 4), file: file, line: line)
        XCTAssertEqual(a.name, "行政能力目标", file: file, line: line)
        XCTAssertEqual(a.declaredPoints, 20, file: file, line: line)
        XCTAssertEqual(a.points, 20, file: file, line: line)
        let ai = a.groups.flatMap(\.indicators)
        XCTAssertEqual(ai.map(\.code), ["4-1", "4-2", "4-3", "4-4"], file: file, line: line)
        XCTAssertEqual(ai.map(\.text), (1...4).map { "行政能力第\($0)项工作，按规定完成。" }, file: file, line: line)
        XCTAssertEqual(ai.map { $0.items.count }, [1, 1, 1, 1], file: file, line: line)
        XCTAssertEqual(a.items.map(\.text), [nil, nil, nil, nil], file: file, line: line)
        XCTAssertEqual(a.items.map(\.weight), [5, 5, 5, 5], file: file, line: line)
        XCTAssertEqual(a.items.map(\.persons), Array(repeating: ["周主任"], count: 4), file: file, line: line)
        XCTAssertEqual(form.totalDeclared, 100, file: file, line: line)
        XCTAssertEqual(form.totalPoints, 100, file: file, line: line)
        XCTAssertEqual(form.totalCell, p.ref("weight", p.totalRow), file: file, line: line)
        XCTAssertEqual(form.findings("cell.unmapped").map(\.message), [], file: file, line: line)
    }

    func testStandardMergedForm() throws {
        let p = try TFormWriter.write(.standard(), to: path())
        let form = try Read.form(path())
        assertStandardContent(form, p)
        XCTAssertEqual(form.layout.columns[.code], 2)
        XCTAssertEqual(form.layout.columns[.persons], 10)
        XCTAssertEqual(form.sections[0].subtotalCell, p.ref("weight", p.subtotalRows[0]))
        XCTAssertEqual(form.sections[0].subtotalFormula, "SUM(F4:F7)")
        XCTAssertEqual(form.findings.filter { $0.severity != .info }.map(\.rule), [], form.findingsSummary)
        // The signature line is kept as trailer, not lost.
        XCTAssertTrue(form.trailer.contains { $0.text == "单位主要领导：" }, "\(form.trailer)")
    }

    // (a) Merges removed: 一级/文件依据 only on each indicator's first row.
    func testMergesRemovedItemsStayWithTheirIndicator() throws {
        var t = TForm.standard()
        // Names too: written on the first row of each indicator only.
        for k in [0, 1] {
            t.sections[0].groups[0].indicators[k].items[1].leaders = nil
            t.sections[0].groups[0].indicators[k].items[1].departments = nil
            t.sections[0].groups[0].indicators[k].items[1].persons = nil
        }
        var L = TLayout(); L.merges = false
        let p = try TFormWriter.write(t, layout: L, to: path())
        let form = try Read.form(path())
        let inds = form.sections.first?.groups.flatMap(\.indicators) ?? []
        XCTAssertEqual(inds.map(\.code), ["1-1", "1-2"])
        XCTAssertEqual(inds.map { $0.items.map(\.code) }, [["1-1-1", "1-1-2"], ["1-2-1", "1-2-2"]])
        XCTAssertEqual(inds.map(\.basis), ["市政府工作报告（泉政办〔2024〕1号）", "抓城建提品质（泉委办〔2024〕13号）"])
        XCTAssertEqual(inds.map(\.declaredPoints), [40, 40])
        XCTAssertEqual(inds.map(\.points), [40, 40])
        // Inherited from the first row of the same indicator, not from another indicator.
        XCTAssertEqual(form.items.prefix(4).map(\.leaders), [["陈局长"], ["陈局长"], ["黄局长"], ["黄局长"]])
        XCTAssertEqual(form.items.prefix(4).map(\.departments), [["建设科"], ["建设科"], ["市容科"], ["市容科"]])
        XCTAssertEqual(form.items.prefix(4).map(\.persons), [["林工"], ["林工"], ["郑工"], ["郑工"]])
        XCTAssertEqual(form.items.prefix(4).map(\.row), ["1-1-1", "1-1-2", "1-2-1", "1-2-2"].map { p.row[$0]! })
        XCTAssertEqual(form.findings("indicator.missing-text"), [])
        XCTAssertEqual(form.findings("cell.unmapped").map(\.message), [])
        XCTAssertEqual(form.sections.last?.points, 20)
        XCTAssertEqual(form.totalDeclared, 100)
    }

    func testMergesRemovedNamesNotInheritedAcrossIndicators() throws {
        // The second indicator's first row has no names: nothing to inherit from (another indicator's names are not its own).
        var t = TForm.standard()
        t.sections[0].groups[0].indicators[1].items[0].persons = nil
        var L = TLayout(); L.merges = false
        let p = try TFormWriter.write(t, layout: L, to: path())
        let form = try Read.form(path())
        XCTAssertEqual(form.item("1-2-1")?.persons, [])
        XCTAssertEqual(form.item("1-2-2")?.persons, ["吴工"])
        let checked = try Read.checked(path(), template: "2019")
        XCTAssertTrue(checked.cells("item.persons-missing").contains(p.ref("persons", code: "1-2-1")), checked.findingsSummary)
    }

    // (b) The header pasted again mid-table.
    func testHeaderRepeatedMidTableIsSkipped() throws {
        var L = TLayout(); L.repeatHeaderBefore = ["1-2-1", "4-3"]
        let p = try TFormWriter.write(.standard(), layout: L, to: path())
        XCTAssertEqual(p.headerRows.count, 3)
        let form = try Read.form(path())
        assertStandardContent(form, p)
        XCTAssertEqual(form.sections.count, 2, "a repeated header or label opens no new section")
        XCTAssertEqual(form.sections.map { $0.groups.count }, [1, 1])
        XCTAssertEqual(form.items.count, 8)
        // No item on a header row.
        XCTAssertTrue(Set(form.items.map(\.row)).isDisjoint(with: p.headerRows), "\(form.items.map(\.row)) vs \(p.headerRows)")
        XCTAssertEqual(form.findings("code.invalid"), [])
        XCTAssertEqual(form.findings("section.label-repeated"), [])
    }

    // (c) The form on the second sheet, table at C5.
    func testTableAtC5OnSecondSheet() throws {
        var L = TLayout()
        L.sheetName = "考评表"; L.leadingSheets = ["通讯录"]
        L.originRow = 5; L.originCol = 3
        let p = try TFormWriter.write(.standard(), layout: L, to: path())
        XCTAssertEqual(p.headerRows, [5])
        XCTAssertEqual(p.col["project"], 3)
        let form = try Read.form(path())
        XCTAssertEqual(form.sheet, "考评表")
        XCTAssertEqual(form.layout.headerTop, 5)
        XCTAssertEqual(form.layout.columns[.project], 3)
        XCTAssertEqual(form.layout.columns[.code], 4)
        XCTAssertEqual(form.layout.columns[.level1], 6)
        XCTAssertEqual(form.layout.columns[.weight], 8)
        XCTAssertEqual(form.layout.columns[.persons], 12)
        assertStandardContent(form, p)
        XCTAssertEqual(form.item("1-1-1")?.row, 6)
        XCTAssertEqual(form.sections[0].subtotalCell, "H10")
        // The first sheet is not a form by itself.
        XCTAssertThrowsError(try Read.form(path(), sheet: "通讯录")) { e in
            XCTAssertEqual(e as? MapError, .notAForm(file: path(), sheet: "通讯录"))
        }
    }

    // (d) 项目 in one column: section and group labels share it.
    func testProjectOneColumnWithSectionAndGroupLabels() throws {
        var t = TForm.standard()
        t.sections[0].label = "职能工作目标（80分）"
        // A 常规 group with its own label cell in the same column, taking 20 of the 80 points.
        t.sections[0].groups[0].indicators[1].text = "加强市容环境整治，提升城市品质。（20分）"
        t.sections[0].groups[0].indicators[1].items = [
            TItem(code: "1-2-1", text: "开展市容专项整治行动4次。", weight: .num(10), leaders: "黄局长", departments: "市容科", persons: "郑工"),
            TItem(code: "1-2-2", text: "建成口袋公园5个。", weight: .num(10), leaders: "黄局长", departments: "园林科", persons: "吴工"),
        ]
        t.sections[0].groups.append(TGroup(label: "常规工作目标", indicators: [
            TIndicator(basis: "三定方案", text: "做好日常执法工作。（20分）", items: [
                TItem(code: "2-1-1", text: "办结案件100件。", weight: .num(10)),
                TItem(code: "2-1-2", text: "开展执法培训2次。", weight: .num(10)),
            ]),
        ]))
        var L = TLayout(); L.combinedLabels = true
        let p = try TFormWriter.write(t, layout: L, to: path())
        XCTAssertNotNil(p.labelCells["职能工作目标（80分）\n重点工作目标"])
        let form = try Read.form(path())
        XCTAssertEqual(form.sections.map(\.kind), [.functional, .administrative])
        let f = try XCTUnwrap(form.sections.first)
        XCTAssertEqual(f.name, "职能工作目标")
        XCTAssertEqual(f.labelPoints, 80)
        XCTAssertEqual(f.labelCell, "A4")
        XCTAssertEqual(f.groups.map(\.kind), [.key, .routine])
        XCTAssertEqual(f.groups.map(\.name), ["重点工作目标", "常规工作目标"])
        XCTAssertEqual(f.groups.map { $0.indicators.map(\.code) }, [["1-1", "1-2"], ["2-1"]])
        XCTAssertEqual(f.groups.map(\.points), [60, 20])
        XCTAssertEqual(f.groups.last?.labelCell, p.labelCells["常规工作目标"])
        XCTAssertEqual(f.points, 80)
        XCTAssertEqual(form.totalPoints, 100)
        XCTAssertEqual(form.findings("cell.unmapped").map(\.message), [])
    }

    // (e) Two header rows, 目标内容/责任分解 over the sub-labels, 项目 merged over two columns.
    func testTwoHeaderRowsAndTwoProjectColumns() throws {
        var t = TForm.standard()
        t.sections[1].groups[0].label = "科学行政（10分）"
        t.sections[1].groups[0].indicators = Array(t.sections[1].groups[0].indicators.prefix(2))
        t.sections[1].groups.append(TGroup(label: "依法行政（10分）", indicators: [
            TIndicator(basis: nil, text: "依法行政第1项。", items: [TItem(code: "5-1", text: nil, weight: .num(5))]),
            TIndicator(basis: nil, text: "依法行政第2项。", items: [TItem(code: "5-2", text: nil, weight: .num(5))]),
        ]))
        var L = TLayout(); L.headerRows = 2; L.projectColumns = 2
        let p = try TFormWriter.write(t, layout: L, to: path())
        let form = try Read.form(path())
        XCTAssertEqual(form.layout.headerRows, 2)
        XCTAssertEqual(form.layout.projectColumns, 2)
        XCTAssertEqual(form.layout.firstBodyRow, 5)
        XCTAssertEqual(form.layout.columns[.code], 3)
        XCTAssertEqual(form.layout.columns[.level2], 6)
        XCTAssertEqual(form.layout.columns[.weight], 7)
        XCTAssertEqual(form.layout.columns[.persons], 11)
        let f = try XCTUnwrap(form.section(.functional))
        XCTAssertEqual(f.labelCell, "A5")
        XCTAssertEqual(f.groups.map(\.kind), [.key])
        XCTAssertEqual(f.groups.first?.labelCell, "B5")
        XCTAssertEqual(f.items.map(\.code), ["1-1-1", "1-1-2", "1-2-1", "1-2-2"])
        XCTAssertEqual(f.items.map(\.text), ["完成主干道路改造10条。", "完成背街小巷整治30条。", "开展市容专项整治行动4次。", "建成口袋公园5个。"])
        XCTAssertEqual(f.items.map(\.row), [5, 6, 7, 8])
        XCTAssertEqual(f.points, 80)
        let a = try XCTUnwrap(form.section(.administrative))
        XCTAssertEqual(a.groups.map(\.name), ["科学行政", "依法行政"])
        XCTAssertEqual(a.groups.map(\.declaredPoints), [10, 10])
        XCTAssertEqual(a.groups.map { $0.indicators.map(\.code) }, [["4-1", "4-2"], ["5-1", "5-2"]])
        XCTAssertEqual(a.points, 20)
        XCTAssertEqual(form.totalDeclared, 100)
        XCTAssertEqual(form.totalCell, p.ref("weight", p.totalRow))
        XCTAssertEqual(form.findings("cell.unmapped").map(\.message), [])
    }

    func testTwoRowHeaderRepeatedMidTableIsSkipped() throws {
        var L = TLayout(); L.headerRows = 2; L.projectColumns = 2; L.repeatHeaderBefore = ["1-2-1", "4-2"]
        let p = try TFormWriter.write(.standard(), layout: L, to: path())
        XCTAssertEqual(p.headerRows.count, 3)
        let form = try Read.form(path())
        assertStandardContent(form, p)
        XCTAssertEqual(form.layout.headerRows, 2)
        XCTAssertTrue(Set(form.items.map(\.row)).isDisjoint(with: p.headerRows.flatMap { [$0, $0 + 1] }))
    }

    // (f) Hidden rows and a hidden column are read and said.
    func testHiddenRowsAndColumnAreReadAndReported() throws {
        let p = try TFormWriter.write(.standard(), to: path()) { s, p in
            s.hideRow(p.row["1-1-2"]!)
            s.hideRow(p.row["4-2"]!)
            s.hideColumn(p.col["basis"]!)
        }
        let form = try Read.form(path())
        assertStandardContent(form, p)
        let r1 = p.row["1-1-2"]!, r2 = p.row["4-2"]!
        XCTAssertEqual(Set(form.cells("sheet.hidden-row")), ["A\(r1)", "A\(r2)"], form.findingsSummary)
        XCTAssertEqual(form.findings("sheet.hidden-row").map(\.severity), [.info, .info])
        XCTAssertEqual(form.cells("sheet.hidden-column"), ["C3"], form.findingsSummary)
        XCTAssertEqual(form.findings("sheet.hidden-column").first?.severity, .info)
        XCTAssertTrue(form.findings("sheet.hidden-column").first?.message.contains("文件依据") ?? false)
    }

    // (g) Numbers stored as text.
    func testWeightsStoredAsText() throws {
        var t = TForm.standard()
        let ind = 0
        t.sections[0].groups[0].indicators[ind].text = "推进城市道路提升改造。（3.5分）"
        t.sections[0].groups[0].indicators[ind].items[0].weight = .text("2")
        t.sections[0].groups[0].indicators[ind].items[1].weight = .text("1.5分")
        t.sections[0].groups[0].indicators[1].text = "加强市容环境整治。（4分）"
        t.sections[0].groups[0].indicators[1].items[0].weight = .text("２")
        t.sections[0].groups[0].indicators[1].items[1].weight = .num(2)
        t.sections[0].label = "职能工作目标（7.5分）"
        let p = try TFormWriter.write(t, to: path())
        let form = try Read.form(path())
        XCTAssertEqual(form.section(.functional)?.items.map(\.weight), [2, 1.5, 2, 2])
        XCTAssertEqual(form.indicator("1-1")?.points, 3.5)
        XCTAssertEqual(form.indicator("1-1")?.declaredPoints, 3.5)
        XCTAssertEqual(form.indicator("1-2")?.points, 4)
        XCTAssertEqual(form.section(.functional)?.points, 7.5)
        XCTAssertEqual(Set(form.cells("number.as-text")), Set(["1-1-1", "1-1-2", "1-2-1"].map { p.ref("weight", code: $0) }),
                       form.findingsSummary)
        XCTAssertEqual(form.findings("number.as-text").map(\.severity), [.info, .info, .info])
        XCTAssertEqual(form.findings("weight.unparsable"), [])
    }

    func testUnparsableWeightIsAnError() throws {
        var t = TForm.standard()
        t.sections[0].groups[0].indicators[0].items[1].weight = .text("二十")
        let p = try TFormWriter.write(t, to: path())
        let form = try Read.form(path())
        XCTAssertNil(form.item("1-1-2")?.weight)
        XCTAssertEqual(form.cells("weight.unparsable"), [p.ref("weight", code: "1-1-2")])
        XCTAssertEqual(form.findings("weight.unparsable").first?.severity, .error)
    }

    // (h) Names: padded, several, on separate lines.
    func testNamesPaddedSeveralAndOnSeparateLines() throws {
        var t = TForm.standard()
        var items = t.sections[0].groups[0].indicators[0].items
        items[0].persons = "李 昀"
        items[0].leaders = "刘  滨"
        items[0].departments = "建设科　市容科"
        items[1].persons = "张三 李四"
        items[1].leaders = "王五\n赵六"
        items[1].departments = "建设科\n\n园林科"
        t.sections[0].groups[0].indicators[0].items = items
        _ = try TFormWriter.write(t, to: path())
        let form = try Read.form(path())
        XCTAssertEqual(form.item("1-1-1")?.persons, ["李昀"])
        XCTAssertEqual(form.item("1-1-1")?.leaders, ["刘滨"])
        XCTAssertEqual(form.item("1-1-1")?.departments, ["建设科", "市容科"])
        XCTAssertEqual(form.item("1-1-2")?.persons, ["张三", "李四"])
        XCTAssertEqual(form.item("1-1-2")?.leaders, ["王五", "赵六"])
        XCTAssertEqual(form.item("1-1-2")?.departments, ["建设科", "园林科"])
    }

    // (j) Nothing lost: a stray note inside the table is named.
    func testStrayNoteInsideTableIsReported() throws {
        var noteCell = ""
        _ = try TFormWriter.write(.standard(), to: path()) { s, p in
            // Right of 责任人, on an item row: no column role.
            let r = p.row["1-2-1"]!
            s.str(r, p.lastCol + 1, "此项待定")
            noteCell = CellRef.format(row: r, col: p.lastCol + 1)
        }
        let form = try Read.form(path())
        let f = form.findings("cell.unmapped")
        XCTAssertEqual(f.map(\.cell), [noteCell], form.findingsSummary)
        XCTAssertEqual(f.first?.severity, .warning)
        XCTAssertTrue(f.first?.message.contains("此项待定") ?? false, f.first?.message ?? "")
        // The row itself is still read.
        XCTAssertEqual(form.item("1-2-1")?.weight, 20)
    }

    func testStrayNoteOnSubtotalRowIsReported() throws {
        var noteCell = ""
        _ = try TFormWriter.write(.standard(), to: path()) { s, p in
            // The 行政能力 合计 row: its 完成时限 cell has no role on a 合计 row.
            let r = p.subtotalRows[1]
            s.str(r, p.col["deadline"]!, "见附件")
            noteCell = CellRef.format(row: r, col: p.col["deadline"]!)
        }
        let form = try Read.form(path())
        XCTAssertEqual(form.cells("cell.unmapped"), [noteCell], form.findingsSummary)
    }

    func testStrayNoteOnSpacerRowIsReportedAndMakesNoItem() throws {
        var L = TLayout(); L.spacerBefore = ["1-2-1"]
        var noteCell = ""
        let p = try TFormWriter.write(.standard(), layout: L, to: path()) { s, p in
            let r = p.spacerRows[0]
            s.str(r, p.lastCol + 1, "注：本页续上")
            noteCell = CellRef.format(row: r, col: p.lastCol + 1)
        }
        let form = try Read.form(path())
        XCTAssertEqual(form.cells("cell.unmapped"), [noteCell], form.findingsSummary)
        XCTAssertEqual(form.items.count, 8, "a note on a spacer row is no item: \(form.items.map(\.row))")
        XCTAssertFalse(form.items.contains { $0.row == p.spacerRows[0] })
        XCTAssertEqual(form.indicator("1-1")?.items.count, 2)
    }

    func testBlankSpacerRowInsideSectionChangesNothing() throws {
        var L = TLayout(); L.spacerBefore = ["1-2-1", "4-3"]
        let p = try TFormWriter.write(.standard(), layout: L, to: path())
        let form = try Read.form(path())
        assertStandardContent(form, p)
    }

    /// A section label whose merged cell starts on a blank row above the section's first body row
    /// (the label row holds nothing else): no indicator, no item for that row.
    func testLabelOnARowOfItsOwnMakesNoItem() throws {
        var L = TLayout(); L.spacerBefore = ["1-1-1", "4-1"]
        let p = try TFormWriter.write(.standard(), layout: L, to: path())
        XCTAssertEqual(p.labelCells["职能工作目标（80分）"], "A4")
        XCTAssertEqual(p.labelCells["行政能力目标（20分）"], "A\(p.spacerRows[1])")
        let form = try Read.form(path())
        XCTAssertEqual(form.section(.functional)?.groups.flatMap(\.indicators).map(\.code), ["1-1", "1-2"])
        XCTAssertEqual(form.section(.functional)?.groups.map(\.kind), [.key])
        XCTAssertEqual(form.section(.administrative)?.groups.flatMap(\.indicators).map(\.code), ["4-1", "4-2", "4-3", "4-4"])
        XCTAssertEqual(form.items.count, 8)
        XCTAssertFalse(form.items.contains { p.spacerRows.contains($0.row) }, "items on label-only rows: \(form.items.map(\.row))")
        XCTAssertEqual(form.findings("indicator.missing-text"), [], form.findingsSummary)
    }

    // (k) No 考评表 in the workbook.
    func testSheetThatIsNoFormThrowsNotAForm() throws {
        let book = try XBook(path: path())
        let s = try book.sheet("名单")
        s.str(1, 1, "2024年度工作人员名单")
        s.str(2, 1, "序号"); s.str(2, 2, "姓名"); s.str(2, 3, "科室"); s.str(2, 4, "备注")
        for i in 1...5 { s.num(2 + i, 1, Double(i)); s.str(2 + i, 2, "人员\(i)"); s.str(2 + i, 3, "办公室") }
        try book.close()
        XCTAssertThrowsError(try Read.form(path())) { e in
            XCTAssertEqual(e as? MapError, .notAForm(file: path(), sheet: nil))
        }
        XCTAssertThrowsError(try Read.form(path(), sheet: "名单")) { e in
            XCTAssertEqual(e as? MapError, .notAForm(file: path(), sheet: "名单"))
        }
        XCTAssertThrowsError(try Pipeline(store: Repo.store()).read(path())) { e in
            XCTAssertEqual(e as? MapError, .notAForm(file: path(), sheet: nil))
        }
        let wb = try Workbook(path: path())
        XCTAssertNil(FormMapper().map(try wb.load(wb.sheet(named: nil)), file: path()))
    }
}
