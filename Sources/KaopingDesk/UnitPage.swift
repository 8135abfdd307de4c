import Foundation
import KaopingJobs

/// A sheet as stored: the grid of the sheet the form was read from (the register's bytes read again).
struct SheetView {
    var grid: Grid
    var fileName: String

    /// Reads the submission's stored bytes with `InputFile.open` + `loadGrid`: the sheet the
    /// mapper chose (its name from `Pipeline`), else the first.
    static func load(_ s: Submission, register reg: Register, store: TemplateStore) throws -> SheetView {
        let input = try Scratch.write(s, register: reg)
        defer { try? FileManager.default.removeItem(atPath: input) }
        do {
            let (form, _) = try Pipeline(store: store).read(input, template: s.template)
            let reader = try InputFile.open(input)
            let index = reader.sheetList.firstIndex { $0.name == form.sheet } ?? 0
            guard index < reader.sheetList.count else { throw JobError("\(s.fileName): 没有工作表") }
            return SheetView(grid: try reader.loadGrid(index), fileName: s.fileName)
        } catch {
            throw JobError(describe(error).replacingOccurrences(of: input, with: s.fileName))
        }
    }
}

/// `GET /units/{unit}`: the latest round's sheet as a table with every finding's cell marked, the
/// findings beside it, the rounds and what changed, the downloads. Plain HTML, a little JS.
struct UnitPage {
    var unit: UnitStatus
    var year: Int?
    var findings: [Finding]
    var sheet: SheetView?
    var failure: String?
    var token: String?
    var noticeReady: Bool

    /// Rows and columns drawn at most: a real sheet has ~60 × 12; a hostile one is cut here.
    static let maxRows = 2_000, maxCols = 64

    static let stateNames: [UnitStatus.State: String] = [.ok: "通过", .errors: "待修改", .unreadable: "无法读取", .missing: "未提交"]
    static let severityNames: [Severity: String] = [.error: "错误", .warning: "警告", .info: "提示"]

    func link(_ path: String, _ query: [(String, String)] = []) -> String {
        var q = query
        if let year { q.insert(("year", String(year)), at: 0) }
        if let token { q.append(("token", token)) }
        let s = q.map { "\($0.0)=\(pct($0.1))" }.joined(separator: "&")
        return path + (s.isEmpty ? "" : "?" + s)
    }

    func html() -> String {
        let u = unit
        let name = esc(u.unit)
        let unitPath = pct(u.unit)
        var out = """
        <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(name) · 考评台</title><style>\(Page.css)\(UnitPage.css)</style></head><body>
        <header><a href="\(esc(Page.home(token)))">← 返回单位列表</a><h1>\(name)</h1>
        <span class="state st-\(u.state.rawValue)">\(UnitPage.stateNames[u.state] ?? u.state.rawValue)</span>
        \(year.map { "<span class=\"muted\">\($0) 年度</span>" } ?? "")</header>
        """
        // Downloads
        if u.latest != nil {
            out += "<nav class=\"downloads\">下载："
            out += "<a href=\"\(esc(link("/api/units/\(unitPath)/fixed.xlsx")))\" download>修正后的考评表</a>"
            out += noticeReady
                ? "<a href=\"\(esc(link("/api/units/\(unitPath)/notice.xlsx")))\" download>整改通知书</a>"
                : "<a href=\"\(esc(link("/api/units/\(unitPath)/notice.xlsx")))\" class=\"pending\" title=\"整改通知书功能开发中\">整改通知书（开发中）</a>"
            out += "<a href=\"\(esc(link("/api/units/\(unitPath)/original")))\" download>原始文件</a></nav>"
        }
        out += "<main><section class=\"sheet\">"
        if let failure {
            out += "<p class=\"failure\">无法显示表格：\(esc(failure))</p>"
        } else if let sheet {
            out += "<p class=\"muted\">第 \(u.latest?.round ?? 0) 轮 · \(esc(sheet.fileName)) · 工作表「\(esc(sheet.grid.name))」 · 灰色为隐藏的行或列；标色单元格有问题，鼠标悬停看说明</p>"
            out += table(sheet.grid)
        } else {
            out += "<p class=\"muted\">尚未提交。</p>"
        }
        out += "</section><aside>"
        out += findingsList()
        out += rounds()
        out += "</aside></main><script>\(UnitPage.js)</script></body></html>"
        return out
    }

    /// The first cell of a finding's reference (`D28`, `D28:E30`), when it names one.
    static func anchor(_ cell: String?) -> (row: Int, col: Int)? {
        guard let cell, let first = cell.split(separator: ":").first else { return nil }
        return CellRef.parse(first)
    }

