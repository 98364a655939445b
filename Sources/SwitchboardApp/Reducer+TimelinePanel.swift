import Canvas
import Foundation
import SwitchboardCore

/// `l`: the selected connection's activity; it fills in when the journal is read, and again as it grows.
func openTimeline(_ state: inout AppState) -> [AppEffect] {
    guard let c = state.selectedConnection, let s = c.primaryScheme else { return [] }
    state.panel = .timeline(TimelinePanel(name: c.name, schemeID: s.id))
    return [.loadActivity(schemeID: s.id)]
}

/// The timeline's commands: scroll, back to the newest, close.
func runTimelinePanel(_ command: Command, _ p: inout TimelinePanel, _ state: inout AppState) -> [AppEffect] {
    let page = max(1, TimelinePanel.visibleRows(height: state.height))
    let last = max(0, (p.events?.count ?? 0) - page)
    switch command {
    case .up: p.scroll = max(0, p.scroll - 1)
    case .down: p.scroll = min(last, p.scroll + 1)
    case .pageUp: p.scroll = max(0, p.scroll - page)
    case .pageDown: p.scroll = min(last, p.scroll + page)
    case .top: p.scroll = 0
    case .close:
        state.panel = nil
        return []
    default: break
    }
    state.panel = .timeline(p)
    return []
}
