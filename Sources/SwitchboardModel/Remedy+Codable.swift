import Foundation

/// A remedy in `integrations.json` (a scheme's error status): the action's name and its arguments, flat, so an
/// error written by one surface is said by every other in its own way.
extension Remedy: Codable {
    enum CodingKeys: String, CodingKey { case action, connection, secret, issuer, scheme, seal, text }

    /// The longest advice kept from the file (it is other processes' words: bounded, and shown filtered).
    public static let adviceLimit = 600

    /// Never throws: a remedy that does not read (a missing or invalid connection name, a wrong type) becomes the
    /// doctor's remedy, so one bad entry never makes the whole `integrations.json` unreadable.
    public init(from decoder: any Decoder) throws {
        do {
            self = try Self.decoded(from: decoder)
        } catch {
            self = .doctor(connection: nil)
        }
    }

    private static func decoded(from decoder: any Decoder) throws -> Remedy {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let action = try c.decode(String.self, forKey: .action)
        // A connection name as `add` accepts it, or the entry is not used (a name like `--home=/x` is no name).
        func checked(_ name: String) throws -> String {
            try Connection.validateName(name)
            return name
        }
        func name() throws -> String { try checked(try c.decode(String.self, forKey: .connection)) }
        func optionalName() throws -> String? { try c.decodeIfPresent(String.self, forKey: .connection).map(checked) }
        func text(_ s: String) -> String { String(s.prefix(adviceLimit)) }
        let this: Remedy
        switch action {
        case "reconnect": this = .reconnect(connection: try name())
        case "connect": this = .connect(connection: try name())
        case "reconnectNewPort": this = .reconnectNewPort(connection: try name())
        case "trustNewIssuer": this = .trustNewIssuer(connection: try name())
        case "setClient":
            this = .setClient(connection: try name(), secret: try c.decodeIfPresent(Bool.self, forKey: .secret) ?? false,
                              issuer: try c.decodeIfPresent(Bool.self, forKey: .issuer) ?? false)
        case "addWithClient": this = .addWithClient(connection: try name())
        case "doctor": this = .doctor(connection: try optionalName())
        case "list": this = .list
        case "remove": this = .remove(connection: try name())
        case "removeAndAddAgain":
            // A scheme kind's word, or none (it goes into a command line).
            let kind = try c.decodeIfPresent(String.self, forKey: .scheme).flatMap { AuthScheme.Kind(rawValue: $0) }
            this = .removeAndAddAgain(connection: try name(), scheme: kind?.rawValue)
        case "pasteAddress": this = .pasteAddress(connection: try optionalName())
        case "sealSecrets": this = .sealSecrets(seal: try c.decodeIfPresent(Bool.self, forKey: .seal) ?? true)
        case "advice": this = .advice(text(try c.decode(String.self, forKey: .text)))
        default:
            // A remedy a newer Switchboard wrote: say that much rather than fail to read the whole file.
            this = .advice(text(try c.decodeIfPresent(String.self, forKey: .text)
                ?? "A newer Switchboard wrote this remedy (\(String(action.filter(\.isLetter).prefix(40)))); update Switchboard to read it."))
        }
        return this
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(actionName, forKey: .action)
        switch self {
        case .setClient(_, let secret, let issuer):
            try c.encode(secret, forKey: .secret)
            try c.encode(issuer, forKey: .issuer)
        case .removeAndAddAgain(_, let scheme): try c.encodeIfPresent(scheme, forKey: .scheme)
        case .sealSecrets(let seal): try c.encode(seal, forKey: .seal)
        case .advice(let text): try c.encode(text, forKey: .text)
        default: break
        }
        try c.encodeIfPresent(connection, forKey: .connection)
    }

    var actionName: String {
        switch self {
        case .reconnect: "reconnect"
        case .connect: "connect"
        case .reconnectNewPort: "reconnectNewPort"
        case .trustNewIssuer: "trustNewIssuer"
        case .setClient: "setClient"
        case .addWithClient: "addWithClient"
        case .doctor: "doctor"
        case .list: "list"
        case .remove: "remove"
        case .removeAndAddAgain: "removeAndAddAgain"
        case .pasteAddress: "pasteAddress"
        case .sealSecrets: "sealSecrets"
        case .advice: "advice"
        }
    }
}
