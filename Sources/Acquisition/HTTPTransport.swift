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

/// A response with its body read (and capped).
public struct HTTPResponseSpec: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

}

/// A response's headers, looked up case-insensitively.
public protocol HTTPHeaderLookup {
    var headers: [(String, String)] { get }
}

extension HTTPHeaderLookup {
    /// All values of a header, case-insensitively.
    public func values(_ name: String) -> [String] {
        headers.filter { $0.0.caseInsensitiveCompare(name) == .orderedSame }.map(\.1)
    }

    public func value(_ name: String) -> String? { values(name).first }
}

extension HTTPResponseSpec: HTTPHeaderLookup {}
extension HTTPStreamingResponse: HTTPHeaderLookup {}

/// Why an HTTP call did not produce a response.
public enum HTTPTransportError: Error, Equatable, Sendable, CustomStringConvertible, AdvisedFailure {
    /// No complete answer within the deadline (`limit`, when known): a server cannot stretch it by answering slowly.
    case timedOut(URL, limit: Duration?)
    case bodyTooLarge(URL, limit: Int)
    case connectionFailed(URL, String)
    /// Connection refused: no program listens on that address and port (a server not started, a wrong port).
    case nothingListening(URL)
    /// The host name could not be resolved (a typo, no DNS, a name only another network knows).
    case nameNotResolved(URL)
    case refusedInsecure(URL)
    /// The server's TLS was refused: its certificate, its name, its dates, or the handshake.
    case tls(URL, TLSFailure)
    /// A trust variable (`SSL_CERT_FILE`, `SSL_CERT_DIR`, `SWITCHBOARD_CA_FILE`) cannot be used: no https request is made.
    case trustUnusable(URL, TLSTrust.Problem)
    /// A request header HTTP cannot carry (a control character in its value): not sent. Only the header's
    /// name is kept, since its value is usually a credential.
    case refusedHeader(URL, name: String)

    public var description: String {
        switch self {
        case .timedOut(let u, let limit):
            "\(Redact.url(u)) did not answer in time" + (limit.map { " (no complete answer within \(Self.words($0)))" } ?? "")
        case .bodyTooLarge(let u, let limit): "\(Redact.url(u)) sent more than \(limit / 1024) KiB"
        case .connectionFailed(let u, let why): "could not reach \(Redact.url(u)): \(why)"
        case .nothingListening(let u): "nothing is listening on \(Self.hostPort(u)) (connection refused)"
        case .nameNotResolved(let u): "the name \(u.host.map { Redact.serverText($0, limit: 120) } ?? "?") could not be resolved (DNS)"
        case .refusedInsecure(let u): "\(Redact.url(u)) is not https (only loopback may use http)"
        // The sentence alone: the engine's messages already name the address ("Reaching URL failed: …").
        case .tls(_, let failure): failure.sentence
        case .trustUnusable(_, let problem): "the trusted certificates are not set up: \(problem)"
        case .refusedHeader(let u, let name):
            "the request to \(Redact.url(u)) was not sent: its `\(Redact.serverText(name, limit: 40))` header holds a control character, "
                + "which HTTP forbids (the value is not shown); if it holds a stored token, remove the connection and add it again with the token alone"
        }
    }

    /// What to do instead of checking the network, when that would not help.
    public var advice: String? {
        switch self {
        case .tls(_, let failure): failure.advice
        case .trustUnusable(_, let problem): problem.advice
        case .refusedHeader: "Add the connection again with a token that holds only visible characters."
        case .nothingListening: "Check that the server is running and that the URL's port is right."
        case .nameNotResolved: "Check the spelling of the host name, and that this machine can resolve it (DNS, VPN)."
        case .timedOut(let u, _):
            "The server at \(u.host.map { Redact.serverText($0, limit: 80) } ?? "that address") is slow or stuck: try again in a minute; "
                + "if it keeps happening, check the network and the server's status."
        default: nil
        }
    }

    /// `host:port` of a URL, the port its scheme implies when none is written.
    static func hostPort(_ u: URL) -> String {
        let host = u.host.map { Redact.serverText($0, limit: 120) } ?? "?"
        let port = u.port ?? (u.scheme == "https" ? 443 : 80)
        return (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    /// A deadline in words: "10 s", "1.5 s", "250 ms".
    static func words(_ limit: Duration) -> String {
        let ms = Int(limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000)
        if ms < 1000 { return "\(ms) ms" }
        return ms % 1000 == 0 ? "\(ms / 1000) s" : String(format: "%.1f s", Double(ms) / 1000)
    }
}

/// The engine's only way to the network; live over AsyncHTTPClient, replaceable in tests.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequestSpec) async throws -> HTTPResponseSpec
}

/// A response whose body arrives as it is sent: the MCP bridge relays server-sent events while the
/// server is still writing (a server request inside a tool call must reach the client before the result).
public struct HTTPStreamingResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    /// The body's chunks; ends when the server ends it. Dropping the iteration cancels the request.
    public var body: AsyncThrowingStream<Data, any Error>

    public init(status: Int, headers: [(String, String)], body: AsyncThrowingStream<Data, any Error>) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Reads the whole body, up to `limit` bytes (a short answer: an error, a JSON result).
    public func collect(upTo limit: Int) async throws -> Data {
        var out = Data()
        for try await chunk in body {
            out.append(chunk)
            if out.count > limit { throw HTTPTransportError.bodyTooLarge(URL(fileURLWithPath: "/"), limit: limit) }
        }
        return out
    }
}

/// HTTP whose response bodies stream: the deadline covers the response head; after it, `idleTimeout` bounds
/// each silence of the body (nil: none, for a stream that may idle as long as the server has nothing to say).
public protocol HTTPStreamingTransport: Sendable {
    func stream(_ request: HTTPRequestSpec, headDeadline: Duration, idleTimeout: Duration?) async throws -> HTTPStreamingResponse
}
