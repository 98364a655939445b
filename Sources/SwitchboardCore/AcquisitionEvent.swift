import Foundation

/// Progress of a connect, refresh or disconnect, streamed as it happens. Never carries a secret.
public enum AcquisitionEvent: Equatable, Sendable {
    case probing(server: String)
    case resourceMetadataFound(url: String)
    /// No protected-resource metadata: the server's origin is taken as the authorization server.
    case resourceMetadataMissing
    /// `deviceFlow`: the server offers the RFC 8628 device flow (the screen offers `v` only then).
    case authorizationServerFound(issuer: String, deviceFlow: Bool = false)
    case registeringClient(endpoint: String)
    case clientRegistered(clientID: String)
    case clientReused(clientID: String)
    case clientPreregistered(clientID: String)
    /// The client is identified by a Client ID Metadata Document URL; nothing is registered.
    case clientMetadataDocument(url: String)
    /// RFC 8628: the person enters `userCode` at `verificationURI` (or opens the complete form) on any device.
    case deviceCode(userCode: String, verificationURI: String, verificationURIComplete: String?, expiresAt: Date)
    case waitingForBrowser(url: URL, redirectURI: String, browserOpened: Bool)
    case callbackReceived
    case exchangingCode
    case connected(expiresAt: Date?)
    case refreshing
    case refreshed(expiresAt: Date?)
    case expired(reason: String)
    case revoking
    case disconnected(revoked: Bool)
    case failed(AcquisitionError)

    /// Whether this event ends the stream it is in.
    public var isTerminal: Bool {
        switch self {
        case .connected, .refreshed, .expired, .disconnected, .failed: true
        default: false
        }
    }

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

/// An event about one scheme, for subscribers that watch every scheme (the screen).
public struct SchemeUpdate: Equatable, Sendable {
    public var schemeID: String
    public var event: AcquisitionEvent
    /// The scheme's `statusRevision` once the status this event reports is on disk; nil for progress events.
    public var revision: Int?
    /// The scheme's status as the engine set it with this event: the one it wrote for a final event (a failed
    /// connect is `error`, as in the file), the one it shows for progress (`connecting`, `refreshing`), nil when the
    /// event changes none. The screen takes it as it is; it no longer guesses a status from the event.
    public var status: SchemeStatus?
    public init(schemeID: String, event: AcquisitionEvent, revision: Int? = nil, status: SchemeStatus? = nil) {
        self.schemeID = schemeID
        self.event = event
        self.revision = revision
        self.status = status
    }
}
