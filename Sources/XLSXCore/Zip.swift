import CZip
#if canImport(Glibc)
import Glibc
#endif

/// A read-only view of a zip archive through libzip, with part lookup as OOXML needs it
/// (case-insensitive, leading `/` ignored) and streamed, size-checked inflation.
public final class ZipArchive {
    public let path: String
    let limits: XLSXLimits
    private let handle: OpaquePointer
    /// Lower-cased part name → entry index.
    private var index: [String: UInt64] = [:]
    public private(set) var partNames: [String] = []

    public init(path: String, limits: XLSXLimits = .default) throws {
        self.path = path
        self.limits = limits
        // Opened once, through SafeFile: only a regular file, never blocking on a FIFO; libzip
        // then reads that descriptor, not the path again.
        let fd = try SafeFile.openInput(path)
        do { try ZipArchive.sniff(fd, path) } catch { close(fd); throw error }
        var zerr = zip_error_t()
        zip_error_init(&zerr)
        defer { zip_error_fini(&zerr) }
        let src: OpaquePointer
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0, st.st_size <= ZipArchive.inMemoryBytes,
           let buf = malloc(Int(st.st_size)) {
            // A unit's sheet (tens of KB) is read in one call and inflated from memory: through
            // stdio each part cost a seek and a read or two.
            var got = 0
            while got < Int(st.st_size) {
                let n = pread(fd, buf + got, Int(st.st_size) - got, off_t(got))
                if n <= 0 { break }
                got += n
            }
            close(fd)
            guard let s = zip_source_buffer_create(buf, zip_uint64_t(got), 1, &zerr) else {
                free(buf)
                throw XLSXError.notZip(file: path)
            }
            src = s
        } else {
            guard let fp = fdopen(fd, "rb") else {
                let e = errno
                close(fd)
                throw XLSXError.unreadable(file: path, reason: String(cString: strerror(e)))
            }
            guard let s = zip_source_filep_create(fp, 0, -1, &zerr) else {
                fclose(fp)
                throw XLSXError.notZip(file: path)
            }
            src = s
        }
        guard let h = zip_open_from_source(src, ZIP_RDONLY, &zerr) else {
            zip_source_free(src) // closes fp
            throw XLSXError.notZip(file: path)
        }
        handle = h
        let n = zip_get_num_entries(h, 0)
        for i in 0..<UInt64(max(n, 0)) {
            guard let cname = zip_get_name(h, i, 0) else { continue }
            let name = String(cString: cname)
            partNames.append(name)
            index[ZipArchive.key(name)] = i
        }
    }

    deinit { zip_discard(handle) }

    /// Files up to this size are read into memory whole (bigger ones are read as inflated).
    public static let inMemoryBytes: off_t = 4 << 20

    static func key(_ name: String) -> String {
        // Part names are nearly always ASCII: folded byte by byte.
        let u = name.utf8
        if u.allSatisfy({ $0 < 0x80 }) {
            var bytes = Array(u.drop { $0 == 0x2F })
            for i in bytes.indices {
                let b = bytes[i]
                if b == 0x5C { bytes[i] = 0x2F } else if b >= 0x41 && b <= 0x5A { bytes[i] = b + 32 }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var s = name
        while s.hasPrefix("/") { s.removeFirst() }
        return String(s.map { $0 == "\\" ? "/" : $0 }).lowercased()
    }

    /// Tells legacy and encrypted OLE2 files from zips before libzip sees them.
    static func sniff(_ fd: Int32, _ path: String) throws {
        var head = [UInt8](repeating: 0, count: 8)
        let got = pread(fd, &head, 8, 0)
        if got >= 8, head == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
            // An encrypted OOXML package is an OLE2 file with a stream named "EncryptedPackage"
            // (its directory entry name is UTF-16LE). Scan the file for that name.
            let needle = Array("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            var offset: off_t = 0
            var buf = [UInt8](repeating: 0, count: 1 << 16)
            var carry: [UInt8] = []
            while true {
                let n = pread(fd, &buf, buf.count, offset)
                if n <= 0 { break }
                offset += off_t(n)
                let chunk = carry + buf[0..<n]
                if contains(chunk, needle) { throw XLSXError.encrypted(file: path) }
                carry = Array(chunk.suffix(needle.count))
            }
            throw XLSXError.legacyXLS(file: path)
        }
        if got < 4 || head[0] != 0x50 || head[1] != 0x4B {
            throw XLSXError.notZip(file: path)
        }
    }

    private static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard hay.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first && Array(hay[i..<i + needle.count]) == needle { return true }
            i += 1
        }
        return false
    }

