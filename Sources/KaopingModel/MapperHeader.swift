import Foundation
import GridKit

/// The header: its row(s), the column of each role, the 项目 columns.
extension Mapping {
    // MARK: header

    mutating func findHeader() -> Bool {
        var r = 1
        let last = min(grid.maxRow, 400)
        while r <= last {
            let cells = grid.row(r)
            if FormMapper.isHeaderRow(cells) {
                var roles: [ColumnRole: Int] = [:]
                var labels: [ColumnRole: String] = [:]
                var bottom = r
                func scan(_ row: Int) {
                    for c in grid.row(row) {
                        guard let t = text(c), let role = FormMapper.role(t) else { continue }
                        if roles[role] == nil || row > r { roles[role] = c.col; labels[role] = t }
                    }
                }
                scan(r)
                // A second header row: sub-labels under 目标内容 / 责任分解.
                let next = grid.row(r + 1)
                let nextRoles = Set(next.compactMap { text($0).flatMap(FormMapper.role) })
                if nextRoles.count >= 2 && !nextRoles.isSubset(of: [.weight]) {
                    // Only if the row does not hold body data (a code like 1-1-1).
                    let hasCode = next.contains { c in text(c).flatMap(KText.code).map { $0.contains("-") } ?? false }
                    if !hasCode { bottom = r + 1; scan(r + 1) }
                }
                guard roles[.code] != nil || roles[.level1] != nil,
                      roles.count >= 4 else { r += 1; continue }
                col = roles
                headerTop = r; headerBottom = bottom
                for row in r...bottom { for c in grid.row(row) { take(c) } }
                let codeCol = roles[.code] ?? roles[.level1] ?? 1
                if let p = roles[.project], p < codeCol {
                    projectCols = Array(p..<codeCol)
                } else if let p = roles[.project] {
                    projectCols = [p]
                } else {
                    projectCols = codeCol > 1 ? Array(1..<codeCol) : []
                }
                left = min(roles.values.min() ?? 1, projectCols.first ?? Int.max)
                right = roles.values.max() ?? 1
                if let m = grid.merge(at: r, right) { right = max(right, m.right) }
                form.layout.headerTop = r
                form.layout.headerRows = bottom - r + 1
                form.layout.projectColumns = max(projectCols.count, 1)
                form.layout.columns = roles
                form.layout.labels = labels
                form.layout.firstBodyRow = bottom + 1
                return true
            }
            r += 1
        }
        return false
    }
}
