import Foundation

/// A scheme's `acquired` state. Stored in `integrations.json`; never holds a secret.
public enum SchemeStatus: Equatable, Sendable {
    case notConnected
    case connecting
    /// Connected; `expiresAt` is nil when the server did not say (or the token is static).
    case connected(expiresAt: Date?)
    case refreshing
    /// The credential can no longer be refreshed; the person must reconnect.
    case expired(reason: String, since: Date)
    /// A failure, and what to do about it as values (said by each surface its own way).
    case error(message: String, remedies: [RemedyStep])

    /// The stable word used in `--json` output and in the file.
    public var state: SchemeState {
        switch self {
        case .notConnected: .notConnected
        case .connecting: .connecting
        case .connected: .connected
        case .refreshing: .refreshing
        case .expired: .expired
        case .error: .error
        }
    }

    /// Connected, or refreshing a connected token.
    public var isConnected: Bool {
        switch self {
        case .connected, .refreshing: true
        default: false
        }
    }

    /// Whether a person has to act (reconnect or fix something).
    public var needsAttention: Bool {
        switch self {
        case .expired, .error: true
        default: false
        }
    }
}

extension SchemeStatus: Codable {
    enum CodingKeys: String, CodingKey { case state, expiresAt, reason, since, message, remedies, remedy }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .state) {
        case "not_connected": self = .notConnected
        case "connecting": self = .connecting
        case "connected": self = .connected(expiresAt: try c.decodeIfPresent(Date.self, forKey: .expiresAt))
        case "refreshing": self = .refreshing
        case "expired":
            self = .expired(reason: try c.decodeIfPresent(String.self, forKey: .reason) ?? "expired",
                            since: try c.decodeIfPresent(Date.self, forKey: .since) ?? Date(timeIntervalSince1970: 0))
        case "error":
            // Older files hold the remedy as a sentence (`remedy`): it reads back as plain advice.
            // At most a few steps; a list that does not read is the doctor's remedy, never an unreadable file.
            let remedies: [RemedyStep]
            if c.contains(.remedies) {
                let steps: [RemedyStep]? = try? c.decode([RemedyStep].self, forKey: .remedies)
                remedies = steps.map { Array($0.prefix(8)) } ?? [RemedyStep(.doctor(connection: nil))]
            } else {
                let sentence: String? = try? c.decode(String.self, forKey: .remedy)
                remedies = .advice(sentence.map { String($0.prefix(Remedy.adviceLimit)) })
            }
            let message = (try c.decodeIfPresent(String.self, forKey: .message)).map { String($0.prefix(Remedy.adviceLimit)) }
            self = .error(message: message ?? "error", remedies: remedies)
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .state, in: c,
                debugDescription: "unknown state `\(other)`; expected not_connected, connecting, connected, refreshing, expired or error")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(state, forKey: .state)
        switch self {
        case .connected(let expiresAt): try c.encodeIfPresent(expiresAt, forKey: .expiresAt)
        case .expired(let reason, let since):
            try c.encode(reason, forKey: .reason)
            try c.encode(since, forKey: .since)
        case .error(let message, let remedies):
            try c.encode(message, forKey: .message)
            if !remedies.isEmpty { try c.encode(remedies, forKey: .remedies) }
        case .notConnected, .connecting, .refreshing: break
        }
    }
}
