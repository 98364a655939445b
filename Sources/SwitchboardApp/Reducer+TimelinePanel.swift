import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// `l`: the selected connection's activity; it fills in when the journal is read, and again as it grows.
func openTimeline(_ state: inout AppState) -> [AppEffect] {
    guard let c = state.selectedConnection, let s = c.primaryScheme else { return [] }
    state.panel = .timeline(TimelinePanel(name: c.name, schemeID: s.id))
    return [.loadActivity(schemeID: s.id)]
}

/// The timeline's commands: scroll, back to the newest, close.
func runTimelinePanel(_ command: KeyCommand, _ p: inout TimelinePanel, _ state: inout AppState) -> [AppEffect] {
    let page = max(1, TimelinePanel.visibleRows(height: state.height))
    let last = max(0, (p.events?.count ?? 0) - page)
    if command == .close {
        state.panel = nil
        return []
    }
    _ = scroll(command, &p.scroll, page: page, last: last)
    state.panel = .timeline(p)
    return []
}

/// ↑ ↓ PgUp PgDn and g (back to the top) on a scrollable panel; false for any other command.
func scroll(_ command: KeyCommand, _ offset: inout Int, page: Int, last: Int) -> Bool {
    switch command {
    case .up: offset = max(0, offset - 1)
    case .down: offset = min(last, offset + 1)
    case .pageUp: offset = max(0, offset - page)
    case .pageDown: offset = min(last, offset + page)
    case .top: offset = 0
    default: return false
    }
    return true
}
