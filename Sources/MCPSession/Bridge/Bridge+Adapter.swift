import Acquisition
import Foundation
import SwitchboardCore

/// A client that speaks only 2025-11-25 in front of a server that speaks only 2026-07-28. The bridge answers
/// `initialize` from `server/discover`, then adds the per-request envelope (`_meta` with the protocol
/// version, the client's capabilities and info) and the headers to every request. `logging/setLevel` becomes
/// the per-request log level. What cannot be translated is said in the README: a result that asks the client
/// for more input mid-request (the 2026 multi-round-trip results) reaches a 2025 client as an error.
extension Bridge {
    /// The 2025 protocol versions a 2025 client may ask for; the answer repeats the one it asked for.
    static let handshakeVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    /// Tries `server/discover` for a refused `initialize`; true when the server speaks 2026-07-28 and the
    /// client got its `initialize` answer.
    func adapt(_ initialize: RPCMessage) async throws -> Bool {
        guard let id = initialize.id,
              let object = try JSONSerialization.jsonObject(with: initialize.raw) as? [String: Any] else { return false }
        let params = object["params"] as? [String: Any] ?? [:]
        let envelope: [String: Any] = [
            RPCMessage.protocolVersionKey: ModernClient.version,
            RPCMessage.clientCapabilitiesKey: params["capabilities"] as? [String: Any] ?? [:],
            RPCMessage.clientInfoKey: params["clientInfo"] as? [String: Any] ?? ["name": "unnamed client", "version": ""],
        ]
        let discoverID = nextInternalID("discover")
        let body = try RPC.request(id: discoverID, method: "server/discover", params: ["_meta": envelope])
        let response = try await post(body, headers: Self.modernHeaders(version: ModernClient.version, method: "server/discover", name: nil))
        guard (200..<300).contains(response.status), response.status != 202 else { return false }
        let raw = try await relay(response, answering: discoverID, deliver: false, limit: config.initializeDeadline)
        let answer = try? JSONSerialization.jsonObject(with: raw) as? [String: Any]
        guard let result = answer?["result"] as? [String: Any],
              ((result["supportedVersions"] as? [Any]) ?? []).contains(where: { $0 as? String == ModernClient.version }) else { return false }
        var serverInfo: [String: Any] = ["name": config.serverURL.host ?? "server", "version": ""]
        if let info = result["serverInfo"] as? [String: Any] {
            serverInfo = info
        } else if let meta = result["_meta"] as? [String: Any], let info = meta["io.modelcontextprotocol/serverInfo"] as? [String: Any] {
            serverInfo = info
        }
        var version = Self.handshakeVersions[0]
        if let asked = initialize.requestedVersion, Self.handshakeVersions.contains(asked) { version = asked }
        var initialized: [String: Any] = ["protocolVersion": version, "serverInfo": serverInfo]
        initialized["capabilities"] = result["capabilities"] as? [String: Any] ?? [String: Any]()
        if let instructions = result["instructions"] as? String { initialized["instructions"] = instructions }
        adapterEnvelope = try JSONSerialization.data(withJSONObject: envelope)
        era = .adapted
        out.write(try RPC.result(id: id, initialized))
        return true
    }

    /// A 2025 request sent as a 2026-07-28 one: the envelope joins the client's own `_meta` (a progress
    /// token stays), the headers are set, and the answer goes back as the server gave it.
    func exchangeAdapted(_ message: RPCMessage) async throws {
        guard let id = message.id, let method = message.method else { return }
        if method == "logging/setLevel" {
            adapterLogLevel = Self.logLevel(in: message.raw)
            out.write(try RPC.result(id: id, [:]))
            return
        }
        guard let envelopeData = adapterEnvelope,
              var envelope = try JSONSerialization.jsonObject(with: envelopeData) as? [String: Any],
              var object = try JSONSerialization.jsonObject(with: message.raw) as? [String: Any] else { return }
        if let level = adapterLogLevel { envelope["io.modelcontextprotocol/logLevel"] = level }
        var params = object["params"] as? [String: Any] ?? [:]
        var meta = params["_meta"] as? [String: Any] ?? [:]
        meta.merge(envelope) { _, ours in ours }
        params["_meta"] = meta
        object["params"] = params
        let body = try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        let response = try await post(body, headers: Self.modernHeaders(version: ModernClient.version, method: method, name: message.name))
        try await relay(response, answering: id, rewrite: Self.completeOnly)
    }

    /// A 2025 client cannot answer a 2026 result that asks it for more input: that result becomes an error.
    static func completeOnly(_ answer: Data) -> Data {
        guard let object = try? JSONSerialization.jsonObject(with: answer) as? [String: Any],
              let result = object["result"] as? [String: Any], let kind = result["resultType"] as? String, kind != "complete" else { return answer }
        return RPC.error(id: RPCID(object["id"]), code: RPC.upstreamFailed,
                         message: "The server asks for more input mid-request (a 2026-07-28 `\(Redact.serverText(kind, limit: 30))` result), which a 2025-11-25 client cannot answer through the bridge; use a client that speaks 2026-07-28.")
    }

    static func logLevel(in raw: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: raw) as? [String: Any],
              let level = (object["params"] as? [String: Any])?["level"] as? String, level.count < 20 else { return nil }
        return level
    }
}
