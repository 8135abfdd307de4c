import Foundation

/// The .xlsx files under the inputs: files as given, directories recursively (sorted), skipping
/// names that start with `~$` (Excel's lock files) or `.`.
public func expandInputs(_ paths: [String], excluding: String? = nil) -> [String] {
    var out: [String] = []
    let fm = FileManager.default
    let excluded = excluding.map(realPath)
    for p in paths {
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
            let names = (fm.subpathsOfDirectory(atPath: p, error: nil)).sorted()
            for rel in names {
                let comps = rel.split(separator: "/")
                guard let name = comps.last, name.lowercased().hasSuffix(".xlsx") else { continue }
                if comps.contains(where: { $0.hasPrefix(".") || $0.hasPrefix("~$") }) { continue }
                let full = (p.hasSuffix("/") ? p : p + "/") + rel
                if let excluded, realPath(full) == excluded { continue }
                var d: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &d), d.boolValue { continue }
                out.append(full)
            }
        } else {
            out.append(p)
        }
    }
    return out
}

extension FileManager {
    fileprivate func subpathsOfDirectory(atPath p: String, error: Void?) -> [String] {
        (try? subpathsOfDirectory(atPath: p)) ?? []
    }
}

/// The path with symlinks and `..` resolved (the path itself when it does not exist yet: its folder resolved).
public func realPath(_ p: String) -> String {
    if let r = realpath(p, nil) { defer { free(r) }; return String(cString: r) }
    let url = URL(fileURLWithPath: p)
    let dir = url.deletingLastPathComponent().path
    if let r = realpath(dir, nil) { defer { free(r) }; return String(cString: r) + "/" + url.lastPathComponent }
    return url.standardizedFileURL.path
}
