import Foundation
import Acquisition
import SwitchboardCore

/// The parsers that read what servers and browsers send, each as one call on raw bytes: the libFuzzer
/// targets (`.ci/fuzz`) and their regression tests call these. Each must return normally on any input.
public enum FuzzEntryPoints {
    /// `WWW-Authenticate` header values (a newline separates several headers).
    public static func wwwAuthenticate(_ data: Data) {
        let headers = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let challenges = WWWAuthenticate.parse(headers)
        if let bearer = WWWAuthenticate.bearer(in: headers) {
            _ = bearer.resourceMetadata
            _ = bearer.scopes
            precondition(challenges.contains(bearer), "bearer() returned a challenge parse() did not")
        }
    }

    /// A request target reaching the loopback listener, then (for an authorization response) the checks
    /// of state, iss and error; and the same bytes as a pasted browser address.
    public static func callback(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        let validator = CallbackValidator(expectedState: "expected-state", issuer: "https://as.example", issRequired: data.first.map { $0 & 1 == 1 } ?? false)
        if case .response(let query) = LoopbackListener.classify(method: "GET", uri: text) {
            if case .success(let code) = validator.validate(query) {
                precondition(query.contains { $0 == ("state", "expected-state") }, "accepted a response without the expected state")
                precondition(!code.isEmpty, "accepted an empty code")
            }
        }
        if let items = URLComponents(string: text)?.queryItems {
            _ = validator.validate(items.map { ($0.name, $0.value ?? "") })
        }
    }

    /// Protected-resource and authorization-server metadata documents, and the checks applied to them.
    public static func metadata(_ data: Data) {
        if let prm = try? JSONDecoder().decode(ProtectedResourceMetadata.self, from: data) {
            _ = Discovery.resource(prm.resource, matches: URL(string: "https://mcp.example.com/mcp")!)
        }
        if let m = try? JSONDecoder().decode(AuthorizationServerMetadata.self, from: data) {
            _ = try? Discovery.check(m, usesDefaults: false)
        }
    }

    /// Token endpoint responses (success and OAuth error bodies).
    public static func tokenResponse(_ data: Data) {
        if let grant = try? TokenClient.parse(data) {
            precondition(!grant.accessToken.isEmpty, "accepted an empty access token")
            if let e = grant.expiresIn { precondition(e > 0 && e.isFinite, "accepted expires_in \(e)") }
        }
        _ = OAuthErrorBody.from(data)?.text
    }
}
