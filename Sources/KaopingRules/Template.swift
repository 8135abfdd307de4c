import Foundation
import KaopingModel

/// A year's official layout and rules, read from `Templates/NAME.json` (data, not code).
public struct Template: Decodable, Sendable {
    public struct Column: Decodable, Sendable {
        public var key: String
        public var label: String
        public var group: String?
        public var width: Double
    }
    public struct Font: Decodable, Sendable {
        public var body: String
        public var bodySize: Double
        public var title: String
        public var titleSize: Double
        public var header: String?
        public var headerSize: Double?
    }
    public struct GroupSpec: Decodable, Sendable {
        public var kind: String?
        public var name: String
        public var label: String?
        public var points: Double?
    }
    public struct FixedItem: Decodable, Sendable {
        public var code: String?
        public var group: String?
        public var text: String
        public var weight: Double
    }
    public struct SectionSpec: Decodable, Sendable {
        /// An unknown kind is an error when the template loads, not a silently skipped section.
        public var kind: SectionKind
        public var name: String
        public var label: String?
        public var points: Double
        public var groups: [GroupSpec]?
        public var fixedItems: [FixedItem]?
        public var itemText: String?
        public var itemCode: String?
    }
    public struct Rules: Decodable, Sendable {
        public var total: Double
        public var minKeyRoutineIndicators: Int
        public var dynamicMaxPoints: Double
        public var dynamicMinItems: Int
        public var dynamicSingleItemPoints: Double
        public var functionalForbiddenKeywords: [String]
    }
    public struct Composite: Decodable, Sendable {
        public var target: Double
        public var leader: Double
        public var `public`: Double
    }
    public struct Scoring: Decodable, Sendable {
        public var coefficients: [String: Double]
        public var targetSections: [SectionKind]
        public var composite: Composite
    }

    public var name: String
    public var years: [Int]
    public var titlePattern: String
    public var unitLinePattern: String?
    public var headerRows: Int
    public var projectColumns: Int
    public var adminHeaderRow: Bool?
    public var columns: [Column]
    public var font: Font
    public var sections: [SectionSpec]
    public var totalLabel: String
    public var rules: Rules
    public var signature: [String]
    public var notesLabel: String?
    public var notes: [String]
    public var scoring: Scoring

    public func section(_ kind: SectionKind) -> SectionSpec? { sections.first { $0.kind == kind } }
}

public enum TemplateError: Error, Equatable {
    case directoryNotFound(searched: [String])
    case unknown(name: String, available: [String])
    case invalid(file: String, reason: String)
}

/// Finds and loads the templates: `--templates DIR`, `$KAOPING_TEMPLATES`, `./Templates`,
/// or a `Templates` folder beside or above the executable.
public struct TemplateStore: Sendable {
    public let directory: String

    public init(directory explicit: String? = nil) throws {
        var candidates: [String] = []
        if let d = explicit { candidates.append(d) }
        if let env = ProcessInfo.processInfo.environment["KAOPING_TEMPLATES"] { candidates.append(env) }
        candidates.append(FileManager.default.currentDirectoryPath + "/Templates")
        var exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(exe.appendingPathComponent("Templates").path)
            exe.deleteLastPathComponent()
        }
        // The source tree, for tests and for a binary run from its build folder.
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Templates").path)
        guard let dir = candidates.first(where: { TemplateStore.hasTemplates($0) }) else {
            throw TemplateError.directoryNotFound(searched: candidates)
        }
        directory = dir
        files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    /// Template files are decoded on first use: a run usually needs one of them.
    private let files: [String]
    private let cache = Cache()
    final class Cache: @unchecked Sendable {
        let lock = NSLock()
        var byFile: [String: Template] = [:]
    }

    func load(_ file: String) throws -> Template {
        cache.lock.lock(); defer { cache.lock.unlock() }
        if let t = cache.byFile[file] { return t }
        let path = directory + "/" + file
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let t = try JSONDecoder().decode(Template.self, from: data)
            // A mistyped column key would silently drop a column from every written sheet.
            if let bad = t.columns.first(where: { ColumnRole(rawValue: $0.key) == nil }) {
                throw TemplateError.invalid(file: path, reason: "未知的列 key「\(bad.key)」（可用：\(ColumnRole.allCases.map(\.rawValue).joined(separator: "、"))）")
            }
            cache.byFile[file] = t
            return t
        } catch let e as TemplateError {
            throw e
        } catch {
            throw TemplateError.invalid(file: path, reason: "\(error)")
        }
    }

    /// Every template in the folder.
    public func all() throws -> [Template] { try files.map(load) }

    static func hasTemplates(_ dir: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).contains { $0.hasSuffix(".json") }
    }

    public func named(_ name: String) throws -> Template {
        // `2024` is usually `2024.json`; otherwise every file is looked at.
        if files.contains(name + ".json"), let t = try? load(name + ".json"), t.name == name { return t }
        let all = try all()
        if let t = all.first(where: { $0.name == name }) { return t }
        throw TemplateError.unknown(name: name, available: all.map(\.name))
    }

    /// The template of the form's year, else the nearest earlier year's, else the newest.
    public func forYear(_ year: Int?) throws -> Template? {
        if let year, files.contains("\(year).json"), let t = try? load("\(year).json"), t.years.contains(year) { return t }
        let templates = try all()
        let sorted = templates.sorted { ($0.years.max() ?? 0) < ($1.years.max() ?? 0) }
        guard let year else { return sorted.last }
        if let t = templates.first(where: { $0.years.contains(year) }) { return t }
        return sorted.last(where: { ($0.years.min() ?? 0) <= year }) ?? sorted.first
    }

    /// The template for a form: its year's; else the nearest earlier one of the same layout
    /// family (two sections, or four with 文明/平安), else the nearest later one of that family;
    /// else as `forYear`. Say the choice with `fallbackFinding`.
    public func forForm(_ form: Form) throws -> Template? {
        guard let year = form.year else { return try forYear(nil) }
        if files.contains("\(year).json"), let t = try? load("\(year).json"), t.years.contains(year) { return t }
        let templates = try all()
        if let t = templates.first(where: { $0.years.contains(year) }) { return t }
        let family = templates.filter { TemplateStore.family($0) == TemplateStore.family(form) }
        let earlier = family.filter { ($0.years.max() ?? 0) < year }.max { ($0.years.max() ?? 0) < ($1.years.max() ?? 0) }
        let later = family.filter { ($0.years.min() ?? 0) > year }.min { ($0.years.min() ?? 0) < ($1.years.min() ?? 0) }
        return try earlier ?? later ?? forYear(year)
    }

    /// Four-section years (2023 on: 文明创建 and 平安建设 parts) against two-section ones.
    static func family(_ t: Template) -> Bool { t.sections.contains { $0.kind == .civility || $0.kind == .safety } }
    static func family(_ f: Form) -> Bool { f.sections.contains { $0.kind == .civility || $0.kind == .safety } }

    /// `template.year-fallback` when the form's year has no template of its own; nil otherwise.
    public static func fallbackFinding(_ form: Form, _ t: Template) -> Finding? {
        guard let year = form.year, !t.years.contains(year) else { return nil }
        let years = t.years.map(String.init).joined(separator: "、")
        return Finding(.templateYearFallback, nil,
                       "没有 \(year) 年的模板，已按同类版式最近的「\(t.name)」模板（\(years) 年，\(t.sections.count) 个部分）检查")
    }
}
