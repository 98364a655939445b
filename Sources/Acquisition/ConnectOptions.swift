import Foundation

/// How a connect should go.
public struct ConnectOptions: Sendable, Equatable {
    /// Register a new client even when one is stored (e.g. on a new callback port).
    public var forceRegistration: Bool
    /// Use the device authorization grant (RFC 8628) when the server offers it.
    public var preferDevice: Bool
    /// Do not try to open a browser (remote sessions): the URL is shown and a pasted redirect is accepted.
    public var noBrowser: Bool
    /// The person agreed to send their client secret to an authorization server other than the one it
    /// was first used with (the resource moved).
    public var trustNewClientIssuer: Bool
    public init(forceRegistration: Bool = false, preferDevice: Bool = false, noBrowser: Bool = false, trustNewClientIssuer: Bool = false) {
        self.forceRegistration = forceRegistration
        self.preferDevice = preferDevice
        self.noBrowser = noBrowser
        self.trustNewClientIssuer = trustNewClientIssuer
    }
}
