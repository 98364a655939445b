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
