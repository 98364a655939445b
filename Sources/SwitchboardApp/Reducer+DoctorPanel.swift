import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The doctor's report: scroll, run again, close.
func runDoctorPanel(_ command: KeyCommand, _ p: inout DoctorPanel, _ state: inout AppState) -> [AppEffect] {
    let page = max(1, DoctorPanel.visibleLines(height: state.height))
    let inner = DoctorPanel.frame(width: state.width, height: state.height).width - 4
    let last = max(0, p.displayLines(width: inner).count - page)
    if scroll(command, &p.scroll, page: page, last: last) {
        state.panel = .doctor(p)
        return []
    }
    switch command {
    case .doctor:
        state.panel = .doctor(DoctorPanel(name: p.name))
        return [.doctor(name: p.name)]
    case .close:
        state.panel = nil
        return []
    default: break
    }
    state.panel = .doctor(p)
    return []
}

/// The doctor for the selected connection: the panel opens at once and fills in when the report arrives.
func openDoctor(_ state: inout AppState) -> [AppEffect] {
    guard let c = state.selectedConnection else { return [] }
    state.panel = .doctor(DoctorPanel(name: c.name))
    return [.doctor(name: c.name)]
}
