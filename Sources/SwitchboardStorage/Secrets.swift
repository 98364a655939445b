import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem

/// A client registered at one authorization server (dynamically, or entered by a person).
public struct ClientRegistration: Codable, Equatable, Sendable {
    public var issuer: String
    public var clientID: String
    public var clientSecret: String?
    public var clientSecretExpiresAt: Date?
    /// `none`, `client_secret_basic` or `client_secret_post`.
    public var authMethod: String
    public var redirectURI: String
    public var registeredAt: Date

    public init(issuer: String, clientID: String, clientSecret: String? = nil, clientSecretExpiresAt: Date? = nil,
                authMethod: String, redirectURI: String, registeredAt: Date) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.clientSecretExpiresAt = clientSecretExpiresAt
        self.authMethod = authMethod
        self.redirectURI = redirectURI
        self.registeredAt = registeredAt
    }

    enum CodingKeys: String, CodingKey {
        case issuer, clientID = "clientId", clientSecret, clientSecretExpiresAt, authMethod, redirectURI = "redirectUri", registeredAt
    }
}

/// The tokens a scheme holds, and everything a refresh or revocation needs later.
public struct TokenSet: Codable, Equatable, Sendable {
    public var accessToken: String
    public var refreshToken: String?
    public var tokenType: String
    public var expiresAt: Date?
    public var scopes: [String]
    public var resource: String
    public var issuer: String
    public var clientID: String
    public var tokenEndpoint: String
    public var revocationEndpoint: String?
    public var obtainedAt: Date

    public init(accessToken: String, refreshToken: String?, tokenType: String = "Bearer", expiresAt: Date?,
                scopes: [String], resource: String, issuer: String, clientID: String, tokenEndpoint: String,
                revocationEndpoint: String?, obtainedAt: Date) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.tokenType = tokenType
        self.expiresAt = expiresAt
        self.scopes = scopes
        self.resource = resource
        self.issuer = issuer
        self.clientID = clientID
        self.tokenEndpoint = tokenEndpoint
        self.revocationEndpoint = revocationEndpoint
        self.obtainedAt = obtainedAt
    }

    enum CodingKeys: String, CodingKey {
        case accessToken, refreshToken, tokenType, expiresAt, scopes, resource, issuer, clientID = "clientId",
             tokenEndpoint, revocationEndpoint, obtainedAt
    }
}

/// Everything secret about one scheme.
public struct SchemeSecrets: Codable, Equatable, Sendable {
    /// Client registrations keyed by issuer; a registration is never sent to another server.
    public var registrations: [String: ClientRegistration]
    public var tokens: TokenSet?
    /// The static token of a `bearer` scheme.
    public var bearerToken: String?
    /// The client secret a person entered for an `oauth` (manual) scheme.
    public var manualClientSecret: String?
    /// The authorization server that secret was first used with: it is never sent to another one.
    public var manualClientIssuer: String?

    public init(registrations: [String: ClientRegistration] = [:], tokens: TokenSet? = nil,
                bearerToken: String? = nil, manualClientSecret: String? = nil) {
        self.registrations = registrations
        self.tokens = tokens
        self.bearerToken = bearerToken
        self.manualClientSecret = manualClientSecret
    }

    public var isEmpty: Bool { registrations.isEmpty && tokens == nil && bearerToken == nil && manualClientSecret == nil }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        registrations = try c.decodeIfPresent([String: ClientRegistration].self, forKey: .registrations) ?? [:]
        tokens = try c.decodeIfPresent(TokenSet.self, forKey: .tokens)
        bearerToken = try c.decodeIfPresent(String.self, forKey: .bearerToken)
        manualClientSecret = try c.decodeIfPresent(String.self, forKey: .manualClientSecret)
        manualClientIssuer = try c.decodeIfPresent(String.self, forKey: .manualClientIssuer)
    }
}

/// The contents of the secret store: secrets keyed by scheme id.
public struct SecretsFile: Equatable, Sendable {
    public var schemes: [String: SchemeSecrets]
    public init(schemes: [String: SchemeSecrets] = [:]) { self.schemes = schemes }
}

// Secrets must not leak through `print`, string interpolation or debugger dumps.
extension ClientRegistration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ClientRegistration(issuer: \(issuer), clientID: \(Fingerprint.of(clientID)), method: \(authMethod))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }
}

extension TokenSet: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "TokenSet(access: \(Fingerprint.of(accessToken)), expiresAt: \(expiresAt.map { "\($0)" } ?? "unknown"), issuer: \(issuer))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }
}

extension SchemeSecrets: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SchemeSecrets(registrations: \(registrations.count), tokens: \(tokens.map { "\($0)" } ?? "none"))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }
}
