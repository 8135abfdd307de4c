// libFuzzer entry over the .xls reader (OLE2 + XLSReader) and the 考评表 mapper on its grids.
// Not part of the package: `scripts/fuzz.sh --xls` compiles it like FuzzEntry.swift.
//
// Two kinds of input:
//  * raw bytes: parsed as a compound file, as a unit's .xls would be (header, DIFAT, FAT,
//    mini FAT, directory, chains);
//  * `KPX1\n` then a Workbook stream: the entry wraps it in a valid compound file first, so
//    mutations reach the BIFF records (SST/CONTINUE, cells, formulas) instead of the container.
// Every run must end in grids or a thrown XLSXError; anything else is a bug.

import Foundation
import KaopingModel
import OLE2
import GridKit
import XLSXReader
import XLSReader
import XLSXCore

private let magic: [UInt8] = Array("KPX1\n".utf8)

private func le32(_ v: UInt32, into b: inout [UInt8], at o: Int) {
    for k in 0..<4 { b[o + k] = UInt8(v >> (8 * k) & 0xFF) }
}

/// A version-3 compound file whose only stream is `Workbook` = `stream` (at least 4096 bytes,
/// so it lives in regular sectors): header, one DIFAT-listed FAT run, one directory sector.
private func wrap(_ stream: ArraySlice<UInt8>) -> [UInt8] {
    var body = Array(stream)
    if body.count < 4096 { body += [UInt8](repeating: 0, count: 4096 - body.count) }
    let ss = 512, per = ss / 4
    let dataSectors = (body.count + ss - 1) / ss
    var fatSectors = 1
    while fatSectors * per < fatSectors + 1 + dataSectors { fatSectors += 1 }
    guard fatSectors <= 109 else { return [] }   // bigger than the header's DIFAT: not needed here
    var fat = [UInt8](repeating: 0xFF, count: fatSectors * ss)
    for s in 0..<fatSectors { le32(0xFFFF_FFFD, into: &fat, at: 4 * s) }
    le32(0xFFFF_FFFE, into: &fat, at: 4 * fatSectors)
    let first = fatSectors + 1
    for s in 0..<dataSectors { le32(s == dataSectors - 1 ? 0xFFFF_FFFE : UInt32(first + s + 1), into: &fat, at: 4 * (first + s)) }
    var dir = [UInt8](repeating: 0, count: ss)
    func entry(_ i: Int, _ name: String, _ type: UInt8, child: UInt32, start: UInt32, size: Int) {
        let o = 128 * i
        for (k, u) in name.utf16.enumerated() { dir[o + 2 * k] = UInt8(u & 0xFF); dir[o + 2 * k + 1] = UInt8(u >> 8) }
        dir[o + 0x40] = UInt8(2 * (name.utf16.count + 1)); dir[o + 0x42] = type
        le32(0xFFFF_FFFF, into: &dir, at: o + 0x44); le32(0xFFFF_FFFF, into: &dir, at: o + 0x48)
        le32(child, into: &dir, at: o + 0x4C); le32(start, into: &dir, at: o + 0x74); le32(UInt32(size), into: &dir, at: o + 0x78)
    }
    entry(0, "Root Entry", 5, child: 1, start: 0xFFFF_FFFE, size: 0)
    entry(1, "Workbook", 2, child: 0xFFFF_FFFF, start: UInt32(first), size: body.count)
    var h = [UInt8](repeating: 0, count: ss)
    h.replaceSubrange(0..<8, with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
    h[0x18] = 0x3E; h[0x1A] = 3; h[0x1C] = 0xFE; h[0x1D] = 0xFF; h[0x1E] = 9; h[0x20] = 6
    le32(UInt32(fatSectors), into: &h, at: 0x2C); le32(UInt32(fatSectors), into: &h, at: 0x30)
    le32(4096, into: &h, at: 0x38); le32(0xFFFF_FFFE, into: &h, at: 0x3C); le32(0xFFFF_FFFE, into: &h, at: 0x44)
    for i in 0..<109 { le32(i < fatSectors ? UInt32(i) : 0xFFFF_FFFF, into: &h, at: 0x4C + 4 * i) }
    body += [UInt8](repeating: 0, count: dataSectors * ss - body.count)
    return h + fat + dir + body
}

private func exercise(_ bytes: [UInt8]) {
    do {
        let cf = try CompoundFile(bytes: bytes, path: "fuzz.xls")
        let book = try XLSBook(cf)
        for i in book.sheetList.indices.prefix(4) {
            let g = try book.loadGrid(i)
            if let form = FormMapper().map(g, file: "fuzz.xls") { _ = form.json.serialized() }
        }
    } catch is XLSXError {
    } catch {
        fatalError("untyped error escaped: \(type(of: error)): \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buf = UnsafeBufferPointer(start: data, count: size)
    if size >= magic.count, Array(buf[0..<magic.count]) == magic {
        let w = wrap(Array(buf)[magic.count...])
        if !w.isEmpty { exercise(w) }
    } else {
        exercise(Array(buf))
    }
    return 0
}
