import Foundation
import XLSXCore

/// An OLE2 compound file ([MS-CFB]): the container of `.xls`, `.et`, `.doc` and encrypted
/// `.xlsx`. Reads the header, DIFAT, FAT, mini-FAT and directory once, then whole streams.
///
/// Limits: the file is read into memory and must not exceed `limits.maxPartBytes`; every sector
/// chain is walked with a visited set, so a loop or an index past the end is a thrown
/// `XLSXError.damagedPart(part: "OLE2")`, never a hang. Only streams that are children of the
/// root storage are listed (embedded objects keep their own `Workbook` inside sub-storages).
///
///     let cf = try CompoundFile(path: "a.xls")
///     if cf.has("Workbook") { let bytes = try cf.read("Workbook") }
public final class CompoundFile {
    /// The file as named by the caller (used in every error).
    public let path: String
    /// 512 (version 3) or 4096 (version 4).
    public let sectorSize: Int
    /// Names of the streams directly under the root storage, in directory order.
    public let streamNames: [String]
    /// Names of the storages directly under the root storage.
    public let storageNames: [String]

    static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    static let endOfChain: UInt32 = 0xFFFF_FFFE
    static let freeSect: UInt32 = 0xFFFF_FFFF
    static let miniSectorSize = 64

    private let data: [UInt8]
    private let limits: XLSXLimits
    private let fat: [UInt32]
    private var miniFat: [UInt32] = []
    private var miniStream: [UInt8] = []
    private let miniCutoff: Int
    private let sectorCount: Int
    /// Root-level streams: upper-cased name → (first sector, size).
    private var streams: [String: (start: UInt32, size: Int)] = [:]

    /// True when `bytes` begin with the compound-file signature.
    public static func isCompoundFile(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.count >= 8 && zip(bytes.prefix(8), signature).allSatisfy { $0 == $1 }
    }

    /// Opens `path`. Throws `fileNotFound`, `unreadable` (not a compound file), `limitExceeded`
    /// or `damagedPart(part: "OLE2")`.
    public convenience init(path: String, limits: XLSXLimits = .default) throws {
        // Through SafeFile: only a regular file is read (a FIFO never blocks), at most the part limit.
        let bytes = try SafeFile.contents(path, maxBytes: Int(clamping: limits.maxPartBytes))
        try self.init(bytes: bytes, path: path, limits: limits)
    }

