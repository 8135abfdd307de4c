/// Every finding rule Kaoping knows, once: its stable id (the contract's `rule`), its severity,
/// its Chinese name (what 问题清单, the notice and the web page show instead of the id), what it
/// means and what the unit should do. `kaoping rules` prints this table.
public enum Rule: String, CaseIterable, Sendable {
    // Points and totals
    case indicatorPoints = "indicator.points"
    case groupPoints = "group.points"
    case sectionLabelPoints = "section.label-points"
    case sectionSubtotal = "section.subtotal"
    case sectionSubtotalBroken = "section.subtotal-broken"
    case sectionSubtotalRange = "section.subtotal-range"
    case sectionTemplatePoints = "section.template-points"
    case sectionMissing = "section.missing"
    case sectionLabelRepeated = "section.label-repeated"
    case totalPoints = "total.points"
    case totalDeclared = "total.declared"
    case totalMissing = "total.missing"
    case totalFormulaRange = "total.formula-range"
    case totalFormulaBroken = "total.formula-broken"
    // Cells
    case cellErrorValue = "cell.error-value"
    case cellUnmapped = "cell.unmapped"
    case numberAsText = "number.as-text"
    case sheetHiddenRow = "sheet.hidden-row"
    case sheetHiddenColumn = "sheet.hidden-column"
    case labelUnrecognized = "label.unrecognized"
    case mergeDrift = "merge.drift"
    // Weights and codes
    case itemWeightMissing = "item.weight-missing"
    case weightUnparsable = "weight.unparsable"
    case weightError = "weight.error"
    case codeDuplicate = "code.duplicate"
    case codePattern = "code.pattern"
    case codeMissing = "code.missing"
    case codeInvalid = "code.invalid"
    case codeRetyped = "code.retyped"
    // Texts and names
    case indicatorMissingText = "indicator.missing-text"
    case itemTextMissing = "item.text-missing"
    case itemSameAsIndicator = "item.same-as-indicator"
    case itemDuplicate = "item.duplicate"
    case basisSplit = "basis.split"
    case itemDeadlineMissing = "item.deadline-missing"
    case itemLeadersMissing = "item.leaders-missing"
    case itemDepartmentsMissing = "item.departments-missing"
    case itemPersonsMissing = "item.persons-missing"
    // The office's rules
    case functionalTooFewIndicators = "functional.too-few-indicators"
    case dynamicTooManyPoints = "dynamic.too-many-points"
    case dynamicTooFewItems = "dynamic.too-few-items"
    case functionalDuplicatesAdmin = "functional.duplicates-admin"
    case functionalAdminTopic = "functional.admin-topic"
    case adminTextChanged = "admin.text-changed"
    case adminWeightChanged = "admin.weight-changed"
    case adminMissing = "admin.missing"
    case adminExtra = "admin.extra"
    case adminHasLevel2 = "admin.has-level2"
    // Evaluated sheets
    case gradeInvalid = "grade.invalid"
    case scoreUnparsable = "score.unparsable"
    case scoreMismatch = "score.mismatch"
    case scoreMissing = "score.missing"
    // Summary and ratings
    case summaryDuplicateUnit = "summary.duplicate-unit"
    case summaryNotEvaluated = "summary.not-evaluated"
    case summaryUnitUnknown = "summary.unit-unknown"
    case ratingsInvalid = "ratings.invalid"
    case ratingsMissing = "ratings.missing"
    case ratingsUnmatched = "ratings.unmatched"
    case fileUnreadable = "file.unreadable"
    case templateYearFallback = "template.year-fallback"
    // The year's register
    case itemSameAsLastYear = "item.same-as-last-year"
    case itemDeadlineLastYear = "item.deadline-last-year"
    case registerUnitUnknown = "register.unit-unknown"
    case registerYearDiffers = "register.year-differs"

    /// The usual severity; a few findings say it more or less strongly where the case demands
    /// (a 绩效目标考评得分 row without a value is an error, no such row at all a warning).
    public var severity: Severity { Rule.table[self]!.severity }
    /// What people read instead of the id: `一级指标分值与权重合计不符`.
    public var name: String { Rule.table[self]!.name }
    /// What the finding means, in a sentence.
    public var meaning: String { Rule.table[self]!.meaning }
    /// What the unit (or the office) should do about it.
    public var advice: String { Rule.table[self]!.advice }

