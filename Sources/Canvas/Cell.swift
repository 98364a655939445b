

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
