import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem

/// Everything secret about one scheme.
public struct SchemeSecrets: Codable, Equatable, Sendable {
    /// Client registrations keyed by issuer; a registration is never sent to another server.
    public var registrations: [String: ClientRegistration]
    public var tokens: TokenSet?
    /// The static token of a `bearer` scheme.
    public var bearerToken: String?
    /// The client secret a person entered for an `oauth` (manual) scheme.
    public var manualClientSecret: String?
    /// The authorization server that secret was first used with: it is never sent to another one.
    public var manualClientIssuer: String?

    public init(registrations: [String: ClientRegistration] = [:], tokens: TokenSet? = nil,
                bearerToken: String? = nil, manualClientSecret: String? = nil) {
        self.registrations = registrations
        self.tokens = tokens
        self.bearerToken = bearerToken
        self.manualClientSecret = manualClientSecret
    }

    public var isEmpty: Bool { registrations.isEmpty && tokens == nil && bearerToken == nil && manualClientSecret == nil }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        registrations = try c.decodeIfPresent([String: ClientRegistration].self, forKey: .registrations) ?? [:]
        tokens = try c.decodeIfPresent(TokenSet.self, forKey: .tokens)
        bearerToken = try c.decodeIfPresent(String.self, forKey: .bearerToken)
        manualClientSecret = try c.decodeIfPresent(String.self, forKey: .manualClientSecret)
        manualClientIssuer = try c.decodeIfPresent(String.self, forKey: .manualClientIssuer)
    }
}

extension SchemeSecrets: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SchemeSecrets(registrations: \(registrations.count), tokens: \(tokens.map { "\($0)" } ?? "none"))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }
}
