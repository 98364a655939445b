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
