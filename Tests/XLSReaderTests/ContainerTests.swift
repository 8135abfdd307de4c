import XCTest
import OLE2
import XLSXCore
@testable import XLSReader

/// The compound-file layer: both sector sizes, the mini stream, and every broken chain refused.
final class ContainerTests: XCTestCase {
    let book = BIFF.workbook(cells: BIFF.number(0, 0, 42))

    func open(_ bytes: [UInt8], limits: XLSXLimits = .default) throws -> [Double] {
        let cf = try CompoundFile(bytes: bytes, path: "t.xls", limits: limits)
        let g = try XLSBook(cf, limits: limits).loadGrid(0)
        return g.cells.compactMap { if case .number(let d)? = $0.value { return d } else { return nil } }
    }

    func assertDamaged(_ bytes: [UInt8], _ words: String, part: String = "OLE2", line: UInt = #line) {
        XCTAssertThrowsError(try open(bytes), line: line) { e in
            guard case .damagedPart(_, let p, _, let why)? = e as? XLSXError else { return XCTFail("\(e)", line: line) }
            XCTAssertEqual(p, part, line: line)
            XCTAssertTrue(why.contains(words), why, line: line)
        }
    }

    func testBothSectorSizes() throws {
        XCTAssertEqual(try open(BIFF.compound([("Workbook", book)], shift: 9)), [42])
        XCTAssertEqual(try open(BIFF.compound([("Workbook", book)], shift: 12)), [42])
    }

    func testStreamNamesAreCaseInsensitiveAndRootLevel() throws {
        let cf = try CompoundFile(bytes: BIFF.compound([("WORKBOOK", book), ("Other", [1])]), path: "t")
        XCTAssertTrue(cf.has("Workbook")); XCTAssertTrue(cf.has("other")); XCTAssertFalse(cf.has("Book"))
        XCTAssertEqual(cf.streamNames, ["WORKBOOK", "Other"])
        XCTAssertThrowsError(try cf.read("Nope")) { XCTAssertEqual($0 as? XLSXError, .missingPart(file: "t", part: "Nope")) }
    }

    func testMiniStreamOfARealFile() throws {
        // LibreOffice stores the small property streams in the mini stream: a property set
        // starts with its byte-order mark FE FF.
        let cf = try CompoundFile(path: EquivalenceTests.fixture("features.xls"))
        let name = try XCTUnwrap(cf.streamNames.first { $0.hasSuffix("SummaryInformation") })
        let s = try cf.read(name)
        XCTAssertLessThan(s.count, 4096)
        XCTAssertEqual(Array(s.prefix(2)), [0xFE, 0xFF])
    }

    func testCycleInStreamChain() {
        assertDamaged(BIFF.compound([("Workbook", book)]) { fat, _ in fat[4] = 2 }, "有环", part: "Workbook")
    }

    func testCycleInDirectoryChain() {
        assertDamaged(BIFF.compound([("Workbook", book)]) { fat, _ in fat[1] = 1 }, "有环")
    }

    func testSectorIndexOutOfRange() {
        assertDamaged(BIFF.compound([("Workbook", book)]) { fat, _ in fat[3] = 99_999 }, "超出范围", part: "Workbook")
        // The directory's first sector past the end of the file.
        var b = BIFF.compound([("Workbook", book)])
        b.replaceSubrange(0x30..<0x34, with: BIFF.le32(70_000))
        assertDamaged(b, "超出范围")
    }

    func testChainShorterThanItsSizeGivesWhatItHolds() throws {
        // As Excel, xlrd and calamine read it: the stream is 1 sector long instead of 8, and the
        // records, all in that sector, are whole.
        XCTAssertEqual(try open(BIFF.compound([("Workbook", book)]) { fat, _ in fat[2] = 0xFFFF_FFFE }), [42])
        // When the records do run past the end, the record reader says so.
        let long = BIFF.workbook(cells: (0..<100).flatMap { BIFF.number($0, 0, 1) })
        XCTAssertThrowsError(try open(BIFF.compound([("Workbook", long)]) { fat, _ in fat[3] = 0xFFFF_FFFE })) { e in
            guard case .damagedPart(_, "Workbook", _, _)? = e as? XLSXError else { return XCTFail("\(e)") }
        }
    }

    func testHugeDeclaredSizes() {
        // 4 GB in a 512-byte-sector file: over the part limit, refused before any allocation.
        let b = BIFF.compound([("Workbook", book)]) { _, dir in dir.replaceSubrange((128 + 0x78)..<(128 + 0x7C), with: BIFF.le32(0xFFFF_FFF0)) }
        XCTAssertThrowsError(try open(b)) { e in
            guard case .limitExceeded(_, "Workbook", _)? = e as? XLSXError else { return XCTFail("\(e)") }
        }
        // Within the limit but larger than the file.
        let c = BIFF.compound([("Workbook", book)]) { _, dir in dir.replaceSubrange((128 + 0x78)..<(128 + 0x7C), with: BIFF.le32(50_000_000)) }
        assertDamaged(c, "超过文件大小", part: "Workbook")
        // A header claiming more FAT sectors than the file has.
        var d = BIFF.compound([("Workbook", book)])
        d.replaceSubrange(0x2C..<0x30, with: BIFF.le32(0x7FFF_FFFF))
        assertDamaged(d, "扇区数")
    }

    func testEveryTruncationIsAnErrorNotACrash() throws {
        let full = [UInt8](try Data(contentsOf: URL(fileURLWithPath: EquivalenceTests.fixture("features.xls"))))
        var damaged = 0
        for cut in stride(from: 0, to: full.count, by: 97) {
            do { _ = try open(Array(full.prefix(cut))) } catch let e as XLSXError {
                if case .damagedPart = e { damaged += 1 } else if case .unreadable = e {} else { XCTFail("cut \(cut): \(e)") }
            }
        }
        XCTAssertGreaterThan(damaged, 20)
    }

    func testNotACompoundFile() {
        XCTAssertThrowsError(try CompoundFile(bytes: Array("PK\u{3}\u{4}".utf8) + [UInt8](repeating: 0, count: 600), path: "x")) { e in
            guard case .unreadable? = e as? XLSXError else { return XCTFail("\(e)") }
        }
    }
}
