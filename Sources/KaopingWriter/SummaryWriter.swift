import CXlsxWriter
import Foundation
import KaopingRules
import XLSXCore

// The score summary of many evaluated 考评表 (issue 5), written with libxlsxwriter:
// 汇总 (one row per unit, live total and rank formulas with cached values), 图表, 明细, 问题清单.

public enum SummaryError: Error, Equatable {
    /// OUT is one of the inputs (or the ratings file): never written over.
    case outputIsInput(String)
    /// No input could be read: nothing written.
    case nothingToSummarise(skipped: Int)
    case writeFailed(file: String, reason: String)
}

/// Reads the inputs, scores them and writes the workbook. The CLI and the tests call this.
public struct SummaryJob {
    public var inputs: [String]
    public var output: String
    public var ratingsFile: String?
    public var store: TemplateStore
    /// Template name forced for every form (default: each form's year).
    public var template: String?

    public init(inputs: [String], output: String, ratingsFile: String? = nil, store: TemplateStore, template: String? = nil) {
        self.inputs = inputs; self.output = output; self.ratingsFile = ratingsFile; self.store = store; self.template = template
    }

    /// The files the job reads: directories expanded. OUT is left out of a folder's listing only
    /// when it is an earlier summary (re-running into the same folder); any other OUT among the
    /// inputs is refused by `run`.
    public var files: [String] {
        summaryInputs(inputs, excluding: SummaryWriter.isSummary(output) ? output : nil)
    }

    /// - Parameters:
    ///   - describe: one line for a person per unreadable file.
    ///   - progress: called before each file (index from 0, count, file) and after it (with the outcome).
    public func run(describe: (Error) -> String = { "\($0)" },
                    progress: (_ index: Int, _ count: Int, _ file: String, _ outcome: String?) -> Void = { _, _, _, _ in }) throws -> Summary {
        let files = self.files
        let out = realPath(output)
        for f in files + inputs + [ratingsFile].compactMap({ $0 }) where realPath(f) == out {
            throw SummaryError.outputIsInput(output)
        }
        // Before reading anything: a device, FIFO, symlink or hard link to an input as OUT.
        try SafeFile.checkOutput(output, inputs: files + [ratingsFile].compactMap { $0 })
        let ratings = try ratingsFile.map(Ratings.read)
        let pipeline = Pipeline(store: store)
        // Read on every core; then add in input order, so "keep the first" stays deterministic.
        let results = readAll(files, pipeline: pipeline, template: template)
        var builder = SummaryBuilder()
        for (i, file) in files.enumerated() {
            progress(i, files.count, file, nil)
            do {
                let (form, tpl) = try results[i].get()
                let before = builder.summary.skipped.count
                builder.add(form: form, template: tpl, file: file)
                if builder.summary.skipped.count > before {
                    progress(i, files.count, file, "跳过：" + builder.summary.skipped.last!.reason)
                } else {
                    let u = builder.summary.units.last!
                    let who = [u.unit, u.year.map { "\($0)年" }].compactMap { $0 }.joined(separator: " ")
                    progress(i, files.count, file, u.score.evaluated
                        ? "\(who)，目标考核得分 \(CellValueText.format(u.score.target))" : "\(who)，未考评（无档次/得分）")
                }
            } catch {
                let reason = describe(error)
                builder.addFailure(file: file, reason: reason)
                progress(i, files.count, file, "跳过：" + reason)
            }
        }
        let summary = builder.finish(ratings: ratings)
        guard !summary.units.isEmpty else { throw SummaryError.nothingToSummarise(skipped: summary.skipped.count) }
        try SummaryWriter.write(summary, to: output)
        return summary
    }
}

