import KaopingModel
import XCTest

/// NormKey hashes and compares texts as the checks' `KText.norm` does, without the folded copy.
final class NormKeyTests: XCTestCase {
    static let texts = [
        "", " ", "。", "完成年度目标任务", "完成年度目标任务。", "完成 年度\n目标任务；", "完成年度目标任务；。 ",
        "完成年度目标任务．", "完成年度目标任务.", "完成年度　目标任务", "（一）完成１２项任务", "(一)完成12项任务",
        "\u{FEFF}完成年度目标任务\u{200B}", "完成年度目标任务;", "完成年度目标任务。完成", "完成年度目标任务。 完成",
        "abc", "ABC", "ａｂｃ", "a b c", "\t\u{3000}a\u{A0}b\u{2003}c\r\n", "第1项任务；第2项任务。",
        String(repeating: "长", count: 300), String(repeating: "长", count: 300) + "。", String(repeating: "长 ", count: 300),
    ]

    func testKeysAgreeWithNorm() {
        for a in NormKeyTests.texts {
            for b in NormKeyTests.texts {
                let same = KText.norm(a) == KText.norm(b)
                XCTAssertEqual(NormKey(a) == NormKey(b), same, "「\(a)」 「\(b)」")
                if same { XCTAssertEqual(NormKey(a).hashValue, NormKey(b).hashValue, "「\(a)」 「\(b)」") }
            }
        }
        // As dictionary keys: one entry per normalised text.
        let keys = Set(NormKeyTests.texts.map(NormKey.init))
        XCTAssertEqual(keys.count, Set(NormKeyTests.texts.map(KText.norm)).count)
    }

    /// The byte-level folding against a plain one over scalars, on random texts of the scalars
    /// that matter (white space of every kind, full-width forms and their neighbours, CJK, ASCII).
    func testFoldingAgreesWithAPlainReference() {
        let alphabet: [Unicode.Scalar] = [" ", "\t", "\n", "\r", "a", "Z", "1", ".", ";", "\u{85}", "\u{A0}", "\u{A9}", "\u{1680}",
            "\u{2000}", "\u{200B}", "\u{200C}", "\u{2028}", "\u{202F}", "\u{205F}", "\u{2060}", "\u{3000}", "\u{3001}", "\u{3002}",
            "\u{FEFF}", "\u{FF00}", "\u{FF01}", "\u{FF0E}", "\u{FF1B}", "\u{FF5E}", "\u{FF5F}", "\u{FF60}", "\u{FFE5}",
            "中", "文", "\u{1F600}", "\u{E9}"]
        func isSpace(_ u: Unicode.Scalar) -> Bool {
            switch u.value {
            case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
            default: return false
            }
        }
        func reference(_ s: String, squeezing: Bool, halfWidth: Bool, limit: Int) -> String {
            var out = String.UnicodeScalarView()
            for u in s.unicodeScalars.prefix(limit) {
                if halfWidth, (0xFF01...0xFF5E).contains(u.value) { out.append(Unicode.Scalar(u.value - 0xFEE0)!); continue }
                if squeezing, isSpace(u) { continue }
                if halfWidth, u.value == 0x3000 { out.append(" "); continue }
                out.append(u)
            }
            return String(out)
        }
        var seed: UInt64 = 16
        func next() -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int(seed >> 33) }
        for _ in 0..<3000 {
            let s = String(String.UnicodeScalarView((0..<(next() % 60)).map { _ in alphabet[next() % alphabet.count] }))
            XCTAssertEqual(KText.squeeze(s), reference(s, squeezing: true, halfWidth: false, limit: .max), s.debugDescription)
            XCTAssertEqual(KText.halfWidth(s), reference(s, squeezing: false, halfWidth: true, limit: .max), s.debugDescription)
            XCTAssertEqual(KText.folded(s), reference(s, squeezing: true, halfWidth: true, limit: .max), s.debugDescription)
            XCTAssertEqual(KText.folded(s, limit: 7), reference(s, squeezing: true, halfWidth: true, limit: 7), s.debugDescription)
        }
    }
}
