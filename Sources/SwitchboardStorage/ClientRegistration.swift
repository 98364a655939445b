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

// Secrets must not leak through `print`, string interpolation or debugger dumps.
extension ClientRegistration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ClientRegistration(issuer: \(issuer), clientID: \(Fingerprint.of(clientID)), method: \(authMethod))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }
}
