import Foundation
import XCTest
import XLSXCore

/// XMLScanner against expat (XMLWitness): the same events wherever expat reads a document, the
/// same refusals for the damage the readers meet, and the limits expat lacks.
final class ScannerTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every XML part of every workbook, spreadsheet and Word file in Samples/ and the tests' fixtures.
    static let realParts: [(String, [UInt8])] = {
        var out: [(String, [UInt8])] = []
        let dirs = ["Samples", "Tests/ODSDOCXTests/Fixtures", "Tests/XLSReaderTests/Fixtures"]
        for d in dirs {
            let dir = root.appendingPathComponent(d).path
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            for n in names where n.hasSuffix(".xlsx") || n.hasSuffix(".ods") || n.hasSuffix(".docx") {
                guard let zip = try? ZipArchive(path: dir + "/" + n) else { continue }
                for part in zip.partNames where part.hasSuffix(".xml") || part.hasSuffix(".rels") {
                    guard let bytes = try? zip.data(part) else { continue }
                    out.append(("\(n):\(part)", bytes))
                }
            }
        }
        return out
    }()

    func testEveryRealPartReadsAsExpatReadsItInAnyChunking() {
        XCTAssertGreaterThan(ScannerTests.realParts.count, 100)
        var events = 0
        for (name, bytes) in ScannerTests.realParts {
            let want = XMLWitness.expat(bytes)
            XCTAssertTrue(want.accepted, "\(name): \(want)")
            if case .events(let e) = want { events += e.count }
            // Chunks of 1 and 7 bytes cut every token somewhere; a part of 64 KiB or more is cut too.
            let chunks = bytes.count > 200_000 ? [1 << 16, 4093] : [1 << 16, 1, 7]
            XCTAssertNil(XMLWitness.compare(bytes, chunks: chunks), name)
        }
        XCTAssertGreaterThan(events, 100_000)
    }

    func same(_ xml: String, file: StaticString = #filePath, line: UInt = #line) {
        let bytes = Array(xml.utf8)
        let want = XMLWitness.expat(bytes)
        XCTAssertTrue(want.accepted, "expat: \(want) for \(xml)", file: file, line: line)
        XCTAssertNil(XMLWitness.compare(bytes, chunks: [1 << 16, 1, 2, 3, 5]), xml, file: file, line: line)
    }

    func testCornersOfWellFormedXMLReadAsExpatReadsThem() {
        same("<a/>")
        same("\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<a>x</a>\n")
        same("<?xml version='1.0'?><a b='1' c=\"2\"/>")
        same("<x:a xmlns:x=\"urn:x\" xmlns=\"urn:d\" x:b=\"1\" c=\"2\"><x:c/><d xml:space=\"preserve\"> t </d></x:a>")
        same("<a>&lt;&gt;&amp;&apos;&quot;&#20013;&#x6587;&#x1F600;&#9;&#10;&#13;</a>")
        same("<a b=\"&lt;&amp;&#x4E2D;&#10;&#13;&#9;\" c=\"x\ty\nz\r\nw\rv\"/>")
        same("<a>line1\r\nline2\rline3\nline4\r</a>")
        same("<a><![CDATA[<b>&amp;]] ]>\r\n]]></a>")
        same("<!-- before --><?pi data?><a><!-- in - side --><?pi?>t<?x y z?></a><!-- after --><?end?>")
        same("<a >t</a >")
        same("<a\n\tb = \"1\"\r\n c\n=\n'2'\n/>")
        same("<中文 属性=\"值\">文本 ]] > ]</中文>")
        same("<a>]</a>")
        same("<a>]]</a>")
        same("<a b=\"]]>\"/>")
        same("<a>\u{7F}\u{80}\u{9F}\u{A0}\u{FFFD}\u{10FFFF}</a>")
        same("<a>&#x10FFFF;&#xFFFD;&#xE000;&#xD7FF;</a>")
        same("<_a-b.c:d1 xmlns:_a-b.c=\"urn:u\"/>")
        same("<a>\(String(repeating: "长文本", count: 50_000))</a>")
        same("<a>" + String(repeating: "<b c=\"1\">&amp;</b>", count: 20_000) + "</a>")
    }

    func refused(_ xml: [UInt8], _ why: String, file: StaticString = #filePath, line: UInt = #line) {
        // expat refuses it too: the case is real damage, not a rule of our own.
        XCTAssertFalse(XMLWitness.expat(xml).accepted, "expat read it: \(why)", file: file, line: line)
        for c in [1 << 16, 1, 3] {
            let got = XMLWitness.scanner(xml, chunk: c)
            guard case .rejected(let r) = got else { return XCTFail("\(why): \(got)", file: file, line: line) }
            XCTAssertTrue(r.contains("damagedPart"), "\(why): \(r)", file: file, line: line)
        }
    }
    func refused(_ xml: String, _ why: String, file: StaticString = #filePath, line: UInt = #line) {
        refused(Array(xml.utf8), why, file: file, line: line)
    }

    func testDamageIsRefusedAsExpatRefusesIt() {
        refused("", "empty")
        refused("   ", "white space only")
        refused("<a>", "cut after the root's start")
        refused("<a><b></a>", "mismatched")
        refused("<a></b>", "mismatched root")
        refused("<a><b c=\"1", "cut in a value")
        refused("<a>text", "cut in text")
        refused("<a/><b/>", "two roots")
        refused("<a/>junk", "junk after the root")
        refused("junk<a/>", "text before the root")
        refused("<a>]]></a>", "]]> in text")
        refused("<a b=\"<\"/>", "< in a value")
        refused("<a b=\"1\"c=\"2\"/>", "no space between attributes")
        refused("<a b=\"1\" b=\"2\"/>", "an attribute twice")
        refused("<a b=1/>", "unquoted value")
        refused("<a b/>", "attribute without value")
        refused("<a>&foo;</a>", "undefined entity")
        refused("<a>&amp</a>", "reference without ;")
        refused("<a>&#0;</a>", "character 0")
        refused("<a>&#xD800;</a>", "surrogate reference")
        refused("<a>&#xFFFE;</a>", "U+FFFE reference")
        refused("<a>&#x110000;</a>", "past U+10FFFF")
        refused("<a>&#;</a>", "empty character reference")
        refused("<a>\u{1}</a>", "control character")
        refused("<a b=\"\u{8}\"/>", "control character in a value")
        refused([0x3C, 0x61, 0x3E, 0xC0, 0xAF, 0x3C, 0x2F, 0x61, 0x3E], "overlong UTF-8")
        refused([0x3C, 0x61, 0x3E, 0xED, 0xA0, 0x80, 0x3C, 0x2F, 0x61, 0x3E], "UTF-8 surrogate")
        refused([0x3C, 0x61, 0x3E, 0xEF, 0xBF, 0xBE, 0x3C, 0x2F, 0x61, 0x3E], "UTF-8 U+FFFE")
        refused([0x3C, 0x61, 0x3E, 0xE4, 0xB8, 0x3C, 0x2F, 0x61, 0x3E], "cut UTF-8 sequence")
        refused([0x3C, 0x61, 0x3E, 0x80, 0x3C, 0x2F, 0x61, 0x3E], "lone continuation byte")
        refused([0x3C, 0x61, 0x3E, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x3C, 0x2F, 0x61, 0x3E], "five-byte form")
        refused([0x3C, 0x61, 0x20, 0x62, 0x3D, 0x22, 0xFF, 0x22, 0x2F, 0x3E], "0xFF in a value")
        refused(" <?xml version=\"1.0\"?><a/>", "declaration after white space")
        refused("<a/><?xml version=\"1.0\"?>", "declaration after the root")
        refused("<?xml encoding=\"UTF-8\"?><a/>", "declaration without version")
        refused("<?XML version=\"1.0\"?><a/>", "declaration in capitals")
        refused("<a><!-- a -- b --></a>", "-- inside a comment")
        refused("<a><!-- cut </a>", "cut comment")
        refused("<![CDATA[x]]><a/>", "CDATA outside the root")
        refused("<a><![CDATA[x</a>", "cut CDATA")
        refused("<a><!ELEMENT a ANY></a>", "declaration in content")
        refused("<1a/>", "name starting with a digit")
        refused("<a></a >x", "junk after the root's end")
        refused("<a>\u{FEFF}</a>\u{FEFF}", "BOM after the root")
    }

    func testDTDIsRefusedBeforeAnyEntityIsRead() {
        let laughs = """
        <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><a>&lol2;</a>
        """
        let xxe = "<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>"
        for xml in [laughs, xxe, "<!DOCTYPE a><a/>"] {
            XCTAssertEqual(XMLWitness.expat(Array(xml.utf8)), .dtd)
            for c in [1 << 16, 1, 4] { XCTAssertEqual(XMLWitness.scanner(Array(xml.utf8), chunk: c), .dtd, xml) }
        }
    }

    func limit(_ xml: [UInt8], _ words: String, file: StaticString = #filePath, line: UInt = #line) {
        for c in [1 << 16, 4093] {
            guard case .rejected(let r) = XMLWitness.scanner(xml, chunk: c) else { return XCTFail(words, file: file, line: line) }
            XCTAssertTrue(r.contains("limitExceeded") && r.contains(words), r, file: file, line: line)
        }
    }

    func testLimitsExpatLacks() {
        // One tag longer than the token limit (expat would buffer it whole).
        let long = Array("<a b=\"".utf8) + [UInt8](repeating: 0x78, count: XMLScanner.maxToken + 10) + Array("\"/>".utf8)
        limit(long, "XML token longer than")
        // Nesting past the depth limit.
        let deep = Array(String(repeating: "<a>", count: XMLScanner.maxDepth + 1).utf8)
        limit(deep, "nested deeper than")
        // Too many attributes on one element.
        let many = "<a " + (0...XMLScanner.maxAttributes).map { "a\($0)=\"\"" }.joined(separator: " ") + "/>"
        limit(Array(many.utf8), "attributes on one element")
    }

    func testManyAttributesFindTheirDuplicateByHash() {
        // Over 16 attributes the duplicate check hashes; the 300th repeats the 7th.
        var attrs = (0..<300).map { "a\($0)=\"\($0)\"" }
        XCTAssertNil(XMLWitness.compare(Array(("<a " + attrs.joined(separator: " ") + "/>").utf8)))
        attrs.append("a7=\"x\"")
        refused("<a " + attrs.joined(separator: " ") + "/>", "duplicate among many")
    }

    func testALongTokenCostsLinearTime() {
        // A 12 MiB value in 4 KiB chunks: rescanning the cut tag from its start at every chunk
        // would be 3,000 scans of megabytes (hours); the doubling rule makes it a dozen.
        let value = [UInt8](repeating: 0x61, count: 12 << 20)
        let xml = Array("<a b=\"".utf8) + value + Array("\">t</a>".utf8)
        guard case .events(let e) = XMLWitness.scanner(xml, chunk: 4096) else { return XCTFail() }
        XCTAssertEqual(e.count, 3)
        XCTAssertEqual(e.first?.utf8.count, 1 + 1 + 1 + 1 + 1 + value.count)
    }

    /// Deterministic mutants of real parts (bytes flipped, dropped, doubled; XML's own bytes put
    /// in): wherever expat still reads one, the scanner reads the same events.
    func testMutantsOfRealPartsReadAsExpatReadsThem() {
        var rng = SplitMix(seed: 16)
        let parts = ScannerTests.realParts.filter { $0.1.count < 40_000 }
        XCTAssertFalse(parts.isEmpty)
        let alphabet: [[UInt8]] = ["<", ">", "/", "&", ";", "\"", "'", "=", " ", "\r", "\n", "]]>", "<!--", "-->",
                                   "<![CDATA[", "&#x", "&amp;", "xmlns:x=\"u\"", "x:", "\u{FEFF}", "<?x?>", "中"].map { Array($0.utf8) }
        var accepted = 0, total = 0
        for k in 0..<3000 {
            var b = parts[k % parts.count].1
            for _ in 0..<(1 + rng.next() % 3) {
                let i = Int(rng.next() % UInt64(max(b.count, 1)))
                switch rng.next() % 5 {
                case 0: if i < b.count { b[i] ^= UInt8(1 << (rng.next() % 8)) }
                case 1: if i < b.count { b.remove(at: i) }
                case 2: b.insert(contentsOf: alphabet[Int(rng.next() % UInt64(alphabet.count))], at: min(i, b.count))
                case 3: let j = min(b.count, i + Int(rng.next() % 64)); b.insert(contentsOf: Array(b[i..<j]), at: j)
                default: b = Array(b[0..<i])
                }
            }
            total += 1
            if XMLWitness.expat(b).accepted { accepted += 1 }
            if let diff = XMLWitness.compare(b, chunks: [1 << 16, 5]) {
                XCTFail("mutant \(k): \(diff)")
                break
            }
        }
        // The mutants reach both sides of expat's judgement.
        XCTAssertGreaterThan(accepted, total / 20)
        XCTAssertLessThan(accepted, total)
    }
}

/// splitmix64: the same mutants on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
