import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

func mainCommand(_ command: KeyCommand, _ state: inout AppState) -> [AppEffect] {
    let count = state.visible.count
    let page = max(1, listHeight(state))
    switch command {
    case .up: state.selected = max(0, state.selected - 1)
    case .down: state.selected = min(max(0, count - 1), state.selected + 1)
    case .pageUp: state.selected = max(0, state.selected - page)
    case .pageDown: state.selected = min(max(0, count - 1), state.selected + page)
    case .top: state.selected = 0
    case .bottom: state.selected = max(0, count - 1)
    case .check: return runCheck(&state)
    case .filter: state.filtering = true
    case .cancel where !state.filter.isEmpty:
        state.filter = ""
        state.selected = 0
    case .add: state.panel = .add(AddForm())
    case .remove:
        if let c = state.selectedConnection { state.panel = .remove(name: c.name) }
    case .help: state.panel = .help(scroll: 0)
    case .doctor: return openDoctor(&state)
    case .timeline: return openTimeline(&state)
    case .manualClient: return openClientForm(&state)
    case .quit:
        state.quitting = true
        return [.quit]
    case .open, .connect, .reconnect, .disconnect:
        return openPanel(command, &state)
    default: break
    }
    clampSelection(&state)
    return []
}

/// `t`, and Enter on a connected row: test the selected connection.
func runCheck(_ state: inout AppState) -> [AppEffect] {
    guard let c = state.selectedConnection else { return [] }
    state.message = "Testing \(c.name)…"
    return [.check(name: c.name)]
}

/// Enter does the row's next step, as the footer names it (`KeyMap.enterCommand`): connect, reconnect, or test a
/// working connection (never a disconnect: that is `d`, and asks first); c/r/d ask for one explicitly.
func openPanel(_ command: KeyCommand, _ state: inout AppState) -> [AppEffect] {
    guard let c = state.selectedConnection, let s = c.primaryScheme else { return [] }
    guard s.kind.isOAuth else {
        state.message = "\(c.name) uses \(s.kind.label) authorization; there is nothing to sign in to."
        return []
    }
    let wanted = command == .open ? KeyMap.enterCommand(for: s, now: state.now) : command
    if wanted == .check { return runCheck(&state) }
    switch wanted {
    case .connect where s.status.isConnected:
        // Signing in again replaces working tokens: ask first (r is the explicit Reconnect).
        state.panel = .signInAgain(SignInAgainPanel(schemeID: s.id, name: c.name, status: s.status))
        return []
    case .connect, .reconnect:
        return startConnect(schemeID: s.id, name: c.name, reconnect: wanted == .reconnect || s.status.needsAttention, &state)
    case .disconnect:
        guard s.status != .notConnected else {
            state.message = "\(c.name) is not connected."
            return []
        }
        state.panel = .disconnect(DisconnectPanel(schemeID: s.id, name: c.name, revokes: s.info.supportsRevocation == true))
        return []
    default:
        return []
    }
}

func filterKey(_ key: Key, _ state: inout AppState) -> [AppEffect] {
    switch key {
    case .enter: state.filtering = false
    case .escape:
        state.filtering = false
        state.filter = ""
    case .backspace, .delete: if !state.filter.isEmpty { state.filter.removeLast() }
    case .char(let ch): state.filter.append(ch)
    case .up, .down:
        _ = mainCommand(key == .up ? .up : .down, &state)
    default: break
    }
    state.selected = min(state.selected, max(0, state.visible.count - 1))
    clampSelection(&state)
    return []
}

/// Opens the Connect (or Reconnect) checklist and starts the flow.
func startConnect(schemeID: String, name: String, reconnect: Bool, _ state: inout AppState) -> [AppEffect] {
    var panel = ConnectPanel(schemeID: schemeID, name: name, reconnect: reconnect)
    // Remote sessions default to the device code flow (the engine falls back to the browser when it is not offered).
    panel.usesDevice = state.remote != nil
    state.panel = .connect(panel)
    return [.startConnect(schemeID: schemeID, device: panel.usesDevice)]
}

/// Rows available to the list at the current size.
func listHeight(_ state: AppState) -> Int { Layout(for: state).list.height }

func clampSelection(_ state: inout AppState) {
    let count = state.visible.count
    state.selected = min(max(0, state.selected), max(0, count - 1))
    let h = max(1, listHeight(state))
    if state.selected < state.scroll { state.scroll = state.selected }
    if state.selected >= state.scroll + h { state.scroll = state.selected - h + 1 }
    state.scroll = max(0, min(state.scroll, max(0, count - h)))
}
