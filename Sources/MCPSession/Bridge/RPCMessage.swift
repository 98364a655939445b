import Foundation

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
