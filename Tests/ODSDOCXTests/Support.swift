import CZip
import Foundation
import GridKit
import XLSXReader
import XCTest
import XLSXCore

/// Fixtures made by scripts/gen-format-fixtures-odsdocx.py, and the samples they come from.
enum Files {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = here.appendingPathComponent("Fixtures")
    static let samples = here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples")
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    static func sample(_ name: String) -> String { samples.appendingPathComponent(name).path }
    /// Base names of every Samples/*.xlsx.
    static var sampleNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? [])
            .filter { $0.hasSuffix(".xlsx") }.map { String($0.dropLast(5)) }.sorted()
    }
}

/// Zips parts with libzip into temp files removed when the test ends.
class ZipTestCase: XCTestCase {
    private var temps: [String] = []
    override func tearDown() {
        for p in temps { unlink(p) }
        temps.removeAll()
        super.tearDown()
    }

    func zip(_ parts: [(String, String)], ext: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("odsdocx-\(UUID().uuidString).\(ext)").path
        temps.append(path)
        var err: Int32 = 0
        guard let za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err) else { throw XLSXError.unreadable(file: path, reason: "zip_open") }
        for (name, text) in parts {
            let bytes = Array(text.utf8)
            let mem = malloc(max(bytes.count, 1))!
            bytes.withUnsafeBytes { if !bytes.isEmpty { mem.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) } }
            guard let src = zip_source_buffer(za, mem, zip_uint64_t(bytes.count), 1) else { free(mem); zip_discard(za); throw XLSXError.unreadable(file: path, reason: "source") }
            if zip_file_add(za, name, src, zip_flags_t(ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8)) < 0 { zip_source_free(src); zip_discard(za); throw XLSXError.unreadable(file: path, reason: "add") }
        }
        guard zip_close(za) == 0 else { zip_discard(za); throw XLSXError.unreadable(file: path, reason: "close") }
        return path
    }

    /// Asserts that `body` throws an `XLSXError` (and nothing else), returning it.
    @discardableResult
    func assertRefused(_ what: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> XLSXError? {
        do {
            try body()
            XCTFail("\(what): read without an error", file: file, line: line)
        } catch let e as XLSXError {
            return e
        } catch {
            XCTFail("\(what): untyped error \(error)", file: file, line: line)
        }
        return nil
    }
}

/// Compares cell values the way the tests need: texts without trailing spaces, numbers to 1e-9.
func same(_ a: CellValue?, _ b: CellValue?) -> Bool {
    switch (a, b) {
    case (.number(let x)?, .number(let y)?): return abs(x - y) <= 1e-9 * max(1, abs(x))
    case (.string(let x)?, .string(let y)?): return trimEnd(x) == trimEnd(y)
    default: return a == b
    }
}

func trimEnd(_ s: String) -> String {
    var s = s
    while let l = s.last, l == " " || l == "\u{3000}" || l == "\t" { s.removeLast() }
    return s
}

/// The cells a person sees: each non-empty cell not hidden under another cell's merge.
func visibleCells(_ g: Grid) -> [Cell] {
    g.cells.filter { c in
        guard !c.isEmpty else { return false }
        if let m = g.merge(at: c.row, c.col) { return m.top == c.row && m.left == c.col }
        return true
    }
}