    func table(_ g: Grid) -> String {
        // Findings by cell: the worst severity and the messages.
        var marks: [String: (Severity, [String])] = [:]
        var maxRow = g.maxRow, maxCol = g.maxCol
        for f in findings {
            guard let (r, c) = UnitPage.anchor(f.cell) else { continue }
            let ref = CellRef.format(row: r, col: c)
            var m = marks[ref] ?? (f.severity, [])
            if UnitPage.rank(f.severity) > UnitPage.rank(m.0) { m.0 = f.severity }
            m.1.append("\(UnitPage.severityNames[f.severity] ?? ""): \(f.message)")
            marks[ref] = m
            maxRow = max(maxRow, r); maxCol = max(maxCol, c)
        }
        let rows = min(max(maxRow, 1), UnitPage.maxRows), cols = min(max(maxCol, 1), UnitPage.maxCols)
        var out = "<table class=\"grid\"><colgroup><col class=\"rh\">"
        for c in 1...cols {
            let w = Int(((g.colWidths[c] ?? 9) * 7.5).rounded())
            out += "<col style=\"width:\(min(max(w, 24), 600))px\">"
        }
        out += "</colgroup><thead><tr><th></th>"
        for c in 1...cols { out += "<th\(g.hiddenCols.contains(c) ? " class=\"hid\"" : "")>\(CellRef.letters(c))</th>" }
        out += "</tr></thead><tbody>"
        for r in 1...rows {
            out += "<tr\(g.hiddenRows.contains(r) ? " class=\"hid\"" : "")><th>\(r)</th>"
            for c in 1...cols {
                var rowspan = 1, colspan = 1
                var covered: [String] = []
                if let m = g.merge(at: r, c) {
                    if m.top != r || m.left != c { continue }   // drawn by its anchor
                    rowspan = min(m.bottom, rows) - r + 1; colspan = min(m.right, cols) - c + 1
                    for rr in m.top...min(m.bottom, rows) {
                        for cc in m.left...min(m.right, cols) where rr != r || cc != c { covered.append(CellRef.format(row: rr, col: cc)) }
                    }
                }
                let ref = CellRef.format(row: r, col: c)
                // A finding on a cell inside a merge is shown on the merge (its reference kept as an alias).
                let refs = [ref] + covered.filter { marks[$0] != nil }
                var sev: Severity?
                var messages: [String] = []
                for x in refs { if let m = marks[x] { if sev == nil || UnitPage.rank(m.0) > UnitPage.rank(sev!) { sev = m.0 }; messages += m.1 } }
                var cls: [String] = []
                if g.hiddenCols.contains(c) || g.hiddenRows.contains(r) { cls.append("hid") }
                if let sev { cls.append("sev-\(sev.rawValue)") }
                var attrs = " data-cell=\"\(ref)\""
                if rowspan > 1 { attrs += " rowspan=\"\(rowspan)\"" }
                if colspan > 1 { attrs += " colspan=\"\(colspan)\"" }
                if !cls.isEmpty { attrs += " class=\"\(cls.joined(separator: " "))\"" }
                if !messages.isEmpty { attrs += " title=\"\(esc(messages.joined(separator: "\n")))\"" }
                var text = esc(g.value(r, c)?.text ?? "")
                if text.count > 2_000 { text = String(text.prefix(2_000)) + "…" }
                let aliases = refs.dropFirst().map { "<i class=\"alias\" data-cell=\"\($0)\"></i>" }.joined()
                out += "<td\(attrs)>\(aliases)\(text)</td>"
            }
            out += "</tr>"
        }
        out += "</tbody></table>"
        if g.maxRow > rows || g.maxCol > cols { out += "<p class=\"muted\">表格过大，仅显示前 \(rows) 行、\(cols) 列。</p>" }
        return out
    }

    static func rank(_ s: Severity) -> Int { s == .error ? 3 : s == .warning ? 2 : 1 }

    func findingsList() -> String {
        let e = findings.filter { $0.severity == .error }.count, w = findings.filter { $0.severity == .warning }.count
        var out = "<h2>问题（错误 \(e)，警告 \(w)，提示 \(findings.count - e - w)）</h2>"
        guard !findings.isEmpty else { return out + "<p class=\"muted\">没有发现问题。</p>" }
        out += "<ol class=\"findings\">"
        for f in findings.sorted(by: { UnitPage.rank($0.severity) > UnitPage.rank($1.severity) }) {
            let ref = UnitPage.anchor(f.cell).map { CellRef.format(row: $0.row, col: $0.col) }
            out += "<li class=\"sev-\(f.severity.rawValue)\"\(ref.map { " data-target=\"\($0)\"" } ?? "")>"
            out += "<b>\(UnitPage.severityNames[f.severity] ?? "")</b> "
            if let c = f.cell { out += "<code>\(esc(c))</code> " }
            out += esc(f.message) + "</li>"
        }
        return out + "</ol>"
    }

    func rounds() -> String {
        let u = unit
        guard !u.rounds.isEmpty else { return "" }
        var out = "<h2>报送轮次</h2><table class=\"rounds\"><tr><th>轮次</th><th>文件</th><th>接收时间</th><th>错误/警告/提示</th><th></th></tr>"
        for (i, r) in u.rounds.enumerated() {
            out += "<tr><td>第 \(r.round) 轮</td><td>\(esc(r.fileName))</td><td>\(esc(r.receivedAt))</td>"
            out += "<td>\(r.state == .unreadable ? "无法读取" : "\(r.errors)/\(r.warnings)/\(r.infos)")</td>"
            out += "<td><a href=\"\(esc(link("/api/units/\(pct(u.unit))/original", [("round", String(i + 1))])))\" download>原件</a></td></tr>"
        }
        out += "</table>"
        if u.rounds.count >= 2 {
            out += "<h2>与上一轮相比</h2>"
            out += "<h3>已改正 \(u.resolved.count) 处</h3><ul class=\"changes\">"
            out += u.resolved.map { "<li class=\"resolved\">\($0.cell.map { "<code>\(esc($0))</code> " } ?? "")\(esc($0.message))</li>" }.joined()
            out += "</ul><h3>新出现 \(u.introduced.count) 处</h3><ul class=\"changes\">"
            out += u.introduced.map { "<li class=\"introduced\">\($0.cell.map { "<code>\(esc($0))</code> " } ?? "")\(esc($0.message))</li>" }.joined()
            out += "</ul>"
        }
        return out
    }

    static let css = """
    main{display:flex;gap:16px;align-items:flex-start}
    .sheet{flex:1 1 auto;overflow:auto;max-height:calc(100vh - 120px);background:#fff;border:1px solid #ccd}
    aside{flex:0 0 360px;max-height:calc(100vh - 120px);overflow:auto}
    table.grid{border-collapse:collapse;table-layout:fixed;font-size:12px}
    table.grid td,table.grid th{border:1px solid #d0d4dc;padding:2px 4px;vertical-align:top;white-space:pre-wrap;word-break:break-all}
    table.grid thead th,table.grid tbody th{background:#eef1f6;color:#667;font-weight:normal;position:sticky}
    table.grid thead th{top:0;z-index:1}
    table.grid col.rh{width:36px}
    .hid,tr.hid td{background:#f0f0f0;color:#aaa}
    td.sev-error{background:#fde2e1;outline:2px solid #d93025;outline-offset:-2px}
    td.sev-warning{background:#fff3cd;outline:2px solid #e0a800;outline-offset:-2px}
    td.sev-info{background:#e3f0ff;outline:1px dashed #3b82f6;outline-offset:-1px}
    td.flash{animation:flash 1.2s}
    @keyframes flash{0%{box-shadow:0 0 0 4px #1a73e8}100%{box-shadow:none}}
    i.alias{display:none}
    ol.findings{padding-left:30px}ol.findings li{margin:4px 0;cursor:pointer;padding:2px 4px;border-left:4px solid transparent}
    ol.findings li.sev-error{border-color:#d93025}ol.findings li.sev-warning{border-color:#e0a800}ol.findings li.sev-info{border-color:#3b82f6}
    ol.findings li:hover{background:#eef3fd}
    .downloads a{margin-right:12px}.downloads a.pending{color:#999}
    .failure{color:#b00020;padding:12px}
    table.rounds{border-collapse:collapse;font-size:13px}table.rounds td,table.rounds th{border:1px solid #ddd;padding:2px 6px}
    li.resolved{color:#1e7e34}li.introduced{color:#b00020}
    """

    static let js = """
    document.querySelectorAll('ol.findings li[data-target]').forEach(function (li) {
      li.addEventListener('click', function () {
        var el = document.querySelector('[data-cell="' + li.getAttribute('data-target') + '"]');
        if (!el) return;
        var td = el.closest('td') || el;
        td.scrollIntoView({block: 'center', inline: 'center', behavior: 'smooth'});
        td.classList.remove('flash'); void td.offsetWidth; td.classList.add('flash');
      });
    });
    """
}

/// Text for HTML (element content and quoted attributes).
func esc(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for ch in s.unicodeScalars {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}

/// One URL component, percent-encoded UTF-8 (a `/` in a unit's name included).
func pct(_ s: String) -> String {
    s.addingPercentEncoding(withAllowedCharacters: urlUnreserved) ?? s
}

/// RFC 3986's unreserved characters, ASCII only (Foundation's `.alphanumerics` includes 汉字).
let urlUnreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
