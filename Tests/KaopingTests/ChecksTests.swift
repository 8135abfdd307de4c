import Foundation
import KaopingJobs
import XCTest

// MARK: - The real anomalies of the samples (see their transcriptionNotes)

final class FixtureFindingTests: XCTestCase {
    func findings(_ name: String) throws -> Form {
        try Pipeline(store: Repo.store()).read("\(Repo.samples)/\(name).xlsx").0
    }

    func assertHas(_ form: Form, _ rule: String, _ cell: String, _ severity: Severity,
                   file: StaticString = #filePath, line: UInt = #line) {
        let hit = form.findings.first { $0.rule == rule && $0.cell == cell }
        XCTAssertNotNil(hit, "no \(rule) at \(cell); findings: \(form.findingsSummary)", file: file, line: line)
        if let hit { XCTAssertEqual(hit.severity, severity, "\(rule)@\(cell)", file: file, line: line) }
    }

    func test000Chengguan() throws {
        let f = try findings("000-chengguan-2024")
        // 1-10-1 （5分） over 2, 1-10-3 （4分） over 1, 1-12-1 （4分） over 2: the merges were lost on page 4.
        assertHas(f, "indicator.points", "D28", .error)
        assertHas(f, "indicator.points", "D30", .error)
        assertHas(f, "indicator.points", "D33", .error)
        XCTAssertEqual(Set(f.cells("indicator.points")), ["D28", "D30", "D33"])
        XCTAssertTrue(f.findings("indicator.points").first { $0.cell == "D28" }?.message.contains("5") ?? false)
        // 二级 text equal to its 一级 text: 1-10-2, 1-11-1, 1-11-2, 1-12-2.
        assertHas(f, "item.same-as-indicator", "E29", .warning)
        XCTAssertEqual(Set(f.cells("item.same-as-indicator")), ["E29", "E31", "E32", "E34"])
        // Four-segment codes 1-9-1-1 / 1-9-1-2.
        assertHas(f, "code.pattern", "B26", .warning)
        XCTAssertEqual(Set(f.cells("code.pattern")), ["B26", "B27"])
        // 精神文明 row 7 prints no 科室责任人.
        assertHas(f, "item.persons-missing", "J65", .error)
        XCTAssertEqual(f.cells("item.persons-missing"), ["J65"])
        // 4-7 printed '全面依法治国市' (typo kept verbatim) against the 2024 template's text.
        assertHas(f, "admin.text-changed", "C51", .error)
        XCTAssertEqual(f.findings("admin.weight-changed"), [])
        XCTAssertEqual(f.findings("total.points"), [])
        XCTAssertEqual(f.findings("section.subtotal"), [])
    }

    func test001Guoziwei() throws {
        let f = try findings("001-guoziwei-2024")
        // Second rows of 1-1, 1-2, 1-5, 1-6 and the seven 从严治党 rows carry no 序号.
        assertHas(f, "code.missing", "C4", .warning)
        XCTAssertEqual(Set(f.cells("code.missing")), Set(["C4", "C6", "C12", "C14"] + (39...45).map { "C\($0)" }))
        XCTAssertEqual(f.findings.filter { $0.severity == .error }.map(\.rule), [], f.findingsSummary)
    }

    func test002Jiaotong() throws {
        let f = try findings("002-jiaotong-2019")
        // 1-15 '文明城市创建工作' in both 一级 and 二级.
        assertHas(f, "item.same-as-indicator", "F39", .warning)
        XCTAssertEqual(f.cells("item.same-as-indicator"), ["F39"])
        XCTAssertEqual(f.findings.filter { $0.severity == .error }.map(\.rule), [], f.findingsSummary)
    }

    func test003Yingji() throws {
        let f = try findings("003-yingji-2021")
        // The score block is full of #REF!.
        assertHas(f, "cell.error-value", "D76", .error)
        assertHas(f, "cell.error-value", "F77", .error)
        XCTAssertEqual(Set(f.cells("cell.error-value")), ["D76", "D77", "D78", "F77", "F78", "F79", "F80", "F81", "F82"])
        XCTAssertTrue(f.findings("cell.error-value").first { $0.cell == "D76" }?.message.contains("#REF!") ?? false)
        // 动态目标 holds 2 items, 4 points: no dynamic finding.
        XCTAssertEqual(f.findings.filter { $0.rule.hasPrefix("dynamic.") }, [])
        XCTAssertEqual(f.findings("indicator.points"), [])
    }

