// libFuzzer entry over the reader (XLSXCore + Workbook) and the 考评表 mapper (KaopingModel).
// Not part of the package: scripts/fuzz.sh compiles it with -parse-as-library against the
// sanitizer-instrumented library objects it builds in .build-fuzz.
//
// Two kinds of input:
//  * raw bytes (anything not starting with the bundle magic): written as is to a temp file
//    and opened as an .xlsx. This exercises the sniffing, libzip, inflation and limits.
//  * a "parts bundle": `KPB1\n` then records `\0\0PART:name\ncontent`. The entry packs it into
//    a valid zip (stored, correct CRCs) first, so mutations reach the XML readers and the mapper
//    instead of dying in a CRC check.
// Every run must end in a Form or a thrown XLSXError/MapError; anything else (a trap, an ASan
// report, another error type) is a bug.

import CZip
import Foundation
import KaopingModel
import XLSXReader
import XLSXCore

private let tempPath: String = {
    let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return dir + "/kaoping-fuzz-\(getpid()).xlsx"
}()

private let magic: [UInt8] = Array("KPB1\n".utf8)
private let separator: [UInt8] = Array("\0\0PART:".utf8)

/// Splits a bundle into (name, content) pairs.
private func parts(of data: UnsafeBufferPointer<UInt8>) -> [(String, UnsafeBufferPointer<UInt8>)] {
    var out: [(String, UnsafeBufferPointer<UInt8>)] = []
    var starts: [Int] = []
    var i = magic.count
    let n = data.count, m = separator.count
    while i + m <= n {
        if data[i] == 0, data[i + 1] == 0, Array(data[i..<i + m]) == separator { starts.append(i + m); i += m } else { i += 1 }
    }
    for (k, s) in starts.enumerated() {
        let end = k + 1 < starts.count ? starts[k + 1] - m : n
        guard s <= end else { continue }
        var nl = s
        while nl < end && data[nl] != 0x0A { nl += 1 }
        let name = String(decoding: UnsafeBufferPointer(rebasing: data[s..<nl]), as: UTF8.self)
        let bodyStart = min(nl + 1, end)
        out.append((name, UnsafeBufferPointer(rebasing: data[bodyStart..<end])))
    }
    return out
}

/// Packs a bundle into a stored zip at `tempPath`. False when libzip refuses (e.g. an empty name).
private func writeBundle(_ data: UnsafeBufferPointer<UInt8>) -> Bool {
    unlink(tempPath)
    var err: Int32 = 0
    guard let z = zip_open(tempPath, ZIP_CREATE | ZIP_TRUNCATE, &err) else { return false }
    var added = 0
    // The bytes stay ours (freep = 0) until the archive is written: libzip does not free a
    // zero-length buffer it was given ownership of, which LeakSanitizer reports.
    var copies: [UnsafeMutableRawPointer] = []
    defer { copies.forEach { free($0) } }
    for (name, body) in parts(of: data) {
        guard !name.isEmpty else { continue }
        let copy = malloc(max(body.count, 1))!
        copies.append(copy)
        if body.count > 0 { memcpy(copy, body.baseAddress!, body.count) }
        guard let src = zip_source_buffer(z, copy, UInt64(body.count), 0) else { continue }
        let idx = zip_file_add(z, name, src, UInt32(ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8))
        if idx < 0 { zip_source_free(src); continue }
        zip_set_file_compression(z, UInt64(idx), ZIP_CM_STORE, 0)
        added += 1
    }
    if added == 0 { zip_discard(z); return false }
    if zip_close(z) != 0 { zip_discard(z); return false }
    return true
}

private func writeRaw(_ data: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let f = fopen(tempPath, "wb") else { return false }
    defer { fclose(f) }
    if data.count > 0 { return fwrite(data.baseAddress!, 1, data.count, f) == data.count }
    return true
}

private func exercise(_ path: String) {
    do {
        let wb = try Workbook(path: path)
        // The mapper, as `kaoping inspect` runs it (JSON included).
        let form = try FormMapper.map(reader: wb, sheet: nil)
        _ = form.json.serialized()
        // Every other sheet through the streaming path too.
        for info in wb.sheets.prefix(4) {
            _ = try? wb.streamRows(info) { _ in }
        }
    } catch is XLSXError {
    } catch is MapError {
    } catch {
        // Only typed errors may escape the reader and the mapper.
        fatalError("untyped error escaped: \(type(of: error)): \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buf = UnsafeBufferPointer(start: data, count: size)
    let ok: Bool
    if size >= magic.count, Array(buf[0..<magic.count]) == magic {
        ok = writeBundle(buf)
    } else {
        ok = writeRaw(buf)
    }
    if ok { exercise(tempPath) }
    unlink(tempPath)
    return 0
}
