import Foundation

/// The JSON-RPC messages the bridge writes itself.
enum RPC {
    /// An error answer for `id` (or `null` when the request's id could not be read).
    static func error(id: RPCID?, code: Int, message: String, data: [String: Any]? = nil) -> Data {
        var error: [String: Any] = ["code": code, "message": message]
        if let data { error["data"] = data }
        let body = (try? JSONSerialization.data(withJSONObject: error, options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Data("{\"jsonrpc\":\"2.0\",\"id\":\(id?.json ?? "null"),\"error\":".utf8) + body + Data("}".utf8)
    }

    /// A result answer for `id`.
    static func result(id: RPCID, _ result: [String: Any]) throws -> Data {
        let body = try JSONSerialization.data(withJSONObject: result, options: [.withoutEscapingSlashes])
        return Data("{\"jsonrpc\":\"2.0\",\"id\":\(id.json),\"result\":".utf8) + body + Data("}".utf8)
    }

    /// A request the bridge sends on its own (never seen by the client).
    static func request(id: RPCID, method: String, params: [String: Any]) throws -> Data {
        let body = try JSONSerialization.data(withJSONObject: params, options: [.withoutEscapingSlashes])
        return Data("{\"jsonrpc\":\"2.0\",\"id\":\(id.json),\"method\":\"\(method)\",\"params\":".utf8) + body + Data("}".utf8)
    }

    // Codes: the JSON-RPC ones, and the server-error range for what happened between the bridge and the server.
    static let parseError = -32700, invalidRequest = -32600, internalError = -32603
    /// The server could not be reached, broke off, or answered with something that is not MCP.
    static let upstreamFailed = -32000
    /// The connection needs the person: a reconnect, a sign-in, more scopes.
    static let needsAuthorization = -32001
}
