import Foundation

/// A JSON-RPC request id as the client wrote it. Kept as its JSON text, so the bridge echoes it back
/// exactly (it never rewrites an id the client can see).
public struct RPCID: Hashable, Sendable, CustomStringConvertible {
    /// The id's JSON: `7`, `"abc"`.
    public let json: String

    init?(_ value: Any?) {
        switch value {
        case let s as String:
            guard let data = try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes]) else { return nil }
            json = String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        case let n as NSNumber:
            // Integers as their digits (the common case); anything else as JSON writes it.
            if let i = Int64(exactly: n.doubleValue), abs(n.doubleValue) < 9.0e15, !n.stringValue.contains(".") {
                json = String(i)
            } else if let data = try? JSONSerialization.data(withJSONObject: [n]) {
                json = String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
            } else {
                return nil
            }
        default:
            return nil
        }
    }

    init(internal text: String) { json = "\"\(text)\"" }

    /// An internal id's text (without the quotes), for building a request around it.
    var text: String { String(json.dropFirst().dropLast()) }

    public var description: String { json }
}

/// One JSON-RPC message, classified without being rewritten: the bridge forwards `raw` as the client or
/// server wrote it and reads only what routing needs.
struct RPCMessage: Sendable {
    enum Kind: Sendable { case request, notification, response }

    let raw: Data
    let kind: Kind
    let id: RPCID?
    let method: String?
    /// `params.name` or `params.uri` for the methods whose name travels in `Mcp-Name`.
    let name: String?
    /// `params._meta["io.modelcontextprotocol/protocolVersion"]`: the 2026-07-28 per-request envelope.
    let envelopeVersion: String?
    /// For an `initialize` request: the version the client asked for.
    let requestedVersion: String?
    /// For `notifications/cancelled`: the request it cancels.
    let cancels: RPCID?

    static let protocolVersionKey = "io.modelcontextprotocol/protocolVersion"
    static let clientInfoKey = "io.modelcontextprotocol/clientInfo"
    static let clientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    /// Methods whose name or URI the 2026-07-28 wire mirrors in `Mcp-Name`.
    static let nameBearing = ["tools/call": "name", "prompts/get": "name", "resources/read": "uri"]

    enum ParseFailure: Error { case notJSON, notAnObject, batch, notJSONRPC }

    /// Parses one message; `raw` must be a single JSON value.
    init(_ raw: Data) throws(ParseFailure) {
        let value: Any
        do { value = try JSONSerialization.jsonObject(with: raw, options: [.fragmentsAllowed]) } catch { throw .notJSON }
        if value is [Any] { throw .batch }
        guard let object = value as? [String: Any] else { throw .notAnObject }
        self.init(raw: raw, object: object)
        // A response answers with a result or an error; anything else is not JSON-RPC.
        if method == nil, object["result"] == nil, object["error"] == nil { throw .notJSONRPC }
    }

    init(raw: Data, object: [String: Any]) {
        self.raw = raw
        let method = object["method"] as? String
        self.method = method
        id = RPCID(object["id"])
        if method != nil {
            kind = object["id"] == nil ? .notification : .request
        } else {
            kind = .response
        }
        let params = object["params"] as? [String: Any]
        let meta = params?["_meta"] as? [String: Any]
        envelopeVersion = meta?[Self.protocolVersionKey] as? String
        name = method.flatMap { Self.nameBearing[$0] }.flatMap { params?[$0] as? String }
        requestedVersion = method == "initialize" ? params?["protocolVersion"] as? String : nil
        cancels = method == "notifications/cancelled" ? RPCID(params?["requestId"]) : nil
    }

    /// Whether the message is an error or result answering `id`.
    func answers(_ id: RPCID) -> Bool { kind == .response && self.id == id }
}

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
