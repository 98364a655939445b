import Foundation
import SwitchboardCore

/// One challenge of a `WWW-Authenticate` header (RFC 7235 §4.1): a scheme and its parameters.
public struct AuthChallenge: Equatable, Sendable {
    /// The scheme, lower-cased (`bearer`).
    public var scheme: String
    /// Parameter names lower-cased; values unquoted.
    public var parameters: [String: String]
    public var token68: String?

    public subscript(_ name: String) -> String? { parameters[name.lowercased()] }

    /// RFC 9728 §5.1.
    public var resourceMetadata: URL? { self["resource_metadata"].flatMap(URL.init(string:)) }
    /// Space-separated scopes (RFC 6750 §3).
    public var scopes: [String]? { self["scope"].map { $0.split(separator: " ").map(String.init) } }
    public var error: String? { self["error"] }
}
