import CXlsxWriter
import Foundation
import KaopingModel
import KaopingRules

/// Writes the notice the office sends back to a unit (CONTRACT.md "The notice workbook"): the
/// sheet 问题清单, then the corrected official sheet (as `FormWriter` writes it) with each cell the
/// unit must still fix filled (red 错误, amber 警告) and commented. Findings name the unit's own
/// cells; they are placed on the written sheet through `FormWriter.placement(of:)`, and one that
/// has no place there is listed with its original cell (位置 `原表 D28`), not filled.
public struct NoticeWriter {
    public let template: Template
    public init(template: Template) { self.template = template }

    /// Fill colours (0xRRGGBB): Excel's light red and light amber.
    public static let errorFill: UInt32 = 0xFFC7CE
    public static let warningFill: UInt32 = 0xFFEB9C

    /// One line of 问题清单, as written.
    public struct Entry: Sendable {
        public var finding: Finding
        /// The cell in the corrected sheet (A1), nil when it has no place there.
        public var written: String?
        /// Whether the cell is filled and commented: an open error or warning with a place.
        public var marked: Bool
        /// False when the corrected sheet already fixed it (the unit need not).
        public var open: Bool
    }

    /// Writes `form.findings` as the notice. `isOpen` says whether the unit must still fix a
    /// finding (the default: all); info findings are listed, never filled. Atomic, as `writeAtomically`.
    @discardableResult
    public func write(_ form: Form, to path: String, inputs: [String] = [],
                      isOpen: (Finding) -> Bool = { _ in true }) throws -> [Entry] {
        let sheetWriter = FormWriter(template: template)
        let placement = sheetWriter.placement(of: form)
        var entries: [Entry] = []
        var marks: [Int: CellMark] = [:]
        var worst: [Int: Severity] = [:]
        for f in form.findings {
            let at = f.cell.flatMap(placement.written)
            let open = isOpen(f)
            let mark = open && f.severity != .info && at != nil
            entries.append(Entry(finding: f, written: at.map { Placement.a1(row: $0.row, col: $0.col) }, marked: mark, open: open))
            guard mark, let at else { continue }
            let key = at.row << 16 | at.col
            let line = "\(f.severity.chinese)：\(f.message)"
            if var m = marks[key] {
                m.comment += "\n" + line
                if f.severity == .error && worst[key] != .error { m.fill = NoticeWriter.errorFill; worst[key] = .error }
                marks[key] = m
            } else {
                marks[key] = CellMark(row: at.row, col: at.col, fill: f.severity == .error ? NoticeWriter.errorFill : NoticeWriter.warningFill, comment: line)
                worst[key] = f.severity
            }
        }
        let ordered = marks.values.sorted { ($0.row, $0.col) < ($1.row, $1.col) }
        try writeAtomically(to: path, inputs: inputs, constantMemory: true) { wb in
            issues(entries, form: form, sheet: placement.sheet, workbook: wb)
            try sheetWriter.render(sheetWriter.layout(form), form: form, workbook: wb, marks: ordered)
        }
        return entries
    }

    static let headers = ["序号", "位置", "问题", "说明", "严重程度"]
    static let widths: [Double] = [6, 12, 24, 72, 10]

    /// 问题清单: one row per finding, the 位置 a link into the corrected sheet.
    func issues(_ entries: [Entry], form: Form, sheet: String, workbook wb: UnsafeMutablePointer<lxw_workbook>) {
        let ws = workbook_add_worksheet(wb, "问题清单")!
        let size = template.font.bodySize
        func fmt(bold: Bool = false, center: Bool = false, link: Bool = false) -> UnsafeMutablePointer<lxw_format> {
            let x = workbook_add_format(wb)!
            format_set_font_name(x, template.font.body)
            format_set_font_size(x, size)
            format_set_border(x, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_text_wrap(x)
            format_set_align(x, UInt8((center ? LXW_ALIGN_CENTER : LXW_ALIGN_LEFT).rawValue))
            format_set_align(x, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
            if bold { format_set_bold(x); format_set_bg_color(x, 0xD9D9D9) }
            if link { format_set_font_color(x, 0x0563C1); format_set_underline(x, UInt8(LXW_UNDERLINE_SINGLE.rawValue)) }
            return x
        }
        let header = fmt(bold: true, center: true), text = fmt(), center = fmt(center: true), link = fmt(center: true, link: true)
        let w = NoticeWriter.widths
        for (c, h) in NoticeWriter.headers.enumerated() { worksheet_write_string(ws, 0, lxw_col_t(c), h, header) }
        worksheet_set_row(ws, 0, TextMetrics.height(lines: 1, fontSize: size), nil)
        // Excel's sheet references quote a name and double its quotes.
        let quoted = "'" + sheet.replacingOccurrences(of: "'", with: "''") + "'"
        for (i, e) in entries.enumerated() {
            let r = lxw_row_t(i + 1)
            let f = e.finding
            let name = f.catalogued?.name ?? f.rule
            let note = e.open ? f.message : f.message + "（修正表已更正，无需修改）"
            worksheet_write_number(ws, r, 0, Double(i + 1), center)
            if let at = e.written {
                worksheet_write_url_opt(ws, r, 1, "internal:\(quoted)!\(at)", link, at, "转到修正表中的单元格")
            } else {
                worksheet_write_string(ws, r, 1, f.cell.map { "原表 \($0)" } ?? "全表", center)
            }
            worksheet_write_string(ws, r, 2, name, text)
            worksheet_write_string(ws, r, 3, String(note.prefix(32_000)), text)
            worksheet_write_string(ws, r, 4, f.severity.chinese, center)
            let lines = max(TextMetrics.lines(name, width: w[2], fontSize: size), TextMetrics.lines(note, width: w[3], fontSize: size))
            worksheet_set_row(ws, r, min(TextMetrics.height(lines: lines, fontSize: size), 409), nil)
        }
        if entries.isEmpty {
            worksheet_merge_range(ws, 1, 0, 1, 4, "未发现问题，可打印盖章。", center)
        }
        for (c, width) in w.enumerated() { worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), width, nil) }
        worksheet_freeze_panes(ws, 1, 0)
        // Print: A4 landscape at the scale that fits the width, the header on every page.
        let pg = FormWriter.page
        worksheet_set_landscape(ws)
        worksheet_set_paper(ws, 9)
        worksheet_set_print_scale(ws, UInt16(pg.fitScale(columnWidths: w)))
        worksheet_set_margins(ws, pg.left, pg.right, pg.top, pg.bottom)
        worksheet_repeat_rows(ws, 0, 0)
        worksheet_center_horizontally(ws)
        worksheet_set_header(ws, "&C" + String((form.unit ?? form.file).prefix(60)).replacingOccurrences(of: "&", with: "&&") + " 问题清单")
        worksheet_set_footer(ws, "&C第 &P 页 共 &N 页")
        worksheet_print_area(ws, 0, 0, lxw_row_t(max(entries.count, 1)), 4)
        worksheet_activate(ws)
    }
}
