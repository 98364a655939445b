import Foundation
import SwitchboardModel
import SwitchboardText

/// Applies an engine event: the row's badge, and the open Connect or Disconnect panel.
func apply(_ update: SchemeUpdate, to state: inout AppState) -> [AppEffect] {
    let event = update.event
    // The engine says what the status is with the update (as written for a final event); nothing is guessed here.
    let status = update.status
    if status != nil || update.revision != nil {
        for ci in state.connections.indices {
            for si in state.connections[ci].schemes.indices where state.connections[ci].schemes[si].id == update.schemeID {
                // A status older than the one the row shows (a batched refresh's event arriving after a disconnect's)
                // is not applied: the revision the status has on disk decides, as it does for a reload.
                let known = state.connections[ci].schemes[si].statusRevision
                if let status, (update.revision ?? Int.max) >= known { state.connections[ci].schemes[si].status = status }
                if let r = update.revision { state.connections[ci].schemes[si].statusRevision = max(r, known) }
                if case .failed(let e) = event { state.connections[ci].schemes[si].info.lastError = e.message }
            }
        }
    }
    switch state.panel {
    case .connect(var p) where p.schemeID == update.schemeID:
        progress(&p, event)
        state.panel = .connect(p)
        // A note about the sign-in under way ("not offered here") ends with it: the footer shows what is left.
        if event.isTerminal { state.message = nil }
        return event.isTerminal ? [.reload] : []
    case .disconnect(var p) where p.schemeID == update.schemeID:
        switch event {
        case .disconnected(let revoked):
            p.phase = .done(revoked ? "Tokens revoked at the server and deleted. The client registration is kept." : "Tokens deleted. The client registration is kept.")
        case .failed(let e): p.phase = .done("Failed: \(e.message)")
        default: break
        }
        state.panel = .disconnect(p)
        return event.isTerminal ? [.reload] : []
    case .timeline(let p) where p.schemeID == update.schemeID && event.isTerminal:
        return [.reload, .loadActivity(schemeID: p.schemeID)]
    default:
        return event.isTerminal ? [.reload] : []
    }
}

func progress(_ p: inout ConnectPanel, _ event: AcquisitionEvent) {
    func finish(_ step: ConnectPanel.Step, _ note: String = "") {
        p.done[step] = note
        p.current = ConnectPanel.Step(rawValue: step.rawValue + 1) ?? .connected
    }
    switch event {
    case .probing(let server): p.current = .probe; p.done[.probe] = nil; _ = server
    case .resourceMetadataFound(let url): finish(.probe); finish(.resourceMetadata, url)
    case .resourceMetadataMissing: finish(.probe); finish(.resourceMetadata, "none; using the server's origin")
    case .authorizationServerFound(let issuer, let device):
        p.deviceFlowOffered = device
        finish(.authorizationServer, issuer)
    case .registeringClient: p.current = .client
    case .clientRegistered(let id): finish(.client, "registered " + id.truncated(to: 24))
    case .clientReused(let id): finish(.client, "reused " + id.truncated(to: 24))
    case .clientPreregistered(let id): finish(.client, "yours " + id.truncated(to: 24))
    case .waitingForBrowser(let url, let redirect, let opened):
        p.current = .browser
        p.authorizationURL = url.absoluteString
        p.redirectURI = redirect
        p.usesDevice = false
        p.done[.browser] = nil
        _ = opened
    case .deviceCode(let user, let uri, let complete, _):
        p.current = .browser
        p.usesDevice = true
        p.deviceCode = (user, uri, complete)
    case .clientMetadataDocument(let url): finish(.client, "metadata document " + url.truncated(to: 40))
    case .callbackReceived: finish(.browser); finish(.callback)
    case .exchangingCode:
        if p.deviceCode != nil { finish(.browser, "approved"); finish(.callback, "not needed (device code)") }
        p.current = .exchange
    case .connected(let e):
        finish(.exchange)
        p.done[.connected] = ""
        p.connectedUntil = e
        p.finished = true
    case .failed(let e):
        p.failure = e
        p.finished = true
    default: break
    }
}
