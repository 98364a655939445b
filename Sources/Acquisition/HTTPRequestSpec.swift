import Foundation
import SwitchboardCore

/// One outbound HTTP request, as the engine describes it.
public struct HTTPRequestSpec: Sendable, Equatable {
    public var method: String
    public var url: URL
    public var headers: [(String, String)]
    public var body: Data?
    /// Whether a 3xx may be followed (never for token and registration endpoints).
    public var followRedirects: Bool

    public init(method: String = "GET", url: URL, headers: [(String, String)] = [], body: Data? = nil, followRedirects: Bool = false) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.followRedirects = followRedirects
    }

    public static func == (a: HTTPRequestSpec, b: HTTPRequestSpec) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body && a.followRedirects == b.followRedirects
            && a.headers.map { "\($0.0):\($0.1)" } == b.headers.map { "\($0.0):\($0.1)" }
    }
}
