import Foundation
import SwitchboardModel
import SwitchboardText

/// The "use my own client" panel: the manual path on the screen, for a server that refuses
/// self-registration. It keeps the connection and its redirect URI (what the person registers).
public struct ClientForm: Equatable, Sendable {
    public enum Field: Int, CaseIterable, Sendable { case clientID, secret, port }

    public var name: String
    public var clientID = ""
    /// Typed without echo: the view shows one dot per character, never the text.
    public var secret = ""
    public var port: String
    public var focus: Field = .clientID
    public var error: String?

    public init(name: String, clientID: String?, redirectPort: Int?) {
        self.name = name
        self.clientID = clientID ?? ""
        self.port = redirectPort.map(String.init) ?? ""
    }

    /// The redirect URI the form would keep, when the port is valid.
    public var redirectURI: String? {
        Int(port).flatMap { AuthScheme.redirectPorts.contains($0) ? AuthScheme.redirectURI(port: $0) : nil }
    }

    /// Checks what `switchboard set-client` checks; the effect to run, or the problem in words.
    func submission() throws(InvalidInput) -> AppEffect {
        let id = clientID.trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty else { throw InvalidInput("type the client id from the provider's dashboard") }
        var chosen: Int?
        if !port.isEmpty {
            guard let p = Int(port) else {
                throw InvalidInput("the redirect port is a number between \(AuthScheme.redirectPorts.lowerBound) and \(AuthScheme.redirectPorts.upperBound)")
            }
            try AuthScheme.validateRedirectPort(p)
            chosen = p
        }
        return .setClient(name: name, clientID: id, clientSecret: secret.isEmpty ? nil : secret, redirectPort: chosen)
    }

    mutating func move(_ delta: Int) {
        let all = Field.allCases
        focus = all[(focus.rawValue + delta + all.count) % all.count]
    }

    mutating func edit(_ body: (inout String) -> Void) {
        switch focus {
        case .clientID: body(&clientID)
        case .secret: body(&secret)
        case .port:
            body(&port)
            port = String(port.filter(\.isNumber).prefix(5))
        }
        error = nil
    }
}
