import Canvas
import Foundation
import SwitchboardCore

/// The only code that changes `AppState`. Pure: time arrives as `.tick`, results as actions.
public func reduce(_ state: inout AppState, _ action: AppAction) -> [AppEffect] {
    switch action {
    case .tick(let now):
        state.now = now
        return []
    case .connectionsLoaded(let list):
        state.connections = list
        state.loadingTotals = nil
        clampSelection(&state)
        return []
    case .acquisition(let update):
        return apply(update, to: &state)
    case .pasteFinished(let error):
        if case .connect(var p) = state.panel {
            p.pasteError = error
            if error == nil { p.pasting = false; p.pasteText = "" }
            state.panel = .connect(p)
        }
        return []
    case .doctorFinished(let name, let lines):
        if case .doctor(var p) = state.panel, p.name == name {
            p.lines = lines
            p.scroll = 0
            state.panel = .doctor(p)
        }
        return []
    case .checkFinished(let name, let summary):
        state.message = "\(name): \(summary)"
        return [.reload]
    case .addFinished(let error):
        if case .add(var form) = state.panel {
            if let error {
                form.error = error
                state.panel = .add(form)
            } else {
                state.panel = nil
                state.message = "Added \(form.name). Press c to connect."
                return [.reload]
            }
        }
        return []
    case .setClientFinished(let error):
        return clientFormFinished(error, &state)
    case .keyPressed(let key):
        if case .resize(let w, let h) = key {
            state.width = w
            state.height = h
            clampSelection(&state)
            return []
        }
        if state.filtering { return filterKey(key, &state) }
        if case .connect(var p) = state.panel, p.pasting, KeyMap.command(for: key, in: KeyMap.paste) == nil {
            switch key {
            case .char(let ch): p.pasteText.append(ch)
            case .backspace, .delete: if !p.pasteText.isEmpty { p.pasteText.removeLast() }
            default: break
            }
            p.pasteError = nil
            state.panel = .connect(p)
            return []
        }
        if case .add(var form) = state.panel, KeyMap.command(for: key, in: KeyMap.add) == nil {
            return formKey(key, &form, &state)
        }
        if case .client(var form) = state.panel, KeyMap.command(for: key, in: KeyMap.client) == nil {
            return clientFormKey(key, &form, &state)
        }
        guard let command = KeyMap.command(for: key, in: KeyMap.table(for: state)) else { return [] }
        return run(command, &state)
    }
}

