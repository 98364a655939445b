import Foundation

/// Which of a fixture's endpoints a request reached, for a `FixtureMisbehaviour`.
public enum FixtureEndpoint: Sendable, Equatable {
    /// The MCP endpoint (the probe, and every MCP request).
    case mcp
    case resourceMetadata
    case authorizationMetadata
    case register
    case token
    case other
}
