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
