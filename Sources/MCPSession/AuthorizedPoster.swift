import Acquisition
import Foundation
import SwitchboardCore

/// Sends one MCP HTTP request with the connection's credential and answers the server's challenges,
/// for both MCP eras. Authorization is reactive on every request, not only the probe:
/// - 401 whose `scope` asks for more than the token holds, or a 401 when no token was sent:
///   `AuthorizationRequired` (the caller signs in again with that scope);
/// - 401 when the protected-resource metadata now names another authorization server:
///   `AuthorizationServerMoved` (never refresh against, or send the client id to, the old one);
/// - any other 401 with a token: one refresh, then the request again; a second 401 needs a reconnect;
/// - 403 `insufficient_scope`: `InsufficientScope` (step-up with the union of scopes).
public struct AuthorizedPoster: Sendable {
    let url: URL
    let http: any HTTPTransport
    let authorizer: ConnectionAuthorizer

    public init(url: URL, http: any HTTPTransport, authorizer: ConnectionAuthorizer) {
        self.url = url
        self.http = http
        self.authorizer = authorizer
    }

    public func post(_ body: Data, headers extra: [(String, String)]) async throws -> HTTPResponseSpec {
        try await authorizer.exchange(status: \.status, challenges: { $0.values("WWW-Authenticate") }) { token in
            try await send(body, extra, token: token)
        }
    }

    private func send(_ body: Data, _ extra: [(String, String)], token: String?) async throws -> HTTPResponseSpec {
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")] + extra
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        do {
            return try await http.send(HTTPRequestSpec(method: "POST", url: url, headers: headers, body: body))
        } catch {
            throw AcquisitionError.network(error, doing: "Talking to \(Redact.url(url))")
        }
    }
}
