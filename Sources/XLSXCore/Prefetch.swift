import CZip
#if canImport(Glibc)
import Glibc
#endif

/// Inflates one big part on a thread of its own, through its own libzip handle, into a small
/// ring of buffers, while the caller parses what is already inflated (or, first, another part).
/// Memory stays bounded: at most `slots × slotBytes` inflated bytes wait.
///
/// Every error (a missing part, a damaged stream, a size limit) is kept and thrown at the point
/// the bytes would have been read, so errors come in the same order as without the thread.
public final class PartPrefetch: @unchecked Sendable {
    /// Parts smaller than this are read inline: a thread would not pay.
    public static let threshold: Int64 = 4 << 20

    let path: String, part: String, limits: XLSXLimits
    private let slots = 8, slotBytes = 1 << 18
    private var buffers: [UnsafeMutableRawPointer] = []
    private var lengths: [Int]
    private var head = 0, filled = 0
    private var finished = false, cancelled = false
    private var error: Error?
    // Heap-allocated: a pthread object must not move, and `&property` gives no stable address.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var thread: pthread_t?

    /// Starts inflating `part` of the archive at `path` when it is big enough, else nil.
    public static func start(path: String, part: String, declaredSize: Int64?, limits: XLSXLimits) -> PartPrefetch? {
        guard let size = declaredSize, size >= threshold else { return nil }
        let p = PartPrefetch(path: path, part: part, limits: limits)
        return p.launch() ? p : nil
    }

    private init(path: String, part: String, limits: XLSXLimits) {
        self.path = path; self.part = part; self.limits = limits
        lengths = Array(repeating: 0, count: slots)
        for _ in 0..<slots { buffers.append(UnsafeMutableRawPointer.allocate(byteCount: slotBytes, alignment: 64)) }
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    private func launch() -> Bool {
        var t = pthread_t()
        let me = Unmanaged.passRetained(self)
        let rc = pthread_create(&t, nil, { arg in
            let p = Unmanaged<PartPrefetch>.fromOpaque(arg!).takeRetainedValue()
            p.produce()
            return nil
        }, me.toOpaque())
        if rc != 0 { me.release(); return false }
        thread = t
        return true
    }

    deinit {
        for b in buffers { b.deallocate() }
        pthread_mutex_destroy(mutex)
        pthread_cond_destroy(cond)
        mutex.deallocate()
        cond.deallocate()
    }

    /// The producer: fills free slots until the part ends, fails or the consumer cancels.
    private func produce() {
        var stream: PartStream?
        do {
            let zip = try ZipArchive(path: path, limits: limits)
            stream = try zip.open(part)
        } catch {
            pthread_mutex_lock(mutex); self.error = error; finished = true
            pthread_cond_broadcast(cond); pthread_mutex_unlock(mutex)
            return
        }
        var tail = 0
        while true {
            pthread_mutex_lock(mutex)
            while filled == slots && !cancelled { pthread_cond_wait(cond, mutex) }
            let stop = cancelled
            pthread_mutex_unlock(mutex)
            if stop { return }
            // Fill one slot whole (zip_fread may return less than asked), or up to the end.
            var n = 0
            var failure: Error?
            do {
                while n < slotBytes {
                    let got = try stream!.read(into: buffers[tail] + n, count: slotBytes - n)
                    if got == 0 { break }
                    n += got
                }
            } catch { failure = error }
            pthread_mutex_lock(mutex)
            if let failure {
                self.error = failure; finished = true
            } else {
                lengths[tail] = n
                filled += 1
                tail = (tail + 1) % slots
                if n < slotBytes { finished = true }
            }
            pthread_cond_broadcast(cond)
            let done = finished
            pthread_mutex_unlock(mutex)
            if done { return }
        }
    }

    /// Hands the next inflated chunk to `body` (an empty one at the end of the part), then
    /// frees its slot. Returns false once the part has ended.
    public func next(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        pthread_mutex_lock(mutex)
        while filled == 0 && !finished { pthread_cond_wait(cond, mutex) }
        if filled == 0 {
            let e = error
            pthread_mutex_unlock(mutex)
            if let e { throw e }
            try body(UnsafeRawBufferPointer(start: nil, count: 0))
            return false
        }
        let slot = head, n = lengths[slot]
        pthread_mutex_unlock(mutex)
        try body(UnsafeRawBufferPointer(start: buffers[slot], count: n))
        pthread_mutex_lock(mutex)
        head = (head + 1) % slots
        filled -= 1
        pthread_cond_broadcast(cond)
        pthread_mutex_unlock(mutex)
        return true
    }

    /// Stops the producer and waits for it. Call once, when done with the part (or on error).
    public func finish() {
        pthread_mutex_lock(mutex)
        cancelled = true
        pthread_cond_broadcast(cond)
        pthread_mutex_unlock(mutex)
        if let t = thread { pthread_join(t, nil); thread = nil }
    }
}
