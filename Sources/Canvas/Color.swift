
/// A colour a cell may carry; meaning never depends on it (badges carry a glyph and a word).
public enum Color: UInt8, Sendable, Equatable {
    case none, green, yellow, red, blue, cyan, gray
}
