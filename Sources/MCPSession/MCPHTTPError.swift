import Acquisition
import Foundation
import SwitchboardCore

/// An MCP endpoint answered with an HTTP error; keeps the JSON-RPC error message when the body carries one
/// (a 2026-07-28 server answers protocol errors as HTTP 400/404 with a JSON-RPC body).
public struct MCPHTTPError: Error, CustomStringConvertible {
    public var status: Int
    public var rpcMessage: String?
    let where_: String

    init(response: HTTPResponseSpec, url: URL) {
        status = response.status
        where_ = Redact.url(url)
        if let first = response.mcpMessages.first, let object = try? JSONSerialization.jsonObject(with: first) as? [String: Any],
           let error = object["error"] as? [String: Any] {
            rpcMessage = (error["message"] as? String).map { Redact.serverText($0, limit: 120) }
        }
    }

    public var description: String {
        "\(where_) answered HTTP \(status)" + (rpcMessage.map { " (\($0))" } ?? "")
    }
}
