import Foundation
import GridKit

/// The audit after the run: hidden rows and columns said, error values found, and every non-empty cell the form did not take reported (nothing dropped silently).
extension Mapping {
    // MARK: finish

    mutating func finish() {
        // A label with no rows under it (a stray repeat) leaves no empty group behind.
        for i in form.sections.indices where form.sections[i].groups.count > 1 {
            form.sections[i].groups.removeAll { $0.indicators.isEmpty }
        }
        // Hidden rows and columns are read, and said.
        let hiddenRows = grid.hiddenRows.filter { $0 >= headerTop && $0 <= max(form.layout.lastBodyRow, headerBottom) }.sorted()
        for r in hiddenRows {
            form.findings.append(Finding(.sheetHiddenRow, "A\(r)", "第 \(r) 行被隐藏，已照常读取"))
        }
        for c in grid.hiddenCols.sorted() where c <= max(right, grid.maxCol) && c >= left {
            let label = col.first { $0.value == c }.flatMap { form.layout.labels[$0.key] }
            form.findings.append(Finding(.sheetHiddenColumn, CellRef.letters(c) + "\(headerTop)",
                                         "第 \(CellRef.letters(c)) 列\(label.map { "（\($0)）" } ?? "")被隐藏，已照常读取"))
        }
        // Error values wherever they are.
        for c in grid.cells {
            if case .error(let e)? = c.value {
                form.findings.append(Finding(.cellErrorValue, c.ref, "单元格 \(c.ref) 显示错误值 \(e)\(c.formula.map { "（公式 =\($0)）" } ?? "")"))
            } else if let f = c.formula, f.has("#REF!") {
                form.findings.append(Finding(.cellErrorValue, c.ref, "单元格 \(c.ref) 的公式引用已失效：=\(f)"))
            }
        }
        // Nothing lost: every non-empty cell is in the model or named here.
        // A WPS cell picture (=DISPIMG) is ignored: a stamp, no content of the form.
        for c in grid.cells where !c.isEmpty && !isTaken(c) && !Mapping.isPicture(c) {
            let t = c.value?.text ?? ("=" + (c.formula ?? ""))
            form.findings.append(Finding(.cellUnmapped, c.ref, "单元格 \(c.ref) 的内容未归入考评表：「\(String(t.prefix(60)))」"))
        }
    }
}
