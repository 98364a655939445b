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
