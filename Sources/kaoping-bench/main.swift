import Foundation
import KaopingWriter

/// `kaoping-bench write OUT [ROWS] [--normal-memory]`: the writer's half of `make bench`. Writes the same
/// deterministic sheet as bench/write.c (the C floor) through `SheetWriter`, so the two time
/// the same libxlsxwriter work and differ only by the Swift layer.
struct BenchWrite {
    var output: String
    var rows = 200_000
    /// Keep every row in memory until the end (libxlsxwriter's normal mode).
    var normalMemory = false

    /// splitmix64 from the seed bench/write.c uses.
    struct Random {
        var state: UInt64 = 20_240_601
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let cjk = Array("考评指标绩效目标完成情况预算执行率资金使用效益社会满意度项目管理制度建设产出数量质量时效成本生态环境保护应急救援交通城管国资监督评分标准".utf8)

    func run() throws {
        var rnd = Random()
        let chars = BenchWrite.cjk.count / 3
        var pool: [String] = []
        pool.reserveCapacity(1 << 16)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        do {
            try SheetWriter.write(to: output, sheet: "大表", constantMemory: !normalMemory) { w in
                for r in 0..<rows {
                    w.number(r, 0, Double(r + 1))
                    for c in 1...4 {
                        let s: String
                        if pool.isEmpty || rnd.unit() < 0.30 {
                            let n = 2 + rnd.below(11)
                            text.removeAll(keepingCapacity: true)
                            for _ in 0..<n {
                                let i = 3 * rnd.below(chars)
                                text.append(contentsOf: BenchWrite.cjk[i..<i + 3])
                            }
                            text.append(contentsOf: String(pool.count).utf8)
                            s = String(decoding: text, as: UTF8.self)
                            pool.append(s)
                        } else {
                            s = pool[rnd.below(pool.count)]
                        }
                        w.string(r, c, s)
                    }
                    let f = Double(Int64(rnd.unit() * 100_000.0)) / 100.0
                    w.number(r, 5, f)
                    for c in 6...9 {
                        if rnd.unit() < 0.10 {
                            let k = c - 4
                            w.formula(r, c, "=F\(r + 1)*\(k)", cached: f * Double(k))
                        } else {
                            w.number(r, c, Double(Int64(rnd.unit() * 100_000.0)) / 100.0)
                        }
                    }
                }
            }
        } catch {
            FileHandle.standardError.write(Data("kaoping-bench: \(error)\n".utf8))
            exit(2)
        }
        print("\(rows) rows, \(pool.count) strings")
    }
}

let args = Array(CommandLine.arguments.dropFirst())
guard args.first == "write", args.count >= 2 else {
    FileHandle.standardError.write(Data("用法：kaoping-bench write OUT.xlsx [ROWS] [--normal-memory]\n".utf8))
    exit(2)
}
var job = BenchWrite(output: args[1])
if args.count > 2, let n = Int(args[2]) { job.rows = n }
job.normalMemory = args.contains("--normal-memory")
try job.run()
