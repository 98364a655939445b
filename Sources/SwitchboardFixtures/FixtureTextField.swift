import Foundation

/// A string the fixture servers hand out that a `FixtureMisbehaviour` may change (`decorate`).
public enum FixtureTextField: Sendable, Equatable, CaseIterable {
    /// The client id a registration hands out (and the server stores).
    case clientID
    /// The device flow's user code (also inside `verification_uri_complete`).
    case userCode
    /// The device flow's `verification_uri`.
    case verificationURI
    /// The MCP `serverInfo` name and version.
    case serverName, serverVersion
    /// A tool's name and description in `tools/list`.
    case toolName, toolDescription
    /// The text of a tool's result.
    case toolResult
}
