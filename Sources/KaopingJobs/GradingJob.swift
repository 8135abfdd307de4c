import Foundation
import KaopingModel
import KaopingRegister
import KaopingWriter
import XLSXCore

/// `kaoping grading`: the sheet the evaluators fill in (档次 drop-down, live 得分), for files or
/// for every unit's latest round of a year in the register. Output paths are planned as `fix` plans them.
public struct GradingJob {
    public var inputs: [String]
    public var output: String
    public var template: String?
    public var pipeline: Pipeline
    public init(inputs: [String], output: String, template: String? = nil, pipeline: Pipeline) {
        self.inputs = inputs; self.output = output; self.template = template; self.pipeline = pipeline
    }

    /// Input → output path, with `FixJob.plan`'s rules for `-o`.
    public func plan() throws -> [(input: String, output: String)] {
        try FixJob(inputs: inputs, output: output, template: template, pipeline: pipeline).plan()
    }

    /// Writes every grading sheet; reports in input order (code 0 written, 2 not written).
    public func run(_ jobs: [(input: String, output: String)]) -> [FixJob.Report] {
        let allInputs = jobs.map(\.input)
        return parallelMap(jobs.count) { i in
            let (file, out) = jobs[i]
            do {
                let (read, tpl) = try pipeline.read(file, template: template)
                guard let tpl else { throw JobError("\(file): 没有可用的年度模板 (no template)") }
                return try GradingJob.write(read, template: tpl, to: out, inputs: allInputs, shown: file)
            } catch {
                return FixJob.Report(file: file, output: nil, lines: ["kaoping: " + describe(error)], code: 2)
            }
        }
    }

    static func write(_ read: Form, template tpl: Template, to out: String, inputs: [String], shown: String) throws -> FixJob.Report {
        try TextLimits.check(read)
        let form = read.hasGrades ? Scorer(template: tpl).applyingScores(to: read) : read
        try GradingWriter(template: tpl).write(form, to: out, inputs: inputs)
        let graded = form.items.filter { $0.grade != nil }.count
        let line = "\(escapeForLine(shown)) → \(escapeForLine(out))：已写出评分表，\(form.items.count) 行待评档次" + (graded > 0 ? "（已有 \(graded) 行）" : "")
        return FixJob.Report(file: shown, output: out, lines: [line], code: 0)
    }

    /// Every unit's latest round of `year` (else the register's newest year), one sheet each in
    /// the folder `output` (created when it ends in `/`; a single unit may also go to a file),
    /// named after the unit. A round that cannot be read is reported with code 2.
    public static func fromRegister(_ register: Register, year: Int?, output: String, store: TemplateStore) throws -> [FixJob.Report] {
        guard let y = try year ?? register.years().first else {
            throw JobError("\(register.path): 登记簿中没有任何年度的报送 (register empty)")
        }
        let latest = try register.latestForms(year: y, store: store, describe: describe)
        guard !latest.isEmpty else { throw JobError("\(register.path): 登记簿中没有 \(y) 年度的报送 (nothing for that year)") }
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: output, isDirectory: &isDir)
        let toFolder = (exists && isDir.boolValue) || output.hasSuffix("/")
        if !toFolder && latest.count > 1 {
            throw JobError("\(output): 登记簿中有多个单位，-o 必须是已有的文件夹或以 / 结尾 (several units: -o must be a folder)")
        }
        let dir = toFolder ? try FixJob.outputFolder(output, exists: exists) : output
        var taken = Set<String>()
        return latest.map { l in
            let s = l.submission
            let shown = "\(s.unit) 第 \(s.round) 轮（\(s.fileName)）"
            guard let form = l.form, let tpl = l.template else {
                return FixJob.Report(file: s.fileName, output: nil, lines: ["kaoping: \(escapeForLine(shown))：\(l.failure ?? "无法读取")，未写出"], code: 2)
            }
            var out = output
            if toFolder {
                // A unit's name as a file name: no path separators, no leading dot.
                var stem = s.unit.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: "\0", with: "")
                if stem.hasPrefix(".") || stem.isEmpty { stem = "_" + stem }
                var name = stem + "-评分表.xlsx", n = 2
                while !taken.insert(name).inserted { name = "\(stem)-评分表-\(n).xlsx"; n += 1 }
                out = dir + "/" + name
            }
            do {
                return try write(form, template: tpl, to: out, inputs: [register.path], shown: shown)
            } catch {
                return FixJob.Report(file: s.fileName, output: nil, lines: ["kaoping: " + describe(error)], code: 2)
            }
        }
    }
}
