import Foundation
import KaopingModel

/// A cell of the official sheet marked by a derived workbook (the notice): filled and commented.
/// `row`/`col` are 0-based and name the top-left cell of a merged block; `fill` is 0xRRGGBB.
public struct CellMark: Sendable, Equatable {
    public var row: Int, col: Int
    public var fill: UInt32
    public var comment: String
    public init(row: Int, col: Int, fill: UInt32, comment: String) {
        self.row = row; self.col = col; self.fill = fill; self.comment = comment
    }
}

/// Where the unit's cells land in the sheet `FormWriter` writes: rows move (headers, blank and
/// repeated rows dropped) and columns follow the template. Only item rows, 合计 rows and the
/// total row are mapped; a title, a signature or a cell outside the table has no place (nil).
public struct Placement: Sendable {
    /// The written sheet's name, for links to it.
    public let sheet: String
    let rows: [Int: Int]
    let columns: [Int: Int]
    let blocks: [(top: Int, left: Int, bottom: Int, right: Int)]

    /// The written cell (0-based row and column, the top-left of its merged block) that shows
    /// the unit's `cell` (A1, 1-based as in findings), or nil when it has no place there.
    public func written(_ cell: String) -> (row: Int, col: Int)? {
        guard let (r1, c1) = CellRef.parse(Substring(cell)), let r = rows[r1], let c = columns[c1] else { return nil }
        if let b = blocks.first(where: { $0.top <= r && r <= $0.bottom && $0.left <= c && c <= $0.right }) { return (b.top, b.left) }
        return (r, c)
    }

    /// A1 text of a 0-based cell.
    public static func a1(row: Int, col: Int) -> String { CellRef.format(row: row + 1, col: col + 1) }
}

extension FormWriter {
    /// The placement of `form`'s cells in the sheet `write` makes of it (pages split as written).
    public func placement(of form: Form) -> Placement {
        let plan = paginate(layout(form), form).plan
        var columns: [Int: Int] = [:]
        for (role, c) in form.layout.columns {
            let key = role == .project2 && plan.cols.index("project2") == nil ? "project" : role.rawValue
            if let w = plan.cols.index(key) { columns[c] = w }
        }
        return Placement(sheet: FormWriter.sheetName(form), rows: plan.sourceRows, columns: columns,
                         blocks: plan.blocks.map { ($0.top, $0.left, $0.bottom, $0.right) })
    }
}