/// Reads files concurrently (both cores on the office's machine); results in input order.
public func readAll(_ files: [String], pipeline: Pipeline, template: String?) -> [Result<(Form, Template?), Error>] {
    final class Slots: @unchecked Sendable {
        var items: [Result<(Form, Template?), Error>?]
        init(_ n: Int) { items = Array(repeating: nil, count: n) }
    }
    let slots = Slots(files.count)
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: files.count) { i in
        let r = Result { try pipeline.read(files[i], template: template) }
        lock.lock(); slots.items[i] = r; lock.unlock()
    }
    return slots.items.map { $0! }
}

enum CellValueText {
    static func format(_ d: Double) -> String { CellValue.format(KText.round(d)) }
}

public enum SummaryWriter {
    public static let font = "宋体"

    static let kindNames: [SectionKind: String] = [
        .functional: "职能工作目标", .administrative: "行政能力目标", .civility: "精神文明建设",
        .safety: "平安建设", .other: "其他",
    ]

    /// The 汇总 sheet's header labels, in order, for a summary.
    public static func summaryHeaders(_ s: Summary) -> [String] {
        var h = ["单位", "年度"]
        for k in s.sectionKinds { h += [kindNames[k]! + "分值", kindNames[k]! + "得分"] }
        h.append("目标考核得分")
        h += gradeOrder
        h.append("未评")
        if s.ratings != nil { h += ["领导评价", "公众评议", "正向激励加分", "察访核验扣分", "综合得分"] }
        h += ["名次", "文件"]
        return h
    }

