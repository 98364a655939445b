import Foundation

/// Why a server's TLS was refused, as one sentence a person can act on. The library's own text (error stacks,
/// build paths) never reaches here: `TLSFailure.Symptom` reads it, and a look at the certificate names the rest.
public enum TLSFailure: Equatable, Sendable {
    /// The certificate chains to an authority this machine does not trust (`issuer`: the top of the chain sent).
    case unknownAuthority(host: String, issuer: String?)
    /// The certificate is trusted but made out to other names.
    case nameMismatch(host: String, names: [String])
    case expired(host: String, on: Date)
    case notYetValid(host: String, from: Date)
    /// The handshake did not complete: the server ended it, spoke no TLS, or offered nothing in common.
    case handshakeRefused(host: String, reason: String)

    public var sentence: String {
        switch self {
        case .unknownAuthority(let host, let issuer?):
            "the certificate of \(host) was issued by \(issuer), an authority this machine does not trust"
        case .unknownAuthority(let host, nil):
            "the certificate of \(host) was issued by an authority this machine does not trust"
        case .nameMismatch(let host, let names) where names.isEmpty:
            "the certificate \(host) presented is made out to another name, not \(host)"
        case .nameMismatch(let host, let names):
            "the certificate \(host) presented is for \(Self.list(names)), not \(host)"
        case .expired(let host, let date):
            "the certificate of \(host) expired on \(Self.format(date))"
        case .notYetValid(let host, let date):
            "the certificate of \(host) is not valid until \(Self.format(date))"
        case .handshakeRefused(let host, let reason):
            "the TLS handshake with \(host) was refused: \(reason)"
        }
    }

    /// What to do next.
    public var advice: String {
        switch self {
        case .unknownAuthority:
            "If you trust that authority (a company proxy, a private CA), add its certificate with SWITCHBOARD_CA_FILE=/path/to/ca.pem, "
                + "or point SSL_CERT_FILE or SSL_CERT_DIR at a bundle that holds it; the doctor shows the trust in use."
        case .nameMismatch:
            "Check the server address; if it is right, the server's certificate is wrong: tell its operator."
        case .expired:
            "Tell the server's operator; if that date has not passed, correct this machine's clock."
        case .notYetValid:
            "Check this machine's clock; if it is right, tell the server's operator."
        case .handshakeRefused:
            "Check that the address is https and its port right; if it is, the server wants something Switchboard does not offer."
        }
    }

    static func list(_ names: [String]) -> String {
        let shown = names.prefix(4).joined(separator: ", ")
        return names.count > 4 ? "\(shown) and \(names.count - 4) more" : shown
    }

    static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}
