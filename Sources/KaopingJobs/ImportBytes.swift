import Foundation
import KaopingModel
import KaopingRegister
import KaopingWriter

extension ImportJob {
    /// Stores one file received as bytes (the desk's upload) the way `run` stores a file from
    /// disk: same hash, same reading, same findings, one transaction; the same bytes again
    /// return the stored submission with `isNew == false`. `name` is only a label: it is
    /// cleaned by `receivedName` and never used as a path (the bytes go through a temporary
    /// file of our own naming, removed before returning).
    /// - Throws: `RegisterError` when the register cannot be written.
    public func store(bytes: [UInt8], name rawName: String,
                      describe: @escaping @Sendable (Error) -> String = { "\($0)" }) throws -> ImportOutcome {
        let name = ImportJob.receivedName(rawName)
        let sha = SHA256.hex(bytes)
        if let old = try register.submission(sha256: sha) {
            return ImportOutcome(file: name, submission: old, isNew: false, failure: nil)
        }
        let ext = URL(fileURLWithPath: name).pathExtension.lowercased()
        let safeExt = ext.count <= 5 && !ext.isEmpty && ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) ? "." + ext : ""
        let tmp = FileManager.default.temporaryDirectory
            .appendingPathComponent("kaoping-upload-\(getpid())-\(UUID().uuidString)\(safeExt)").path
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let read: Result<(Form, Template?), Error>
        if FileManager.default.createFile(atPath: tmp, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) {
            read = Result { try Pipeline(store: store).read(tmp) }
        } else {
            read = .failure(ImportReadError(reason: "\(name): 无法写入临时文件 (cannot write a temporary file)"))
        }
        let new = try submission(file: tmp, name: name, bytes: bytes, sha: sha, read: read,
                                 receivedAt: isoLocalTime(), describe: describe)
        let (sub, isNew) = try register.store(new)
        return ImportOutcome(file: name, submission: sub, isNew: isNew, failure: nil)
    }

    /// A received file name made a label: its last component (after `/` or `\`), control
    /// characters dropped, at most 200 characters; `未命名.xlsx` when nothing is left.
    public static func receivedName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var s = String(String.UnicodeScalarView(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
        s = s.trimmingCharacters(in: .whitespaces)
        if s.count > 200 { s = String(s.suffix(200)) }
        return s.isEmpty || s == "." || s == ".." ? "未命名.xlsx" : s
    }
}
