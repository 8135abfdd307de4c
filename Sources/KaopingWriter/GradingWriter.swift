import CXlsxWriter
import Foundation
import KaopingModel
import KaopingRules

/// Writes the sheet the evaluators fill in: the official sheet (`FormWriter`) with a 档次 column
/// holding a drop-down of the grades and a 得分 column of live formulas, 权重 × the template's
/// coefficient; 合计, 绩效目标考评得分 and 总分 sum them. Grades already on the form are kept.
/// The formula is nested IFs (no LOOKUP over an unsorted list): Excel, WPS and LibreOffice agree.
public struct GradingWriter {
    public let template: Template
    public init(template: Template) { self.template = template }

    /// The 得分 formula of one row, e.g. `=IF(K5="A+",G5*1,IF(K5="A",G5*0.95,…,""))`: empty
    /// while no 档次 is chosen, and for anything not in the list.
    public func scoreFormula(weight: String, grade: String) -> String {
        var f = "\"\""
        for g in gradeOrder.reversed() {
            let k = template.scoring.coefficients[g] ?? 0
            f = "IF(\(grade)=\"\(g)\",\(weight)*\(CellValue.format(k)),\(f))"
        }
        return "=" + f
    }

    public func write(_ form: Form, to path: String, inputs: [String] = []) throws {
        var sheet = FormWriter(template: template)
        sheet.gradeColumns = true
        sheet.liveScore = { scoreFormula(weight: $0, grade: $1) }
        try writeAtomically(to: path, inputs: inputs, constantMemory: true) { wb in
            let (ws, plan) = try sheet.render(sheet.layout(form), form: form, workbook: wb)
            guard let gc = plan.cols.index("grade") else { return }
            // One validation per run of item rows: 合计 rows take no grade.
            var runs: [ClosedRange<Int>] = []
            for r in plan.itemRows {
                if let last = runs.last, last.upperBound + 1 == r { runs[runs.count - 1] = last.lowerBound...r } else { runs.append(r...r) }
            }
            var values = gradeOrder.map { strdup($0) } + [nil]
            defer { values.forEach { free($0) } }
            let title = strdup("档次"), message = strdup("请从下拉列表中选择：" + gradeOrder.joined(separator: " "))
            defer { free(title); free(message) }
            values.withUnsafeMutableBufferPointer { list in
                var dv = lxw_data_validation()
                dv.validate = UInt8(LXW_VALIDATION_TYPE_LIST.rawValue)
                dv.value_list = list.baseAddress
                dv.error_title = title
                dv.error_message = message
                for run in runs {
                    worksheet_data_validation_range(ws, lxw_row_t(run.lowerBound), lxw_col_t(gc), lxw_row_t(run.upperBound), lxw_col_t(gc), &dv)
                }
            }
        }
    }
}
