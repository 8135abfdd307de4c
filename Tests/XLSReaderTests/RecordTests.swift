import XCTest
import OLE2
import GridKit
import XLSXReader
import XLSXCore
@testable import XLSReader

/// The BIFF8 records: refusals, damage, limits, and strings split across CONTINUE.
final class RecordTests: XCTestCase {
    func book(_ stream: [UInt8], name: String = "Workbook", limits: XLSXLimits = .default) throws -> XLSBook {
        try XLSBook(CompoundFile(bytes: BIFF.compound([(name, stream)]), path: "t.xls"), limits: limits)
    }
    func grid(_ stream: [UInt8], limits: XLSXLimits = .default) throws -> Grid { try book(stream, limits: limits).loadGrid(0) }

    func testFilePassIsThePasswordRefusal() {
        let s = BIFF.workbook(globals: BIFF.record(0x002F, [1, 0] + [UInt8](repeating: 0, count: 52)))
        XCTAssertThrowsError(try book(s)) { XCTAssertEqual($0 as? XLSXError, .encrypted(file: "t.xls")) }
    }

    func testBIFF5AndOlderAreRefused() {
        XCTAssertThrowsError(try book(BIFF.workbook(version: 0x0500))) { XCTAssertEqual($0 as? XLSXError, .xlsBeforeBIFF8(file: "t.xls")) }
        XCTAssertThrowsError(try book(BIFF.workbook(), name: "Book")) { XCTAssertEqual($0 as? XLSXError, .xlsBeforeBIFF8(file: "t.xls")) }
        let biff4 = BIFF.record(0x0409, BIFF.le16(0) + BIFF.le16(0x10)) + BIFF.eof
        XCTAssertThrowsError(try book(biff4)) { XCTAssertEqual($0 as? XLSXError, .xlsBeforeBIFF8(file: "t.xls")) }
    }

    func testNoWorkbookStream() {
        XCTAssertThrowsError(try book(BIFF.workbook(), name: "WordDocument")) { XCTAssertEqual($0 as? XLSXError, .missingPart(file: "t.xls", part: "Workbook")) }
    }

    func assertDamaged(_ s: [UInt8], _ words: String, line: UInt = #line) {
        XCTAssertThrowsError(try grid(s), line: line) { e in
            guard case .damagedPart(_, "Workbook", 0, let why)? = e as? XLSXError else { return XCTFail("\(e)", line: line) }
            XCTAssertTrue(why.contains(words), why, line: line)
            XCTAssertTrue(why.contains("偏移"), why, line: line)
        }
    }

