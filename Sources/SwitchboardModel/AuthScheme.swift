import Foundation

/// One way of authorizing requests to a connection's server, with its stored (non-secret) status.
public struct AuthScheme: Codable, Equatable, Sendable, Identifiable {
    /// What kind of credential the scheme holds.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// OAuth with discovery and RFC 7591 dynamic client registration.
        case oauthDynamic = "oauth-dynamic"
        /// OAuth with a client the person registered in the provider's dashboard.
        case oauthManual = "oauth"
        /// A static bearer token kept in the secret store.
        case bearer
        /// No credential at all.
        case none

        public var isOAuth: Bool { self == .oauthDynamic || self == .oauthManual }

        /// The short label shown in lists.
        public var label: String {
            switch self {
            case .oauthDynamic: "oauth"
            case .oauthManual: "oauth (manual)"
            case .bearer: "bearer"
            case .none: "none"
            }
        }
    }

    public var id: String
    public var kind: Kind
    /// For `oauthManual`: the client id the person registered. Never a secret.
    public var clientID: String?
    /// Scopes the person asked for; empty means "whatever the server advertises".
    public var scopes: [String]
    /// A Client ID Metadata Document URL to use as the client id where the server supports it.
    public var clientMetadataURL: String?
    /// The loopback port of this scheme's redirect URI (`http://127.0.0.1:<port>/callback`), fixed so the
    /// URI a person registers in a provider's dashboard is the one every later sign-in uses.
    public var redirectPort: Int?
    public var status: SchemeStatus
    /// Counts the writes of `status`: the writer adds one under the file's lock, so a larger number is a newer
    /// status, whichever process wrote it. The screen keeps a status it heard of over an older file.
    public var statusRevision: Int = 0
    /// What the last sign-in or refresh learned, for the detail pane. Never a secret.
    public var info: SchemeInfo

    public init(id: String = UUID().uuidString.lowercased(), kind: Kind, clientID: String? = nil,
                scopes: [String] = [], clientMetadataURL: String? = nil,
                status: SchemeStatus = .notConnected, info: SchemeInfo = SchemeInfo()) {
        self.id = id
        self.kind = kind
        self.clientID = clientID
        self.scopes = scopes
        self.clientMetadataURL = clientMetadataURL
        self.status = status
        self.info = info
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(Kind.self, forKey: .kind)
        clientID = try c.decodeIfPresent(String.self, forKey: .clientID)
        scopes = try c.decodeIfPresent([String].self, forKey: .scopes) ?? []
        clientMetadataURL = try c.decodeIfPresent(String.self, forKey: .clientMetadataURL)
        redirectPort = try c.decodeIfPresent(Int.self, forKey: .redirectPort)
        status = try c.decodeIfPresent(SchemeStatus.self, forKey: .status) ?? .notConnected
        info = try c.decodeIfPresent(SchemeInfo.self, forKey: .info) ?? SchemeInfo()
        statusRevision = try c.decodeIfPresent(Int.self, forKey: .statusRevision) ?? 0
        // Numbers that are used later (a port bound, a revision counted on) are checked here, where the file
        // is read: out of range, the file is reported and left as it is, never used or rewritten.
        if let redirectPort, !(1...65535).contains(redirectPort) {
            throw DecodingError.dataCorruptedError(forKey: .redirectPort, in: c, debugDescription: "must be a port from 1 to 65535, not \(redirectPort)")
        }
        guard (0...Self.maxStatusRevision).contains(statusRevision) else {
            throw DecodingError.dataCorruptedError(forKey: .statusRevision, in: c, debugDescription: "must be a count from 0 to 2^53, not \(statusRevision)")
        }
    }

    /// The largest `statusRevision` a file may hold (2^53: counting one a millisecond takes 285,000 years).
    public static let maxStatusRevision = 1 << 53

    /// Counts one more write of `status`: the next revision, staying at `maxStatusRevision` (never past it, so
    /// the file stays readable; nor overflowing).
    public mutating func countStatusWrite() {
        statusRevision = (0..<Self.maxStatusRevision).contains(statusRevision) ? statusRevision + 1 : Self.maxStatusRevision
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, clientID = "clientId", scopes, clientMetadataURL = "clientMetadataUrl", redirectPort, status = "acquired", statusRevision = "acquiredRevision", info
    }
}

extension AuthScheme {
    /// The redirect URI for a loopback port (RFC 8252 §7.3).
    public static func redirectURI(port: Int) -> String { "http://127.0.0.1:\(port)/callback" }

    /// The ports a redirect URI may use: unprivileged ones (one copy of the range: `add`, `set-client`, the form).
    public static let redirectPorts = 1024...65535

    /// A port for a redirect URI: 1024–65535.
    public static func validateRedirectPort(_ port: Int) throws(InvalidInput) {
        guard redirectPorts.contains(port) else {
            throw InvalidInput("the redirect port must be between 1024 and 65535 (it becomes http://127.0.0.1:PORT/callback)")
        }
    }
}
