/// A colour a cell may carry; meaning never depends on it (badges carry a glyph and a word).
public enum Color: UInt8, Sendable, Equatable {
    case none, green, yellow, red, blue, cyan, gray
}

/// How a cell is drawn.
public struct Style: Sendable, Equatable {
    public var color: Color
    public var bold: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(color: Color = .none, bold: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.color = color
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let selected = Style(reverse: true)
}

/// One character cell of the terminal.
public struct Cell: Sendable, Equatable {
    public var character: Character
    public var style: Style
    public init(_ character: Character = " ", style: Style = .plain) {
        self.character = character
        self.style = style
    }
}

/// A rectangle in cell coordinates.
public struct Rect: Sendable, Equatable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
}
