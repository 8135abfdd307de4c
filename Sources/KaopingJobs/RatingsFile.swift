import Foundation
import KaopingRules

extension Ratings {
    /// The first sheet of a workbook (.xlsx, .xls, .ods …) or a CSV in UTF-8 or GB18030 whose
    /// header row has 单位, 领导评价, 公众评议, 正向激励加分, 察访核验扣分.
    public static func read(_ path: String) throws -> Ratings {
        do {
            let (table, numbers) = try TableFile.read(path)
            return try parse(table: table, numbers: numbers, file: path)
        } catch let e as TableFile.Failure {
            throw RatingsError.unreadable(file: path, reason: e.reason)
        }
    }
}
