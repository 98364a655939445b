import Acquisition
import Foundation
import Logging
import MCP
import SwitchboardCore

/// The MCP Streamable HTTP transport over our HTTP client: JSON and SSE responses, `Mcp-Session-Id`,
/// `MCP-Protocol-Version`, and the connection's bearer on every request (`AuthorizedPoster` answers
/// the server's challenges). The 2025-11-25 era; `ModernClient` speaks 2026-07-28.
public actor StreamableHTTPTransport: Transport {
    public nonisolated let logger: Logger
    let url: URL
    let poster: AuthorizedPoster
    var sessionID: String?
    var protocolVersion: String?
    let stream: AsyncThrowingStream<Data, any Error>
    let continuation: AsyncThrowingStream<Data, any Error>.Continuation

    public init(url: URL, http: any HTTPTransport, authorizer: ConnectionAuthorizer,
                logger: Logger = Logger(label: "switchboard.mcp", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.url = url
        self.poster = AuthorizedPoster(url: url, http: http, authorizer: authorizer)
        self.logger = logger
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    public func connect() async throws {}

    public func disconnect() async {
        continuation.finish()
    }

    public func receive() -> AsyncThrowingStream<Data, any Error> { stream }

    public func send(_ data: Data) async throws {
        var headers: [(String, String)] = []
        if let sessionID { headers.append(("Mcp-Session-Id", sessionID)) }
        if let protocolVersion { headers.append(("MCP-Protocol-Version", protocolVersion)) }
        let response = try await poster.post(data, headers: headers)
        if response.status == 404, sessionID != nil {
            sessionID = nil
            throw AcquisitionError(.network, "The MCP session expired on the server.", remedy: .advice("Run the command again."))
        }
        guard (200..<300).contains(response.status) else { throw MCPHTTPError(response: response, url: url) }
        if let id = response.value("Mcp-Session-Id") { sessionID = id }
        guard response.status != 202, !response.body.isEmpty else { return }
        for message in response.mcpMessages { deliver(message) }
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
}
