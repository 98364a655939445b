import Foundation

/// The stable word for where a scheme stands, as `integrations.json` and `--json` output spell it.
public enum SchemeState: String, Codable, Sendable, CaseIterable {
    case notConnected = "not_connected"
    case connecting
    case connected
    case refreshing
    case expired
    case error
}
