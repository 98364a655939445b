
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
