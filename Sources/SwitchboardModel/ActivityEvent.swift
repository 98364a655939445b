import Foundation

/// One entry of a connection's activity timeline: something that changed or explains a scheme's state, and
/// which Switchboard process caused it. Never holds a secret: no token, no client secret, no code.
public struct ActivityEvent: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case connected
        case connectFailed = "connect_failed"
        case refreshed
        case refreshFailed = "refresh_failed"
        case expired
        case disconnected
        case stepUp = "step_up"
        case serverMoved = "server_moved"
        case checked
        /// A bridge (`switchboard bridge NAME`) started serving an MCP client, stopped, or failed.
        case bridgeStarted = "bridge_started"
        case bridgeStopped = "bridge_stopped"
        case bridgeFailed = "bridge_failed"
    }

    /// Unique per event: the writing process and its counter.
    public var id: String
    public var at: Date
    public var scheme: String
    /// The connection's name when it happened.
    public var connection: String
    public var kind: Kind
    /// The process that caused it: `screen`, `token`, `headers`, `refresh`, `connect`, `check`, …
    public var by: String
    public var pid: Int32
    /// connected: `browser`, `paste` or `device` (`SignInMethod`; kept as text: the journal is read as it was written).
    public var how: String?
    /// refreshed: how long the refresh took.
    public var milliseconds: Int?
    /// refreshed: whether the server issued a new refresh token.
    public var rotated: Bool?
    /// connected, refreshed: when the new access token expires.
    public var expiresAt: Date?
    /// What went wrong (the server's words, bounded and made safe), or why it expired.
    public var reason: String?
    /// refresh_failed: whether Switchboard tries again (else a reconnect is needed), and when, if it knows.
    public var willRetry: Bool?
    public var retryAt: Date?
    /// disconnected: whether the server confirmed the revocation.
    public var revoked: Bool?
    /// step_up: the scopes held before and asked for after.
    public var scopesBefore: [String]?
    public var scopesAfter: [String]?
    /// server_moved: the new authorization server.
    public var issuer: String?
    /// checked: the MCP era and the number of tools (nil when the check failed; `reason` says why).
    public var era: String?
    public var tools: Int?
    /// bridge_*: the MCP client the bridge serves, from its `initialize` `clientInfo` (bounded and made safe).
    public var clientName: String?
    public var clientVersion: String?
    /// bridge_stopped, bridge_failed: the requests the bridge served.
    public var requests: Int?

    public init(id: String = "", at: Date, scheme: String, connection: String, kind: Kind, by: String = "", pid: Int32 = 0) {
        self.id = id
        self.at = at
        self.scheme = scheme
        self.connection = connection
        self.kind = kind
        self.by = by
        self.pid = pid
    }

    public init(_ kind: Kind, at: Date, scheme: String, connection: String, _ configure: (inout ActivityEvent) -> Void) {
        self.init(at: at, scheme: scheme, connection: connection, kind: kind)
        configure(&self)
    }

}
