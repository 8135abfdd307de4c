import Foundation
import KaopingModel
import KaopingRegister
import KaopingWriter

/// What became of one input of an import.
public struct ImportOutcome: Sendable {
    public var file: String
    /// The stored (or already present) submission; nil when the file could not even be read from disk.
    public var submission: Submission?
    /// False when the same bytes were already in the register (no new round).
    public var isNew: Bool
    /// Why nothing was stored (the file is missing or cannot be opened), worded for a person.
    public var failure: String?
}

/// `kaoping import`: reads each file through `Pipeline` and stores it in the register, with the
/// cross-year findings. Files are read on every core, a few at a time (memory stays bounded),
/// and stored one by one in input order, each in its own transaction: a killed import loses at
/// most the files not yet committed.
public struct ImportJob {
    public var inputs: [String]
    /// The year to register under (the office's year); nil: each form's own year.
    public var year: Int?
    public var store: TemplateStore
    public var register: Register
    /// Files read at once (memory holds one batch of forms); stored in order after each batch.
    public var batchSize = max(4, 4 * ProcessInfo.processInfo.activeProcessorCount)

    public init(inputs: [String], year: Int?, store: TemplateStore, register: Register) {
        self.inputs = inputs; self.year = year; self.store = store; self.register = register
    }

    /// The files the job stores: folders expanded as `summary` does (recursively, `~$*` and hidden skipped).
    public var files: [String] { expandInputs(inputs) }

    /// - Parameters:
    ///   - describe: one line for a person per unreadable file (the CLI's `describe`).
    ///   - progress: before each file (index, count, file, nil) and after it (with the outcome).
    /// - Throws: `RegisterError` when the register cannot be written; files already stored stay.
    public func run(describe: @escaping @Sendable (Error) -> String = { "\($0)" },
                    progress: (_ index: Int, _ count: Int, _ file: String, _ outcome: ImportOutcome?) -> Void = { _, _, _, _ in }) throws -> [ImportOutcome] {
        let files = self.files
        var outcomes: [ImportOutcome] = []
        let receivedAt = isoLocalTime()
        var start = 0
        while start < files.count {
            let batch = Array(files[start..<min(files.count, start + max(1, batchSize))])
            // 1. Bytes and hashes on every core.
            let raw = parallelMap(batch) { ImportJob.readBytes($0) }
            let hashes = parallelMap(raw) { r -> String? in (try? r.get()).map { SHA256.hex($0) } }
            // 2. Bytes already in the register are not read again.
            var known: [Submission?] = []
            for h in hashes { known.append(try h.flatMap { try register.submission(sha256: $0) }) }
            let store = self.store
            let indices = Array(batch.indices)
            let read = parallelMap(indices) { i -> Result<(Form, Template?), Error>? in
                guard known[i] == nil, case .success = raw[i] else { return nil }
                return Result { try oneBigInputAtATime(batch[i]) { try Pipeline(store: store).read(batch[i]) } }
            }
            // 3. Stored in input order, one transaction each.
            for (i, file) in batch.enumerated() {
                let index = start + i
                progress(index, files.count, file, nil)
                let outcome: ImportOutcome
                switch raw[i] {
                case .failure(let e):
                    outcome = ImportOutcome(file: file, submission: nil, isNew: false, failure: e.reason)
                case .success(let bytes):
                    if let old = known[i] {
                        outcome = ImportOutcome(file: file, submission: old, isNew: false, failure: nil)
                    } else {
                        let new = try submission(file: file, bytes: bytes, sha: hashes[i] ?? SHA256.hex(bytes),
                                                 read: read[i] ?? .failure(ImportReadError(reason: "\(file): 未读取")),
                                                 receivedAt: receivedAt, describe: describe)
                        let (sub, isNew) = try register.store(new)
                        outcome = ImportOutcome(file: file, submission: sub, isNew: isNew, failure: nil)
                    }
                }
                outcomes.append(outcome)
                progress(index, files.count, file, outcome)
            }
            start += batch.count
        }
        return outcomes
    }

