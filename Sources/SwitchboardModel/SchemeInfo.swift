import Foundation

/// Non-secret facts about a scheme's authorization, shown in the detail pane.
public struct SchemeInfo: Codable, Equatable, Sendable {
    public var issuer: String?
    public var clientID: String?
    public var grantedScopes: [String]
    public var lastRefreshAt: Date?
    public var lastRefreshResult: String?
    /// Whether the last refresh brought a new refresh token.
    public var lastRefreshRotated: Bool?
    public var lastError: String?
    public var supportsRevocation: Bool?
    /// The last `switchboard check`: when, and what it found (or why it failed).
    public var lastCheckAt: Date?
    public var lastCheck: String?
    /// The MCP era the server answered in last (`2026-07-28` or `2025-11-25`), tried first next time.
    public var mcpEra: String?
    /// How long the server's last access token lived, in seconds (nil: no expiry given).
    public var tokenLifetime: Double?
    /// Whether the server issued a refresh token with the last access token (nil: not recorded, an older file).
    public var renewable: Bool?
    /// The refresh schedule's state, kept here so every process (the scheduler, the screen, `status`) reads one
    /// plan: failed refreshes in a row, when the next try is allowed after them, and how many too-short tokens in a
    /// row the server has issued (`RefreshPolicy.due`).
    public var refreshFailures: Int?
    public var retryAt: Date?
    public var shortStreak: Int?

    /// After a disconnect: what described the ended session goes (the last refresh, its schedule, the last test,
    /// the error); what describes the server and the client stays (issuer, client id, era, revocation support).
    public mutating func forgetSession() {
        lastRefreshAt = nil
        lastRefreshResult = nil
        lastRefreshRotated = nil
        lastError = nil
        lastCheckAt = nil
        lastCheck = nil
        renewable = nil
        refreshFailures = nil
        retryAt = nil
        shortStreak = nil
        grantedScopes = []
    }

    public init(issuer: String? = nil, clientID: String? = nil, grantedScopes: [String] = [],
                lastRefreshAt: Date? = nil, lastRefreshResult: String? = nil, lastError: String? = nil,
                supportsRevocation: Bool? = nil) {
        self.issuer = issuer
        self.clientID = clientID
        self.grantedScopes = grantedScopes
        self.lastRefreshAt = lastRefreshAt
        self.lastRefreshResult = lastRefreshResult
        self.lastError = lastError
        self.supportsRevocation = supportsRevocation
    }

    enum CodingKeys: String, CodingKey {
        case issuer, clientID = "clientId", grantedScopes, lastRefreshAt, lastRefreshResult, lastRefreshRotated, lastError, supportsRevocation, lastCheckAt, lastCheck, mcpEra, tokenLifetime
        case renewable, refreshFailures, retryAt, shortStreak
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try c.decodeIfPresent(String.self, forKey: .issuer)
        clientID = try c.decodeIfPresent(String.self, forKey: .clientID)
        grantedScopes = try c.decodeIfPresent([String].self, forKey: .grantedScopes) ?? []
        lastRefreshAt = try c.decodeIfPresent(Date.self, forKey: .lastRefreshAt)
        lastRefreshResult = try c.decodeIfPresent(String.self, forKey: .lastRefreshResult)
        lastRefreshRotated = try c.decodeIfPresent(Bool.self, forKey: .lastRefreshRotated)
        lastError = try c.decodeIfPresent(String.self, forKey: .lastError)
        supportsRevocation = try c.decodeIfPresent(Bool.self, forKey: .supportsRevocation)
        lastCheckAt = try c.decodeIfPresent(Date.self, forKey: .lastCheckAt)
        lastCheck = try c.decodeIfPresent(String.self, forKey: .lastCheck)
        mcpEra = try c.decodeIfPresent(String.self, forKey: .mcpEra)
        tokenLifetime = try c.decodeIfPresent(Double.self, forKey: .tokenLifetime)
        if let tokenLifetime, !(tokenLifetime.isFinite && tokenLifetime >= 0) {
            throw DecodingError.dataCorruptedError(forKey: .tokenLifetime, in: c, debugDescription: "must be a number of seconds, 0 or more, not \(tokenLifetime)")
        }
        renewable = try c.decodeIfPresent(Bool.self, forKey: .renewable)
        // Counters from a file are bounded: a hand-edited huge number must not overflow the arithmetic on them.
        refreshFailures = try c.decodeIfPresent(Int.self, forKey: .refreshFailures).map { min(max(0, $0), 64) }
        retryAt = try c.decodeIfPresent(Date.self, forKey: .retryAt)
        shortStreak = try c.decodeIfPresent(Int.self, forKey: .shortStreak).map { min(max(0, $0), 64) }
    }
}
