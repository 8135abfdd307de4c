#if canImport(Glibc)
import Glibc
#endif

// File operations that a hostile file system cannot turn against Kaoping (issue 18): an input is
// read only when it is a regular file (a FIFO would block forever, a device has no end); an
// output is written to a temporary file created exclusively beside it, never through a link,
// then fsync'd and renamed into place; the live temporary files are known, so an interrupt can
// remove them.

/// What a path is, for a refusal a person can read.
public enum FileKind: String, Sendable, Equatable {
    case regular, directory, fifo, socket, characterDevice, blockDevice, symlink, other

    /// The kind from `st_mode`.
    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFLNK: self = .symlink
        default: self = .other
        }
    }

    /// The English name, for the bracketed part of a message.
    public var english: String {
        switch self {
        case .characterDevice: return "character device"
        case .blockDevice: return "block device"
        case .fifo: return "FIFO"
        case .directory: return "folder"
        default: return rawValue
        }
    }

    /// The Chinese name, as in 「不是普通文件（命名管道）」.
    public var chinese: String {
        switch self {
        case .regular: return "普通文件"
        case .directory: return "文件夹"
        case .fifo: return "命名管道"
        case .socket: return "套接字"
        case .characterDevice: return "字符设备"
        case .blockDevice: return "块设备"
        case .symlink: return "符号链接"
        case .other: return "特殊文件"
        }
    }
}

/// Why an output was not written. Typed here; the CLI words them for people.
public enum OutputError: Error, Equatable, Sendable {
    /// OUT exists and is a device, FIFO, socket or folder: it is never replaced.
    case notRegularFile(path: String, kind: FileKind)
    /// OUT is a symlink: never written through, never replaced.
    case symlink(path: String)
    /// OUT is the same file (device + inode) as an input, e.g. a hard link to it.
    case sameFileAsInput(path: String, input: String)
    /// A folder output exists and is not a folder.
    case notADirectory(path: String, kind: FileKind)
    case diskFull(path: String)
    /// RLIMIT_FSIZE (`ulimit -f`) was reached.
    case fileTooLarge(path: String)
    /// The temporary file's name no longer leads to the file Kaoping created.
    case temporaryReplaced(path: String)
    case io(path: String, reason: String)
    /// SIGINT/SIGTERM arrived: the process is about to exit.
    case interrupted(path: String)
}

/// One line per refusal: control characters (newline, tab, ESC, C1, bidi overrides) as escapes
/// (`\n`, `\t`, `\x1b`, `\u{202e}`). Backslashes are kept as they are.
public func escapeForLine(_ s: String) -> String {
    func bad(_ v: UInt32) -> Bool {
        v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }
    guard s.unicodeScalars.contains(where: { bad($0.value) }) else { return s }
    var o = ""
    for u in s.unicodeScalars {
        let v = u.value
        guard bad(v) else { o.unicodeScalars.append(u); continue }
        switch v {
        case 0x0A: o += "\\n"
        case 0x0D: o += "\\r"
        case 0x09: o += "\\t"
        case ..<0x80:
            let h = String(v, radix: 16)
            o += "\\x" + (h.count < 2 ? "0" + h : h)
        default: o += "\\u{" + String(v, radix: 16) + "}"
        }
    }
    return o
}

/// Device and inode: the identity of a file, whatever its names.
public struct FileIdentity: Equatable, Sendable {
    public let device: UInt64, inode: UInt64
    init(_ st: stat) { device = UInt64(st.st_dev); inode = UInt64(st.st_ino) }
}

public enum SafeFile {
    /// What is at `path` (`lstat` unless `followLinks`), or nil when nothing is there.
    public static func kind(_ path: String, followLinks: Bool = true) -> FileKind? {
        var st = stat()
        let rc = followLinks ? stat(path, &st) : lstat(path, &st)
        return rc == 0 ? FileKind(mode: st.st_mode) : nil
    }

    /// The identity of the file at `path` (links followed unless `followLinks` is false).
    public static func identity(_ path: String, followLinks: Bool = true) -> FileIdentity? {
        var st = stat()
        let rc = followLinks ? stat(path, &st) : lstat(path, &st)
        return rc == 0 ? FileIdentity(st) : nil
    }

