import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// Disconnect: y confirms, then the result stays until closed.
func runDisconnectPanel(_ command: KeyCommand, _ p: inout DisconnectPanel, _ state: inout AppState) -> [AppEffect] {
    switch (command, p.phase) {
    case (.confirm, .confirm):
        p.phase = .running
        state.panel = .disconnect(p)
        return [.disconnect(schemeID: p.schemeID)]
    case (.decline, .confirm), (.decline, .done), (.close, .done):
        state.panel = nil
        return []
    default:
        return []
    }
}
