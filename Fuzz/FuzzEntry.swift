// libFuzzer entry over the reader (XLSXCore + XLSXReader), the 考评表 mapper (KaopingModel), the
// office's checks and the scorer (KaopingRules), and the writer (KaopingWriter): every form that
// maps is checked, scored, written as the official sheet and read back.
// Not part of the package: scripts/fuzz.sh compiles it with -parse-as-library against the
// sanitizer-instrumented library objects it builds in .build-fuzz.
//
// Two kinds of input:
//  * raw bytes (anything not starting with the bundle magic): written as is to a temp file
//    and opened as an .xlsx. This exercises the sniffing, libzip, inflation and limits.
//  * a "parts bundle": `KPB1\n` then records `\0\0PART:name\ncontent`. The entry packs it into
//    a valid zip (stored, correct CRCs) first, so mutations reach the XML readers and the mapper
//    instead of dying in a CRC check.
//  * a dense sheet: `KPD1` then a few parameter bytes; the harness generates a worksheet of
//    10^5–10^6 cells itself (with or without a 考评表 header, values, formulas, merges), so the
//    big-input paths (header probe, cell bounds, mapper loops) are reached cheaply.
// Every run must end in a Form or a thrown XLSXError/MapError; anything else (a trap, an ASan
// report, another error type) is a bug.

import CZip
import Foundation
import KaopingModel
import KaopingRules
import KaopingWriter
import XLSXReader
import XLSXCore

/// The year templates, from the repository the fuzzer runs in (`KAOPING_TEMPLATES` or ./Templates).
private let store: TemplateStore? = try? TemplateStore()
private let writtenPath: String = tempPath + ".written.xlsx"
private let denseMagic: [UInt8] = Array("KPD1".utf8)

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

/// A dense sheet from a few parameter bytes, packed as a parts bundle and written as a zip.
private func writeDense(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
    func byte(_ i: Int) -> Int { i < p.count ? Int(p[i]) : 0 }
    let rows = 1_000 + (byte(4) << 8 | byte(5)) * 8      // up to ~525,000 rows
    let cols = 1 + byte(6) % 12
    let header = byte(7) & 1 == 1
    let kind = byte(8) % 4
    var xml = Array(#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.utf8)
    let labels = ["序号", "一级指标", "二级指标", "权重", "完成时限", "分管领导", "责任部门", "责任人"]
    var r = 1
    if header {
        xml += Array("<row r=\"1\">".utf8)
        for (c, l) in labels.enumerated() { xml += Array("<c r=\"\(col(c + 1))1\" t=\"inlineStr\"><is><t>\(l)</t></is></c>".utf8) }
        xml += Array("</row>".utf8)
        r = 2
    }
    // Without a header the probe stops the sheet early (the harness still streams every sheet
    // once more), so 400,000 cells cost little; with one the whole sheet is mapped (a real 考评表
    // has a few hundred cells): 30,000 cells, and no more than 6,000 rows (each row is an item
    // to map, check and write), keep a run well inside the fuzzer's slow-unit limit (10 s) under
    // ASan on a two-core machine (50,000 cells took 7–10 s, 30,000 one-column rows 8–12 s).
    let cells = min(rows * cols, header ? min(30_000, 6_000 * cols) : 400_000)
    var n = 0
    while n < cells {
        xml += Array("<row r=\"\(r)\">".utf8)
        for c in 1...cols where n < cells {
            switch (kind + c) % 4 {
            case 0: xml += Array("<c><v>1</v></c>".utf8)
            case 1: xml += Array("<c t=\"inlineStr\"><is><t>1-\(r)-\(c)</t></is></c>".utf8)
            case 2: xml += Array("<c><f>SUM(A1:A\(r))</f><v>\(r)</v></c>".utf8)
            default: xml += Array("<c t=\"e\"><v>#REF!</v></c>".utf8)
            }
            n += 1
        }
        xml += Array("</row>".utf8)
        r += 1
    }
    xml += Array("</sheetData>".utf8)
    if byte(9) & 1 == 1 { xml += Array("<mergeCells count=\"2\"><mergeCell ref=\"B2:B\(r)\"/><mergeCell ref=\"A1:H1\"/></mergeCells>".utf8) }
    xml += Array("</worksheet>".utf8)
    var bundle = magic
    let parts: [(String, [UInt8])] = [
        ("[Content_Types].xml", Array(#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.utf8)),
        ("xl/workbook.xml", Array(#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/><sheet name="T" sheetId="2" r:id="rId1"/></sheets></workbook>"#.utf8)),
        ("xl/_rels/workbook.xml.rels", Array(#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.utf8)),
        ("xl/worksheets/sheet1.xml", xml),
    ]
    for (name, body) in parts { bundle += separator + Array((name + "\n").utf8) + body }
    return bundle.withUnsafeBufferPointer { writeBundle($0) }
}

private func col(_ c: Int) -> String { String(UnicodeScalar(UInt8(64 + c))) }

private func exercise(_ path: String) {
    do {
        let wb = try Workbook(path: path)
        // The mapper, as `kaoping inspect` runs it (JSON included).
        var form = try FormMapper.map(reader: wb, sheet: nil)
        _ = form.json.serialized()
        // The checks and the scorer, then the official sheet written and read back, as `fix` does.
        if let store, let template = try? store.forYear(form.year) {
            form.findings += Checker(template: template).check(form)
            let scorer = Scorer(template: template)
            form.findings += scorer.score(form).findings
            if form.items.count <= 2_000, (try? TextLimits.check(form)) != nil {
                do {
                    try FormWriter(template: template).write(scorer.applyingScores(to: form), to: writtenPath)
                    let back = try FormMapper.map(reader: try Workbook(path: writtenPath), sheet: nil)
                    _ = Checker(template: template).check(back)
                } catch is WriteError {
                } catch is OutputError {
                }
                unlink(writtenPath)
            }
        }
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
    if size >= denseMagic.count, Array(buf[0..<denseMagic.count]) == denseMagic {
        ok = writeDense(buf)
    } else if size >= magic.count, Array(buf[0..<magic.count]) == magic {
        ok = writeBundle(buf)
    } else {
        ok = writeRaw(buf)
    }
    if ok { exercise(tempPath) }
    unlink(tempPath)
    return 0
}
