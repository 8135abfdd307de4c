import Foundation
import KaopingModel
import KaopingRegister
import KaopingWriter
import XLSXCore

/// `kaoping notice`: the workbook sent back to a unit (问题清单 + the marked corrected sheet), for
/// files or for a unit's latest round in the register. Output paths are planned as `fix` plans them.
public struct NoticeJob {
    public var inputs: [String]
    public var output: String
    public var template: String?
    public var pipeline: Pipeline
    public init(inputs: [String], output: String, template: String? = nil, pipeline: Pipeline) {
        self.inputs = inputs; self.output = output; self.template = template; self.pipeline = pipeline
    }

    /// Input → output path, with `FixJob.plan`'s rules for `-o` (a folder with several inputs).
    public func plan() throws -> [(input: String, output: String)] {
        try FixJob(inputs: inputs, output: output, template: template, pipeline: pipeline).plan()
    }

    /// Writes every notice; reports in input order (code 0 nothing to fix, 1 errors left, 2 not written).
    public func run(_ jobs: [(input: String, output: String)]) -> [FixJob.Report] {
        let allInputs = jobs.map(\.input)
        return parallelMap(jobs.count) { i in
            do {
                return try notice(jobs[i].input, to: jobs[i].output, inputs: allInputs)
            } catch {
                return FixJob.Report(file: jobs[i].input, output: nil, lines: ["kaoping: " + describe(error)], code: 2)
            }
        }
    }

    /// The notice of one unit's latest round in the register (of `year`, else its newest year),
    /// read again from the bytes stored as received; the findings are the stored ones (those
    /// across years included).
    public static func fromRegister(_ register: Register, unit: String, year: Int?, output: String,
                                    template: String? = nil, pipeline: Pipeline) -> FixJob.Report {
        do {
            let years: [Int?] = try year.map { [$0] } ?? (register.years().map { $0 } + [nil])
            var found: Submission?
            // 市城管局 is how units write 泉州市城管局 short: the register keys drop only 泉州市.
            let names = [unit] + (unit.hasPrefix("市") ? ["泉州" + unit] : [])
            for y in years { for n in names where found == nil { found = try register.latest(unit: n, year: y) } }
            guard let s = found else {
                throw JobError("\(register.path): 登记簿中没有单位「\(unit)」\(year.map { "\($0)年度" } ?? "")的报送 (unit not in the register)")
            }
            guard s.state != .unreadable else {
                throw JobError("\(s.fileName): 第 \(s.round) 轮无法读取，未写出通知：\(s.reason ?? "") (latest round unreadable)")
            }
            guard let bytes = try register.bytes(sha256: s.sha256) else {
                throw JobError("\(s.fileName): 登记簿中缺少文件内容 (bytes missing)")
            }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kaoping-notice-\(getpid())-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let ext = URL(fileURLWithPath: s.fileName).pathExtension
            let tmp = dir + "/submission" + (ext.isEmpty ? "" : "." + ext)
            try Data(bytes).write(to: URL(fileURLWithPath: tmp))
            // -o a folder: the notice is named after the unit there.
            var out = output
            var isDir: ObjCBool = false
            if (FileManager.default.fileExists(atPath: output, isDirectory: &isDir) && isDir.boolValue) || output.hasSuffix("/") {
                try SafeFile.checkOutputFolder(output)
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                var stem = s.unit.replacingOccurrences(of: "/", with: "-")
                if stem.hasPrefix(".") || stem.isEmpty { stem = "_" + stem }
                out = (output.hasSuffix("/") ? output : output + "/") + stem + "-通知.xlsx"
            }
            let job = NoticeJob(inputs: [tmp], output: out, template: template ?? s.template, pipeline: pipeline)
            return try job.notice(tmp, to: out, inputs: [register.path], name: s.fileName, unit: s.unit,
                                  stored: try register.findings(submission: s.id), shown: "\(s.unit) 第 \(s.round) 轮（\(s.fileName)）")
        } catch {
            return FixJob.Report(file: unit, output: nil, lines: ["kaoping: " + describe(error)], code: 2)
        }
    }

    /// One notice. The corrected sheet is written once to a temporary file and read again: a
    /// finding it no longer has (a broken 合计, a `#REF!`) was fixed by the office's copy and is
    /// listed as such, never filled. `stored` replaces the file's own findings (the register's).
    func notice(_ file: String, to out: String, inputs: [String], name: String? = nil, unit: String? = nil,
                stored: [Finding]? = nil, shown: String? = nil) throws -> FixJob.Report {
        let (read, tpl) = try pipeline.read(file, template: template)
        guard let tpl else { throw JobError("\(name ?? file): 没有可用的年度模板 (no template)") }
        try TextLimits.check(read)
        var form = read.hasGrades ? Scorer(template: tpl).applyingScores(to: read) : read
        if let name { form.file = name }
        if form.unit.map(KText.trim)?.isEmpty ?? true, let unit { form.unit = unit }
        let before = Set(form.findings.map(NoticeJob.key))
        let left = try remainingKeys(form, template: tpl)
        if let stored { form.findings = stored }
        let isOpen = { (f: Finding) in !before.contains(NoticeJob.key(f)) || left.contains(NoticeJob.key(f)) }
        let entries = try NoticeWriter(template: tpl).write(form, to: out, inputs: inputs + [file], isOpen: isOpen)
        let open = entries.filter { $0.open && $0.finding.severity != .info }
        let errors = open.filter { $0.finding.severity == .error }
        let shown = escapeForLine(shown ?? name ?? file)
        var lines = ["\(shown) → \(escapeForLine(out))：已写出通知，\(entries.count) 条问题"
                     + (errors.isEmpty ? "，无错误需单位修改" : "，\(errors.count) 个错误需单位修改")
                     + (open.count > errors.count ? "、\(open.count - errors.count) 个警告" : "")]
        for e in open.prefix(20) {
            let at = e.written.map { "新表 \($0)" } ?? e.finding.cell.map { "原表 \($0)" } ?? "全表"
            lines.append("  \(e.finding.severity.chinese)\t\(at)\t\(e.finding.message)")
        }
        return FixJob.Report(file: file, output: out, lines: lines, code: errors.isEmpty ? 0 : 1)
    }

    /// The keys of what the corrected sheet still shows, from a copy written to the temporary
    /// directory and removed again.
    func remainingKeys(_ form: Form, template tpl: Template) throws -> Set<String> {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("kaoping-notice-\(getpid())-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        try FormWriter(template: tpl).write(form, to: tmp)
        let (written, _) = try pipeline.read(tmp, template: tpl.name)
        return Set(written.findings.map(NoticeJob.key))
    }

    /// Findings of two sheets are the same when rule and 序号 agree (cells differ between them).
    static func key(_ f: Finding) -> String { f.rule + "\u{1F}" + (f.code ?? "") }
}
