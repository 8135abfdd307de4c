import Foundation
import GridKit
import XLSXReader
import XCTest
import XLSXCore

/// Hostile and broken input: every case ends in a typed error, quickly.
final class BadInputTests: XLSXTestCase {
    private let ole2: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    private let encryptedName = Array("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })

    private func isCase(_ e: XLSXError, _ name: String) -> Bool {
        switch (e, name) {
        case (.fileNotFound, "fileNotFound"), (.notZip, "notZip"), (.legacyXLS, "legacyXLS"),
             (.encrypted, "encrypted"), (.missingPart, "missingPart"), (.damagedPart, "damagedPart"),
             (.partTooLarge, "partTooLarge"), (.forbiddenDTD, "forbiddenDTD"), (.limitExceeded, "limitExceeded"):
            return true
        default: return false
        }
    }

    func testFileNotFound() {
        let p = tempPath()
        let e = assertXLSXError(try Workbook(path: p), "fileNotFound") { isCase($0, "fileNotFound") }
        XCTAssertEqual(e?.file, p)
    }

    func testTextFileIsNotZip() throws {
        let p = try writeFile(Array("名称,分值\n指标一,10\n".utf8), ext: "xlsx")
        let e = assertXLSXError(try Workbook(path: p), "notZip") { isCase($0, "notZip") }
        XCTAssertEqual(e?.file, p)
        let empty = try writeFile([], ext: "xlsx")
        assertXLSXError(try Workbook(path: empty), "notZip") { isCase($0, "notZip") }
        // Starts like a zip but is cut short.
        let fake = try writeFile([0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 40))
        assertXLSXError(try Workbook(path: fake), "notZip") { isCase($0, "notZip") }
    }

    func testOLE2IsLegacyXLS() throws {
        let p = try writeFile(ole2 + Array(repeating: 0, count: 4096) + Array("Workbook".utf16.flatMap { [UInt8($0 & 0xFF), 0] }), ext: "xls")
        assertXLSXError(try Workbook(path: p), "legacyXLS") { isCase($0, "legacyXLS") }
    }

    func testOLE2WithEncryptedPackageIsEncrypted() throws {
        let p = try writeFile(ole2 + Array(repeating: 0, count: 1000) + encryptedName + Array(repeating: 0, count: 1000))
        assertXLSXError(try Workbook(path: p), "encrypted") { isCase($0, "encrypted") }
        // The stream name straddling the reader's 64 KiB chunk boundary.
        let pad = (1 << 16) - ole2.count - 9
        let q = try writeFile(ole2 + Array(repeating: 0, count: pad) + encryptedName + Array(repeating: 0, count: 100))
        assertXLSXError(try Workbook(path: q), "encrypted") { isCase($0, "encrypted") }
    }

    func testZipWithoutWorkbookIsMissingPart() throws {
        let p = try makeZip(["[Content_Types].xml": contentTypes(), "docProps/app.xml": "<Properties/>"])
        let e = assertXLSXError(try Workbook(path: p), "missingPart") { isCase($0, "missingPart") }
        if case .missingPart(_, let part)? = e { XCTAssertTrue(part.contains("workbook.xml"), part) }
        // A zip of something else entirely.
        let q = try makeZip(["readme.txt": "hello"])
        assertXLSXError(try Workbook(path: q), "missingPart") { isCase($0, "missingPart") }
        // The root relationship names a workbook part that is not there.
        var parts = package(sheets: [SheetSpec(name: "S", xml: sheetXML(""))])
        parts["xl/workbook.xml"] = nil
        assertXLSXError(try Workbook(path: try makeZip(parts)), "missingPart") { isCase($0, "missingPart") }
    }

    func testSheetPartMissing() throws {
        var parts = package(sheets: [SheetSpec(name: "S", xml: sheetXML(""), part: "xl/worksheets/odd.xml")])
        parts["xl/worksheets/odd.xml"] = nil
        let wb = try Workbook(path: try makeZip(parts))
        XCTAssertEqual(wb.sheets.map(\.name), ["S"])
        assertXLSXError(try wb.load(wb.sheets[0]), "missingPart") { isCase($0, "missingPart") }
    }

    func testTruncatedSheetXMLIsDamagedPartWithLine() throws {
        let full = sheetXML("""

            <row r="1"><c r="A1"><v>1</v></c></row>
            <row r="2"><c r="A2"><v>2</v></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>cut</t></is></c></row>
            """)
        let cut = String(full[..<full.range(of: #"<c r="A3" t="inl"#)!.upperBound])
        let (wb, info) = try openTruncated(cut)
        var seen: [Int] = []
        let e = assertXLSXError(try wb.streamRows(info) { seen.append($0.index) }, "damagedPart") { isCase($0, "damagedPart") }
        if case .damagedPart(let file, let part, let line, _)? = e {
            XCTAssertEqual(file, wb.path)
            XCTAssertEqual(part, info.part)
            XCTAssertGreaterThan(line, 0)
            XCTAssertEqual(line, 5, "the cut is on the fifth line of the part")
        }
        XCTAssertEqual(seen, [1, 2], "rows before the damage streamed out")
        assertXLSXError(try wb.load(info), "damagedPart") { isCase($0, "damagedPart") }
        // Mismatched tags are damage too.
        let (wb2, info2) = try openTruncated(sheetXML(#"<row r="1"><c r="A1"><v>1</c></v></row>"#))
        assertXLSXError(try wb2.load(info2), "damagedPart") { isCase($0, "damagedPart") }
    }

    private func openTruncated(_ xml: String) throws -> (Workbook, SheetInfo) {
        let wb = try Workbook(path: try makeZip(package(sheets: [SheetSpec(name: "S", xml: xml)])))
        return (wb, wb.sheets[0])
    }

    func testDamagedWorkbookPartFailsAtOpen() throws {
        var parts = package(sheets: [SheetSpec(name: "S", xml: sheetXML(""))])
        parts["xl/workbook.xml"] = #"<workbook xmlns="\#(NS.main)"><sheets><sheet name="S""#
        assertXLSXError(try Workbook(path: try makeZip(parts)), "damagedPart") { isCase($0, "damagedPart") }
    }

    func testPartInflatingPastLimitIsPartTooLarge() throws {
        var limits = XLSXLimits()
        limits.maxPartBytes = 1 << 20
        let filler = String(repeating: " ", count: 5 << 20)
        let parts = package(sheets: [SheetSpec(name: "S", xml: sheetXML(#"<row r="1"><c r="A1"><v>1</v></c></row>"# + filler))])
        let p = try makeZip(parts)
        XCTAssertLessThan(try FileManager.default.attributesOfItem(atPath: p)[.size] as! Int, 1 << 20,
                          "the zip itself is small")
        let wb = try Workbook(path: p, limits: limits)
        let e = assertXLSXError(try wb.load(wb.sheets[0]), "partTooLarge") { isCase($0, "partTooLarge") }
        if case .partTooLarge(_, let part, _)? = e { XCTAssertEqual(part, "xl/worksheets/sheet1.xml") }
        // The same workbook under default limits is fine.
        XCTAssertEqual(try Workbook(path: p).load(wb.sheets[0]).value(1, 1), .number(1))
    }

    func testPartWithAbsurdCompressionRatioIsPartTooLarge() throws {
        var limits = XLSXLimits()
        limits.maxRatio = 50
        limits.ratioFloorBytes = 256 << 10
        let parts = package(sheets: [SheetSpec(name: "S", xml: sheetXML(String(repeating: "\n", count: 4 << 20)))])
        let wb = try Workbook(path: try makeZip(parts), limits: limits)
        let e = assertXLSXError(try wb.load(wb.sheets[0]), "partTooLarge") { isCase($0, "partTooLarge") }
        if case .partTooLarge(_, _, let reason)? = e { XCTAssertTrue(reason.contains("ratio"), reason) }
    }

    func testPartLyingAboutItsSizeIsStoppedWhileInflating() throws {
        // A zip bomb whose headers claim a tiny size: the declared-size check cannot catch it,
        // the running count must.
        var limits = XLSXLimits()
        limits.maxPartBytes = 1 << 20
        let xml = sheetXML(String(repeating: " ", count: 3 << 20))
        let p = try makeZip(package(sheets: [SheetSpec(name: "S", xml: xml)]))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: p)))
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        var patched = 0
        func u32(_ at: Int) -> UInt32 { UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24 }
        func put(_ at: Int, _ v: UInt32) { for k in 0..<4 { bytes[at + k] = UInt8((v >> (8 * k)) & 0xFF) } }
        var i = 0
        while i + 46 < bytes.count {
            if u32(i) == 0x0403_4B50, Array(bytes[i + 30..<min(i + 30 + name.count, bytes.count)]) == name {
                put(i + 22, 1000); patched += 1       // local header: uncompressed size
            } else if u32(i) == 0x0201_4B50, Array(bytes[i + 46..<min(i + 46 + name.count, bytes.count)]) == name {
                put(i + 24, 1000); patched += 1       // central directory: uncompressed size
            }
            i += 1
        }
        XCTAssertEqual(patched, 2)
        let q = try writeFile(bytes)
        let wb = try Workbook(path: q, limits: limits)
        // libzip may notice the inconsistency itself (damagedPart); either way nothing past the limit is read.
        assertXLSXError(try wb.load(wb.sheets[0]), "partTooLarge or damagedPart") {
            isCase($0, "partTooLarge") || isCase($0, "damagedPart")
        }
    }

    func testBillionLaughsIsForbiddenDTDAndQuick() throws {
        var dtd = #"<!DOCTYPE worksheet [<!ENTITY lol "lol">"#
        var prev = "lol"
        for k in 1...9 {
            dtd += "<!ENTITY lol\(k) \"" + String(repeating: "&\(prev);", count: 10) + "\">"
            prev = "lol\(k)"
        }
        dtd += "]>"
        let xml = #"<?xml version="1.0"?>"# + "\n" + dtd + "\n"
            + #"<worksheet xmlns="\#(NS.main)"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"#
        let wb = try Workbook(path: try makeZip(package(sheets: [SheetSpec(name: "S", xml: xml)])))
        let start = Date()
        var cells = 0
        let e = assertXLSXError(try wb.streamRows(wb.sheets[0]) { cells += $0.cells.count }, "forbiddenDTD") {
            isCase($0, "forbiddenDTD")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "refused before any expansion")
        XCTAssertEqual(cells, 0)
        if case .forbiddenDTD(_, let part, let line)? = e {
            XCTAssertEqual(part, "xl/worksheets/sheet1.xml")
            XCTAssertGreaterThan(line, 0)
        }
    }

    func testExternalEntityIsForbiddenDTDAndNothingLeaks() throws {
        let xml = #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>"#
            + #"<worksheet xmlns="\#(NS.main)"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c>"#
            + #"<c r="B1" t="str"><v>&e;</v></c></row></sheetData></worksheet>"#
        let wb = try Workbook(path: try makeZip(package(sheets: [SheetSpec(name: "S", xml: xml)])))
        var texts: [String] = []
        assertXLSXError(try wb.streamRows(wb.sheets[0]) { texts += $0.cells.compactMap { $0.value?.text } },
                        "forbiddenDTD") { isCase($0, "forbiddenDTD") }
        XCTAssertFalse(texts.contains { $0.contains("root:") })
        assertXLSXError(try wb.load(wb.sheets[0]), "forbiddenDTD") { isCase($0, "forbiddenDTD") }

        // The same in the shared strings part and in workbook.xml.
        let sst = #"<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/passwd">]><sst xmlns="\#(NS.main)"><si><t>&e;</t></si></sst>"#
        let parts = package(sheets: [SheetSpec(name: "S", xml: sheetXML(#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#))],
                            sharedStrings: sst)
        let wb2 = try Workbook(path: try makeZip(parts))
        assertXLSXError(try wb2.sharedStrings(), "forbiddenDTD") { isCase($0, "forbiddenDTD") }
        assertXLSXError(try wb2.load(wb2.sheets[0]), "forbiddenDTD") { isCase($0, "forbiddenDTD") }

        var parts3 = package(sheets: [SheetSpec(name: "S", xml: sheetXML(""))])
        parts3["xl/workbook.xml"] = #"<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]><workbook xmlns="\#(NS.main)" xmlns:r="\#(NS.rel)"><sheets><sheet name="&e;" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        assertXLSXError(try Workbook(path: try makeZip(parts3)), "forbiddenDTD") { isCase($0, "forbiddenDTD") }
    }

    func testBareDoctypeIsForbiddenToo() throws {
        let xml = #"<?xml version="1.0"?><!DOCTYPE worksheet SYSTEM "http://example.invalid/x.dtd">"#
            + #"<worksheet xmlns="\#(NS.main)"><sheetData/></worksheet>"#
        let wb = try Workbook(path: try makeZip(package(sheets: [SheetSpec(name: "S", xml: xml)])))
        assertXLSXError(try wb.load(wb.sheets[0]), "forbiddenDTD") { isCase($0, "forbiddenDTD") }
    }

    func testCellAndStringLimits() throws {
        var limits = XLSXLimits()
        limits.maxCells = 5
        let rows = (1...3).map { r in #"<row r="\#(r)"><c r="A\#(r)"><v>1</v></c><c r="B\#(r)"><v>2</v></c></row>"# }.joined()
        let parts = package(sheets: [SheetSpec(name: "S", xml: sheetXML(rows))])
        let wb = try Workbook(path: try makeZip(parts), limits: limits)
        assertXLSXError(try wb.load(wb.sheets[0]), "limitExceeded") { isCase($0, "limitExceeded") }

        var small = XLSXLimits()
        small.maxStringBytes = 100
        let long = String(repeating: "长", count: 100)
        let p2 = try makeZip(package(sheets: [SheetSpec(name: "S", xml: sheetXML(#"<row r="1"><c r="A1" t="inlineStr"><is><t>\#(long)</t></is></c></row>"#))]))
        let wb2 = try Workbook(path: p2, limits: small)
        assertXLSXError(try wb2.load(wb2.sheets[0]), "limitExceeded") { isCase($0, "limitExceeded") }

        var few = XLSXLimits()
        few.maxSharedStrings = 2
        let p3 = try makeZip(package(sheets: [SheetSpec(name: "S", xml: sheetXML(""))],
                                     sharedStrings: sharedStringsXML(["<si><t>a</t></si>", "<si><t>b</t></si>", "<si><t>c</t></si>"])))
        let wb3 = try Workbook(path: p3, limits: few)
        assertXLSXError(try wb3.sharedStrings(), "limitExceeded") { isCase($0, "limitExceeded") }
    }
}
