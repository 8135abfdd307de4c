// libFuzzer entry: XMLScanner (XLSXCore) against expat, the parser it replaced (issue 16).
// Not part of the package: scripts/fuzz-xml.sh compiles it beside Tests/WorkbookTests/XMLWitness.swift.
//
// The input's first byte picks how many bytes at a time the scanner is fed (1 to 64 KiB), the
// rest is the document. Whatever expat reads, the scanner must read as the same events; a DTD
// expat refuses, the scanner must refuse; whatever the bytes, no crash, no hang, no unbounded
// memory (ASan, libFuzzer's timeout and RSS limit). A broken promise aborts with both outcomes.

import Foundation
import XLSXCore

private let chunks = [1, 2, 3, 7, 64, 4096, 1 << 16, 5]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let chunk = chunks[Int(data[0]) % chunks.count]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if let diff = XMLWitness.compare(bytes, chunks: [chunk]) {
        FileHandle.standardError.write(Data(("scanner and expat differ: " + diff + "\n").utf8))
        abort()
    }
    return 0
}