    /// True when the file is a workbook this writer made (sheets 汇总 … 问题清单).
    public static func isSummary(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path), let wb = try? Workbook(path: path) else { return false }
        let names = wb.sheets.map(\.name)
        return names.first == "汇总" && names.contains("问题清单")
    }

    /// Writes to a temporary file beside OUT, then renames it over OUT; never leaves a partial file.
    public static func write(_ summary: Summary, to output: String) throws {
        let url = URL(fileURLWithPath: output)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw SummaryError.writeFailed(file: output, reason: "目录 \(dir) 不存在")
        }
        guard access(dir, W_OK) == 0 else { throw SummaryError.writeFailed(file: output, reason: "目录 \(dir) 不可写") }
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDir), isDir.boolValue {
            throw SummaryError.writeFailed(file: output, reason: "这是一个目录")
        }
        do {
            try writeAtomically(to: output) { wb in try build(summary, workbook: wb) }
        } catch let e as WriteError {
            switch e {
            case .sameAsInput(let p): throw SummaryError.writeFailed(file: p, reason: "不能覆盖输入文件")
            case .libxlsxwriter(_, let r), .rename(_, let r): throw SummaryError.writeFailed(file: output, reason: r)
            }
        }
    }

    static func build(_ s: Summary, workbook wb: UnsafeMutablePointer<lxw_workbook>) throws {
        let fmt = Formats(wb)

        // 汇总
        let ws = workbook_add_worksheet(wb, "汇总")!
        let chartSheet = workbook_add_worksheet(wb, "图表")!
        let detail = workbook_add_worksheet(wb, "明细")!
        let issues = workbook_add_worksheet(wb, "问题清单")!

        let headers = summaryHeaders(s)
        for (c, h) in headers.enumerated() { str(ws, 0, c, h, fmt.header) }
        let kinds = s.sectionKinds
        let scoreCol: [SectionKind: Int] = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, 3 + 2 * $0) })
        let targetCol = 2 + 2 * kinds.count
        let gradeCol = targetCol + 1
        let ratingCol = gradeCol + gradeOrder.count + 1
        let compositeCol = ratingCol + 4
        let rankCol = s.ratings != nil ? compositeCol + 1 : ratingCol
        let rankedCol = s.ratings != nil ? compositeCol : targetCol
        let first = 1, last = s.units.count   // 0-based rows of the data
        let L = CellRef.letters
        for (i, u) in s.units.enumerated() {
            let r = first + i
            let excel = r + 1
            str(ws, r, 0, u.unit, fmt.text)
            if let y = u.year { num(ws, r, 1, Double(y), fmt.int) } else { blank(ws, r, 1, fmt.int) }
            for k in kinds {
                let c = scoreCol[k]!
                if let sec = u.score.section(k) {
                    num(ws, r, c - 1, sec.points, fmt.num)
                    if u.score.evaluated { num(ws, r, c, sec.score, fmt.num) } else { blank(ws, r, c, fmt.num) }
                } else {
                    blank(ws, r, c - 1, fmt.num); blank(ws, r, c, fmt.num)
                }
            }
            if u.score.evaluated {
                let cells = kinds.filter { k in u.score.targetSections.contains(k.rawValue) && u.score.section(k) != nil }
                    .map { L(scoreCol[$0]! + 1) + String(excel) }
                formula(ws, r, targetCol, "=SUM(\(cells.joined(separator: ",")))", u.score.target, fmt.total)
            } else {
                blank(ws, r, targetCol, fmt.total)
            }
            for (j, g) in gradeOrder.enumerated() { num(ws, r, gradeCol + j, Double(u.score.gradeCounts[g] ?? 0), fmt.int) }
            num(ws, r, gradeCol + gradeOrder.count, Double(u.score.unscored), fmt.int)
            if s.ratings != nil {
                let vals = [u.rating?.leader, u.rating?.public, u.rating?.bonus, u.rating?.penalty]
                for (j, v) in vals.enumerated() {
                    if let v { num(ws, r, ratingCol + j, v, fmt.num) } else { blank(ws, r, ratingCol + j, fmt.num) }
                }
                if let comp = u.composite {
                    let w = u.score.composite
                    let a = { (c: Int) in L(c + 1) + String(excel) }
                    let f = "=\(a(targetCol))*\(g(w.target))+\(a(ratingCol))*\(g(w.leader))+\(a(ratingCol + 1))*\(g(w.public))"
                        + "+\(a(ratingCol + 2))-\(a(ratingCol + 3))"
                    formula(ws, r, compositeCol, f, comp, fmt.total)
                } else {
                    blank(ws, r, compositeCol, fmt.total)
                }
            }
            if let rank = u.rank {
                let col = L(rankedCol + 1)
                formula(ws, r, rankCol, "=RANK(\(col)\(excel),$\(col)$\(first + 1):$\(col)$\(last + 1))", Double(rank), fmt.int)
            } else {
                blank(ws, r, rankCol, fmt.int)
            }
            str(ws, r, rankCol + 1, u.file, fmt.text)
        }
        worksheet_set_column(ws, 0, 0, 22, nil)
        worksheet_set_column(ws, 1, 1, 8, nil)
        worksheet_set_column(ws, 2, lxw_col_t(rankCol), 12, nil)
        worksheet_set_column(ws, lxw_col_t(gradeCol), lxw_col_t(gradeCol + gradeOrder.count), 6, nil)
        worksheet_set_column(ws, lxw_col_t(rankCol + 1), lxw_col_t(rankCol + 1), 36, nil)
        worksheet_set_row(ws, 0, 30, nil)
        table(ws, lastRow: last, lastCol: headers.count - 1, freezeCols: 1, title: "绩效目标考评得分汇总")
        // The 文件 column is for the screen; the printed table stops at 名次.
        worksheet_print_area(ws, 0, 0, lxw_row_t(max(last, 1)), lxw_col_t(rankCol))

        // 图表: 目标考核得分 by unit.
        let chart = workbook_add_chart(wb, UInt8(LXW_CHART_COLUMN.rawValue))!
        let series = chart_add_series(chart, nil, nil)!
        chart_series_set_categories(series, "汇总", lxw_row_t(first), 0, lxw_row_t(last), 0)
        chart_series_set_values(series, "汇总", lxw_row_t(first), lxw_col_t(targetCol), lxw_row_t(last), lxw_col_t(targetCol))
        chart_series_set_labels(series)
        let fontName = strdup(font)!
        defer { free(fontName) }
        var titleFont = lxw_chart_font(); titleFont.name = fontName; titleFont.size = 14; titleFont.bold = 1
        var axisFont = lxw_chart_font(); axisFont.name = fontName; axisFont.size = 9
        chart_title_set_name(chart, "目标考核得分")
        chart_title_set_name_font(chart, &titleFont)
        chart_axis_set_num_font(chart.pointee.x_axis, &axisFont)
        chart_axis_set_num_font(chart.pointee.y_axis, &axisFont)
        chart_axis_set_name(chart.pointee.y_axis, "得分")
        chart_axis_set_name_font(chart.pointee.y_axis, &axisFont)
        chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_NONE.rawValue))
        var opts = lxw_chart_options()
        opts.x_scale = max(1.5, Double(s.units.count) * 0.12)
        opts.y_scale = 1.6
        worksheet_insert_chart_opt(chartSheet, 1, 1, chart, &opts)
        worksheet_set_landscape(chartSheet)
        worksheet_fit_to_pages(chartSheet, 1, 1)

        // 明细
        let dh = ["单位", "部分", "序号", "一级指标", "二级指标", "权重", "档次", "得分", "计算得分", "行"]
        for (c, h) in dh.enumerated() { str(detail, 0, c, h, fmt.header) }
        var r = 1
        for u in s.units {
            for it in u.score.items {
                str(detail, r, 0, u.unit, fmt.text)
                str(detail, r, 1, it.section, fmt.text)
                optStr(detail, r, 2, it.code, fmt.text)
                str(detail, r, 3, it.indicator, fmt.text)
                optStr(detail, r, 4, it.text, fmt.text)
                optNum(detail, r, 5, it.weight, fmt.num)
                optStr(detail, r, 6, it.grade, fmt.center)
                optNum(detail, r, 7, it.score, fmt.num)
                optNum(detail, r, 8, it.computed, fmt.num)
                num(detail, r, 9, Double(it.row), fmt.int)
                r += 1
            }
        }
        worksheet_set_column(detail, 0, 1, 18, nil)
        worksheet_set_column(detail, 2, 2, 9, nil)
        worksheet_set_column(detail, 3, 4, 48, nil)
        worksheet_set_column(detail, 5, 9, 8, nil)
        table(detail, lastRow: r - 1, lastCol: dh.count - 1, freezeCols: 0, title: "考评得分明细")

        // 问题清单
        let ih = ["文件", "单位", "规则", "单元格", "严重程度", "说明"]
        for (c, h) in ih.enumerated() { str(issues, 0, c, h, fmt.header) }
        for (i, e) in s.issues.enumerated() {
            let r = i + 1
            str(issues, r, 0, e.file, fmt.text)
            optStr(issues, r, 1, e.unit, fmt.text)
            str(issues, r, 2, e.finding.rule, fmt.text)
            optStr(issues, r, 3, e.finding.cell, fmt.center)
            let sev = e.finding.severity == .error ? "错误" : e.finding.severity == .warning ? "警告" : "提示"
            str(issues, r, 4, sev, fmt.center)
            str(issues, r, 5, e.finding.message, fmt.text)
        }
        worksheet_set_column(issues, 0, 0, 36, nil)
        worksheet_set_column(issues, 1, 1, 18, nil)
        worksheet_set_column(issues, 2, 2, 24, nil)
        worksheet_set_column(issues, 3, 4, 9, nil)
        worksheet_set_column(issues, 5, 5, 80, nil)
        table(issues, lastRow: max(s.issues.count, 1), lastCol: ih.count - 1, freezeCols: 0, title: "问题清单")
    }

    /// A number for a formula: `0.6`, `1`.
    static func g(_ d: Double) -> String { CellValue.format(d) }

    /// Frozen header, autofilter, landscape A4, fit to width, header row repeated on every page.
    static func table(_ ws: UnsafeMutablePointer<lxw_worksheet>, lastRow: Int, lastCol: Int, freezeCols: Int, title: String) {
        worksheet_freeze_panes(ws, 1, lxw_col_t(freezeCols))
        worksheet_autofilter(ws, 0, 0, lxw_row_t(max(lastRow, 1)), lxw_col_t(lastCol))
        worksheet_set_landscape(ws)
        worksheet_set_paper(ws, 9)
        worksheet_fit_to_pages(ws, 1, 0)
        worksheet_repeat_rows(ws, 0, 0)
        worksheet_set_header(ws, "&C&\"\(font),Bold\"&14\(title)")
        worksheet_set_footer(ws, "&C第 &P 页，共 &N 页")
    }

    final class Formats {
        let header, text, center, num, int, total: UnsafeMutablePointer<lxw_format>
        init(_ wb: UnsafeMutablePointer<lxw_workbook>) {
            func make(_ body: (UnsafeMutablePointer<lxw_format>) -> Void) -> UnsafeMutablePointer<lxw_format> {
                let f = workbook_add_format(wb)!
                format_set_font_name(f, SummaryWriter.font)
                format_set_font_size(f, 11)
                format_set_border(f, UInt8(LXW_BORDER_THIN.rawValue))
                format_set_align(f, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
                body(f)
                return f
            }
            header = make {
                format_set_bold($0); format_set_text_wrap($0)
                format_set_align($0, UInt8(LXW_ALIGN_CENTER.rawValue)); format_set_bg_color($0, 0xD9E1F2)
            }
            text = make { _ in }
            center = make { format_set_align($0, UInt8(LXW_ALIGN_CENTER.rawValue)) }
            num = make { format_set_num_format($0, "0.00##") }
            int = make { format_set_num_format($0, "0"); format_set_align($0, UInt8(LXW_ALIGN_CENTER.rawValue)) }
            total = make { format_set_num_format($0, "0.00##"); format_set_bold($0) }
        }
    }

    static func str(_ ws: UnsafeMutablePointer<lxw_worksheet>, _ r: Int, _ c: Int, _ s: String, _ f: UnsafeMutablePointer<lxw_format>?) {
        if s.isEmpty { blank(ws, r, c, f); return }
        worksheet_write_string(ws, lxw_row_t(r), lxw_col_t(c), s, f)
    }
    static func optStr(_ ws: UnsafeMutablePointer<lxw_worksheet>, _ r: Int, _ c: Int, _ s: String?, _ f: UnsafeMutablePointer<lxw_format>?) {
        if let s { str(ws, r, c, s, f) } else { blank(ws, r, c, f) }
    }
    static func num(_ ws: UnsafeMutablePointer<lxw_worksheet>, _ r: Int, _ c: Int, _ d: Double, _ f: UnsafeMutablePointer<lxw_format>?) {
        worksheet_write_number(ws, lxw_row_t(r), lxw_col_t(c), KText.round(d), f)
    }
    static func optNum(_ ws: UnsafeMutablePointer<lxw_worksheet>, _ r: Int, _ c: Int, _ d: Double?, _ f: UnsafeMutablePointer<lxw_format>?) {
        if let d { num(ws, r, c, d, f) } else { blank(ws, r, c, f) }
    }
    static func blank(_ ws: UnsafeMutablePointer<lxw_worksheet>, _ r: Int, _ c: Int, _ f: UnsafeMutablePointer<lxw_format>?) {
        worksheet_write_blank(ws, lxw_row_t(r), lxw_col_t(c), f)
    }
    static func formula(_ ws: UnsafeMutablePointer<lxw_worksheet>, _ r: Int, _ c: Int, _ f: String, _ cached: Double, _ fmt: UnsafeMutablePointer<lxw_format>?) {
        worksheet_write_formula_num(ws, lxw_row_t(r), lxw_col_t(c), f, fmt, KText.round(cached))
    }
}
