import Foundation

/// The results of a fan-out, each slot written once by its own iteration.
private final class Slots<T>: @unchecked Sendable {
    var items: [T?]
    init(_ n: Int) { items = Array(repeating: nil, count: n) }
}

/// Runs `body` for every index on every core and returns the results in input order: the
/// office's machine has two cores, and a batch of forms reads in about half the time.
public func parallelMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    let slots = Slots<T>(count)
    let lock = NSLock()
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let r = body(i)
            lock.lock(); slots.items[i] = r; lock.unlock()
        }
    }
    return slots.items.map { $0! }
}

/// Files larger than this on disk (a real 考评表 is 20–70 KB) are read one at a time, so the
/// memory of a batch is one big file's plus the small ones', not the cores × the worst file.
public let bigInputBytes = 4 << 20
private let bigInputLock = NSLock()

/// Runs `body` for `file`, one at a time among files over `bigInputBytes`.
public func oneBigInputAtATime<T>(_ file: String, _ body: () throws -> T) rethrows -> T {
    // stat, not FileManager's attributes (which look up the owner's name in /etc/passwd too).
    var st = stat()
    let size = stat(file, &st) == 0 ? Int(st.st_size) : 0
    guard size > bigInputBytes else { return try body() }
    bigInputLock.lock()
    defer { bigInputLock.unlock() }
    return try body()
}

/// Reads files concurrently through the pipeline; results in input order.
public func readAll(_ files: [String], pipeline: Pipeline, template: String?) -> [Result<(Form, Template?), Error>] {
    parallelMap(files.count) { i in readOne(files[i], pipeline: pipeline, template: template) }
}

/// One file of a fan-out read through the pipeline (big files one at a time).
public func readOne(_ file: String, pipeline: Pipeline, template: String?) -> Result<(Form, Template?), Error> {
    Result { try oneBigInputAtATime(file) { try pipeline.read(file, template: template) } }
}
