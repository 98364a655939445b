import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// `m` on an OAuth connection: use a client the person registered by hand.
func openClientForm(_ state: inout AppState) -> [AppEffect] {
    guard let c = state.selectedConnection, let s = c.primaryScheme else { return [] }
    guard s.kind.isOAuth else {
        state.message = "\(c.name) uses \(s.kind.label) authorization; only an OAuth connection takes a client id."
        return []
    }
    state.panel = .client(ClientForm(name: c.name, clientID: s.kind == .oauthManual ? s.clientID : nil, redirectPort: s.redirectPort))
    return []
}

func runClientForm(_ command: KeyCommand, _ form: inout ClientForm, _ state: inout AppState) -> [AppEffect] {
    switch command {
    case .nextField: form.move(1)
    case .previousField: form.move(-1)
    case .cancel:
        state.panel = nil
        return []
    case .submit:
        do throws(InvalidInput) {
            let effect = try form.submission()
            state.panel = .client(form)
            return [effect]
        } catch {
            form.error = error.message
        }
    default: break
    }
    state.panel = .client(form)
    return []
}

/// Typing in the client form goes into the focused field.
func clientFormKey(_ key: Key, _ form: inout ClientForm, _ state: inout AppState) -> [AppEffect] {
    switch key {
    case .backspace, .delete: form.edit { if !$0.isEmpty { $0.removeLast() } }
    case .char(let ch): form.edit { $0.append(ch) }
    default: break
    }
    state.panel = .client(form)
    return []
}

func clientFormFinished(_ error: String?, _ state: inout AppState) -> [AppEffect] {
    guard case .client(var form) = state.panel else { return [] }
    if let error {
        form.error = error
        state.panel = .client(form)
        return []
    }
    state.panel = nil
    state.message = "\(form.name) now signs in with your client. Press \(KeyMap.key(for: .connect) ?? "c") to connect."
    return [.reload]
}
