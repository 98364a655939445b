import Canvas
import Foundation
import SwitchboardCore

/// A command, by the panel that is open. Each panel's commands live in the file named for it.
func run(_ command: Command, _ state: inout AppState) -> [AppEffect] {
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
    case .help:
        state.panel = nil
        return command == .doctor ? openDoctor(&state) : []
    case .doctor(var p): return runDoctorPanel(command, &p, &state)
    case .timeline(var p): return runTimelinePanel(command, &p, &state)
    case nil: return mainCommand(command, &state)
    }
}