    /// Opens an input for reading; only a regular file (a symlink to one is fine) is opened.
    /// Anything else throws `XLSXError.notRegularFile` without being opened: a FIFO would block,
    /// a device never ends. Opened with O_NONBLOCK so a FIFO swapped in after the check cannot
    /// block either, then checked again with `fstat`; O_NONBLOCK is cleared before returning.
    /// The caller owns the descriptor (O_CLOEXEC).
    public static func openInput(_ path: String) throws -> Int32 {
        var st = stat()
        guard stat(path, &st) == 0 else { throw openError(path, errno) }
        let kind = FileKind(mode: st.st_mode)
        guard kind == .regular else { throw XLSXError.notRegularFile(file: path, kind: kind) }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw openError(path, errno) }
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw XLSXError.unreadable(file: path, reason: String(cString: strerror(e)))
        }
        let now = FileKind(mode: st.st_mode)
        guard now == .regular else {
            close(fd)
            throw XLSXError.notRegularFile(file: path, kind: now)
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return fd
    }

    static func openError(_ path: String, _ e: Int32) -> XLSXError {
        if e == ENOENT || e == ENOTDIR { return .fileNotFound(file: path) }
        return .unreadable(file: path, reason: String(cString: strerror(e)))
    }

    /// The whole of a small regular file (a CSV of ratings), at most `maxBytes`.
    public static func contents(_ path: String, maxBytes: Int = 64 << 20) throws -> [UInt8] {
        let fd = try openInput(path)
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw XLSXError.unreadable(file: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
            if out.count > maxBytes { throw XLSXError.limitExceeded(file: path, part: "-", what: "larger than \(maxBytes) bytes") }
        }
        return out
    }

    /// Refuses an output file that must not be written: a symlink (never written through), an
    /// existing device/FIFO/socket/folder, or the same file (device + inode) as an input.
    /// A missing output is fine.
    public static func checkOutput(_ path: String, inputs: [String] = []) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        let kind = FileKind(mode: st.st_mode)
        if kind == .symlink { throw OutputError.symlink(path: path) }
        guard kind == .regular else { throw OutputError.notRegularFile(path: path, kind: kind) }
        let me = FileIdentity(st)
        for i in inputs where identity(i) == me { throw OutputError.sameFileAsInput(path: path, input: i) }
    }

    /// Refuses a folder output that exists and is not a folder (a symlink to a folder is one).
    public static func checkOutputFolder(_ path: String) throws {
        guard let kind = kind(path), kind != .directory else { return }
        throw OutputError.notADirectory(path: path, kind: kind)
    }
}

/// A temporary file created exclusively (random name, O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644
/// less the umask) in the folder of `target`, registered so that an interrupt removes it.
/// `commit()` fsyncs it, checks its name still leads to it, renames it over the target and
/// fsyncs the folder; `discard()` removes it. Exactly one of them must be called.
public final class TempOutput {
    public let target: String
    /// The temporary file's name beside the target.
    public let path: String
    private let fd: Int32
    private let id: FileIdentity
    /// The open descriptor of the temporary file (owned here; do not close it).
    public var descriptor: Int32 { fd }
    private var done = false

    /// A path that opens this very file whatever is done to its name meanwhile (Linux's
    /// /proc/self/fd), for a library that opens by path; the temporary path where /proc is absent.
    public var pathForWriting: String {
        let p = "/proc/self/fd/\(fd)"
        return access(p, W_OK) == 0 ? p : path
    }

