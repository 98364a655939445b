import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request as the fixture sees it.
public struct FixtureRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: Data

    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    public func queryValue(_ name: String) -> String? { query.first { $0.0 == name }?.1 }

    /// The body as a form.
    public var form: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in FixtureForm.decode(String(decoding: body, as: UTF8.self)) where out[k] == nil { out[k] = v }
        return out
    }
}
