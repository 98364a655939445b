import Foundation

/// A named integration: one remote server and the ways Switchboard authorizes requests to it.
public struct Connection: Codable, Equatable, Sendable, Identifiable {
    /// How Switchboard talks to the server.
    public enum Transport: String, Codable, Sendable {
        case mcpHTTP = "mcp-http"
    }

    public var id: String
    public var name: String
    public var serverURL: URL
    public var transport: Transport
    public var schemes: [AuthScheme]

    public init(id: String = UUID().uuidString.lowercased(), name: String, serverURL: URL,
                transport: Transport = .mcpHTTP, schemes: [AuthScheme]) {
        self.id = id
        self.name = name
        self.serverURL = serverURL
        self.transport = transport
        self.schemes = schemes
    }

    /// The scheme used for outbound requests: the first one.
    public var primaryScheme: AuthScheme? { schemes.first }

    enum CodingKeys: String, CodingKey {
        case id, name, serverURL = "url", transport, schemes
    }
}

extension Connection {
    /// The one rule for a name a person typed: it names this connection whatever its case (`LINEAR` is
    /// `linear`), since `add` refuses a second name that differs only in case. Every command and the screen
    /// find connections through `ConnectionsFile.connection(named:)`, which asks this.
    public func isNamed(_ typed: String) -> Bool {
        name.compare(typed, options: .caseInsensitive) == .orderedSame
    }

    /// Checks a name a person typed: a slug of letters, digits, `.`, `_` and `-`.
    public static func validateName(_ name: String) throws(InvalidInput) {
        guard !name.isEmpty else { throw InvalidInput("the name is empty; give a short name such as `linear`") }
        guard name.count <= 64 else { throw InvalidInput("the name `\(name.prefix(20))…` is longer than 64 characters") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard let first = name.first, first.isLetter || first.isNumber, name.allSatisfy({ allowed.contains($0) }) else {
            throw InvalidInput("the name `\(name)` may hold only ASCII letters, digits, `.`, `_` and `-`, and must start with a letter or digit")
        }
    }
}
