import Foundation
import KaopingJobs
import XCTest

/// The register names every file by its SHA-256: checked against coreutils and Python.
final class SHA256Tests: XCTestCase {
    func testKnownVectors() {
        XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // 56 bytes: the padding spills into a second block.
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testAgainstSha256sumAndHashlib() throws {
        let dir = try RegFix.scratch("sha")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [String] = [RegFix.sample("000-chengguan-2024.xlsx"), RegFix.sample("003-yingji-2021-evaluated.xlsx")]
        // Empty, every length around a block edge, and over 1 MiB of pseudo-random bytes.
        var g = SystemRandomNumberGenerator()
        for n in [0, 1, 55, 56, 63, 64, 65, 1000, 1_048_576 + 333] {
            let p = dir + "/f\(n).bin"
            _ = FileManager.default.createFile(atPath: p, contents: Data((0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }))
            files.append(p)
        }
        let sums = try RegFix.run("/usr/bin/env", ["sha256sum"] + files).out.split(separator: "\n").map { String($0.prefix(64)) }
        let py = try RegFix.python("import sys, hashlib\nfor f in sys.argv[1:]: print(hashlib.sha256(open(f,'rb').read()).hexdigest())", files)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(sums.count, files.count)
        for (i, f) in files.enumerated() {
            let mine = SHA256.hex(RegFix.bytes(f))
            XCTAssertEqual(mine, sums[i], f)
            XCTAssertEqual(mine, py[i], f)
        }
    }
}
