import Foundation

/// A way for the fixture servers to break the rules, plugged in from outside. The servers that ship (the demo's)
/// only follow the rules; every hostile or broken behaviour the tests need lives in the test-only
/// `HostileFixtures` target, which implements this protocol. Each hook defaults to doing nothing.
public protocol FixtureMisbehaviour: Sendable {
    /// A name, for equality of options and for test output.
    var name: String { get }
    /// Answers a request in the server's place: `.respond`, `.drop` (no answer, as a server that hangs), or
    /// `.normal` to let the server answer.
    func intercept(_ request: FixtureRequest, at endpoint: FixtureEndpoint, fixture: OAuthFixture) async -> FixtureInterception
    /// Changes the authorization-server metadata the server publishes.
    func adjustAuthorizationMetadata(_ metadata: inout [String: Any], fixture: OAuthFixture)
    /// Changes the protected-resource metadata the server publishes.
    func adjustResourceMetadata(_ metadata: inout [String: Any], fixture: OAuthFixture)
    /// Changes the query the authorization endpoint redirects back with (code, state, iss, or an error).
    func adjustAuthorizationAnswer(_ answer: inout [(String, String)], fixture: OAuthFixture)
    /// Changes the answer to a registration the server has made.
    func adjustRegistration(_ answer: inout [String: Any])
    /// Changes the answer to a code exchange or a refresh.
    func adjustTokenAnswer(_ answer: inout [String: Any])
    /// Answers a token request (a POST to the token endpoint) in the server's place, after the server has recorded
    /// it (`lastTokenForm`, `lastTokenAuthorizationHeader`) and before it authenticates the client; nil lets the
    /// server answer.
    func answerTokenRequest(_ request: FixtureRequest, fixture: OAuthFixture) -> FixtureResponse?
    /// Changes a string the server hands out before it stores or sends it (a registered client id is stored as
    /// changed, so the server knows the id it gave).
    func decorate(_ text: String, _ field: FixtureTextField) -> String
    /// Changes the result of an MCP request (`tools/list`, `tools/call`, `initialize`, …) before it is sent.
    func adjustMCPResult(_ result: inout [String: Any], method: String, params: [String: Any])
}

extension FixtureMisbehaviour {
    public func intercept(_ request: FixtureRequest, at endpoint: FixtureEndpoint, fixture: OAuthFixture) async -> FixtureInterception { .normal }
    public func adjustAuthorizationMetadata(_ metadata: inout [String: Any], fixture: OAuthFixture) {}
    public func adjustResourceMetadata(_ metadata: inout [String: Any], fixture: OAuthFixture) {}
    public func adjustAuthorizationAnswer(_ answer: inout [(String, String)], fixture: OAuthFixture) {}
    public func adjustRegistration(_ answer: inout [String: Any]) {}
    public func adjustTokenAnswer(_ answer: inout [String: Any]) {}
    public func answerTokenRequest(_ request: FixtureRequest, fixture: OAuthFixture) -> FixtureResponse? { nil }
    public func decorate(_ text: String, _ field: FixtureTextField) -> String { text }
    public func adjustMCPResult(_ result: inout [String: Any], method: String, params: [String: Any]) {}
}
