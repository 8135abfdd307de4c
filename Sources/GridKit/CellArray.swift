#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A sheet's cells as a reader gathers them: one block of memory grown with `realloc`, which
/// moves a big block by remapping its pages rather than copying them. A 200,000-row sheet's two
/// million cells are never held twice (a Swift array copies on growth, and chunks joined at the
/// end held every cell twice at the join). Mutable while a reader fills it; a `Grid` then only
/// reads it, through `CellArray`.
public final class CellStorage: @unchecked Sendable {
    // Read for every cell the mapper looks at: not checked dynamically for exclusivity (a
    // thread-local look-up each). One reader fills a storage; then it is only read.
    @exclusivity(unchecked) @usableFromInline var base: UnsafeMutablePointer<Cell>?
    @exclusivity(unchecked) @usableFromInline var used = 0
    @exclusivity(unchecked) @usableFromInline var capacity = 0

    public init() {}

    public init<S: Sequence>(_ cells: S) where S.Element == Cell {
        reserve(cells.underestimatedCount)
        for c in cells { append(c) }
    }

    deinit {
        if let b = base {
            b.deinitialize(count: used)
            free(b)
        }
    }

    public var count: Int { used }

    @inlinable public func append(_ c: Cell) {
        if used == capacity { grow() }
        (base! + used).initialize(to: c)
        used += 1
    }

    /// Read and replaced by position while the reader fills it (an .xls string or shared formula
    /// arrives after its cell).
    @inlinable public subscript(i: Int) -> Cell {
        get { precondition(i >= 0 && i < used, "cell index out of range"); return base![i] }
        set { precondition(i >= 0 && i < used, "cell index out of range"); base![i] = newValue }
    }

    public func reserve(_ n: Int) {
        guard n > capacity else { return }
        resize(to: n)
    }

    @usableFromInline func grow() { resize(to: max(256, capacity * 2)) }

    /// Gives back what was reserved beyond the cells (the pages past them, for a big block).
    public func shrinkToFit() {
        guard used < capacity else { return }
        if used == 0 {
            free(base); base = nil; capacity = 0
        } else {
            resize(to: used)
        }
    }

    private func resize(to n: Int) {
        // Cells are moved as bytes: a Swift value of this kind moves bitwise.
        guard let p = realloc(base, n * MemoryLayout<Cell>.stride) else {
            // The same as a Swift array out of memory; MemoryBudget keeps counts under the limit.
            fatalError("out of memory for \(n) cells")
        }
        base = p.assumingMemoryBound(to: Cell.self)
        capacity = n
    }
}

/// The cells of a grid in order: a read-only view of a `CellStorage`.
public struct CellArray: RandomAccessCollection, Sendable {
    @usableFromInline let storage: CellStorage
    public let endIndex: Int
    public var startIndex: Int { 0 }

    public init(_ storage: CellStorage) { self.storage = storage; endIndex = storage.used }
    public init(_ cells: [Cell]) { self.init(CellStorage(cells)) }

    @inlinable public subscript(i: Int) -> Cell {
        precondition(i >= 0 && i < endIndex, "cell index out of range")
        return storage.base![i]
    }
}
