import Foundation
import SwitchboardModel

/// An engine event as one line for the command line and logs.
extension AcquisitionEvent {
    /// One line for the command line and logs, times in the person's zone.
    public var summary: String { summary(in: TimeFormat.local) }

    /// One line, with times shown in `timeZone`.
    public func summary(in timeZone: TimeZone) -> String {
        switch self {
        case .probing(let s): "Probing \(s)"
        case .resourceMetadataFound(let u): "Found protected-resource metadata at \(u)"
        case .resourceMetadataMissing: "No protected-resource metadata; using the server's origin as the authorization server"
        case .authorizationServerFound(let i, _): "Authorization server \(i)"
        case .registeringClient(let e): "Registering a client at \(e)"
        case .clientRegistered(let id): "Client registered (\(id))"
        case .clientReused(let id): "Reusing the registered client (\(id))"
        case .clientPreregistered(let id): "Using your client (\(id))"
        case .clientMetadataDocument(let url): "Using the client metadata document \(url) as the client id"
        case .deviceCode(let code, let uri, let complete, _):
            "On any device, open \(uri) and enter the code \(code)" + (complete.map { "\n  (or open \($0))" } ?? "") + "\n  Waiting for approval…"
        case .waitingForBrowser(let url, _, let opened):
            (opened ? "Waiting for you to sign in in the browser. If it did not open, visit:\n  " : "Open this address in a browser to sign in:\n  ") + url.absoluteString
        case .callbackReceived: "Callback received"
        case .exchangingCode: "Exchanging the code for tokens"
        case .connected(let e): "Connected" + (e.map { ", token valid until \(TimeFormat.clock($0, in: timeZone))" } ?? "")
        case .refreshing: "Refreshing"
        case .refreshed(let e): "Refreshed" + (e.map { ", token valid until \(TimeFormat.clock($0, in: timeZone))" } ?? "")
        case .expired(let r): "Expired: \(r)"
        case .revoking: "Revoking tokens at the authorization server"
        case .disconnected(let revoked): revoked ? "Disconnected; tokens revoked and deleted" : "Disconnected; tokens deleted"
        case .failed(let e): "Failed: \(e)"
        }
    }
}