    typealias Entry = (severity: Severity, name: String, meaning: String, advice: String)
    static let table: [Rule: Entry] = [
        .indicatorPoints: (.error, "一级指标分值与权重合计不符", "一级指标标注的（N分）不等于其二级指标权重之和", "改正一级指标的分值或二级指标的权重，使两者相等"),
        .groupPoints: (.error, "分组分值与权重合计不符", "分组标签（如 科学行政（4分））的分值不等于其下各行权重之和", "改正分组标签的分值或各行权重"),
        .sectionLabelPoints: (.error, "部分标注分值与权重合计不符", "部分标签（如 职能工作目标（68分））的分值不等于其各项权重之和", "改正标签分值或各项权重"),
        .sectionSubtotal: (.error, "合计与权重合计不符", "部分的“合计”行数值不等于其各项权重之和", "把合计改为 SUM 公式或改正数值"),
        .sectionSubtotalBroken: (.error, "合计没有有效数值", "部分的“合计”单元格为空或显示错误值", "在合计单元格填入正确的 SUM 公式"),
        .sectionSubtotalRange: (.error, "合计公式漏算行", "部分“合计”的 SUM 公式没有包括该部分的全部指标行（多为后来插入的行），合计偏少", "把合计公式的范围扩到该部分的全部行"),
        .sectionTemplatePoints: (.error, "部分分值与年度规定不符", "部分的分值与当年模板规定（如 68/20/6/6）不同", "按当年规定调整各项权重"),
        .sectionMissing: (.error, "缺少规定部分", "当年模板要求的部分（如 行政能力目标）在表中找不到", "按当年模板补上该部分"),
        .sectionLabelRepeated: (.warning, "部分标签重复且分值不同", "同一部分的标签在表中重复出现，且标注的分值不一致", "删除多余的标签或统一分值"),
        .totalPoints: (.error, "总分不是 100 分", "全部权重之和不等于当年规定的总分", "调整权重使总分为 100 分"),
        .totalDeclared: (.error, "考评得分与合计不符", "“绩效目标考评得分”一栏的数值与各部分合计不符", "把该栏改为各部分合计的 SUM 公式"),
        .totalMissing: (.error, "缺少考评得分合计", "找不到“绩效目标考评得分”行，或该行没有有效数值", "补上“绩效目标考评得分”行及其 SUM 公式"),
        .totalFormulaRange: (.error, "考评得分公式漏算行", "“绩效目标考评得分”的公式没有包括全部合计行（或指标行）", "把该栏公式改为各部分合计之和"),
        .totalFormulaBroken: (.error, "考评得分公式引用失效", "“绩效目标考评得分”的公式含 #REF!（引用的行或列已被删除）", "重新填写该栏公式，使其为各部分合计之和"),
        .cellErrorValue: (.error, "单元格显示错误值", "单元格显示 #REF! 等错误值，或其公式引用已失效", "重新填写公式或数值"),
        .cellUnmapped: (.warning, "内容未归入考评表", "表中有非空单元格不属于考评表的任何部分（不会被静默丢弃）", "确认该内容是否应删除或移入表内"),
        .numberAsText: (.info, "数字以文本保存", "权重等数字以文本形式保存（如 2、1.5分、全角２），已按数值读取", "可改为数值格式，便于求和"),
        .sheetHiddenRow: (.info, "隐藏行", "表中有隐藏的行，已照常读取", "确认隐藏行的内容是否应保留"),
        .sheetHiddenColumn: (.info, "隐藏列", "表中有隐藏的列，已照常读取", "确认隐藏列的内容是否应保留"),
        .labelUnrecognized: (.warning, "项目栏标签无法识别", "职能工作目标中的项目栏文字不是 重点/常规/动态工作目标（多为分页截断的标签），已忽略", "把项目栏标签改为完整的分组名称"),
        .mergeDrift: (.warning, "合并单元格错位", "一级指标或文件依据的合并单元格与指标行不符（插入或删除行后，合并少了最后一行，或延伸进下一个指标），已按序号归属", "重新合并该指标的单元格，使其正好覆盖本指标的各行"),
        .itemWeightMissing: (.error, "缺少权重", "二级指标（或行政能力目标）行没有权重", "填写该行的权重"),
        .weightUnparsable: (.error, "权重不是数值", "权重单元格的内容无法识别为数值", "把权重改为数值"),
        .weightError: (.error, "权重显示错误值", "权重单元格显示 #REF! 等错误值", "重新填写权重"),
        .codeDuplicate: (.error, "序号重复", "同一序号在表中出现多次", "重新编排序号"),
        .codePattern: (.warning, "序号格式不符", "序号不符合“部分-一级-二级”（如 1-2-3）的格式，或与所属一级指标不一致", "按格式改正序号"),
        .codeMissing: (.warning, "缺少序号", "二级指标行没有序号", "补上序号"),
        .codeInvalid: (.warning, "序号不是编号", "序号栏的内容不是“1-2-3”形式的编号", "改为正确的编号"),
        .codeRetyped: (.info, "序号写法不规范", "序号用了全角数字、长横线、减号等其他横线或多余空格（如 １－２－３、1—2—3），已按 1-2-3 读取", "改用半角数字和连字符“-”"),
        .indicatorMissingText: (.error, "缺少一级指标内容", "一级指标单元格为空", "填写一级指标内容及其分值"),
        .itemTextMissing: (.error, "缺少二级指标内容", "二级指标行没有指标内容", "填写二级指标内容"),
        .itemSameAsIndicator: (.warning, "二级指标与一级指标相同", "二级指标的内容与其一级指标完全相同", "把二级指标写成具体、可考核的任务"),
        .itemDuplicate: (.warning, "二级指标重复", "两行二级指标的内容完全相同", "删除或改写重复的指标"),
        .basisSplit: (.warning, "文件依据被拆分", "同一一级指标的文件依据被拆成多个不同内容的单元格", "合并为一个单元格"),
        .itemDeadlineMissing: (.error, "缺少完成时限", "二级指标行没有完成时限", "填写完成时限（如 12月底前）"),
        .itemLeadersMissing: (.error, "缺少分管领导", "二级指标行没有分管领导", "填写分管领导"),
        .itemDepartmentsMissing: (.error, "缺少责任部门", "二级指标行没有责任部门（科室）", "填写责任部门"),
        .itemPersonsMissing: (.error, "缺少责任人", "二级指标行没有责任人", "填写责任人"),
        .functionalTooFewIndicators: (.error, "一级指标数量不足", "重点工作目标和常规工作目标合计的一级指标少于规定数量（15 项）", "补充一级指标"),
        .dynamicTooManyPoints: (.error, "动态目标分值超限", "动态工作目标超过规定的分值上限（10 分）", "压减动态工作目标的权重"),
        .dynamicTooFewItems: (.error, "动态目标项数不足", "动态工作目标少于规定项数（2 项）", "补充动态工作目标"),
        .functionalDuplicatesAdmin: (.error, "职能目标与行政能力目标重复", "职能工作目标的二级指标与行政能力目标的某项相同", "删除重复的职能指标"),
        .functionalAdminTopic: (.warning, "职能目标涉及行政能力内容", "职能工作目标涉及党建、综治、宣传、精神文明等应属行政能力目标的内容", "把该内容移出职能工作目标"),
        .adminTextChanged: (.error, "行政能力目标内容被改动", "行政能力目标某项的内容与当年规定不同", "按当年规定的原文填写"),
        .adminWeightChanged: (.error, "行政能力目标权重被改动", "行政能力目标某项的权重与当年规定不同", "按当年规定的权重填写"),
        .adminMissing: (.error, "缺少行政能力目标", "当年规定的行政能力目标某项在表中找不到", "按当年规定补上该项"),
        .adminExtra: (.error, "行政能力目标多出一项", "行政能力目标中有当年规定之外的项目", "删除多出的项目"),
        .adminHasLevel2: (.error, "行政能力目标下设二级指标", "行政能力目标不应下设二级指标", "删除二级指标内容"),
        .gradeInvalid: (.error, "档次无法识别", "档次不是 A+、A、A-、B+、B、C 之一", "改为规定的档次"),
        .scoreUnparsable: (.error, "得分不是数值", "得分单元格的内容无法识别为数值", "改为数值"),
        .scoreMismatch: (.warning, "得分与档次不符", "表中得分与 权重 × 档次系数 不符，以表中得分为准", "核对档次或得分"),
        .scoreMissing: (.warning, "未计分", "考评后的表中，该行既无有效档次也无得分", "补上档次或得分"),
        .summaryDuplicateUnit: (.warning, "单位重复", "同一单位有多份考评表，只计入第一份", "删除多余的文件"),
        .summaryNotEvaluated: (.warning, "未考评", "表中没有档次/得分，得分未计入汇总", "提交考评后的表"),
        .summaryUnitUnknown: (.warning, "找不到单位名称", "表中找不到参评单位名称，以文件名代替", "在标题或参评单位行写明单位全称"),
        .ratingsInvalid: (.error, "评分不是数值", "评分表中某项评分不是数值，按空值处理", "改正评分表"),
        .ratingsMissing: (.warning, "评分表缺少该单位", "评分表中没有该单位，未计算综合得分", "在评分表中补上该单位"),
        .ratingsUnmatched: (.info, "评分表单位无对应考评表", "评分表中的单位没有对应的考评表", "核对单位名称"),
        .templateYearFallback: (.info, "按相近年度模板检查", "表中年度没有自己的模板，已按同类版式（两部分或四部分）最近的较早年度模板检查（说明写出所用模板）", "确认该年度的规定与所用模板一致；必要时为该年度添加模板"),
        .fileUnreadable: (.error, "文件无法读取", "文件无法读取，原因见说明", "按说明另存或修复后重新提交"),
        .itemSameAsLastYear: (.info, "与上一年度相同", "该指标与本单位上一年度登记的考评表完全相同（内容和权重未改）", "确认是否沿用上年指标，必要时按本年度任务更新"),
        .itemDeadlineLastYear: (.warning, "完成时限仍写上一年度", "完成时限写的是上一年度的日期（如 2024 年的表写“2023年12月”）", "改为本年度的完成时限"),
        .registerUnitUnknown: (.warning, "登记时找不到单位名称", "表中找不到参评单位名称，以文件名登记", "在标题或参评单位行写明单位全称"),
        .registerYearDiffers: (.warning, "年度与登记年度不同", "表中写的年度与 --year 指定的登记年度不同", "核对表中年度"),
    ]
}

extension Severity {
    /// 错误 / 警告 / 提示, as the office's staff say it.
    public var chinese: String {
        switch self {
        case .error: return "错误"
        case .warning: return "警告"
        case .info: return "提示"
        }
    }
}