    /// Parses a compound file held in memory; `path` only names it in errors.
    public init(bytes: [UInt8], path: String, limits: XLSXLimits = .default) throws {
        self.path = path
        self.limits = limits
        self.data = bytes
        func damaged(_ why: String) -> XLSXError { .damagedPart(file: path, part: "OLE2", line: 0, reason: why) }

        guard bytes.count >= 512, CompoundFile.isCompoundFile(bytes) else {
            throw XLSXError.unreadable(file: path, reason: "不是 OLE2 复合文档 (not an OLE2 compound file)")
        }
        let shift = Int(Self.u16(bytes, 0x1E))
        guard shift == 9 || shift == 12 else { throw damaged("扇区大小无效：2^\(shift) (bad sector shift \(shift))") }
        let ss = 1 << shift
        sectorSize = ss
        guard Self.u16(bytes, 0x20) == 6 else { throw damaged("迷你扇区大小无效 (bad mini sector shift)") }
        // A partial last sector is kept: some writers do not pad the file to a whole sector.
        sectorCount = bytes.count > ss ? (bytes.count - ss + ss - 1) / ss : 0
        let fatSectorCount = Int(Self.u32(bytes, 0x2C))
        let firstDir = Self.u32(bytes, 0x30)
        let cutoff = Int(Self.u32(bytes, 0x38))
        miniCutoff = cutoff == 0 ? 4096 : cutoff
        let firstMiniFat = Self.u32(bytes, 0x3C)
        let miniFatCount = Int(Self.u32(bytes, 0x40))
        var difatNext = Self.u32(bytes, 0x44)
        let difatCount = Int(Self.u32(bytes, 0x48))
        guard fatSectorCount <= sectorCount, difatCount <= sectorCount, miniFatCount <= sectorCount else {
            throw damaged("文件头声明的扇区数超过文件大小 (header counts more sectors than the file holds)")
        }

        // DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
        var fatSectors: [UInt32] = []
        for i in 0..<109 {
            let s = Self.u32(bytes, 0x4C + 4 * i)
            if s != Self.freeSect && s != Self.endOfChain { fatSectors.append(s) }
        }
        var seen = Set<UInt32>()
        var walked = 0
        let perDifat = ss / 4 - 1
        while difatNext != Self.endOfChain && difatNext != Self.freeSect && walked < difatCount {
            guard Int(difatNext) < sectorCount else { throw damaged("DIFAT 扇区号 \(difatNext) 超出文件 (DIFAT sector \(difatNext) out of range)") }
            guard seen.insert(difatNext).inserted else { throw damaged("DIFAT 链有环（扇区 \(difatNext)）(cycle in DIFAT chain)") }
            let base = (Int(difatNext) + 1) * ss
            for i in 0..<perDifat {
                let s = Self.u32(bytes, base + 4 * i)
                if s != Self.freeSect && s != Self.endOfChain { fatSectors.append(s) }
            }
            difatNext = Self.u32(bytes, base + 4 * perDifat)
            walked += 1
        }
        if fatSectors.count > fatSectorCount { fatSectors.removeLast(fatSectors.count - fatSectorCount) }
        guard !fatSectors.isEmpty else { throw damaged("没有 FAT 扇区 (no FAT sectors)") }

        var f: [UInt32] = []
        f.reserveCapacity(fatSectors.count * ss / 4)
        for s in fatSectors {
            guard Int(s) < sectorCount else { throw damaged("FAT 扇区号 \(s) 超出文件 (FAT sector \(s) out of range)") }
            let base = (Int(s) + 1) * ss
            for i in 0..<(ss / 4) { f.append(Self.u32(bytes, base + 4 * i)) }
        }
        fat = f

        // Directory: 128-byte entries along its own chain.
        let dir = try Self.chain(fat: f, start: firstDir, limit: sectorCount, what: "目录 (directory)", damaged)
        guard !dir.isEmpty else { throw damaged("目录为空 (empty directory)") }
        var entries: [DirEntry] = []
        entries.reserveCapacity(dir.count * ss / 128)
        let isV3 = ss == 512
        for s in dir {
            let base = (Int(s) + 1) * ss
            for k in 0..<(ss / 128) {
                entries.append(DirEntry(bytes, at: base + 128 * k, v3: isV3))
            }
        }
        guard let root = entries.first, root.type == 5 else { throw damaged("缺少根目录项 (no root entry)") }

        // Root level: the sibling tree under root.child, walked with a visited set.
        var names: [String] = [], storages: [String] = []
        var visited = Set<UInt32>()
        var stack: [UInt32] = [root.child]
        while let i = stack.popLast() {
            guard i != Self.freeSect, Int(i) < entries.count, visited.insert(i).inserted else { continue }
            let e = entries[Int(i)]
            stack.append(e.right); stack.append(e.left)
            if e.type == 2 {
                names.append(e.name)
                if streams[e.name.uppercased()] == nil { streams[e.name.uppercased()] = (e.start, Int(clamping: e.size)) }
            } else if e.type == 1 {
                storages.append(e.name)
            }
        }
        streamNames = names
        storageNames = storages

        // Mini stream (held by the root entry) and its FAT, read only when some stream is small.
        if streams.values.contains(where: { $0.size < miniCutoff && $0.size > 0 }) {
            let rootSize = Int(clamping: root.size)
            guard rootSize <= bytes.count else { throw damaged("迷你流大小 \(rootSize) 超过文件大小 (mini stream larger than the file)") }
            miniStream = try Self.collect(bytes, fat: f, start: root.start, size: rootSize, sectorSize: ss,
                                          sectorCount: sectorCount, what: "迷你流 (mini stream)", damaged)
            let mf = try Self.chain(fat: f, start: firstMiniFat, limit: sectorCount, what: "迷你 FAT (mini FAT)", damaged)
            var m: [UInt32] = []
            m.reserveCapacity(mf.count * ss / 4)
            for s in mf {
                let base = (Int(s) + 1) * ss
                for i in 0..<(ss / 4) { m.append(Self.u32(bytes, base + 4 * i)) }
            }
            miniFat = m
        }
    }

    /// True when the root storage holds a stream of this name (case-insensitive, as in [MS-CFB]).
    public func has(_ name: String) -> Bool { streams[name.uppercased()] != nil }

    /// The whole stream `name`. Throws `missingPart` when absent, `limitExceeded` when its
    /// declared size passes `maxBytes` (default `limits.maxPartBytes`), `damagedPart` on a
    /// broken chain.
    public func read(_ name: String, maxBytes: Int? = nil) throws -> [UInt8] {
        guard let s = streams[name.uppercased()] else { throw XLSXError.missingPart(file: path, part: name) }
        let bound = maxBytes ?? Int(clamping: limits.maxPartBytes)
        guard s.size <= bound else {
            throw XLSXError.limitExceeded(file: path, part: name, what: "流声明大小 \(s.size) 字节超过 \(bound) (stream size \(s.size) over \(bound) bytes)")
        }
        func damaged(_ why: String) -> XLSXError { .damagedPart(file: path, part: name, line: 0, reason: why) }
        if s.size == 0 { return [] }
        if s.size < miniCutoff {
            return try Self.collect(miniStream, fat: miniFat, start: s.start, size: s.size,
                                    sectorSize: Self.miniSectorSize, sectorCount: miniStream.count / Self.miniSectorSize,
                                    headerSectors: 0, what: "迷你流 (mini stream)", damaged)
        }
        guard s.size <= data.count else { throw damaged("流声明大小 \(s.size) 超过文件大小 (stream larger than the file)") }
        return try Self.collect(data, fat: fat, start: s.start, size: s.size, sectorSize: sectorSize,
                                sectorCount: sectorCount, what: "流 \(name) (stream)", damaged)
    }

