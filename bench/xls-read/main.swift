// `xls-read FILE.xls`: the .xls reader's side of bench/xls-bench.sh. Loads every sheet through
// XLSBook (all cells, merges, hidden rows) and prints the cell count and the sum of the
// numbers, so that the witnesses can be checked to have read the same thing.
import Foundation
import GridKit
import XLSXReader
import XLSReader

let args = CommandLine.arguments
guard args.count == 2 else { FileHandle.standardError.write("usage: xls-read FILE.xls\n".data(using: .utf8)!); exit(2) }
do {
    let book = try XLSBook(path: args[1])
    var cells = 0, sum = 0.0
    for i in book.sheetList.indices {
        let g = try book.loadGrid(i)
        cells += g.cells.count
        for c in g.cells { if case .number(let d)? = c.value { sum += d } }
    }
    print("cells \(cells) sum \(String(format: "%.2f", sum))")
} catch {
    FileHandle.standardError.write("\(args[1]): \(error)\n".data(using: .utf8)!)
    exit(1)
}
