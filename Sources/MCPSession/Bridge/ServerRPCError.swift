import Acquisition
import Foundation
import SwitchboardCore

/// The server answered a request with a JSON-RPC error (over an HTTP error status): passed to the client as is.
struct ServerRPCError: Error, CustomStringConvertible {
    var id: RPCID
    /// The error object's JSON.
    var error: Data
    var code: Int
    var text: String
    var status: Int

    var description: String { "the server answered HTTP \(status): \(Redact.serverText(text, limit: 160))" }
    var message: Data { Data("{\"jsonrpc\":\"2.0\",\"id\":\(id.json),\"error\":".utf8) + error + Data("}".utf8) }
}
