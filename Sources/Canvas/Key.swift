
/// A key press, from any backend.
public enum Key: Sendable, Equatable, Hashable {
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab, delete
    case char(Character)
    case ctrl(Character)
    case resize(width: Int, height: Int)
}
