/// A terminal-agnostic grid of cells that views draw into; backends copy it to a terminal, tests compare it
/// with golden text and a style mask. Columns are display columns: a wide character takes its cell and the
/// next, which holds a continuation.
public struct CellBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { if x >= 0, y >= 0, x < width, y < height { set(x, y, newValue) } }
    }

    /// Writes a cell, blanking the other half of any wide character it overwrites part of.
    private mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        let i = y * width + x
        if cells[i].isContinuation, x > 0 { cells[i - 1] = Cell(style: cells[i - 1].style) }
        if cells[i].columns == 2, x + 1 < width, cell.columns != 2 { cells[i + 1] = Cell(style: cells[i + 1].style) }
        cells[i] = cell
    }

    /// Writes `text` from (x, y) in one style, clipped to `maxWidth` columns and the buffer; returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        put([Span(text, style)], x: x, y: y, maxWidth: maxWidth)
    }

    /// Writes styled spans one after another: a badge's colour belongs to the badge's text.
    @discardableResult
    public mutating func put(_ spans: [Span], x: Int, y: Int, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var col = x
        for span in spans {
            for ch in span.text {
                let w = ch.isNewline ? 1 : DisplayWidth.of(ch)
                if w == 0 {
                    // A mark that combines with nothing before it in this text joins the previous cell's cluster.
                    if col > x, col - 1 >= 0, col - 1 < width {
                        var prev = cells[y * width + col - 1]
                        if prev.isContinuation, col - 2 >= 0 { prev = cells[y * width + col - 2] }
                        prev.character = Character(String(prev.character) + String(ch))
                        cells[y * width + col - (cells[y * width + col - 1].isContinuation ? 2 : 1)] = prev
                    }
                    continue
                }
                guard col + w <= limit else {
                    // A wide character that does not fit leaves a blank, never half a glyph.
                    if col < limit, col >= 0 { set(col, y, Cell(" ", style: span.style)) }
                    return limit - x
                }
                if col >= 0 {
                    set(col, y, Cell(ch.isNewline ? " " : ch, style: span.style, columns: w))
                    if w == 2, col + 1 < width { set(col + 1, y, Cell.continuation(style: span.style)) }
                }
                col += w
            }
        }
        return col - x
    }

    /// Fills a rectangle.
    public mutating func fill(_ rect: Rect, with cell: Cell = Cell()) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { set(x, y, cell) }
        }
    }

    /// Applies a style to a run of cells (e.g. the selected row).
    public mutating func restyle(_ rect: Rect, _ change: (inout Style) -> Void) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { change(&cells[y * width + x].style) }
        }
    }

    /// The same cells without colour (`NO_COLOR`): bold, reverse and dim stay.
    public func withoutColor() -> CellBuffer {
        var copy = self
        for i in copy.cells.indices { copy.cells[i].style.color = .none }
        return copy
    }

    /// The rows as text, trailing spaces trimmed: what `Screens/` holds. A wide character stands for both of
    /// its columns (its continuation is not written), so the text lines up in a terminal or an editor.
    public var rows: [String] {
        (0..<height).map { y in
            var s = ""
            for cell in cells[(y * width)..<((y + 1) * width)] where !cell.isContinuation { s.append(cell.character) }
            while s.last == " " { s.removeLast() }
            return s
        }
    }

    public var text: String { rows.joined(separator: "\n") + "\n" }

    /// The styles as runs, one line per row that has any: `02  0-99 reverse · 70-81 green`. Goldens keep this
    /// beside the text, so a badge losing its colour or a row its highlight fails a test.
    public var styleMask: String {
        var out: [String] = []
        for y in 0..<height {
            var runs: [String] = []
            for attribute in Style.Attribute.allCases {
                var start: Int?
                for x in 0...width {
                    let on = x < width && cells[y * width + x].style.has(attribute)
                    if on, start == nil { start = x }
                    if !on, let s = start {
                        runs.append("\(s)-\(x - 1) \(attribute.rawValue)")
                        start = nil
                    }
                }
            }
            if !runs.isEmpty { out.append((y < 10 ? "0\(y)" : "\(y)") + "  " + runs.joined(separator: " · ")) }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