    /// Largest file stored (the desk refuses the same with 413): a 考评表 is well under 1 MiB.
    public static let maxBytes = 64 << 20

    /// The file's bytes; a missing path, a folder, a FIFO or device (which would block or never
    /// end) and a file over `maxBytes` are refused with a reason instead.
    static func readBytes(_ file: String) -> Result<[UInt8], ImportReadError> {
        var st = stat()
        // stat follows a symlink: a link to a sheet is the sheet; a dangling one is not found.
        guard stat(file, &st) == 0 else { return .failure(.init(reason: "\(file): 文件不存在 (file not found)")) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .failure(.init(reason: "\(file): 不是普通文件，未登记 (not a regular file)")) }
        guard Int(st.st_size) <= maxBytes else {
            return .failure(.init(reason: "\(file): 文件超过 \(maxBytes >> 20) MiB，不像考评表，未登记 (over \(maxBytes >> 20) MiB)"))
        }
        guard let d = FileManager.default.contents(atPath: file) else { return .failure(.init(reason: "\(file): 无法读取文件 (cannot read)")) }
        guard d.count <= maxBytes else { return .failure(.init(reason: "\(file): 文件超过 \(maxBytes >> 20) MiB (over the limit)")) }
        return .success([UInt8](d))
    }

    /// The submission for one file: its form and findings, or its reason when unreadable.
    /// `name`: the name it was received under (the desk's upload); nil: the file's own name.
    func submission(file: String, name received: String? = nil, bytes: [UInt8], sha: String, read: Result<(Form, Template?), Error>,
                    receivedAt: String, describe: (Error) -> String) throws -> NewSubmission {
        let name = received ?? URL(fileURLWithPath: file).lastPathComponent
        switch read {
        case .failure(let error):
            // A desk upload is read from a temporary file: its reason names the file as received.
            let reason = received == nil ? describe(error) : describe(error).replacingOccurrences(of: file, with: name)
            return NewSubmission(bytes: bytes, sha256: sha, fileName: name, receivedAt: receivedAt, unit: name, year: year,
                                 state: .unreadable, reason: reason, template: nil, formJSON: nil,
                                 findings: [Finding(.fileUnreadable, nil, reason)])
        case .success(let (formIn, template)):
            var form = formIn
            var extra: [Finding] = []
            var unit = form.unit.map(KText.trim) ?? ""
            if unit.isEmpty {
                unit = URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent
                extra.append(Finding(.registerUnitUnknown, nil, "表中找不到参评单位名称，以文件名「\(unit)」登记"))
            }
            let year = self.year ?? form.year
            if let y = self.year, let fy = form.year, fy != y {
                extra.append(Finding(.registerYearDiffers, nil, "表中写的是 \(fy) 年度，按 --year 登记为 \(y) 年度"))
            }
            extra += AcrossYears.deadlinesNamingPastYears(form, year: year)
            if let year, let prev = try register.latest(unit: unit, year: year - 1), prev.state != .unreadable, let json = prev.formJSON {
                extra += AcrossYears.sameAsLastYear(form, previous: AcrossYears.items(formJSON: json), previousYear: year - 1, previousRound: prev.round)
            }
            form.findings = AcrossYears.fillCodes(form.findings + extra, form: form)
            let errors = form.findings.contains { $0.severity == .error }
            return NewSubmission(bytes: bytes, sha256: sha, fileName: name, receivedAt: receivedAt, unit: unit, year: year,
                                 state: errors ? .errors : .ok, reason: nil, template: template?.name,
                                 formJSON: String(decoding: form.jsonBytes(pretty: false), as: UTF8.self), findings: form.findings)
        }
    }
}

struct ImportReadError: Error { var reason: String }

/// `transform` over `items` on every core; results in input order.
func parallelMap<T, U>(_ items: [T], _ transform: (T) -> U) -> [U] {
    parallelMap(items.count) { transform(items[$0]) }
}