    public init(for target: String) throws {
        self.target = target
        let slash = target.lastIndex(of: "/")
        let dir = slash.map { String(target[..<$0]) } ?? "."
        var base = slash.map { String(target[target.index(after: $0)...]) } ?? target
        // Keep the name under NAME_MAX (255 bytes) with the prefix and suffix added.
        while base.utf8.count > 200 { base.unicodeScalars.removeLast() }
        let folder = dir.isEmpty ? "/" : dir
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var lastError: Int32 = EEXIST
        for _ in 0..<100 {
            var rnd = ""
            for _ in 0..<12 { rnd.unicodeScalars.append(Unicode.Scalar(alphabet[Int.random(in: 0..<alphabet.count)])) }
            let name = folder + "/." + base + "." + rnd + ".tmp"
            let r = LiveTemps.shared.create(name)
            if r.fd >= 0 {
                var st = stat()
                fstat(r.fd, &st)
                self.path = name; self.fd = r.fd; self.id = FileIdentity(st)
                return
            }
            if r.interrupted { throw OutputError.interrupted(path: target) }
            lastError = r.errno
            if lastError != EEXIST { break }
        }
        throw OutputError.io(path: target, reason: "cannot create a temporary file in \(folder): \(String(cString: strerror(lastError)))")
    }

    deinit { if !done { discard() } }

    /// Why the last write failed, from errno and the file system: disk full, size limit, or `reason`.
    public func failure(errno e: Int32, reason: String) -> OutputError {
        if e == ENOSPC || e == EDQUOT { return .diskFull(path: target) }
        if e == EFBIG { return .fileTooLarge(path: target) }
        var lim = rlimit()
        var st = stat()
        if getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &lim) == 0, lim.rlim_cur != rlim_t.max, fstat(fd, &st) == 0,
           UInt64(st.st_size) + (64 << 10) >= UInt64(lim.rlim_cur) || lim.rlim_cur < (1 << 20) {
            // libxlsxwriter also writes each part to a temporary file first; a small limit stops those.
            return .fileTooLarge(path: target)
        }
        var vfs = statvfs()
        if fstatvfs(fd, &vfs) == 0, vfs.f_bavail == 0 { return .diskFull(path: target) }
        if statvfs("/tmp", &vfs) == 0, vfs.f_bavail == 0 { return .diskFull(path: target) }
        return .io(path: target, reason: reason)
    }

    /// True when a file-size limit is set, or the output's or /tmp's file system has less than
    /// 64 MiB or four times this file's size free: then a silently failed write is plausible.
    public var environmentIsTight: Bool {
        var lim = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &lim) == 0, lim.rlim_cur != rlim_t.max { return true }
        var st = stat()
        let size = fstat(fd, &st) == 0 ? UInt64(max(st.st_size, 0)) : 0
        let want = max(64 << 20, size * 4)
        var vfs = statvfs()
        if fstatvfs(fd, &vfs) == 0, UInt64(vfs.f_bavail) * UInt64(vfs.f_frsize) < want { return true }
        if statvfs("/tmp", &vfs) == 0, UInt64(vfs.f_bavail) * UInt64(vfs.f_frsize) < want { return true }
        return false
    }

    /// Puts the finished file in place of the target: fsync, check, rename, fsync the folder.
    public func commit() throws {
        precondition(!done, "TempOutput committed twice")
        if fsync(fd) != 0 {
            let e = errno
            discard()
            throw failure(errno: e, reason: String(cString: strerror(e)))
        }
        var st = stat()
        guard lstat(path, &st) == 0, FileKind(mode: st.st_mode) == .regular, FileIdentity(st) == id else {
            // Someone replaced our name: leave whatever is there now alone.
            done = true
            LiveTemps.shared.forget(path, fd: fd)
            throw OutputError.temporaryReplaced(path: target)
        }
        // The target may have changed since the caller's check: re-check just before the rename.
        do { try SafeFile.checkOutput(target) } catch { discard(); throw error }
        let r = LiveTemps.shared.commit(path, to: target, fd: fd)
        done = true
        if r == -1 { throw OutputError.interrupted(path: target) }
        if r != 0 {
            unlink(path)
            throw OutputError.io(path: target, reason: "rename: \(String(cString: strerror(r)))")
        }
        let folder = target.lastIndex(of: "/").map { String(target[..<$0]) } ?? "."
        let dfd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    /// Removes the temporary file.
    public func discard() {
        guard !done else { return }
        done = true
        LiveTemps.shared.remove(path, fd: fd)
    }
}

/// The temporary files being written, under one lock, and how many outputs were put in place:
/// what an interrupt removes and reports.
final class LiveTemps: @unchecked Sendable {
    static let shared = LiveTemps()
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var paths = Set<String>()
    private var written = 0
    private var dying = false

