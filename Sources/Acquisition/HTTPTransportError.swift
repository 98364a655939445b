import Foundation
import SwitchboardCore

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
