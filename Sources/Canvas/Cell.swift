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

    /// One attribute, for style masks.
    public enum Attribute: String, CaseIterable, Sendable {
        case bold, reverse, dim, green, yellow, red, blue, cyan, gray
    }

    public func has(_ a: Attribute) -> Bool {
        switch a {
        case .bold: bold
        case .reverse: reverse
        case .dim: dim
        case .green: color == .green
        case .yellow: color == .yellow
        case .red: color == .red
        case .blue: color == .blue
        case .cyan: color == .cyan
        case .gray: color == .gray
        }
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let selected = Style(reverse: true)
}

/// One column of the terminal: a whole grapheme cluster (drawn as one), or the right half of a wide one.
public struct Cell: Sendable, Equatable {
    public var character: Character
    public var style: Style
    /// 1, or 2 for a wide character (the next cell is its continuation); 0 for a continuation.
    public var columns: UInt8

    public init(_ character: Character = " ", style: Style = .plain, columns: Int = 1) {
        self.character = character
        self.style = style
        self.columns = UInt8(columns)
    }

    /// The cell a wide character's second column is: nothing of its own is drawn there.
    public static func continuation(style: Style) -> Cell { Cell(" ", style: style, columns: 0) }

    public var isContinuation: Bool { columns == 0 }
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
