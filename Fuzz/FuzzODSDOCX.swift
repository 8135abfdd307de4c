// libFuzzer entry over the .ods and Word readers (ODSReader, DOCXReader) and the 考评表 mapper.
// Not part of the package: `scripts/fuzz.sh --odsdocx` compiles it like Fuzz/FuzzEntry.swift.
//
// Inputs, as in FuzzEntry.swift:
//  * raw bytes: written to a temp file and opened both as an .ods and as a .docx (sniffing,
//    libzip, inflation, limits);
//  * a "parts bundle" (`KPB1\n` then `\0\0PART:name\ncontent` records): packed into a valid
//    stored zip first, so mutations of content.xml / word/document.xml reach the XML handlers.
// Every run must end in grids (mapped when they are a form) or a thrown XLSXError; anything
// else (a trap, an ASan report, another error type) is a bug.

import CZip
import DOCXReader
import Foundation
import KaopingModel
import ODSReader
import GridKit
import XLSXReader
import XLSXCore

private let tempPath: String = {
    let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return dir + "/kaoping-fuzz-odsdocx-\(getpid()).zip"
}()

private let magic: [UInt8] = Array("KPB1\n".utf8)
private let separator: [UInt8] = Array("\0\0PART:".utf8)

/// Splits a bundle into (name, content) pairs.
private func bundleParts(_ data: UnsafeBufferPointer<UInt8>) -> [(String, UnsafeBufferPointer<UInt8>)] {
    var starts: [Int] = []
    var i = magic.count
    let n = data.count, m = separator.count
    while i + m <= n {
        if data[i] == 0, data[i + 1] == 0, Array(data[i..<i + m]) == separator { starts.append(i + m); i += m } else { i += 1 }
    }
    var out: [(String, UnsafeBufferPointer<UInt8>)] = []
    for (k, s) in starts.enumerated() {
        let end = k + 1 < starts.count ? starts[k + 1] - m : n
        guard s <= end else { continue }
        var nl = s
        while nl < end && data[nl] != 0x0A { nl += 1 }
        let name = String(decoding: UnsafeBufferPointer(rebasing: data[s..<nl]), as: UTF8.self)
        out.append((name, UnsafeBufferPointer(rebasing: data[min(nl + 1, end)..<end])))
    }
    return out
}

/// Packs a bundle into a stored zip at `tempPath`; false when libzip refuses it.
private func writeBundle(_ data: UnsafeBufferPointer<UInt8>) -> Bool {
    unlink(tempPath)
    var err: Int32 = 0
    guard let z = zip_open(tempPath, ZIP_CREATE | ZIP_TRUNCATE, &err) else { return false }
    var added = 0
    // The bytes stay ours (freep = 0) until the archive is written (see FuzzEntry.swift).
    var copies: [UnsafeMutableRawPointer] = []
    defer { copies.forEach { free($0) } }
    for (name, body) in bundleParts(data) {
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

/// Loads a few sheets and maps each, JSON included, as `kaoping inspect` would.
private func exercise(_ reader: GridReader) throws {
    for i in reader.sheetList.indices.prefix(4) {
        let g = try reader.loadGrid(i)
        _ = g.preamble.count
        if let form = FormMapper().map(g, file: reader.path) { _ = form.json.serialized() }
    }
}

private func run(_ body: () throws -> Void) {
    do { try body() } catch is XLSXError {} catch {
        fatalError("untyped error escaped: \(type(of: error)): \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buf = UnsafeBufferPointer(start: data, count: size)
    let ok = size >= magic.count && Array(buf[0..<magic.count]) == magic ? writeBundle(buf) : writeRaw(buf)
    if ok {
        run { try exercise(try ODSBook(path: tempPath)) }
        run { try exercise(try DOCXDocument(path: tempPath)) }
    }
    unlink(tempPath)
    return 0
}
