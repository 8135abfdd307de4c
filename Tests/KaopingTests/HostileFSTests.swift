import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KaopingJobs
import XCTest
import XLSXCore

// A hostile file system (issue 18, points 1, 4–7): FIFOs, sockets and devices as inputs and
// outputs, links planted at temporary names, a hard link to the input as OUT, signals and a
// file-size limit while writing, control characters in file names. Through the built binary,
// since most of these need a real process (a signal, an rlimit, a FIFO that would hang).
final class HostileFSTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws {
        guard MutKit.binary != nil else { throw XCTSkip("kaoping binary not built") }
        dir = try MutKit.tempDir("hostile")
    }
    override func tearDownWithError() throws { if !dir.isEmpty { try? FileManager.default.removeItem(atPath: dir) } }

    private func sample() throws -> String {
        try XCTUnwrap(MutKit.samples.first { $0.hasSuffix("-evaluated.xlsx") } ?? MutKit.samples.first)
    }

    private func mkfifo(_ path: String) throws {
        XCTAssertEqual(Glibc.mkfifo(path, 0o644), 0, "mkfifo \(path): \(String(cString: strerror(errno)))")
    }

    private func names(_ d: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: d)) ?? []).sorted()
    }

    /// One `kaoping: …` line on stderr and nothing else; exit 2; no hang.
    private func assertOneLineRefusal(_ r: MutKit.Run, _ words: [String], _ label: String,
                                      file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(r.timedOut, "\(label): hung", file: file, line: line)
        XCTAssertEqual(r.code, 2, "\(label): \(r.err)", file: file, line: line)
        XCTAssertEqual(r.errLines.count, 1, "\(label): stderr is not one line: \(r.err)", file: file, line: line)
        XCTAssertTrue(r.err.hasPrefix("kaoping: "), "\(label): \(r.err)", file: file, line: line)
        for w in words { XCTAssertTrue(r.err.contains(w), "\(label): stderr lacks «\(w)»: \(r.err)", file: file, line: line) }
    }

    /// Runs `/bin/sh -c script` with the binary as $KAOPING (for `ulimit`), from the repo root.
    private func sh(_ script: String, seconds: Double = 60) throws -> MutKit.Run {
        let out = dir + "/.sh-out", err = dir + "/.sh-err"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: out); try? FileManager.default.removeItem(atPath: err) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.environment = ["KAOPING": MutKit.binary!, "PATH": "/usr/bin:/bin"]
        p.currentDirectoryURL = URL(fileURLWithPath: MutKit.root)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try p.run()
        let deadline = Date().addingTimeInterval(seconds)
        var timedOut = false
        while p.isRunning { if Date() > deadline { p.terminate(); timedOut = true; break }; usleep(10_000) }
        p.waitUntilExit()
        return MutKit.Run(code: p.terminationStatus, out: String(decoding: try MutKit.bytes(out), as: UTF8.self),
                          err: String(decoding: try MutKit.bytes(err), as: UTF8.self), timedOut: timedOut)
    }

    private func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    // MARK: 1. inputs that are not regular files

    func testFIFOAsInputIsRefusedWithoutBlocking() throws {
        let fifo = dir + "/p.xlsx"
        try mkfifo(fifo)
        for cmd in [["check", fifo], ["inspect", fifo], ["cells", fifo], ["fix", fifo, "-o", dir + "/out.xlsx"]] {
            let r = try MutKit.cli(cmd, seconds: 20)
            assertOneLineRefusal(r, [fifo, "不是普通文件（命名管道）"], cmd[0])
        }
        XCTAssertEqual(names(dir), ["p.xlsx"], "fix of a FIFO wrote nothing")
        // check goes on past it to the next file.
        let good = try sample()
        let r = try MutKit.cli(["check", fifo, good], seconds: 20)
        XCTAssertFalse(r.timedOut)
        XCTAssertEqual(r.code, 2, r.err)
        XCTAssertTrue(r.out.contains(good), "the good file after the FIFO is checked: \(r.out)")
    }

    func testSummaryOfAFolderWithAFIFOSkipsIt() throws {
        let folder = dir + "/forms"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try sample(), toPath: folder + "/a.xlsx")
        try mkfifo(folder + "/b.xlsx")
        let out = dir + "/sum.xlsx"
        let r = try MutKit.cli(["summary", folder, "-o", out], seconds: 60)
        XCTAssertFalse(r.timedOut, "summary hung on the FIFO")
        XCTAssertEqual(r.code, 1, "one input skipped: \(r.err)")
        XCTAssertTrue(r.errLines.contains { $0.contains(folder + "/b.xlsx") && $0.contains("命名管道") }, r.err)
        let wb = try Workbook(path: out)
        XCTAssertEqual(wb.sheets.first?.name, "汇总", "the summary of the one form is written")
        // A FIFO as the ratings file, and as a folder's earlier summary, are refused without blocking.
        try mkfifo(dir + "/ratings.csv")
        let rr = try MutKit.cli(["summary", folder, "-o", dir + "/sum2.xlsx", "--ratings", dir + "/ratings.csv"], seconds: 60)
        XCTAssertFalse(rr.timedOut)
        XCTAssertEqual(rr.code, 2, rr.err)
        XCTAssertTrue(rr.err.contains("命名管道"), rr.err)
    }

    func testDevicesSocketsAndFoldersAsInputAreNeverOpened() throws {
        // In-process: the reader refuses before opening (a FIFO here would hang the test runner).
        for (path, kind) in [("/dev/null", FileKind.characterDevice), ("/dev/zero", .characterDevice), (dir, .directory)] {
            XCTAssertThrowsError(try ZipArchive(path: path)) { e in
                XCTAssertEqual(e as? XLSXError, .notRegularFile(file: path, kind: kind))
            }
        }
        // A Unix socket, made by python3 (bind creates it).
        let sock = dir + "/s.xlsx"
        let py = try sh("python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \(quoted(sock))")
        XCTAssertEqual(py.code, 0, py.err)
        XCTAssertEqual(SafeFile.kind(sock), .socket)
        assertOneLineRefusal(try MutKit.cli(["check", sock]), ["套接字"], "socket")
        assertOneLineRefusal(try MutKit.cli(["check", "/dev/zero"]), ["字符设备"], "/dev/zero")
        // A symlink to a device is followed to see what it is, and refused the same way.
        let link = dir + "/link.xlsx"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/zero")
        assertOneLineRefusal(try MutKit.cli(["check", link]), [link, "字符设备"], "symlink to /dev/zero")
    }

    // MARK: 4. temporary files

    /// Symlinks at the names the old writer used (`.OUT.PID.tmp`) for the next PIDs, and a racer
    /// that replaces every temporary file it sees with a symlink to a victim: the victim is never
    /// written, OUT is never a symlink, and a run that was raced says so in one line.
    func testPlantedSymlinksAtTemporaryNamesAreNeverWrittenThrough() throws {
        let victim = dir + "/victim.txt"
        try MutKit.write(Array("do not touch".utf8), to: victim)
        let outDir = dir + "/out"
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let me = Int(getpid())
        for pid in me..<(me + 400) {
            try FileManager.default.createSymbolicLink(atPath: outDir + "/.out.xlsx.\(pid).tmp", withDestinationPath: victim)
        }
        let planted = Set(names(outDir))
        let s = try sample()
        let r = try MutKit.cli(["fix", s, "-o", outDir + "/out.xlsx"])
        XCTAssertTrue([0, 1].contains(r.code), r.err)
        XCTAssertEqual(SafeFile.kind(outDir + "/out.xlsx", followLinks: false), .regular)
        XCTAssertEqual(try MutKit.bytes(victim), Array("do not touch".utf8))
        XCTAssertEqual(Set(names(outDir)), planted.union(["out.xlsx"]), "only out.xlsx was added")

        // The race: swap each temporary file for a symlink as soon as it appears.
        final class Racer: @unchecked Sendable {
            let dir: String, victim: String
            var stop = false, swaps = 0
            init(_ d: String, _ v: String) { dir = d; victim = v }
            func run() {
                while !stop {
                    for n in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
                    where n.hasSuffix(".tmp") && n.hasPrefix(".race") {
                        let p = dir + "/" + n
                        if SafeFile.kind(p, followLinks: false) == .regular, unlink(p) == 0, symlink(victim, p) == 0 { swaps += 1 }
                    }
                }
            }
        }
        let raceDir = dir + "/race"
        try FileManager.default.createDirectory(atPath: raceDir, withIntermediateDirectories: true)
        let racer = Racer(raceDir, victim)
        let t = Thread { racer.run() }
        t.start()
        var raced = 0
        for i in 0..<8 {
            let out = raceDir + "/race\(i).xlsx"
            let r = try MutKit.cli(["fix", s, "-o", out])
            XCTAssertFalse(r.timedOut)
            XCTAssertEqual(try MutKit.bytes(victim), Array("do not touch".utf8), "run \(i): the victim was written")
            XCTAssertNotEqual(SafeFile.kind(out, followLinks: false), .symlink, "run \(i): OUT became a symlink")
            if r.code == 2 {
                raced += 1
                XCTAssertTrue(r.errLines.last?.contains("临时文件被他人替换") ?? false, "run \(i): \(r.err)")
                XCTAssertNil(SafeFile.kind(out, followLinks: false), "run \(i): a raced output must not appear")
            } else {
                XCTAssertNoThrow(try Workbook(path: out), "run \(i): a written output is whole")
            }
        }
        racer.stop = true
        while t.isExecuting { usleep(1000) }
        XCTAssertGreaterThan(racer.swaps, 0, "the racer never caught a temporary file: the test proved nothing")
        XCTAssertGreaterThan(raced, 0)
    }

    /// Temporary names are random and created exclusively with mode 0644 less the umask.
    func testTemporaryFileIsExclusiveAndRandom() throws {
        let target = dir + "/t.xlsx"
        let a = try TempOutput(for: target), b = try TempOutput(for: target)
        XCTAssertNotEqual(a.path, b.path)
        XCTAssertTrue(a.path.hasPrefix(dir + "/.t.xlsx."), a.path)
        let mask = umask(0); umask(mask)
        var st = stat()
        XCTAssertEqual(lstat(a.path, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o644 & ~mask)
        a.discard(); b.discard()
        XCTAssertEqual(names(dir), [], "discard removes the temporary files")
    }

    /// SIGINT (and SIGTERM) after the first output of a many-file `fix` has appeared: exit 130
    /// (143), one line saying how many were written, that many whole outputs, no `.tmp` left.
    func testInterruptDuringFixLeavesNoTemporaryFiles() throws {
        let inDir = dir + "/in"
        try FileManager.default.createDirectory(atPath: inDir, withIntermediateDirectories: true)
        let s = try sample()
        for i in 0..<80 { try FileManager.default.copyItem(atPath: s, toPath: inDir + "/f\(i).xlsx") }
        let inputs = names(inDir).map { inDir + "/" + $0 }
        for round in 0..<6 {
            let sigterm = round == 5
            let outDir = dir + "/out\(round)"
            let errPath = dir + "/err\(round)"
            FileManager.default.createFile(atPath: errPath, contents: nil)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: MutKit.binary!)
            p.arguments = ["fix"] + inputs + ["-o", outDir + "/"]
            p.currentDirectoryURL = URL(fileURLWithPath: MutKit.root)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            try p.run()
            let deadline = Date().addingTimeInterval(60)
            while p.isRunning, !names(outDir).contains(where: { !$0.hasPrefix(".") }), Date() < deadline { usleep(2000) }
            XCTAssertTrue(p.isRunning, "round \(round): fix ended before it could be interrupted")
            if sigterm { p.terminate() } else { p.interrupt() }
            p.waitUntilExit()
            let err = String(decoding: try MutKit.bytes(errPath), as: UTF8.self)
            // Dies of the signal after cleaning up (a shell shows 130 / 143).
            XCTAssertEqual(p.terminationReason, .uncaughtSignal, "round \(round): \(err)")
            XCTAssertEqual(p.terminationStatus, sigterm ? SIGTERM : SIGINT, "round \(round): \(err)")
            let left = names(outDir)
            XCTAssertFalse(left.contains { $0.hasSuffix(".tmp") || $0.hasPrefix(".") }, "round \(round): left behind: \(left)")
            let lines = err.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "round \(round): \(err)")
            XCTAssertTrue(err.contains("已中断：已写出 \(left.count) 个文件"), "round \(round): \(err) vs \(left.count) files")
            for f in left { XCTAssertNoThrow(try Workbook(path: outDir + "/" + f), "round \(round): \(f) is cut off") }
        }
    }

    /// `ulimit -f 8` (4 KiB in sh's 512-byte blocks): libxlsxwriter's writes fail with EFBIG
    /// (SIGXFSZ is ignored), the output is refused with the reason, nothing is left.
    func testFileSizeLimitGivesOneLineAndLeavesNothing() throws {
        let s = try sample()
        let outDir = dir + "/out"
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        for blocks in [8, 30, 36] { // at the output, and inside a part (libxlsxwriter's own temporary files)
            let out = outDir + "/o.xlsx"
            let r = try sh("ulimit -f \(blocks); exec \"$KAOPING\" fix \(quoted(s)) -o \(quoted(out))")
            XCTAssertFalse(r.timedOut)
            XCTAssertEqual(r.code, 2, "ulimit -f \(blocks): \(r.err)")
            let ours = r.errLines.filter { $0.hasPrefix("kaoping: ") }
            XCTAssertEqual(ours.count, 1, r.err)
            XCTAssertTrue(ours.first?.contains("超出文件大小限制") ?? false, r.err)
            XCTAssertEqual(r.errLines.count, 1, "ulimit -f \(blocks): one line only: \(r.err)")
            XCTAssertEqual(names(outDir), [], "ulimit -f \(blocks): left behind")
        }
        let sum = try sh("ulimit -f 8; exec \"$KAOPING\" summary \(quoted(s)) -o \(quoted(outDir + "/s.xlsx"))")
        XCTAssertEqual(sum.code, 2, sum.err)
        XCTAssertTrue(sum.err.contains("超出文件大小限制"), sum.err)
        XCTAssertEqual(names(outDir), [])
    }

    /// A full disk: a 16 KiB tmpfs (needs root to mount; skipped elsewhere).
    func testFullDiskGivesOneLineAndLeavesNothing() throws {
        let mnt = dir + "/tiny"
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        let m = try sh("mount -t tmpfs -o size=16k tmpfs \(quoted(mnt))")
        guard m.code == 0 else { throw XCTSkip("cannot mount a tmpfs here: \(m.err)") }
        defer { _ = try? sh("umount \(quoted(mnt))") }
        let r = try MutKit.cli(["fix", try sample(), "-o", mnt + "/o.xlsx"])
        assertOneLineRefusal(r, [mnt + "/o.xlsx", "磁盘已满"], "full disk")
        XCTAssertEqual(names(mnt), [], "left behind on the full disk")
    }

    // MARK: 5. special files as OUT

    func testSpecialFilesAsOutputAreRefusedAndUntouched() throws {
        let s = try sample()
        // A character device of our own (a null device, c 1 3), never the system's /dev/null:
        // a regression run as root would replace the real one for every process on the machine.
        let dev = dir + "/null"
        if Glibc.mknod(dev, S_IFCHR | 0o666, dev_t(0x103)) == 0 { // glibc makedev(1, 3)
            var before = stat()
            XCTAssertEqual(stat(dev, &before), 0)
            assertOneLineRefusal(try MutKit.cli(["fix", s, "-o", dev]), [dev, "字符设备"], "device")
            assertOneLineRefusal(try MutKit.cli(["summary", s, "-o", dev]), [dev, "字符设备"], "summary device")
            assertOneLineRefusal(try MutKit.cli(["fix", s, s, "-o", dev]), ["不是文件夹"], "folder output is a device")
            var after = stat()
            XCTAssertEqual(stat(dev, &after), 0)
            XCTAssertEqual(after.st_mode & S_IFMT, S_IFCHR, "the device is still a device")
            XCTAssertEqual(after.st_rdev, before.st_rdev)
            XCTAssertEqual(after.st_ino, before.st_ino, "the device node was not replaced")
        }
        // The system's /dev/null only through the in-process check, which writes nothing.
        XCTAssertThrowsError(try SafeFile.checkOutput("/dev/null")) {
            XCTAssertEqual($0 as? OutputError, .notRegularFile(path: "/dev/null", kind: .characterDevice))
        }

        let fifo = dir + "/o.xlsx"
        try mkfifo(fifo)
        assertOneLineRefusal(try MutKit.cli(["fix", s, "-o", fifo], seconds: 20), ["命名管道"], "fifo")
        assertOneLineRefusal(try MutKit.cli(["summary", s, "-o", fifo], seconds: 20), ["命名管道"], "summary fifo")
        XCTAssertEqual(SafeFile.kind(fifo, followLinks: false), .fifo)

        // A link shaped like /dev/stdout (→ /proc/self/fd/1), of our own.
        let stdoutLink = dir + "/stdout"
        try FileManager.default.createSymbolicLink(atPath: stdoutLink, withDestinationPath: "/proc/self/fd/1")
        let r = try MutKit.cli(["fix", s, "-o", stdoutLink])
        assertOneLineRefusal(r, ["符号链接"], "stdout link")
        XCTAssertEqual(r.out, "", "nothing written to stdout")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: stdoutLink), "/proc/self/fd/1")
        // A symlink as OUT, even to a file that does not exist yet: nothing is created at its target.
        let link = dir + "/link.xlsx", away = dir + "/away.xlsx"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: away)
        assertOneLineRefusal(try MutKit.cli(["fix", s, "-o", link]), ["符号链接"], "dangling symlink")
        XCTAssertNil(SafeFile.kind(away))
        // A folder output that exists and is not a folder.
        let plain = dir + "/plain"
        try MutKit.write([1, 2, 3], to: plain)
        assertOneLineRefusal(try MutKit.cli(["fix", s, s, "-o", plain]), ["不是文件夹"], "folder output is a file")
        XCTAssertEqual(try MutKit.bytes(plain), [1, 2, 3])
        XCTAssertEqual(names(dir).filter { $0.hasPrefix(".") }, [], "no temporary file left")
    }

    // MARK: 6. a hard link to the input as OUT

    func testHardLinkToInputAsOutputIsRefused() throws {
        let input = dir + "/in.xlsx", hard = dir + "/hard.xlsx"
        try FileManager.default.copyItem(atPath: try sample(), toPath: input)
        XCTAssertEqual(link(input, hard), 0)
        let sha = try MutKit.sha(input)
        for cmd in [["fix", input, "-o", hard], ["summary", input, "-o", hard], ["summary", dir, "-o", hard]] {
            let r = try MutKit.cli(cmd)
            XCTAssertEqual(r.code, 2, "\(cmd): \(r.err)")
            XCTAssertEqual(r.errLines.count, 1, "\(cmd): \(r.err)")
            XCTAssertTrue(r.err.contains("输入文件"), "\(cmd): \(r.err)")
            var st = stat()
            XCTAssertEqual(stat(input, &st), 0)
            XCTAssertEqual(st.st_nlink, 2, "\(cmd): the link count changed")
            XCTAssertEqual(try MutKit.sha(hard), sha)
        }
        XCTAssertEqual(names(dir), ["hard.xlsx", "in.xlsx"])
    }

    // MARK: 7. control characters in file names

    func testControlCharactersInFileNamesKeepARefusalOnOneLine() throws {
        let fifo = dir + "/a\nb.xlsx"
        try mkfifo(fifo)
        assertOneLineRefusal(try MutKit.cli(["check", fifo], seconds: 20), [dir + "/a\\nb.xlsx", "命名管道"], "newline FIFO")
        let missing = dir + "/x\u{1b}[31m\ty\r.xlsx"
        assertOneLineRefusal(try MutKit.cli(["check", missing]), ["x\\x1b[31m\\ty\\r.xlsx", "文件不存在"], "escape and tab")
        let notZip = dir + "/c\nd.xlsx"
        try MutKit.write(Array("hello".utf8), to: notZip)
        assertOneLineRefusal(try MutKit.cli(["check", notZip]), ["c\\nd.xlsx"], "newline not-zip")
        assertOneLineRefusal(try MutKit.cli(["fix", try sample(), "-o", dir + "/no\nsuch/o.xlsx"]), ["no\\nsuch"], "newline OUT")
        // In summary's list of skipped files too.
        let r = try MutKit.cli(["summary", try sample(), notZip, "-o", dir + "/s.xlsx"])
        XCTAssertEqual(r.code, 1, r.err)
        XCTAssertFalse(r.err.contains("c\nd"), r.err)
        XCTAssertTrue(r.err.contains("c\\nd.xlsx"), r.err)
    }

    func testEscapeForLine() {
        XCTAssertEqual(escapeForLine("考评表 2024.xlsx"), "考评表 2024.xlsx")
        XCTAssertEqual(escapeForLine("a\nb\tc\rd"), "a\\nb\\tc\\rd")
        XCTAssertEqual(escapeForLine("\u{1b}[2J\u{7f}"), "\\x1b[2J\\x7f")
        XCTAssertEqual(escapeForLine("x\u{85}y\u{202e}z"), "x\\u{85}y\\u{202e}z")
        XCTAssertEqual(escapeForLine("a\\nb"), "a\\nb", "a backslash is kept")
    }
}
