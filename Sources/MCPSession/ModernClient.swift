import Acquisition
import Foundation
import Synchronization
import MCP
import SwitchboardCore

/// The stateless 2026-07-28 MCP wire (SEP-2575, SEP-2567): no `initialize` and no `Mcp-Session-Id`;
/// every request carries `params._meta` with the protocol version and client capabilities, and the
/// `MCP-Protocol-Version`, `Mcp-Method` (and for named methods `Mcp-Name`) headers. The Swift SDK
/// here (0.12.1) speaks only the 2025 era, so this wire is ours; tools and content are the SDK's types.
struct ModernClient: Sendable {
    /// Request ids, unique within the process.
    static let ids = Atomic<Int>(0)
    static let version = "2026-07-28"
    let poster: AuthorizedPoster
    let clientName: String
    let clientVersion: String

    /// A JSON-RPC error answer (the server understood the envelope and refused the request).
    struct RPCError: Error, CustomStringConvertible {
        var code: Int
        var message: String
        var description: String { "JSON-RPC error \(code): \(message)" }
    }

    struct Discovered {
        var serverName: String
        var serverVersion: String
        var supportedVersions: [String]
    }

    func discover() async throws -> Discovered {
        let result = try await request("server/discover", params: [:])
        let supported = (result["supportedVersions"] as? [Any])?.compactMap { $0 as? String } ?? []
        // Server info travels in the result or in its `_meta`, depending on the server.
        let meta = result["_meta"] as? [String: Any]
        let info = (result["serverInfo"] as? [String: Any]) ?? (meta?["io.modelcontextprotocol/serverInfo"] as? [String: Any]) ?? [:]
        return Discovered(serverName: Redact.serverText(info["name"] as? String ?? "unnamed server", limit: 80),
                          serverVersion: Redact.serverText(info["version"] as? String ?? "", limit: 40),
                          supportedVersions: supported)
    }

    func listTools(cursor: String?) async throws -> (tools: [Tool], next: String?) {
        let result = try await request("tools/list", params: cursor.map { ["cursor": $0] } ?? [:])
        let tools = try JSONDecoder().decode([Tool].self, from: JSONSerialization.data(withJSONObject: result["tools"] ?? []))
        return (tools, result["nextCursor"] as? String)
    }

    func callTool(name: String, arguments: [String: Value]?) async throws -> (content: [Tool.Content], isError: Bool) {
        var params: [String: Any] = ["name": name]
        if let arguments {
            params["arguments"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(arguments))
        }
        let result = try await request("tools/call", params: params, name: name)
        let content = try JSONDecoder().decode([Tool.Content].self, from: JSONSerialization.data(withJSONObject: result["content"] ?? []))
        return (content, result["isError"] as? Bool ?? false)
    }

    /// One request and its result; a result whose `resultType` is not `complete` is refused (it would
    /// need a back-and-forth, such as input, that a command line cannot give).
    func request(_ method: String, params: [String: Any], name: String? = nil) async throws -> [String: Any] {
        var params = params
        params["_meta"] = [
            "io.modelcontextprotocol/protocolVersion": Self.version,
            "io.modelcontextprotocol/clientCapabilities": [String: Any](),
            "io.modelcontextprotocol/clientInfo": ["name": clientName, "version": clientVersion],
        ]
        // Each request its own id: `check` sends two at once, and a server may route answers by id.
        let id = Self.ids.add(1, ordering: .relaxed).newValue
        let body = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": id, "method": method, "params": params])
        var headers = [("MCP-Protocol-Version", Self.version), ("Mcp-Method", method)]
        if let name { headers.append(("Mcp-Name", Self.headerValue(name))) }
        let response = try await poster.post(body, headers: headers)
        let messages = response.mcpMessages
        // The answer is the message with our id; notifications before it (progress, logs) are skipped.
        let answer = messages.lazy.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
            .first { ($0["id"] as? NSNumber)?.intValue == id && ($0["result"] != nil || $0["error"] != nil) }
        if let error = answer?["error"] as? [String: Any] {
            throw RPCError(code: (error["code"] as? NSNumber)?.intValue ?? 0,
                           message: Redact.serverText(error["message"] as? String ?? "", limit: 160))
        }
        guard (200..<300).contains(response.status) else { throw MCPHTTPError(response: response, url: poster.url) }
        guard let result = answer?["result"] as? [String: Any] else {
            throw AcquisitionError(.network, "\(Redact.url(poster.url)) gave no answer to `\(method)`.",
                                   remedy: .advice("The server does not speak MCP \(Self.version) properly; a test of the connection falls back to 2025-11-25 when it can."))
        }
        let kind = result["resultType"] as? String ?? "complete"
        guard kind == "complete" else {
            throw AcquisitionError(.network, "\(Redact.url(poster.url)) answered `\(method)` with a `\(Redact.serverText(kind, limit: 30))` result, which Switchboard cannot complete.",
                                   remedy: .advice("Use an MCP client that can answer the server's request."))
        }
        return result
    }

    /// Header values must survive HTTP: anything but printable ASCII is sent in the base64 form.
    static func headerValue(_ value: String) -> String {
        let printable = value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value <= 0x7E }
        if printable, value == value.trimmingCharacters(in: .whitespaces), !(value.hasPrefix("=?base64?") && value.hasSuffix("?=")) {
            return value
        }
        return "=?base64?" + Data(value.utf8).base64EncodedString() + "?="
    }
}
