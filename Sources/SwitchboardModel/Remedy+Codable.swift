import Foundation

/// A remedy in `integrations.json` (a scheme's error status): the action's name and its arguments, flat, so an
/// error written by one surface is said by every other in its own way.
extension Remedy: Codable {
    enum CodingKeys: String, CodingKey { case action, connection, secret, issuer, scheme, seal, text }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let action = try c.decode(String.self, forKey: .action)
        func name() throws -> String { try c.decode(String.self, forKey: .connection) }
        switch action {
        case "reconnect": self = .reconnect(connection: try name())
        case "connect": self = .connect(connection: try name())
        case "reconnectNewPort": self = .reconnectNewPort(connection: try name())
        case "trustNewIssuer": self = .trustNewIssuer(connection: try name())
        case "setClient":
            self = .setClient(connection: try name(), secret: try c.decodeIfPresent(Bool.self, forKey: .secret) ?? false,
                              issuer: try c.decodeIfPresent(Bool.self, forKey: .issuer) ?? false)
        case "addWithClient": self = .addWithClient(connection: try name())
        case "doctor": self = .doctor(connection: try c.decodeIfPresent(String.self, forKey: .connection))
        case "list": self = .list
        case "remove": self = .remove(connection: try name())
        case "removeAndAddAgain":
            self = .removeAndAddAgain(connection: try name(), scheme: try c.decodeIfPresent(String.self, forKey: .scheme))
        case "pasteAddress": self = .pasteAddress(connection: try c.decodeIfPresent(String.self, forKey: .connection))
        case "sealSecrets": self = .sealSecrets(seal: try c.decodeIfPresent(Bool.self, forKey: .seal) ?? true)
        case "advice": self = .advice(try c.decode(String.self, forKey: .text))
        default:
            // A remedy a newer Switchboard wrote: say that much rather than fail to read the whole file.
            self = .advice(try c.decodeIfPresent(String.self, forKey: .text) ?? "See `\(action)` in a newer Switchboard.")
        }
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