func run(_ command: Command, _ state: inout AppState) -> [AppEffect] {
    state.message = nil
    switch state.panel {
    case .connect(var p):
        switch command {
        case .openBrowserAgain:
            return p.authorizationURL.map { [.openURL($0)] } ?? []
        case .paste where p.authorizationURL != nil && !p.finished:
            p.pasting = true
            state.panel = .connect(p)
            return []
        case .submit where p.pasting:
            return [.pasteCallback(schemeID: p.schemeID, text: p.pasteText)]
        case .cancel where p.pasting:
            p.pasting = false
            state.panel = .connect(p)
            return []
        case .confirm where p.failure?.code == .clientIssuerChanged:
            // The person agreed: connect again, sending their secret to the new authorization server.
            state.panel = .connect(ConnectPanel(schemeID: p.schemeID, name: p.name, reconnect: p.reconnect))
            return [.startConnect(schemeID: p.schemeID, device: false, trustNewIssuer: true)]
        case .manualClient where p.failure?.code == .clientIssuerChanged:
            state.panel = nil
            return openClientForm(&state)
        case .useDevice where !p.finished && !p.usesDevice, .useBrowser where !p.finished && p.usesDevice:
            // Start over with the other way of signing in.
            var fresh = ConnectPanel(schemeID: p.schemeID, name: p.name, reconnect: p.reconnect)
            fresh.usesDevice = command == .useDevice
            state.panel = .connect(fresh)
            return [.cancelConnect(schemeID: p.schemeID), .startConnect(schemeID: p.schemeID, device: fresh.usesDevice)]
        case .cancel:
            state.panel = nil
            return p.finished ? [] : [.cancelConnect(schemeID: p.schemeID)]
        case .close where p.finished:
            state.panel = nil
            return [.reload]
        default:
            return []
        }
    case .disconnect(var p):
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
    case .add(var form):
        switch command {
        case .nextField: form.move(1)
        case .previousField: form.move(-1)
        case .cancel:
            state.panel = nil
            return []
        case .submit:
            do throws(InvalidInput) {
                _ = try form.request.validate()
                if state.connections.contains(where: { $0.name.caseInsensitiveCompare(form.request.name) == .orderedSame }) {
                    throw InvalidInput("a connection named `\(form.request.name)` exists already; choose another name")
                }
                state.panel = .add(form)
                return [.addConnection(form.request)]
            } catch {
                form.error = error.message
            }
        default: break
        }
        state.panel = .add(form)
        return []
    case .client(var form):
        return runClientForm(command, &form, &state)
    case .remove(let name):
        state.panel = nil
        return command == .confirm ? [.removeConnection(name: name), .reload] : []
    case .help:
        state.panel = nil
        return command == .doctor ? openDoctor(&state) : []
    case .doctor(var p):
        let page = max(1, DoctorPanel.visibleLines(height: state.height))
        let inner = DoctorPanel.frame(width: state.width, height: state.height).width - 4
        let last = max(0, p.displayLines(width: inner).count - page)
        switch command {
        case .up: p.scroll = max(0, p.scroll - 1)
        case .down: p.scroll = min(last, p.scroll + 1)
        case .pageUp: p.scroll = max(0, p.scroll - page)
        case .pageDown: p.scroll = min(last, p.scroll + page)
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
    case nil:
        return mainCommand(command, &state)
    }
}

func mainCommand(_ command: Command, _ state: inout AppState) -> [AppEffect] {
    let count = state.visible.count
    let page = max(1, listHeight(state))
    switch command {
    case .up: state.selected = max(0, state.selected - 1)
    case .down: state.selected = min(max(0, count - 1), state.selected + 1)
    case .pageUp: state.selected = max(0, state.selected - page)
    case .pageDown: state.selected = min(max(0, count - 1), state.selected + page)
    case .top: state.selected = 0
    case .bottom: state.selected = max(0, count - 1)
    case .check:
        if let c = state.selectedConnection {
            state.message = "Testing \(c.name)…"
            return [.check(name: c.name)]
        }
    case .filter: state.filtering = true
    case .add: state.panel = .add(AddForm())
    case .remove:
        if let c = state.selectedConnection { state.panel = .remove(name: c.name) }
    case .help: state.panel = .help
    case .doctor: return openDoctor(&state)
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

/// Enter opens the panel that fits the status; c/r/d ask for one explicitly.
func openPanel(_ command: Command, _ state: inout AppState) -> [AppEffect] {
    guard let c = state.selectedConnection, let s = c.primaryScheme else { return [] }
    guard s.kind.isOAuth else {
        state.message = "\(c.name) uses \(s.kind.label) authorization; there is nothing to sign in to."
        return []
    }
    var wanted = command
    if command == .open {
        switch s.status {
        case .connected, .refreshing: wanted = .disconnect
        case .expired, .error: wanted = .reconnect
        default: wanted = .connect
        }
    }
    switch wanted {
    case .connect, .reconnect:
        let reconnect = wanted == .reconnect || s.status.needsAttention
        var panel = ConnectPanel(schemeID: s.id, name: c.name, reconnect: reconnect)
        // Remote sessions default to the device code flow (the engine falls back to the browser when it is not offered).
        panel.usesDevice = state.remote != nil
        state.panel = .connect(panel)
        return [.startConnect(schemeID: s.id, device: panel.usesDevice)]
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

/// The doctor for the selected connection: the panel opens at once and fills in when the report arrives.
func openDoctor(_ state: inout AppState) -> [AppEffect] {
    guard let c = state.selectedConnection else { return [] }
    state.panel = .doctor(DoctorPanel(name: c.name))
    return [.doctor(name: c.name)]
}

/// Typing in the Add form: characters go to the focused field; ←/→ or space change the kind.
func formKey(_ key: Key, _ form: inout AddForm, _ state: inout AppState) -> [AppEffect] {
    switch (key, form.focus) {
    case (.left, .kind): form.cycleKind(-1)
    case (.right, .kind), (.char(" "), .kind): form.cycleKind(1)
    case (.backspace, _), (.delete, _): form.edit { if !$0.isEmpty { $0.removeLast() } }
    case (.char(let ch), _) where form.focus != .kind: form.edit { $0.append(ch) }
    default: break
    }
    state.panel = .add(form)
    return []
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

/// Rows available to the list at the current size.
func listHeight(_ state: AppState) -> Int { Layout(width: state.width, height: state.height).list.height }

func clampSelection(_ state: inout AppState) {
    let count = state.visible.count
    state.selected = min(max(0, state.selected), max(0, count - 1))
    let h = max(1, listHeight(state))
    if state.selected < state.scroll { state.scroll = state.selected }
    if state.selected >= state.scroll + h { state.scroll = state.selected - h + 1 }
    state.scroll = max(0, min(state.scroll, max(0, count - h)))
}
