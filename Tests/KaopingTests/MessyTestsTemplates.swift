import Foundation
import KaopingJobs
import XCTest
@testable import KaopingModel

// Issue 11, point 7: a year without a template of its own is checked against the nearest earlier
// template of the same layout family, and a `template.year-fallback` finding names it.

final class MessyTestsTemplates: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func path(_ name: String = #function) -> String { dir + "/" + name.filter { $0.isLetter || $0.isNumber } + ".xlsx" }

    /// The standard two-section form of a year; with `four`, 20 points of 行政能力 split into
    /// 行政能力 (8), 精神文明 (6) and 平安 (6) as the four-section years have it.
    func form(_ year: Int, four: Bool) -> TForm {
        var f = TForm.standard()
        f.title = "\(year)年度泉州市测试局绩效目标考评表"
        guard four else { return f }
        func one(_ code: String, _ text: String, _ w: Double) -> TIndicator {
            TIndicator(basis: nil, text: text, items: [TItem(code: code, text: nil, weight: .num(w))])
        }
        f.sections[1].label = "行政能力目标（8分）"
        f.sections[1].groups[0].indicators = [one("4-1", "行政能力第1项。", 4), one("4-2", "行政能力第2项。", 4)]
        f.sections.append(TSection(label: "精神文明建设成效（6分）", admin: true, groups: [TGroup(label: nil, indicators: [one("5-1", "文明创建。", 6)])]))
        f.sections.append(TSection(label: "平安建设成效（6分）", admin: true, groups: [TGroup(label: nil, indicators: [one("6-1", "平安建设。", 6)])]))
        return f
    }

    func read(_ year: Int, four: Bool, _ name: String = #function) throws -> (Form, String?) {
        try TFormWriter.write(form(year, four: four), to: path(name + "\(year)"))
        let (f, t) = try Pipeline(store: Repo.store()).read(path(name + "\(year)"))
        return (f, t?.name)
    }

    func testYearsWithoutTheirOwnTemplate() throws {
        let cases: [(Int, Bool, String)] = [
            (2020, false, "2019"), (2022, false, "2021"), (2025, false, "2021"),   // two sections
            (2026, true, "2024"), (2025, true, "2024"), (2022, true, "2023"),     // four (none earlier than 2023)
            (2018, false, "2019"),
        ]
        for (year, four, want) in cases {
            let (form, used) = try read(year, four: four)
            XCTAssertEqual(form.year, year)
            XCTAssertEqual(used, want, "\(year) four=\(four)")
            let f = form.findings("template.year-fallback")
            XCTAssertEqual(f.count, 1, "\(year): \(form.findingsSummary)")
            XCTAssertEqual(f.first?.severity, .info)
            XCTAssertTrue(f.first?.message.has("「\(want)」") ?? false, f.first?.message ?? "")
            XCTAssertTrue(f.first?.message.has("\(year)") ?? false)
        }
    }

    func testAYearWithItsOwnTemplateSaysNothing() throws {
        for (year, four) in [(2019, false), (2021, false), (2024, true)] {
            let (form, used) = try read(year, four: four)
            XCTAssertEqual(used, "\(year)")
            XCTAssertTrue(form.findings("template.year-fallback").isEmpty, form.findingsSummary)
        }
    }

    func testANamedTemplateIsNoFallback() throws {
        try TFormWriter.write(form(2022, four: false), to: path())
        let (form, t) = try Pipeline(store: Repo.store()).read(path(), template: "2019")
        XCTAssertEqual(t?.name, "2019")
        XCTAssertTrue(form.findings("template.year-fallback").isEmpty, form.findingsSummary)
    }

    func testTheFallbackChecksAgainstTheTemplateUsed() throws {
        // 2022 two-section against 2021 (70 + 30): the 80 + 20 form is told so.
        let (form, _) = try read(2022, four: false)
        XCTAssertFalse(form.findings("section.template-points").isEmpty, form.findingsSummary)
        XCTAssertTrue(form.findings("section.template-points").contains { $0.message.has("2021") })
    }
}
