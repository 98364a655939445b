import Canvas
import Foundation

/// Finds text the screen cut: a word that runs into a pane's right border (or the screen's right edge), where a
/// drawing routine stopped at its width instead of wrapping, growing or marking the cut with `…`. Every golden
/// goes through it, so a golden can never approve a cut sentence again.
///
/// Not cut: a line that continues on the next row of the same pane (indented deeper than the pane's first
/// column: a wrapped value or a doctor line), a single unbroken token (a URL wrapped at the width), and a line
/// that fills the width exactly with a blank row after it.
enum CutText {
    static func find(in b: CellBuffer) -> [String] {
        var found: [String] = []
        func char(_ x: Int, _ y: Int) -> Character? {
            guard x >= 0, x < b.width, y >= 0, y < b.height, !b[x, y].isContinuation else { return nil }
            return b[x, y].character
        }
        func alnum(_ x: Int, _ y: Int) -> Bool { char(x, y).map { $0.isLetter || $0.isNumber } ?? false }
        func filled(_ x: Int, _ y: Int) -> Bool { char(x, y).map { $0 != " " } ?? false }
        /// The column of the box's left border whose right border is at `x` on row `y` (the corner above says so).
        func leftBorder(ofRight x: Int, _ y: Int) -> Int? {
            var top = y
            while top > 0, char(x, top) == "│" { top -= 1 }
            guard char(x, top) == "┐" else { return nil }
            var left = x - 1
            while left >= 0, char(left, top) != "┌" { left -= 1 }
            return left >= 0 ? left : nil
        }
        for y in 0..<b.height {
            for x in 3..<b.width {
                let border = char(x, y) == "│" && char(x - 1, y) == " "
                let edge = x == b.width - 1
                if border, alnum(x - 2, y), filled(x - 3, y), let left = leftBorder(ofRight: x, y) {
                    let inner = (left + 2)..<(x - 1)
                    let text = String(inner.compactMap { char($0, y) })
                    let trimmed = text.trimmingCharacters(in: .whitespaces)
                    if !trimmed.contains(" ") { continue }
                    if char(left, y + 1) == "│", let next = inner.first(where: { filled($0, y + 1) }), next > left + 2 { continue }
                    // A paragraph that ends exactly at the edge, a blank row after it (the doctor's request lines).
                    if char(left, y + 1) == "│", !inner.contains(where: { filled($0, y + 1) }) { continue }
                    found.append("row \(y) runs into the pane's border at column \(x): “\(b.rows[y])”")
                } else if edge, let c = char(x, y), c != " ", !"│┐┘─…".contains(c) {
                    found.append("row \(y) runs off the screen's edge: “\(b.rows[y])”")
                }
            }
        }
        return found
    }
}