    private init() { pthread_mutex_init(mutex, nil) }

    /// Creates and registers `name` atomically with respect to an interrupt.
    func create(_ name: String) -> (fd: Int32, errno: Int32, interrupted: Bool) {
        pthread_mutex_lock(mutex); defer { pthread_mutex_unlock(mutex) }
        if dying { return (-1, EINTR, true) }
        let fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd < 0 { return (-1, errno, false) }
        paths.insert(name)
        return (fd, 0, false)
    }

    /// Renames and counts under the lock: 0, an errno, or -1 when interrupted.
    func commit(_ name: String, to target: String, fd: Int32) -> Int32 {
        pthread_mutex_lock(mutex); defer { pthread_mutex_unlock(mutex) }
        if dying { return -1 }
        let rc = rename(name, target) == 0 ? 0 : errno
        paths.remove(name)
        close(fd)
        if rc == 0 { written += 1 }
        return rc
    }

    func remove(_ name: String, fd: Int32) {
        pthread_mutex_lock(mutex); defer { pthread_mutex_unlock(mutex) }
        if dying { return }
        unlink(name)
        paths.remove(name)
        close(fd)
    }

    func forget(_ name: String, fd: Int32) {
        pthread_mutex_lock(mutex); defer { pthread_mutex_unlock(mutex) }
        paths.remove(name)
        close(fd)
    }

    /// Removes every live temporary file and stops new ones; returns (written, removed).
    /// Keeps the lock: the caller exits.
    func die() -> (Int, Int) {
        pthread_mutex_lock(mutex)
        dying = true
        for p in paths { unlink(p) }
        return (written, paths.count)
    }
}

/// SIGINT/SIGTERM and SIGXFSZ handling for a process that writes outputs.
/// On SIGINT/SIGTERM: removes the live temporary files, prints one line with the count of
/// outputs already in place, and dies of the signal (a shell sees exit 130 / 143).
///
/// The signals are blocked in every thread and taken by one thread in `sigwait`, which runs
/// ordinary code: it can take the lock of the live temporary files (a signal handler could
/// not), so a rename in progress finishes first and is counted. SIGXFSZ is ignored, so a
/// file-size limit shows as EFBIG from `write` instead of killing the process silently.
public enum Interrupts {
    /// Set once by `install` before the signal thread starts, read only by it.
    nonisolated(unsafe) static var watched = sigset_t()

    /// Call first in `main`, before any thread starts (threads inherit the signal mask).
    public static func install() {
        signal(SIGXFSZ, SIG_IGN)
        // A signal ignored when we were started (`nohup`, a background job) stays ignored.
        var watched: [Int32] = []
        for sig in [SIGINT, SIGTERM] {
            var old = sigaction()
            if sigaction(sig, nil, &old) == 0, let h = old.__sigaction_handler.sa_handler,
               unsafeBitCast(h, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
            watched.append(sig)
        }
        guard !watched.isEmpty else { return }
        var set = sigset_t()
        sigemptyset(&set)
        for sig in watched { sigaddset(&set, sig) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        Interrupts.watched = set
        var t = pthread_t()
        pthread_create(&t, nil, { _ in
            var set = Interrupts.watched
            var sig: Int32 = 0
            while sigwait(&set, &sig) != 0 {}
            let (written, removed) = LiveTemps.shared.die()
            var line = "kaoping: 已中断"
            if written > 0 || removed > 0 {
                line += "：已写出 \(written) 个文件，未完成的临时文件已删除（\(removed) 个） (interrupted: \(written) written, \(removed) unfinished temporary files removed)"
            } else {
                line += " (interrupted)"
            }
            line += "\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            // Die of the signal itself, so that a shell running Kaoping in a loop stops too
            // (it sees 130/143 either way); _exit is the fallback.
            signal(sig, SIG_DFL)
            var one = sigset_t()
            sigemptyset(&one)
            sigaddset(&one, sig)
            pthread_sigmask(SIG_UNBLOCK, &one, nil)
            raise(sig)
            _exit(128 + sig)
        }, nil)
        pthread_detach(t)
    }
}
