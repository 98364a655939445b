import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem

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

extension TokenSet: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "TokenSet(access: \(Fingerprint.of(accessToken)), expiresAt: \(expiresAt.map { "\($0)" } ?? "unknown"), issuer: \(issuer))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }
}
