import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The Connect / Reconnect checklist: the browser again, paste-back, device code, cancel.
func runConnectPanel(_ command: KeyCommand, _ p: inout ConnectPanel, _ state: inout AppState) -> [AppEffect] {
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
    case .useDevice where p.deviceFlowOffered == false:
        // Seen on the real binary: `v` cancelled the sign-in on a server without the device flow.
        state.message = "Device code: not offered here. Sign in in the browser\(p.authorizationURL != nil ? " (or \(KeyMap.key(for: .paste, in: KeyMap.connect) ?? "p") to paste)" : "")."
        return []
    case .useDevice where !p.finished && !p.usesDevice, .useBrowser where !p.finished && p.usesDevice:
        // Start over with the other way of signing in.
        var fresh = ConnectPanel(schemeID: p.schemeID, name: p.name, reconnect: p.reconnect)
        fresh.usesDevice = command == .useDevice
        fresh.deviceFlowOffered = p.deviceFlowOffered
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
}
