#if canImport(Glibc)
import Glibc
#endif

/// How many cells a process may hold in grids under its address-space limit (`ulimit -v`,
/// RLIMIT_AS): past it an allocation would fail, and Swift aborts on a failed allocation. So a
/// sheet that would not fit is refused with one line before it gets there.
public enum MemoryBudget {
    /// What a kept cell costs at most, with its share of the grid's index, shared strings and
    /// malloc's overhead (measured: a 200,000 × 10 sheet held in about 600 MiB).
    public static let bytesPerCell = 400
    /// What the process needs besides the cells: runtime, libraries, threads' stacks and
    /// malloc's per-thread arenas, which count against the address-space limit in full.
    public static let baseBytes = 384 << 20

    /// Cells allowed in memory at once; `Int.max` without a limit.
    public static let cells: Int = {
        var lim = rlimit()
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &lim) == 0, lim.rlim_cur != rlim_t.max else { return Int.max }
        let bytes = Int(clamping: lim.rlim_cur)
        return max(10_000, (bytes - baseBytes) / bytesPerCell)
    }()
}

extension MemoryBudget {
    /// Returns freed memory to the system now (glibc keeps freed blocks for reuse, so a big model
    /// freed before a second big read would otherwise count twice in the process's memory).
    public static func giveBack() {
        #if canImport(Glibc)
        // glibc's malloc_trim (malloc.h, which the Glibc module leaves out), looked up once.
        _ = trim?(0)
        #endif
    }

    #if canImport(Glibc)
    private typealias Trim = @convention(c) (Int) -> Int32
    private static let trim: Trim? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim")
        .map { unsafeBitCast($0, to: Trim.self) }
    #endif
}