    func test004Shengtai() throws {
        for name in ["004-shengtai-2023", "004-shengtai-2023-evaluated"] {
            let f = try findings(name)
            // 2-4-1 has no 二级 cell in the source.
            assertHas(f, "item.text-missing", "F40", .error)
            XCTAssertEqual(f.cells("item.text-missing"), ["F40"], name)
            XCTAssertEqual(f.findings("indicator.points"), [], name)
        }
        let ev = try findings("004-shengtai-2023-evaluated")
        XCTAssertEqual(Set(ev.cells("sheet.hidden-column")), ["L2", "M2"])
    }

    func testNoSampleLosesACell() throws {
        for name in FixtureTests.names {
            let f = try findings(name)
            XCTAssertEqual(f.findings("cell.unmapped").map { "\($0.cell ?? "-") \($0.message)" }, [], name)
        }
    }
}

// MARK: - The office's rules on built forms: each planted error against the same form without it

final class ChecksTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func path(_ name: String) -> String { dir + "/" + name + ".xlsx" }

    /// Writes and checks a form with a named template.
    func check(_ t: TForm, _ L: TLayout = TLayout(), template: String = "2019", name: String = #function) throws -> (Form, Placed) {
        let file = path(name.filter { $0.isLetter || $0.isNumber } + "-\(UUID().uuidString.prefix(6))")
        let p = try TFormWriter.write(t, layout: L, to: file)
        return (try Read.checked(file, template: template), p)
    }

    func testStandardFormHasNoPointsFindings() throws {
        let (f, _) = try check(.standard())
        for rule in ["indicator.points", "section.subtotal", "section.label-points", "section.template-points",
                     "total.points", "total.declared", "total.missing", "code.duplicate", "code.pattern", "code.missing",
                     "item.weight-missing", "item.persons-missing", "cell.unmapped"] {
            XCTAssertEqual(f.findings(rule), [], "\(rule): \(f.findingsSummary)")
        }
    }

    func testIndicatorPointsDisagreeWithWeights() throws {
        var t = TForm.standard()
        t.sections[0].groups[0].indicators[0].text = "推进城市道路提升改造，完善城市功能。（5分）"
        t.sections[0].groups[0].indicators[0].items[0].weight = .num(2)
        t.sections[0].groups[0].indicators[0].items[1].weight = .num(2)
        let (f, p) = try check(t)
        XCTAssertEqual(f.cells("indicator.points"), [p.ref("level1", code: "1-1-1")], f.findingsSummary)
        XCTAssertEqual(f.findings("indicator.points").first?.severity, .error)
        let msg = f.findings("indicator.points").first?.message ?? ""
        XCTAssertTrue(msg.contains("5") && msg.contains("4"), msg)
        // The 合计 (a SUM formula recomputed by the writer's cached value) agrees with the weights: only the label is off.
        XCTAssertEqual(f.cells("section.label-points"), ["A4"], f.findingsSummary)
    }

    func testSubtotalCachedValueDisagrees() throws {
        var t = TForm.standard()
        t.sections[0].subtotalCached = 79
        let (f, p) = try check(t)
        XCTAssertEqual(f.cells("section.subtotal"), [p.ref("weight", p.subtotalRows[0])], f.findingsSummary)
        XCTAssertEqual(f.findings("section.subtotal").first?.severity, .error)
        XCTAssertTrue(f.findings("section.subtotal").first?.message.contains("79") ?? false)
        XCTAssertEqual(f.section(.functional)?.subtotalFormula, "SUM(F4:F7)")
    }

    func testTotalIsNotHundred() throws {
        var t = TForm.standard()
        for k in 0..<4 { t.sections[1].groups[0].indicators[k].items[0].weight = .num(4) }
        t.sections[1].label = "行政能力目标（16分）"
        let (f, p) = try check(t)
        XCTAssertEqual(f.totalPoints, 96)
        XCTAssertEqual(f.cells("total.points"), [p.ref("weight", p.totalRow)], f.findingsSummary)
        XCTAssertEqual(f.findings("total.points").first?.severity, .error)
        XCTAssertTrue(f.findings("total.points").first?.message.contains("96") ?? false)
        XCTAssertEqual(f.findings("total.declared"), [], "the cached total agrees with the sections")
    }

    func testTotalCellDisagreesWithSections() throws {
        var t = TForm.standard()
        t.totalCached = 90
        let (f, p) = try check(t)
        XCTAssertEqual(f.cells("total.declared"), [p.ref("weight", p.totalRow)], f.findingsSummary)
        XCTAssertEqual(f.findings("total.points"), [])
    }

    func testDuplicatedCode() throws {
        var t = TForm.standard()
        t.sections[0].groups[0].indicators[1].items[1].code = "1-2-1"
        let (f, p) = try check(t)
        let second = p.itemRows[3]
        XCTAssertEqual(f.cells("code.duplicate"), [p.ref("code", second)], f.findingsSummary)
        XCTAssertEqual(f.findings("code.duplicate").first?.severity, .error)
        XCTAssertTrue(f.findings("code.duplicate").first?.message.contains("第 \(p.itemRows[2]) 行") ?? false)
    }

    /// The 2024 template's 行政能力 rows, as the office fixes them.
    func adminForm2024(changeWeightOf code: String?) throws -> TForm {
        let tpl = try Repo.store().named("2024")
        let fixed = try XCTUnwrap(tpl.section(.administrative)?.fixedItems)
        var t = TForm.standard()
        t.title = "2024年度泉州市测试局绩效目标考评表"
        t.sections[1].label = "行政能力目标（\(CellValue.format(fixed.reduce(0) { $0 + $1.weight }))分）"
        t.sections[1].groups[0].indicators = fixed.map { fi in
            TIndicator(basis: nil, text: fi.text, items: [
                TItem(code: fi.code, text: nil, weight: .num(fi.code == code ? fi.weight + 1 : fi.weight),
                      deadline: "12月", leaders: "刘副局长", departments: "办公室", persons: "周主任")])
        }
        return t
    }

    func testAdminWeightChanged2024() throws {
        let (clean, _) = try check(adminForm2024(changeWeightOf: nil), template: "2024", name: "adminClean")
        XCTAssertEqual(clean.findings.filter { $0.rule.hasPrefix("admin.") }, [], clean.findingsSummary)
        let (f, p) = try check(adminForm2024(changeWeightOf: "4-3"), template: "2024")
        XCTAssertEqual(f.cells("admin.weight-changed"), [p.ref("weight", code: "4-3")], f.findingsSummary)
        XCTAssertEqual(f.findings("admin.weight-changed").first?.severity, .error)
        XCTAssertEqual(f.findings("admin.text-changed"), [])
        XCTAssertEqual(f.findings("admin.missing"), [])
    }

    func dynamicForm(items: Int) -> TForm {
        var t = TForm.standard()
        t.sections[0].groups[0].indicators[1].text = "加强市容环境整治，提升城市品质。（35分）"
        t.sections[0].groups[0].indicators[1].items[1].weight = .num(15)
        let dyn = (1...items).map { n in
            TItem(code: "3-1-\(n)", text: "完成市领导交办的第\(n)项任务。", weight: .num(5.0 / Double(items)))
        }
        t.sections[0].groups.append(TGroup(label: "动态工作目标", indicators: [
            TIndicator(basis: "市领导批示", text: "完成交办任务。（5分）", items: dyn),
        ]))
        return t
    }

    func testDynamicGroupWithOneItem() throws {
        var L = TLayout(); L.projectColumns = 2
        let (clean, _) = try check(dynamicForm(items: 2), L, name: "dynClean")
        XCTAssertEqual(clean.section(.functional)?.groups.map(\.kind), [.key, .dynamic])
        XCTAssertEqual(clean.findings.filter { $0.rule.hasPrefix("dynamic.") }, [], clean.findingsSummary)
        let (f, p) = try check(dynamicForm(items: 1), L)
        XCTAssertEqual(f.section(.functional)?.groups.map(\.kind), [.key, .dynamic])
        XCTAssertEqual(f.section(.functional)?.points, 80)
        let label = try XCTUnwrap(p.labelCells["动态工作目标"])
        XCTAssertEqual(f.cells("dynamic.too-few-items"), [label], f.findingsSummary)
        XCTAssertEqual(f.findings("dynamic.too-few-items").first?.severity, .error)
        XCTAssertTrue(f.findings("dynamic.too-few-items").first?.message.contains("5") ?? false)
    }

    func testNumbersAsTextAreInfoNotErrors() throws {
        var t = TForm.standard()
        t.sections[0].groups[0].indicators[0].items[0].weight = .text("20")
        t.sections[0].groups[0].indicators[0].items[1].weight = .text("２０分")
        let (f, p) = try check(t)
        XCTAssertEqual(Set(f.cells("number.as-text")), [p.ref("weight", code: "1-1-1"), p.ref("weight", code: "1-1-2")])
        XCTAssertEqual(f.findings("indicator.points"), [])
        XCTAssertEqual(f.findings("item.weight-missing"), [])
        XCTAssertEqual(f.totalPoints, 100)
    }
}