    // MARK: - chains

    /// The sectors of a chain, in order; a loop or an index past `limit` throws.
    static func chain(fat: [UInt32], start: UInt32, limit: Int, what: String,
                      _ damaged: (String) -> XLSXError) throws -> [UInt32] {
        var out: [UInt32] = []
        var seen = [Bool](repeating: false, count: max(limit, 0))
        var s = start
        while s != endOfChain {
            if s == freeSect && out.isEmpty { break }   // an absent chain (e.g. no mini FAT)
            guard Int(s) < limit, Int(s) < fat.count else {
                throw damaged("\(what)扇区号 \(s) 超出范围 (sector \(s) out of range in \(what))")
            }
            guard !seen[Int(s)] else { throw damaged("\(what)扇区链有环（扇区 \(s)）(cycle in sector chain)") }
            seen[Int(s)] = true
            out.append(s)
            s = fat[Int(s)]
        }
        return out
    }

    /// Up to `size` bytes along the chain from `start` in `source` (sector n at (n + headerSectors) × sectorSize).
    static func collect(_ source: [UInt8], fat: [UInt32], start: UInt32, size: Int, sectorSize: Int,
                        sectorCount: Int, headerSectors: Int = 1, what: String,
                        _ damaged: (String) -> XLSXError) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(size)
        var seen = [Bool](repeating: false, count: max(sectorCount, 0))
        var s = start
        while out.count < size {
            // A chain shorter than the declared size gives what it holds, as Excel, xlrd and
            // calamine read it; the records inside say whether anything is missing.
            if s == endOfChain { break }
            guard Int(s) < sectorCount, Int(s) < fat.count else {
                throw damaged("\(what)扇区号 \(s) 超出范围 (sector \(s) out of range)")
            }
            guard !seen[Int(s)] else { throw damaged("\(what)扇区链有环（扇区 \(s)）(cycle in sector chain)") }
            seen[Int(s)] = true
            let base = (Int(s) + headerSectors) * sectorSize
            let end = base + min(sectorSize, size - out.count)
            guard end <= source.count else { throw damaged("\(what)在扇区 \(s) 处被截断 (truncated at sector \(s))") }
            out.append(contentsOf: source[base..<end])
            s = fat[Int(s)]
        }
        return out
    }

    // MARK: - bytes

    @inline(__always) static func u16(_ b: [UInt8], _ i: Int) -> UInt16 {
        i >= 0 && i + 2 <= b.count ? UInt16(b[i]) | UInt16(b[i + 1]) << 8 : 0
    }
    @inline(__always) static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        guard i >= 0 && i + 4 <= b.count else { return freeSect }
        return UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}

/// One 128-byte directory entry.
struct DirEntry {
    var name: String
    /// 0 unused, 1 storage, 2 stream, 5 root.
    var type: UInt8
    var left: UInt32, right: UInt32, child: UInt32
    var start: UInt32
    var size: UInt64

    init(_ b: [UInt8], at o: Int, v3: Bool) {
        let nameBytes = Int(CompoundFile.u16(b, o + 0x40))
        var units: [UInt16] = []
        // The length counts the terminating NUL; at most 32 UTF-16 units fit.
        let n = min(max(nameBytes / 2 - 1, 0), 31)
        for i in 0..<n { units.append(CompoundFile.u16(b, o + 2 * i)) }
        name = String(decoding: units, as: UTF16.self)
        type = o + 0x42 < b.count ? b[o + 0x42] : 0
        left = CompoundFile.u32(b, o + 0x44)
        right = CompoundFile.u32(b, o + 0x48)
        child = CompoundFile.u32(b, o + 0x4C)
        start = CompoundFile.u32(b, o + 0x74)
        let lo = UInt64(CompoundFile.u32(b, o + 0x78)), hi = UInt64(CompoundFile.u32(b, o + 0x7C))
        // Version 3 files may leave garbage in the high half ([MS-CFB] 2.6.3).
        size = v3 ? lo : (lo | hi << 32)
    }
}
