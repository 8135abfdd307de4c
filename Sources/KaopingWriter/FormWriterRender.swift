import CXlsxWriter
import Foundation
import KaopingModel
import KaopingRules

/// The official sheet drawn with libxlsxwriter from a laid-out plan: cells, merges, formats,
/// row heights, page breaks and print set-up (FormWriter.swift plans; this file draws).
extension FormWriter {
    // MARK: render

    /// The official sheet's name in the workbook: the unit's, cut to Excel's 31 characters.
    static func sheetName(_ form: Form) -> String {
        String((form.unit ?? "考评表").prefix(31)).replacingOccurrences(of: "/", with: "-")
    }

    /// Writes the sheet; `marks` fill cells (top-left of their block, 0-based) and comment them.
    /// Returns the worksheet and the paginated plan, for what a derived workbook adds. The
    /// workbook is in constant-memory mode: rows are written in order and flushed (a 200,000-row
    /// form is written in the memory of one row), and merges are registered on their last row.
    @discardableResult
    func render(_ laidOut: Plan, form: Form, workbook wb: UnsafeMutablePointer<lxw_workbook>,
                marks: [CellMark] = []) throws -> (sheet: UnsafeMutablePointer<lxw_worksheet>, plan: Plan) {
        assert(wb.pointee.options.constant_memory != 0, "render writes row by row, for constant-memory workbooks")
        let (plan, heights) = paginate(laidOut, form)
        let ws = workbook_add_worksheet(wb, FormWriter.sheetName(form))!
        let f = template.font
        func fmt(_ font: String, _ size: Double, bold: Bool = false, border: Bool = true, align: lxw_format_alignments = LXW_ALIGN_CENTER, wrap: Bool = true) -> UnsafeMutablePointer<lxw_format> {
            let x = workbook_add_format(wb)!
            format_set_font_name(x, font)
            format_set_font_size(x, size)
            if bold { format_set_bold(x) }
            if border { format_set_border(x, UInt8(LXW_BORDER_THIN.rawValue)) }
            format_set_align(x, UInt8(align.rawValue))
            format_set_align(x, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
            if wrap { format_set_text_wrap(x) }
            return x
        }
        let styles: [Style: UnsafeMutablePointer<lxw_format>] = [
            .title: fmt(f.title, f.titleSize, bold: true, border: false),
            .unitLine: fmt(f.body, f.bodySize + 2, border: false, align: LXW_ALIGN_LEFT),
            .date: fmt(f.body, f.bodySize + 2, border: false, align: LXW_ALIGN_RIGHT),
            .header: fmt(f.header ?? f.body, f.headerSize ?? f.bodySize, bold: true),
            .body: fmt(f.body, f.bodySize, align: LXW_ALIGN_LEFT),
            .bodyCenter: fmt(f.body, f.bodySize),
            .label: fmt(f.body, f.bodySize, bold: true),
            .number: fmt(f.body, f.bodySize),
            .plain: fmt(f.body, f.bodySize + 1, border: false, align: LXW_ALIGN_LEFT),
            .note: fmt(f.body, f.bodySize, border: false, align: LXW_ALIGN_LEFT),
        ]
        for (i, w) in plan.cols.widths.enumerated() {
            worksheet_set_column(ws, lxw_col_t(i), lxw_col_t(i), w, nil)
        }
        var marked: [Int: CellMark] = [:]
        for m in marks { marked[m.row << 16 | m.col] = m }
        var filled: [String: UnsafeMutablePointer<lxw_format>] = [:]
        func fill(_ style: Style, _ rgb: UInt32) -> UnsafeMutablePointer<lxw_format> {
            let key = "\(style)-\(rgb)"
            if let f = filled[key] { return f }
            let x: UnsafeMutablePointer<lxw_format>
            switch style {
            case .body, .note, .plain, .unitLine: x = fmt(f.body, f.bodySize, align: LXW_ALIGN_LEFT)
            case .header, .label, .title: x = fmt(f.body, f.bodySize, bold: true)
            default: x = fmt(f.body, f.bodySize)
            }
            format_set_bg_color(x, rgb)
            filled[key] = x
            return x
        }
        // Every write is checked: libxlsxwriter refuses (and leaves empty) what it cannot write,
        // and an empty cell would later be blamed on the unit.
        func ok(_ rc: lxw_error, _ b: Block) throws {
            guard rc == LXW_NO_ERROR else {
                throw WriteError.libxlsxwriter(path: "新表 \(cellRef(b.top, b.left))",
                                               reason: "单元格无法写入（\(String(cString: lxw_strerror(rc)))）")
            }
        }
        func style(_ b: Block) -> UnsafeMutablePointer<lxw_format> {
            marked[b.top << 16 | b.left].map { fill(b.style, $0.fill) } ?? styles[b.style]!
        }
        /// A block's value in its first cell.
        func value(_ b: Block, _ st: UnsafeMutablePointer<lxw_format>) throws {
            let row = lxw_row_t(b.top), col = lxw_col_t(b.left)
            if let fo = b.formula, let cached = b.cachedText {
                try ok(worksheet_write_formula_str(ws, row, col, fo, st, cached), b)
            } else if let fo = b.formula {
                try ok(worksheet_write_formula_num(ws, row, col, fo, st, b.number ?? 0), b)
            } else if let n = b.number {
                try ok(worksheet_write_number(ws, row, col, n, st), b)
            } else if let t = b.text, !t.isEmpty {
                try ok(worksheet_write_string(ws, row, col, t, st), b)
            } else {
                try ok(worksheet_write_blank(ws, row, col, st), b)
            }
        }
        func blanks(_ b: Block, row: Int, from: Int, _ st: UnsafeMutablePointer<lxw_format>) throws {
            guard from <= b.right else { return }
            for c in from...b.right { try ok(worksheet_write_blank(ws, lxw_row_t(row), lxw_col_t(c), st), b) }
        }
        // Row by row, as libxlsxwriter's constant-memory mode writes (each row goes to disk when
        // the next begins): a block's value and blanks on its first row; a merge down several rows
        // gets its blanks on each row and is registered on its last (`worksheet_merge_range` then
        // writes only that row: its earlier rows are gone, as intended).
        let order = plan.blocks.indices.sorted { (plan.blocks[$0].top, $0) < (plan.blocks[$1].top, $1) }
        var next = 0, nextItem = 0, nextMark = 0
        let marksInOrder = marks.filter { !$0.comment.isEmpty }.sorted { ($0.row, $0.col) < ($1.row, $1.col) }
        var open: [(block: Block, style: UnsafeMutablePointer<lxw_format>)] = []
        for r in 0..<plan.rowCount {
            try ok(worksheet_set_row(ws, lxw_row_t(r), heights[r], nil), Block(top: r, left: 0, bottom: r, right: 0, style: .plain))
            while next < order.count && plan.blocks[order[next]].top == r {
                let b = plan.blocks[order[next]]
                next += 1
                let st = style(b)
                if b.top == b.bottom && b.left != b.right {
                    try ok(worksheet_merge_range(ws, lxw_row_t(b.top), lxw_col_t(b.left), lxw_row_t(b.bottom), lxw_col_t(b.right), "", st), b)
                } else if b.top != b.bottom {
                    try blanks(b, row: r, from: b.left + 1, st)
                    open.append((b, st))
                }
                try value(b, st)
            }
            while nextItem < plan.items.count && plan.items[nextItem].row == r {
                try itemCells(plan.items[nextItem], of: form, plan.cols) { b in try value(b, style(b)) }
                nextItem += 1
            }
            var k = 0
            while k < open.count {
                let (b, st) = open[k]
                if r > b.top && r < b.bottom {
                    try blanks(b, row: r, from: b.left, st)
                } else if r == b.bottom {
                    try ok(worksheet_merge_range(ws, lxw_row_t(b.top), lxw_col_t(b.left), lxw_row_t(b.bottom), lxw_col_t(b.right), "", st), b)
                    open.remove(at: k)
                    continue
                }
                k += 1
            }
            while nextMark < marksInOrder.count && marksInOrder[nextMark].row == r {
                let m = marksInOrder[nextMark]
                var opt = lxw_comment_options()
                opt.width = 320; opt.height = 120
                worksheet_write_comment_opt(ws, lxw_row_t(m.row), lxw_col_t(m.col), String(m.comment.prefix(32_000)), &opt)
                nextMark += 1
            }
        }
        // Print: A4 landscape, one page wide at a computed scale (Excel drops manual breaks under
        // "fit to page"), breaks between 一级指标 blocks, header rows on every page, page numbers.
        worksheet_set_landscape(ws)
        worksheet_set_paper(ws, 9)
        worksheet_set_print_scale(ws, UInt16(printScale(plan)))
        if !plan.breaks.isEmpty {
            var rows = plan.breaks.map { lxw_row_t($0) } + [0]
            worksheet_set_h_pagebreaks(ws, &rows)
        }
        worksheet_repeat_rows(ws, lxw_row_t(plan.headerFirst), lxw_row_t(plan.headerLast))
        worksheet_center_horizontally(ws)
        let pg = FormWriter.page
        worksheet_set_margins(ws, pg.left, pg.right, pg.top, pg.bottom)
        worksheet_set_footer(ws, "&C第 &P 页 共 &N 页")
        worksheet_gridlines(ws, UInt8(LXW_HIDE_ALL_GRIDLINES.rawValue))
        worksheet_print_area(ws, 0, 0, lxw_row_t(max(plan.rowCount - 1, 0)), lxw_col_t(plan.cols.keys.count - 1))
        return (ws, plan)
    }
}
