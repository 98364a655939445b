import Foundation

/// How politely Switchboard refreshes.
public enum RefreshPolicy {
    /// Tokens living less than this are unusually short; the screen says so.
    public static let shortLifetime: Double = 60
    /// Neither the scheduler nor a program asking for a token refreshes a scheme more often than this, however
    /// short the life a server gives its tokens (on demand, see `Freshness.isUsable` and `earliestRefresh`).
    public static let floor: Double = 5
    /// The scheduler's floor doubles with each short-lived token in a row, up to this.
    public static let maxFloor: Double = 300

    /// How long before expiry a token is refreshed: a quarter of its life, at most a minute (the scheduler's rule;
    /// no one-second minimum, or a 1-second token would never be fresh).
    public static func margin(lifetime: TimeInterval?) -> TimeInterval {
        lifetime.map { min(60, max(0, $0) / 4) } ?? 0
    }

    /// A token living no longer than the floor is too short to refresh before it expires without refreshing
    /// nearly all the time: the scheduler renews it at most once per floor (doubling while the server keeps
    /// issuing such tokens), and a program that needs it meanwhile renews it on use. Every longer token is
    /// renewed before it expires, whatever the floor.
    public static func isTooShort(_ lifetime: Double?) -> Bool {
        guard let lifetime else { return false }
        return lifetime <= floor
    }

    /// The scheduler's spacing after `streak` too-short tokens in a row: the floor, doubling, at most `maxFloor`.
    public static func spacing(streak: Int) -> TimeInterval {
        min(maxFloor, floor * pow(2, Double(min(16, max(1, streak) - 1))))
    }

    /// The one rule for when a connected token is renewed next, read by the scheduler and by every display
    /// (the header, the detail pane, `status`), so what they show is the plan that runs:
    /// a margin before expiry (a quarter of the life, at most a minute), never sooner than the floor after it
    /// was obtained, spaced out only for too-short tokens, and no sooner than a retry after failures allows.
    /// A server that answers never sees a token of usual length lapse: for any lifetime above the floor the
    /// result is before `expiresAt` unless failures put the retry later.
    public static func due(expiresAt: Date, lifetime: Double?, shortStreak: Int = 0, retryAt: Date? = nil) -> Date {
        // A lifetime from a file is anything: none that is not a finite number of seconds counts.
        let life = lifetime.flatMap { $0.isFinite && $0 >= 0 ? min($0, 1e9) : nil } ?? 240
        let obtained = expiresAt.addingTimeInterval(-max(0, life))
        var due = expiresAt.addingTimeInterval(-margin(lifetime: life))
        let earliest = obtained.addingTimeInterval(isTooShort(life) ? spacing(streak: max(1, shortStreak)) : floor)
        due = max(due, earliest)
        if let retryAt, retryAt > due { due = retryAt }
        return due
    }

    /// Seconds to wait after `failures` failed refreshes in a row: the floor, doubling, at most 5 minutes; while
    /// the token is still valid, the next try comes before it expires (a failure never lets a token lapse that
    /// another try could have saved).
    public static func retry(after failures: Int, now: Date, expiresAt: Date?) -> Date {
        let backoff = min(300, floor * pow(2, Double(min(16, max(1, failures) - 1))))
        var at = now.addingTimeInterval(backoff)
        if let expiresAt, expiresAt.timeIntervalSince(now) > 2 * floor {
            at = min(at, expiresAt.addingTimeInterval(-floor))
        }
        return at
    }
}
