/// A terminal-agnostic grid of cells that views draw into; backends copy it to a terminal,
/// tests compare it with golden text.
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
        set { if x >= 0, y >= 0, x < width, y < height { cells[y * width + x] = newValue } }
    }

    /// Writes `text` from (x, y), clipped to `maxWidth` and the buffer; returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var col = x
        for ch in text {
            guard col < limit else { break }
            if col >= 0 { cells[y * width + col] = Cell(ch.isNewline ? " " : ch, style: style) }
            col += 1
        }
        return col - x
    }

    /// Fills a rectangle.
    public mutating func fill(_ rect: Rect, with cell: Cell = Cell()) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { cells[y * width + x] = cell }
        }
    }

    /// Applies a style to a run of cells (e.g. the selected row).
    public mutating func restyle(_ rect: Rect, _ change: (inout Style) -> Void) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { change(&cells[y * width + x].style) }
        }
    }

    /// The rows as text, trailing spaces trimmed: what `Screens/` holds.
    public var rows: [String] {
        (0..<height).map { y in
            var s = String(cells[(y * width)..<((y + 1) * width)].map(\.character))
            while s.last == " " { s.removeLast() }
            return s
        }
    }

    public var text: String { rows.joined(separator: "\n") + "\n" }
}

extension String {
    /// Shortens to `width` columns with an ellipsis.
    public func truncated(to width: Int) -> String {
        guard width > 0 else { return "" }
        return count <= width ? self : String(prefix(max(0, width - 1))) + "…"
    }

    /// Pads or truncates to exactly `width` columns.
    public func fitted(to width: Int) -> String {
        let t = truncated(to: width)
        return t + String(repeating: " ", count: max(0, width - t.count))
    }
}
