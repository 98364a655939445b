import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// A command, by the panel that is open. Each panel's commands live in the file named for it.
func run(_ command: KeyCommand, _ state: inout AppState) -> [AppEffect] {
    state.message = nil
    switch state.panel {
    case .connect(var p): return runConnectPanel(command, &p, &state)
    case .disconnect(var p): return runDisconnectPanel(command, &p, &state)
    case .add(var form): return runAddForm(command, &form, &state)
    case .client(var form): return runClientForm(command, &form, &state)
    case .remove(let name):
        state.panel = nil
        return command == .confirm ? [.removeConnection(name: name), .reload] : []
    case .signInAgain(let p):
        state.panel = nil
        guard command == .confirm else { return [] }
        return startConnect(schemeID: p.schemeID, name: p.name, reconnect: true, &state)
    case .help(let scroll):
        let page = max(1, HelpView.visibleLines(height: state.height))
        let last = max(0, HelpView.lines().count - page)
        switch command {
        case .up: state.panel = .help(scroll: max(0, scroll - 1))
        case .down: state.panel = .help(scroll: min(last, scroll + 1))
        case .pageUp: state.panel = .help(scroll: max(0, scroll - page))
        case .pageDown: state.panel = .help(scroll: min(last, scroll + page))
        case .top: state.panel = .help(scroll: 0)
        case .bottom: state.panel = .help(scroll: last)
        case .doctor:
            state.panel = nil
            return openDoctor(&state)
        default: state.panel = nil
        }
        return []
    case .doctor(var p): return runDoctorPanel(command, &p, &state)
    case .timeline(var p): return runTimelinePanel(command, &p, &state)
    case nil: return mainCommand(command, &state)
    }
}
