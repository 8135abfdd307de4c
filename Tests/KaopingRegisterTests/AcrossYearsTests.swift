import Foundation
import KaopingJobs
import XCTest

/// Point 6 of issue 14: what a unit copied from last year, found at import.
final class AcrossYearsTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try RegFix.scratch("years") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func testCopiedItemsAndLastYearsDeadlines() throws {
        let y2024 = RegFix.sample("000-chengguan-2024.xlsx")
        // Last year's sheet: the same sheet under a 2023 title, one item's text different.
        let y2023 = dir + "/2023年度考评表.xlsx"
        try RegFix.editStrings(y2024, y2023, [("2024年度泉州市直", "2023年度泉州市直"),
                                              ("完成中心城区环卫专项规划修编前期工作。", "完成中心城区环卫专项规划修编。")])
        // This year's copy that still names last year in its deadlines.
        let stale = dir + "/2024年度考评表(未改时限).xlsx"
        try RegFix.editStrings(y2024, stale, [("12月底前", "2023年12月底前")])

        let reg = try Register(path: dir + "/kaoping.db")
        let first = try RegFix.importFiles([y2023], into: reg)
        XCTAssertEqual(first[0].submission?.year, 2023)
        XCTAssertEqual(try reg.findings(submission: first[0].submission!.id).filter { $0.rule.hasPrefix("item.same-as-last") }.count, 0,
                       "no year before 2023 in the register")

        let out = try RegFix.importFiles([y2024, stale], into: reg)
        let (form, _) = try Pipeline(store: RegFix.store).read(y2024)
        let functional = form.sections.filter { $0.kind != .administrative && $0.kind != .civility && $0.kind != .safety }
            .flatMap { $0.groups.flatMap { $0.indicators.flatMap { ind in ind.items.map { (ind, $0) } } } }
        let same = try reg.findings(submission: out[0].submission!.id).filter { $0.rule == "item.same-as-last-year" }
        // Every functional item but the one whose text changed (1-1-2, row 6).
        XCTAssertEqual(same.count, functional.count - 1)
        XCTAssertFalse(same.contains { $0.code == "1-1-2" })
        XCTAssertTrue(same.contains { $0.code == "1-1-1" && $0.cell == "E5" && $0.severity == .info })
        XCTAssertTrue(same.allSatisfy { $0.message.contains("2023 年") })
        XCTAssertEqual(try reg.findings(submission: out[0].submission!.id).filter { $0.rule == "item.deadline-last-year" }.count, 0)

        // The stale copy is round 2 of 2024: every 12月底前 deadline now names 2023.
        XCTAssertEqual(out[1].submission?.round, 2)
        let stored = try reg.findings(submission: out[1].submission!.id)
        let deadlines = stored.filter { $0.rule == "item.deadline-last-year" }
        XCTAssertEqual(deadlines.count, form.items.filter { $0.deadline == "12月底前" }.count)
        XCTAssertTrue(deadlines.allSatisfy { $0.severity == .warning && $0.cell?.hasPrefix("G") == true })
        XCTAssertTrue(deadlines.contains { $0.code == "1-1-1" && $0.cell == "G5" })
        XCTAssertEqual(out[1].submission?.warnings, stored.filter { $0.severity == .warning }.count)

        // And status of 2024 shows them as introduced in round 2.
        let unit = try XCTUnwrap(try StatusJob(register: reg, year: 2024, roster: nil).run().units.first)
        XCTAssertEqual(unit.introduced.filter { $0.rule == "item.deadline-last-year" }.count, deadlines.count)
    }

    func testPastYearInText() {
        let cases: [(String, Int, Int?)] = [("2023年12月", 2024, 2023), ("２０２３年底", 2024, 2023), ("12月底前", 2024, nil),
                                            ("2024年6月", 2024, nil), ("20231231", 2024, nil), ("2010年", 2024, nil)]
        for (text, year, want) in cases {
            var form = Form(file: "x", sheet: "s")
            form.year = year
            var sec = Section(kind: .functional, name: "职能工作目标", label: nil, labelCell: nil, labelPoints: nil)
            var g = Group(kind: .key, name: nil, label: nil, declaredPoints: nil, labelCell: nil)
            var ind = Indicator(code: "1-1", text: "一级", basis: nil, declaredPoints: nil, row: 5, textCell: "D5")
            var it = Item(row: 5); it.code = "1-1-1"; it.deadline = text
            ind.items = [it]; g.indicators = [ind]; sec.groups = [g]; form.sections = [sec]
            form.layout.columns[.deadline] = 7
            let f = AcrossYears.deadlinesNamingPastYears(form, year: year)
            XCTAssertEqual(f.count, want == nil ? 0 : 1, text)
            if let want { XCTAssertTrue(f[0].message.contains("\(want) 年"), f[0].message) }
        }
    }
}