    func testDamagedRecords() {
        // A record whose length runs past the end of the stream (no padding: it is the last).
        // (More than 4096 bytes of cells first, so the stream is not in the mini stream.)
        let many = (0..<300).flatMap { BIFF.number($0, 0, 1) }
        var s = BIFF.workbook(cells: many)
        s.removeLast(4)
        s += BIFF.le16(0x0203) + BIFF.le16(200) + [1, 2, 3]
        XCTAssertThrowsError(try grid(s)) { e in
            guard case .damagedPart(_, "Workbook", _, let why)? = e as? XLSXError else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("0x0203") && why.contains("偏移 \(s.count - 7)"), why)
        }
        // A shared string that does not exist.
        assertDamaged(BIFF.workbook(cells: BIFF.labelSST(0, 0, 5)), "0x00FD")
        // A cell past column IV.
        assertDamaged(BIFF.workbook(cells: BIFF.number(0, 300, 1)), "256")
        // Column 65535: its "+ 1" in the message once overflowed (found by the fuzzer).
        assertDamaged(BIFF.workbook(cells: BIFF.number(0, 65535, 1)), "65536")
        assertDamaged(BIFF.workbook(cells: BIFF.record(0x00BD, BIFF.le16(0) + BIFF.le16(250) + [UInt8](repeating: 0, count: 60) + BIFF.le16(259))), "MULRK")
        // A NUMBER too short for its value.
        assertDamaged(BIFF.workbook(cells: BIFF.record(0x0203, BIFF.le16(0) + BIFF.le16(0) + BIFF.le16(0) + [0, 0])), "过短")
        // A sheet whose BOUNDSHEET points past the stream.
        let bad = BIFF.bof(5) + BIFF.record(0x0085, BIFF.le32(1_000_000) + [0, 0] + BIFF.string("S", short: true)) + BIFF.eof
        assertDamaged(bad, "超出流")
        // MERGEDCELLS claiming more ranges than it holds.
        assertDamaged(BIFF.workbook(cells: BIFF.record(0x00E5, BIFF.le16(100) + [UInt8](repeating: 0, count: 8))), "0x00E5")
    }

    func testLimits() {
        var l = XLSXLimits(); l.maxCells = 2
        let three = BIFF.number(0, 0, 1) + BIFF.number(0, 1, 2) + BIFF.number(0, 2, 3)
        XCTAssertThrowsError(try grid(BIFF.workbook(cells: three), limits: l)) { e in
            guard case .limitExceeded(_, "Workbook", _)? = e as? XLSXError else { return XCTFail("\(e)") }
        }
        var m = XLSXLimits(); m.maxSharedStrings = 10
        let sst = BIFF.record(0x00FC, BIFF.le32(11) + BIFF.le32(11))
        XCTAssertThrowsError(try book(BIFF.workbook(globals: sst), limits: m)) { e in
            guard case .limitExceeded(_, "Workbook", _)? = e as? XLSXError else { return XCTFail("\(e)") }
        }
        var n = XLSXLimits(); n.maxStringBytes = 100
        let long = BIFF.record(0x0204, BIFF.le16(0) + BIFF.le16(0) + BIFF.le16(15) + BIFF.string(String(repeating: "x", count: 101)))
        XCTAssertThrowsError(try grid(BIFF.workbook(cells: long), limits: n)) { e in
            guard case .damagedPart(_, "Workbook", _, let why)? = e as? XLSXError else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("上限"), why)
        }
    }

    /// One SST whose strings cross CONTINUE boundaries: between strings, inside compressed
    /// characters that go on as UTF-16, and inside a rich string's runs and phonetic block.
    func testSSTSplitAcrossContinue() throws {
        let a = "abcdef", b = "考评表ab", c = "富文本"
        var first = BIFF.le32(3) + BIFF.le32(3)
        first += BIFF.le16(a.utf16.count) + [0] + Array("abc".utf8)                    // "abc" | "def"
        var cont1: [UInt8] = [0] + Array("def".utf8)                                       // fresh flags: compressed
        cont1 += BIFF.le16(b.utf16.count) + [1] + "考评".utf16.flatMap { BIFF.le16(Int($0)) } // "考评" | "表ab"
        var cont2: [UInt8] = [1] + "表ab".utf16.flatMap { BIFF.le16(Int($0)) }             // fresh flags: UTF-16
        cont2 += BIFF.le16(c.utf16.count) + [0x01 | 0x08 | 0x04] + BIFF.le16(1) + BIFF.le32(6)
        cont2 += c.utf16.flatMap { BIFF.le16(Int($0)) } + [0, 0]                          // runs cross the boundary
        let cont3: [UInt8] = [1, 0] + [9, 9, 9, 9, 9, 9]                                   // rest of the run + phonetic
        let sst = BIFF.record(0x00FC, first) + BIFF.record(0x003C, cont1) + BIFF.record(0x003C, cont2) + BIFF.record(0x003C, cont3)
        let cells = BIFF.labelSST(0, 0, 0) + BIFF.labelSST(1, 0, 1) + BIFF.labelSST(2, 0, 2)
        let g = try grid(BIFF.workbook(globals: sst, cells: cells))
        XCTAssertEqual(g.value(1, 1), .string(a))
        XCTAssertEqual(g.value(2, 1), .string(b))
        XCTAssertEqual(g.value(3, 1), .string(c))
    }

    func testCellRecords() throws {
        var cells = BIFF.record(0x027E, BIFF.le16(0) + BIFF.le16(0) + BIFF.le16(15) + BIFF.le32(UInt32(bitPattern: Int32(-5 << 2)) | 0x02))
        cells += BIFF.record(0x027E, BIFF.le16(0) + BIFF.le16(1) + BIFF.le16(15) + BIFF.le32(UInt32(1234 << 2) | 0x03))    // 12.34
        let rk15: UInt32 = UInt32((1.5).bitPattern >> 32) & 0xFFFF_FFFC
        cells += BIFF.record(0x00BD, BIFF.le16(1) + BIFF.le16(2) + BIFF.le16(15) + BIFF.le32(rk15) + BIFF.le16(15) + BIFF.le32(UInt32(7 << 2) | 2) + BIFF.le16(3))
        cells += BIFF.record(0x0205, BIFF.le16(2) + BIFF.le16(0) + BIFF.le16(15) + [0x17, 1])
        cells += BIFF.record(0x0205, BIFF.le16(2) + BIFF.le16(1) + BIFF.le16(15) + [1, 0])
        // FORMULA with a string result, then its STRING record; the tokens are SUM(A1:B2).
        let rgce: [UInt8] = [0x25] + BIFF.le16(0) + BIFF.le16(1) + BIFF.le16(0xC000) + BIFF.le16(0xC001) + [0x22, 1] + BIFF.le16(4)
        cells += BIFF.record(0x0006, BIFF.le16(3) + BIFF.le16(0) + BIFF.le16(15) + [0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + BIFF.le16(0) + BIFF.le32(0) + BIFF.le16(rgce.count) + rgce)
        cells += BIFF.record(0x0207, BIFF.string("结果"))
        cells += BIFF.record(0x0208, BIFF.le16(4) + BIFF.le16(0) + BIFF.le16(1) + BIFF.le16(600) + BIFF.le16(0) + BIFF.le16(0) + BIFF.le16(0x0160) + BIFF.le16(0))
        cells += BIFF.record(0x007D, BIFF.le16(3) + BIFF.le16(256) + BIFF.le16(2560) + BIFF.le16(15) + BIFF.le16(1) + BIFF.le16(0))
        // An overlapping range later: the first range to name a column wins.
        cells += BIFF.record(0x007D, BIFF.le16(0) + BIFF.le16(5) + BIFF.le16(512) + BIFF.le16(15) + BIFF.le16(0) + BIFF.le16(0))
        // A surrogate pair (U+20BB7) and a lone high surrogate, which becomes U+FFFD.
        cells += BIFF.record(0x0204, BIFF.le16(5) + BIFF.le16(0) + BIFF.le16(15) + BIFF.string("𠮷野家"))
        cells += BIFF.record(0x0204, BIFF.le16(5) + BIFF.le16(1) + BIFF.le16(15) + BIFF.le16(2) + [1] + BIFF.le16(0xD842) + BIFF.le16(0x41))
        // A chart embedded in the sheet brings its own BOF…EOF; nothing in it is a cell of the sheet.
        cells += BIFF.bof(0x0020) + BIFF.number(7, 0, 99) + BIFF.bof(0x0020) + BIFF.eof + BIFF.number(7, 1, 98) + BIFF.eof
        cells += BIFF.number(7, 2, 97)
        let g = try grid(BIFF.workbook(cells: cells))
        XCTAssertNil(g.cell(8, 1)); XCTAssertNil(g.cell(8, 2)); XCTAssertEqual(g.value(8, 3), .number(97))
        XCTAssertEqual(g.value(6, 1), .string("𠮷野家"))
        XCTAssertEqual(g.value(6, 2), .string("\u{FFFD}A"))
        XCTAssertEqual(g.value(1, 1), .number(-5))
        XCTAssertEqual(g.value(1, 2), .number(12.34))
        XCTAssertEqual(g.value(2, 3), .number(1.5))
        XCTAssertEqual(g.value(2, 4), .number(7))
        XCTAssertEqual(g.value(3, 1), .error("#REF!"))
        XCTAssertEqual(g.value(3, 2), .bool(true))
        XCTAssertEqual(g.value(4, 1), .string("结果"))
        XCTAssertEqual(g.cell(4, 1)?.formula, "SUM(A1:B2)")
        XCTAssertEqual(g.hiddenRows, [5])
        XCTAssertEqual(g.rowHeights[5], 30)
        XCTAssertEqual(g.hiddenCols, Set(4...256))
        XCTAssertEqual(g.colWidths[4], 10); XCTAssertEqual(g.colWidths[1], 2); XCTAssertEqual(g.colWidths.count, 256)
    }

    func testFormulaText() {
        let f = FormulaText(globals: try! BIFF.workbook().withUnsafeBufferPointer { try Globals($0, file: "t", limits: .default) })
        func r(_ t: [UInt8]) -> String { f.render(t, row: 9, col: 3, shared: false) }
        // $A$1:B2 with ptgAttr sum (how Excel writes a one-argument SUM)
        XCTAssertEqual(r([0x25] + BIFF.le16(0) + BIFF.le16(1) + BIFF.le16(0) + BIFF.le16(0xC001) + [0x19, 0x10, 0, 0]), "SUM($A$1:B2)")
        // Columns past Z (AB = index 27), a relative row and an absolute column.
        XCTAssertEqual(r([0x24] + BIFF.le16(4) + BIFF.le16(0x8000 | 27)), "$AB5")
        XCTAssertEqual(r([0x2B] + [UInt8](repeating: 0, count: 8) + [0x22, 1] + BIFF.le16(4)), "SUM(#REF!)")
        XCTAssertEqual(r([0x4A, 0, 0, 0, 0, 0x1E, 1, 0, 0x03]), "#REF!+1")
        // An unsupported token (ptgName) falls back, keeping the deleted reference visible.
        XCTAssertEqual(r([0x23, 1, 0, 0, 0, 0x2A, 0, 0, 0, 0, 0x03]), "?#REF!")
        // 30,000 unary minuses: past Excel's 8192-character formula, given up on, not rendered.
        XCTAssertEqual(r([0x1E, 1, 0] + [UInt8](repeating: 0x13, count: 30_000)), "?")
        XCTAssertEqual(r([0x17, 2, 0, 0x61, 0x22, 0x1E, 3, 0, 0x08]), "\"a\"\"\"&3")
    }

    func testFeaturesFixture() throws {
        let b = try XLSBook(path: EquivalenceTests.fixture("features.xls"))
        XCTAssertEqual(b.sheetList.map(\.state), [.visible, .hidden])
        let g = try b.loadGrid(0)
        XCTAssertEqual(g.hiddenRows, [3])
        XCTAssertEqual(g.hiddenCols, [3])
        XCTAssertEqual(g.rowHeights[4], 30)
        XCTAssertTrue(g.format(try XCTUnwrap(g.cell(4, 5))).isDate)
        XCTAssertTrue(g.format(try XCTUnwrap(g.cell(5, 5))).isDate)
        XCTAssertFalse(g.format(try XCTUnwrap(g.cell(4, 4))).isDate)
        XCTAssertTrue(g.format(try XCTUnwrap(g.cell(1, 1))).bold)
        XCTAssertEqual(g.format(try XCTUnwrap(g.cell(1, 1))).fontSize, 16)
        XCTAssertEqual((11...17).map { g.value($0, 2) }, ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"].map { .error($0) })
        XCTAssertEqual(g.value(18, 4), .number(5.5)); XCTAssertEqual(g.cell(18, 4)?.formula, "SUM(D3:D4)")
        XCTAssertEqual(g.value(19, 4), .error("#REF!"))
        XCTAssertEqual(g.value(20, 4), .string("达标"))
        XCTAssertEqual(g.value(22, 4), .error("#DIV/0!"))
        XCTAssertEqual(g.value(23, 4), .number(8)); XCTAssertEqual(g.cell(23, 4)?.formula, "D3*2+D4")
        let l = try XLSBook(path: EquivalenceTests.fixture("long-strings.xls")).loadGrid(0)
        XCTAssertEqual(l.value(1, 3), .string(String(repeating: "考", count: 5000)))
        XCTAssertEqual(l.value(2, 3), .string(String(repeating: "a", count: 9000)))
        XCTAssertEqual(l.value(3, 3), .string(String(repeating: "混合mixed文本", count: 800)))
        XCTAssertTrue(try XLSBook(path: EquivalenceTests.fixture("date1904.xls")).date1904)
    }
}
