import Foundation

/// The switchable behaviours of the fixture servers; each mirrors something real servers do.
public struct FixtureOptions: Sendable, Equatable {
    /// Where metadata is published.
    public enum Layout: String, Sendable, CaseIterable {
        /// Resource and authorization server on one origin, metadata at the root well-known URLs; the 401 names no metadata URL.
        case origin
        /// The authorization server on another port; the resource metadata only at the URL named in the 401.
        case chain
        /// Resource metadata only at `/.well-known/oauth-protected-resource/<mcp path>`.
        case resourcePathSuffixed
        /// Issuer `…/tenant1`, metadata only at `/.well-known/oauth-authorization-server/tenant1`.
        case asPathInsertion
        /// Issuer `…/tenant1`, metadata only at `/.well-known/openid-configuration/tenant1`.
        case oidcPathInsertion
        /// Issuer `…/tenant1`, metadata only at `/tenant1/.well-known/openid-configuration`.
        case oidcPathAppended
        /// Issuer at the root, metadata only at `/.well-known/openid-configuration`.
        case oidcRoot
        /// No resource metadata (2025-03-26 era); authorization-server metadata at the origin.
        case legacyOriginMetadata
        /// No metadata at all; `/authorize`, `/token`, `/register` at the origin.
        case legacyNoMetadata
    }

    public enum Registration: String, Sendable, CaseIterable {
        case open, closed, absent, basicOnly, postOnly
    }


    public var layout: Layout = .origin
    public var registration: Registration = .open
    /// The `error_description` of a closed registration's refusal.
    public var closedRegistrationText = "registration requires an account"
    public var issueRefreshTokens = true
    public var rotateRefreshTokens = false
    public var refreshFails = false
    /// Seconds an access token lives; nil issues no `expires_in`.
    public var accessTokenLifetime: Double? = 3600
    public var revocation = false
    public var issParameter = false
    public var denyAccess = false
    /// Rules this server breaks, plugged in by the tests (`HostileFixtures`); nil for every server that ships.
    public var misbehaviour: Misbehaviour?
    public var sse = false
    public var mcpPath = "/mcp"
    /// The scope named in the 401 challenge.
    public var challengeScope: String? = "mcp:tools"
    public var scopesSupported: [String] = ["mcp:tools", "mcp:read", "offline_access"]
    /// RFC 8628 behaviour of the device authorization endpoint; nil: not offered.
    public enum DeviceFlow: String, Sendable, CaseIterable {
        /// authorization_pending twice, then tokens.
        case approve
        /// slow_down first, then pending, then tokens.
        case slowDownThenApprove
        /// expired_token on the second poll.
        case expire
        /// access_denied.
        case deny
    }
    public var deviceFlow: DeviceFlow?
    /// Advertise `client_id_metadata_document_supported` and accept https URL client ids without registration.
    public var clientIDMetadataDocuments = false
    /// A scope `tools/list` and `tools/call` demand; tokens without it get 403 `insufficient_scope` (step-up).
    public var requiredScope: String?
    /// Let `initialize` (and notifications) through without a token, and challenge `tools/*` with 401 naming
    /// this scope unless the token carries it (servers that authorize per request, not at the handshake).
    public var challengeAfterInitialize: String?
    /// How long a silent server waits before giving up on its own (so tests end).
    public var silenceSeconds: Int = 30
    /// Seconds the token endpoint waits before it answers, after it has done the work (issued the tokens and,
    /// with `rotateRefreshTokens`, spent the old refresh token), as a slow server does.
    public var tokenDelay: Double = 0

    public init() {}

    public init(_ configure: (inout FixtureOptions) -> Void) {
        configure(&self)
    }
}