    public func has(_ part: String) -> Bool { index[ZipArchive.key(part)] != nil }

    /// The inflated size the zip directory declares for a part, when it declares one.
    public func declaredSize(_ part: String) -> Int64? {
        guard let i = index[ZipArchive.key(part)] else { return nil }
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_stat_index(handle, i, 0, &st) == 0, st.valid & UInt64(ZIP_STAT_SIZE) != 0 else { return nil }
        return Int64(clamping: st.size)
    }

    /// Starts inflating a big part on a thread of its own (see `PartPrefetch`); nil for a small one.
    public func prefetch(_ part: String) -> PartPrefetch? {
        PartPrefetch.start(path: path, part: part, declaredSize: declaredSize(part), limits: limits)
    }

    /// Opens a part for streamed, size-checked inflation into buffers the caller owns.
    public func open(_ part: String) throws -> PartStream {
        guard let i = index[ZipArchive.key(part)] else {
            throw XLSXError.missingPart(file: path, part: part)
        }
        var st = zip_stat_t()
        zip_stat_init(&st)
        var compressed: Int64 = 0
        if zip_stat_index(handle, i, 0, &st) == 0, st.valid & UInt64(ZIP_STAT_COMP_SIZE) != 0 {
            compressed = Int64(st.comp_size)
        }
        if st.valid & UInt64(ZIP_STAT_SIZE) != 0, Int64(st.size) > limits.maxPartBytes {
            throw XLSXError.partTooLarge(file: path, part: part,
                                         reason: "declares \(st.size) bytes, over the limit of \(limits.maxPartBytes)")
        }
        guard let zf = zip_fopen_index(handle, i, 0) else {
            let msg = String(cString: zip_strerror(handle))
            throw XLSXError.damagedPart(file: path, part: part, line: 0, reason: msg)
        }
        return PartStream(archive: self, file: zf, part: part, compressed: compressed)
    }

    /// Streams a part's inflated bytes to `body` in chunks, enforcing size and ratio limits.
    public func read(_ part: String, chunk: Int = 1 << 16,
                     _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let stream = try open(part)
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buf.deallocate() }
        while true {
            let n = try stream.read(into: buf, count: chunk)
            if n == 0 { break }
            try body(UnsafeBufferPointer(start: buf, count: n))
        }
    }

    /// A small part (relationships, workbook) read whole.
    public func data(_ part: String) throws -> [UInt8] {
        var out: [UInt8] = []
        try read(part) { out.append(contentsOf: $0) }
        return out
    }
}

/// One part being inflated: `read(into:count:)` fills a caller's buffer and enforces the
/// archive's size and ratio limits on the running total. The archive must outlive it.
public final class PartStream {
    let archive: ZipArchive
    let part: String
    private let zf: OpaquePointer
    private let compressed: Int64
    private var total: Int64 = 0

    init(archive: ZipArchive, file: OpaquePointer, part: String, compressed: Int64) {
        self.archive = archive; self.zf = file; self.part = part; self.compressed = compressed
    }

    deinit { zip_fclose(zf) }

    /// Inflates up to `count` bytes into `buf`; 0 at the end of the part.
    public func read(into buf: UnsafeMutableRawPointer, count: Int) throws -> Int {
        let n = zip_fread(zf, buf, UInt64(count))
        if n < 0 {
            let msg = String(cString: zip_file_strerror(zf))
            throw XLSXError.damagedPart(file: archive.path, part: part, line: 0, reason: msg)
        }
        if n == 0 { return 0 }
        total += n
        let limits = archive.limits
        if total > limits.maxPartBytes {
            throw XLSXError.partTooLarge(file: archive.path, part: part,
                                         reason: "inflates past the limit of \(limits.maxPartBytes) bytes")
        }
        if total > limits.ratioFloorBytes, compressed > 0,
           Double(total) / Double(compressed) > limits.maxRatio {
            throw XLSXError.partTooLarge(file: archive.path, part: part,
                                         reason: "inflates at a ratio over \(Int(limits.maxRatio)):1")
        }
        return Int(n)
    }
}

