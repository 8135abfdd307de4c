import CXlsxWriter
import Foundation
import KaopingRules

// The score summary of many evaluated 考评表 (issue 5), written with libxlsxwriter:
// 汇总 (one row per unit, live total and rank formulas with cached values), 图表, 明细, 问题清单.

public enum SummaryError: Error, Equatable {
    /// OUT is one of the inputs (or the ratings file): never written over.
    case outputIsInput(String)
    /// No input could be read: nothing written.
    case nothingToSummarise(skipped: Int)
    case writeFailed(file: String, reason: String)
}

public enum CellValueText {
    public static func format(_ d: Double) -> String { CellValue.format(KText.round(d)) }
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
        let ranks = yearRanks(s)
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
                let cells = kinds.filter { k in u.score.targetSections.contains(k) && u.score.section(k) != nil }
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
            if u.rank != nil, let rank = ranks[i] {
                // Within the unit's year (issue 12): units of different years are not compared.
                let col = L(rankedCol + 1)
                let f = "=COUNTIFS($B$\(first + 1):$B$\(last + 1),B\(excel),$\(col)$\(first + 1):$\(col)$\(last + 1),\">\"&\(col)\(excel))+1"
                formula(ws, r, rankCol, f, Double(rank), fmt.int)
            } else {
                blank(ws, r, rankCol, fmt.int)
            }
            str(ws, r, rankCol + 1, (u.file as NSString).lastPathComponent, fmt.text)
        }
        // One width per column, each set once: overlapping <col> ranges are invalid (issue 12).
        var widths = Array(repeating: 9.0, count: headers.count)
        widths[0] = 20; widths[1] = 6
        for j in 0...gradeOrder.count { widths[gradeCol + j] = 5 }
        widths[rankCol] = 6
        widths[rankCol + 1] = 30
        for (c, w) in widths.enumerated() { worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), w, nil) }
        let headerHeight = headers.enumerated().map { c, h in
            TextMetrics.height(lines: TextMetrics.lines(h, width: widths[c], fontSize: bodySize), fontSize: bodySize)
        }.max() ?? 30
        worksheet_set_row(ws, 0, headerHeight, nil)
        for i in s.units.indices {
            let h = TextMetrics.height(lines: TextMetrics.lines(s.units[i].unit, width: widths[0], fontSize: bodySize), fontSize: bodySize)
            worksheet_set_row(ws, lxw_row_t(first + i), h, nil)
        }
        table(ws, lastRow: last, lastCol: headers.count - 1, freezeCols: 1, title: "绩效目标考评得分汇总", fit: false)
        // Printed at 9 pt or more: the columns a page cannot hold go to the next page, 单位 repeated.
        // The 文件 column is for the screen; the printed table stops at 名次.
        let printed = Array(widths[0...rankCol])
        // A section's 分值 and 得分, and the 档次 counts, stay on one page.
        let keeps = kinds.indices.map { KeepTogether(first: 2 + 2 * $0, last: 3 + 2 * $0) }
            + [KeepTogether(first: gradeCol, last: gradeCol + gradeOrder.count)]
            + (s.ratings != nil ? [KeepTogether(first: ratingCol, last: rankCol)] : [])
        let layout = summaryPages(printed, keeps: keeps)
        worksheet_set_print_scale(ws, UInt16(layout.scale))
        if !layout.breaks.isEmpty {
            // Only then: LibreOffice keeps room for repeated columns on the first page too.
            worksheet_repeat_columns(ws, 0, 0)
            var cols = layout.breaks.map { lxw_col_t($0) } + [0]
            worksheet_set_v_pagebreaks(ws, &cols)
        }
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
        // From 0: an axis starting near the lowest score magnifies small differences (issue 12).
        chart_axis_set_min(chart.pointee.y_axis, 0)
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
        let dw: [Double] = [18, 12, 7, 38, 38, 6, 6, 7, 7, 5]
        for u in s.units {
            for it in u.score.items {
                rowHeight(detail, r, [(u.unit, dw[0]), (it.section, dw[1]), (it.indicator, dw[3]), (it.text ?? "", dw[4])])
                str(detail, r, 0, u.unit, fmt.wrap)
                str(detail, r, 1, it.section, fmt.wrap)
                optStr(detail, r, 2, it.code, fmt.text)
                str(detail, r, 3, it.indicator, fmt.wrap)
                optStr(detail, r, 4, it.text, fmt.wrap)
                optNum(detail, r, 5, it.weight, fmt.num)
                optStr(detail, r, 6, it.grade, fmt.center)
                optNum(detail, r, 7, it.score, fmt.num)
                optNum(detail, r, 8, it.computed, fmt.num)
                num(detail, r, 9, Double(it.row), fmt.int)
                r += 1
            }
        }
        for (c, w) in dw.enumerated() { worksheet_set_column(detail, lxw_col_t(c), lxw_col_t(c), w, nil) }
        worksheet_set_row(detail, 0, TextMetrics.height(lines: 2, fontSize: bodySize), nil)
        table(detail, lastRow: r - 1, lastCol: dh.count - 1, freezeCols: 0, title: "考评得分明细")

        // 问题清单
        let ih = ["文件", "单位", "问题", "单元格", "严重程度", "说明"]
        for (c, h) in ih.enumerated() { str(issues, 0, c, h, fmt.header) }
        let iw: [Double] = [22, 14, 20, 8, 6, 64]
        for (i, e) in s.issues.enumerated() {
            let r = i + 1
            // The file's name: the office sends each unit its own lines, the folders say nothing.
            let file = (e.file as NSString).lastPathComponent
            // The rule's Chinese name from the catalogue: people read 问题, not ids.
            let rule = e.finding.catalogued?.name ?? e.finding.rule
            rowHeight(issues, r, [(file, iw[0]), (e.unit ?? "", iw[1]), (rule, iw[2]), (e.finding.message, iw[5])])
            str(issues, r, 0, file, fmt.wrap)
            optStr(issues, r, 1, e.unit, fmt.wrap)
            str(issues, r, 2, rule, fmt.wrap)
            optStr(issues, r, 3, e.finding.cell ?? e.finding.line.map { "第 \($0) 行" }, fmt.center)
            str(issues, r, 4, e.finding.severity.chinese, fmt.center)
            str(issues, r, 5, e.finding.message, fmt.wrap)
        }
        for (c, w) in iw.enumerated() { worksheet_set_column(issues, lxw_col_t(c), lxw_col_t(c), w, nil) }
        worksheet_set_row(issues, 0, TextMetrics.height(lines: 2, fontSize: bodySize), nil)
        table(issues, lastRow: max(s.issues.count, 1), lastCol: ih.count - 1, freezeCols: 0, title: "问题清单")
    }

    /// The font size of every summary sheet; printed at 82% or more it stays at 9 pt or more.
    static let bodySize = 11.0
    /// The smallest print scale of 汇总 (percent): 11 pt × 82% ≈ 9 pt.
    static let minScale = 82

    /// Print scale and column breaks (0-based columns that begin a page) of 汇总's printed columns:
    /// one page wide when that keeps the text at 9 pt, else pages of columns with 单位 repeated.
    static func summaryPages(_ widths: [Double], keeps: [KeepTogether] = []) -> (scale: Int, breaks: [Int]) {
        let page = PageSetup.a4Landscape
        let fit = page.fitScale(columnWidths: widths)
        if fit >= minScale { return (fit, []) }
        let scale = max(minScale, min(100, fit))
        let pts = widths.map(PageSetup.columnPoints)
        // Columns as rows: a "page" is as wide as the printable width at that scale, 单位 repeated.
        let breaks = Pagination.breaks(heights: pts, repeatRows: 0...0, keeps: keeps,
                                       pageHeight: page.printableWidth * 0.98 * 100 / Double(scale))
        return (scale, breaks)
    }

    /// Ranks by the ranked value within each year (units without a year rank among themselves);
    /// ties share a rank (1, 1, 3). Nil where the unit has no ranked value.
    static func yearRanks(_ s: Summary) -> [Int?] {
        s.units.map { u in
            guard let v = u.rankValue else { return nil }
            return 1 + s.units.filter { $0.year == u.year && ($0.rankValue ?? -.infinity) > v }.count
        }
    }

    /// Sets a row tall enough for its wrapped texts (text, column width) at the body size.
    static func rowHeight(_ ws: UnsafeMutablePointer<lxw_worksheet>, _ r: Int, _ cells: [(String, Double)]) {
        let lines = cells.map { TextMetrics.lines($0.0, width: $0.1, fontSize: bodySize) }.max() ?? 1
        if lines > 1 { worksheet_set_row(ws, lxw_row_t(r), min(409, TextMetrics.height(lines: lines, fontSize: bodySize)), nil) }
    }

    /// A number for a formula: `0.6`, `1`.
    static func g(_ d: Double) -> String { CellValue.format(d) }

    /// Frozen header, autofilter, landscape A4, fit to width, header row repeated on every page.
    static func table(_ ws: UnsafeMutablePointer<lxw_worksheet>, lastRow: Int, lastCol: Int, freezeCols: Int, title: String, fit: Bool = true) {
        worksheet_freeze_panes(ws, 1, lxw_col_t(freezeCols))
        worksheet_autofilter(ws, 0, 0, lxw_row_t(max(lastRow, 1)), lxw_col_t(lastCol))
        worksheet_set_landscape(ws)
        worksheet_set_paper(ws, 9)
        if fit { worksheet_fit_to_pages(ws, 1, 0) }
        // The margins the print scale is computed for (libxlsxwriter's default sides are 0.7 in).
        let pg = PageSetup.a4Landscape
        worksheet_set_margins(ws, pg.left, pg.right, pg.top, pg.bottom)
        worksheet_repeat_rows(ws, 0, 0)
        worksheet_set_header(ws, "&C&\"\(font),Bold\"&14\(title)")
        worksheet_set_footer(ws, "&C第 &P 页，共 &N 页")
    }

    final class Formats {
        let header, text, wrap, center, num, int, total: UnsafeMutablePointer<lxw_format>
        init(_ wb: UnsafeMutablePointer<lxw_workbook>) {
            func make(_ body: (UnsafeMutablePointer<lxw_format>) -> Void) -> UnsafeMutablePointer<lxw_format> {
                let f = workbook_add_format(wb)!
                format_set_font_name(f, SummaryWriter.font)
                format_set_font_size(f, SummaryWriter.bodySize)
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
            wrap = make { format_set_text_wrap($0) }
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
