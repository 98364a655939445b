import Foundation
import SwitchboardCore

/// RFC 9728 protected-resource metadata (the fields Switchboard uses).
public struct ProtectedResourceMetadata: Codable, Equatable, Sendable {
    public var resource: String
    public var authorizationServers: [String]?
    public var scopesSupported: [String]?
    public var resourceName: String?

    enum CodingKeys: String, CodingKey {
        case resource
        case authorizationServers = "authorization_servers"
        case scopesSupported = "scopes_supported"
        case resourceName = "resource_name"
    }
}
