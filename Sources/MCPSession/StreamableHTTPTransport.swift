import Acquisition
import Foundation
import Logging
import MCP
import SwitchboardCore

/// The MCP Streamable HTTP transport over our HTTP client: JSON and SSE responses, `Mcp-Session-Id`,
/// `MCP-Protocol-Version`, and the connection's bearer on every request. A 401 is answered by one
/// refresh; a 403 `insufficient_scope` surfaces as `InsufficientScope` for a step-up.
public actor StreamableHTTPTransport: Transport {
    public nonisolated let logger: Logger
    let url: URL
    let http: any HTTPTransport
    let authorizer: ConnectionAuthorizer
    var sessionID: String?
    var protocolVersion: String?
    let stream: AsyncThrowingStream<Data, any Error>
    let continuation: AsyncThrowingStream<Data, any Error>.Continuation

    /// The server asked for more scopes than the token carries.
    public struct InsufficientScope: Error, Equatable {
        public var scopes: [String]
    }

    public init(url: URL, http: any HTTPTransport, authorizer: ConnectionAuthorizer,
                logger: Logger = Logger(label: "switchboard.mcp", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.url = url
        self.http = http
        self.authorizer = authorizer
        self.logger = logger
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    public func connect() async throws {}

    public func disconnect() async {
        continuation.finish()
    }

    public func receive() -> AsyncThrowingStream<Data, any Error> { stream }

    public func send(_ data: Data) async throws {
        var token = try await authorizer.bearer()
        var response = try await post(data, token: token)
        if response.status == 401, let rejected = token {
            // One refresh, then give up: the person must reconnect.
            token = try await authorizer.afterRejection(of: rejected)
            response = try await post(data, token: token)
            if response.status == 401 {
                throw AcquisitionError(.needsReconnect, "\(authorizer.connection.name) refused a freshly refreshed token.",
                                       remedy: "Run `switchboard reconnect \(authorizer.connection.name)`.")
            }
        } else if response.status == 401 {
            throw AcquisitionError(.needsReconnect, "\(authorizer.connection.name) requires authorization.",
                                   remedy: "Run `switchboard connect \(authorizer.connection.name)`.")
        }
        if response.status == 403, let challenge = WWWAuthenticate.bearer(in: response.values("WWW-Authenticate")),
           challenge.error == "insufficient_scope" {
            throw InsufficientScope(scopes: challenge.scopes ?? [])
        }
        if response.status == 404, sessionID != nil {
            sessionID = nil
            throw AcquisitionError(.network, "The MCP session expired on the server.", remedy: "Run the command again.")
        }
        guard (200..<300).contains(response.status) else {
            throw AcquisitionError(.network, "\(Redact.url(url)) answered HTTP \(response.status).", remedy: "Check the server URL and try again.")
        }
        if let id = response.value("Mcp-Session-Id") { sessionID = id }
        guard response.status != 202, !response.body.isEmpty else { return }
        let type = response.value("Content-Type")?.lowercased() ?? ""
        if type.hasPrefix("text/event-stream") {
            var parser = SSEParser()
            for event in parser.feed(response.body) + parser.finish() where event.event == "message" && !event.data.isEmpty {
                deliver(Data(event.data.utf8))
            }
        } else {
            deliver(response.body)
        }
    }

    private func deliver(_ message: Data) {
        // Learn the negotiated version from the initialize result, for the MCP-Protocol-Version header.
        if protocolVersion == nil,
           let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any],
           let result = object["result"] as? [String: Any], let version = result["protocolVersion"] as? String {
            protocolVersion = version
        }
        continuation.yield(message)
    }

    private func post(_ data: Data, token: String?) async throws -> HTTPResponseSpec {
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let sessionID { headers.append(("Mcp-Session-Id", sessionID)) }
        if let protocolVersion { headers.append(("MCP-Protocol-Version", protocolVersion)) }
        do {
            return try await http.send(HTTPRequestSpec(method: "POST", url: url, headers: headers, body: data))
        } catch {
            throw AcquisitionError.network(error, doing: "Talking to \(Redact.url(url))")
        }
    }
}
