import Foundation
import Synchronization
import SwitchboardCore

/// What discovery learned about a server: where to authorize, for which resource, with which scopes.
public struct DiscoveryResult: Equatable, Sendable {
    public var serverURL: URL
    /// The RFC 8707 resource indicator to send.
    public var resource: String
    public var resourceMetadataURL: String?
    public var resourceMetadata: ProtectedResourceMetadata?
    public var challenge: AuthChallenge?
    public var authorizationServer: AuthorizationServerMetadata
    /// True when no metadata was found and the 2025-03-26 default endpoints at the origin are used.
    public var usesDefaultEndpoints: Bool
    /// Every URL requested and what came back, for the doctor view.
    public var trace: [DiscoveryStep]
}