extension TempOutput {
    /// True when the written file is a whole zip (central directory present and consistent)
    /// and, with `deep`, every XML member ends with its root element's end tag and no member is
    /// as large as RLIMIT_FSIZE. libxlsxwriter reports success even when its writes failed: each
    /// part goes through a temporary file whose failed `fwrite`s it ignores, so a file-size limit
    /// or a full disk gives a consistent zip of cut-off parts. `deep` inflates every member.
    public func isCompleteZip(deep: Bool) -> Bool {
        let copy = dup(descriptor)
        guard copy >= 0 else { return false }
        lseek(copy, 0, SEEK_SET)
        guard let fp = fdopen(copy, "rb") else { close(copy); return false }
        var zerr = zip_error_t()
        zip_error_init(&zerr)
        defer { zip_error_fini(&zerr) }
        guard let src = zip_source_filep_create(fp, 0, -1, &zerr) else { fclose(fp); return false }
        guard let z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr) else {
            zip_source_free(src)
            return false
        }
        defer { zip_discard(z) }
        guard deep else { return true }
        var lim = rlimit()
        let limit: UInt64 = getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &lim) == 0 ? UInt64(lim.rlim_cur) : .max
        let n = zip_get_num_entries(z, 0)
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
        defer { buf.deallocate() }
        for i in 0..<UInt64(max(n, 0)) {
            var st = zip_stat_t()
            zip_stat_init(&st)
            guard zip_stat_index(z, i, 0, &st) == 0 else { return false }
            if st.valid & UInt64(ZIP_STAT_SIZE) != 0, st.size >= limit { return false }
            guard let cname = st.name else { return false }
            let name = String(cString: cname)
            guard name.hasSuffix(".xml") || name.hasSuffix(".rels") else { continue }
            guard let f = zip_fopen_index(z, i, 0) else { return false }
            defer { zip_fclose(f) }
            var head: [UInt8] = [], tail: [UInt8] = []
            while true {
                let got = zip_fread(f, buf, 1 << 16)
                if got < 0 { return false }
                if got == 0 { break }
                let chunk = UnsafeBufferPointer(start: buf, count: Int(got))
                if head.count < 4096 { head.append(contentsOf: chunk.prefix(4096 - head.count)) }
                tail.append(contentsOf: chunk)
                if tail.count > 4096 { tail.removeFirst(tail.count - 4096) }
            }
            guard TempOutput.endsWithRoot(head: head, tail: tail) else { return false }
        }
        return true
    }

    /// The first element's name (after `<?…?>` and comments) closes the text: `</name>` or a
    /// self-closed root.
    static func endsWithRoot(head: [UInt8], tail: [UInt8]) -> Bool {
        var i = 0
        while i < head.count {
            guard head[i] == UInt8(ascii: "<"), i + 1 < head.count else { i += 1; continue }
            let c = head[i + 1]
            if c == UInt8(ascii: "?") || c == UInt8(ascii: "!") { i += 2; continue }
            var j = i + 1
            while j < head.count, !" \t\r\n/>".utf8.contains(head[j]) { j += 1 }
            let root = Array(head[(i + 1)..<j])
            var t = tail[...]
            while let last = t.last, " \t\r\n".utf8.contains(last) { t = t.dropLast() }
            let end = Array("</".utf8) + root + Array(">".utf8)
            if t.count >= end.count, Array(t.suffix(end.count)) == end { return true }
            // A root that closes itself, as in `<foo/>`, with nothing after it.
            return t.last == UInt8(ascii: ">") && t.dropLast().last == UInt8(ascii: "/") && !head[j...].contains(UInt8(ascii: "<"))
        }
        return false
    }
}
