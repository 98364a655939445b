import Acquisition
import Foundation
import SwitchboardCore

/// An MCP endpoint answered with an HTTP error; keeps the JSON-RPC error when the body carries one
/// (a 2026-07-28 server answers protocol errors as HTTP 400/404 with a JSON-RPC body).
public struct MCPHTTPError: Error, CustomStringConvertible {
    public var status: Int
    public var rpcCode: Int?
    public var rpcMessage: String?
    let where_: String

    init(response: HTTPResponseSpec, url: URL) {
        status = response.status
        where_ = Redact.url(url)
        let messages = MCPHTTPError.messages(in: response)
        if let first = messages.first, let object = try? JSONSerialization.jsonObject(with: first) as? [String: Any],
           let error = object["error"] as? [String: Any] {
            rpcCode = (error["code"] as? NSNumber)?.intValue
            rpcMessage = (error["message"] as? String).map { Redact.serverText($0, limit: 120) }
        }
    }

    public var description: String {
        "\(where_) answered HTTP \(status)" + (rpcMessage.map { " (\($0))" } ?? "")
    }

    /// The JSON-RPC messages of a response: the body itself, or each `message` event of an SSE stream.
    static func messages(in response: HTTPResponseSpec) -> [Data] {
        guard !response.body.isEmpty else { return [] }
        let type = response.value("Content-Type")?.lowercased() ?? ""
        guard type.hasPrefix("text/event-stream") else { return [response.body] }
        var parser = SSEParser()
        return (parser.feed(response.body) + parser.finish())
            .filter { $0.event == "message" && !$0.data.isEmpty }.map { Data($0.data.utf8) }
    }
}
