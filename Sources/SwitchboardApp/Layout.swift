import Canvas
import SwitchboardModel
import SwitchboardText

/// Where each part of the main screen goes at a given size.
public struct Layout: Equatable, Sendable {
    public static let minWidth = 60
    public static let minHeight = 16
    /// The detail pane grows for bridges only while the list keeps at least this many rows.
    static let minListRows = 3
    /// Bridges listed in the detail pane; more are summed up on one line.
    static let shownBridges = 3

    public var header: Rect
    public var columns: Rect
    public var list: Rect
    public var detail: Rect
    public var footer: Rect

    /// `bridges`: how many bridges serve the selected connection; `facts`: the lines its facts take wrapped. The
    /// detail pane grows to hold both, while the list keeps `minListRows`; what still does not fit is counted on
    /// the pane's last line (`MainView.detail`), never cut without a word.
    public init(width: Int, height: Int, bridges: Int = 0, facts: Int = 0) {
        let base = height >= 28 ? 10 : 9
        let room = max(0, height - 3 - base - Layout.minListRows)
        let wanted = max(0, facts + 2 - base) + Layout.bridgeLines(bridges)
        let detailHeight = base + min(wanted, room)
        header = Rect(x: 0, y: 0, width: width, height: 1)
        columns = Rect(x: 0, y: 1, width: width, height: 1)
        list = Rect(x: 0, y: 2, width: width, height: max(0, height - 3 - detailHeight))
        detail = Rect(x: 0, y: height - 1 - detailHeight, width: width, height: detailHeight)
        footer = Rect(x: 0, y: height - 1, width: width, height: 1)
    }

    /// The layout for a state: its size and its selected connection's bridges.
    public init(for state: AppState) {
        let selected = state.selectedConnection
        self.init(width: state.width, height: state.height, bridges: selected.map { state.bridges(for: $0).count } ?? 0,
                  facts: selected.map { MainView.factLines($0, state: state, timeZone: TimeFormat.utc).count } ?? 0)
    }

    /// The detail pane's lines for `count` bridges: a heading, one per bridge shown, one for the rest.
    static func bridgeLines(_ count: Int) -> Int {
        count == 0 ? 0 : 1 + min(count, shownBridges) + (count > shownBridges ? 1 : 0)
    }

    public var tooSmall: Bool { header.width < Layout.minWidth || footer.y + 1 < Layout.minHeight }
}
