import Foundation
import Logging
import SwitchboardCore

/// When a token counts as fresh: more than 60 s from expiry, or a quarter of its lifetime for
/// short-lived tokens (so a 40-second token is not refreshed on every use).
public enum Freshness {
    /// Refresh ahead of expiry by a quarter of the token's life, at most a minute. (No one-second
    /// minimum: with it a 1-second token was never fresh, and every request refreshed it.)
    public static func margin(for t: TokenSet) -> TimeInterval { RefreshPolicy.margin(lifetime: lifetime(t)) }

    /// How long the token was issued for.
    public static func lifetime(_ t: TokenSet) -> TimeInterval? {
        t.expiresAt.map { max(0, $0.timeIntervalSince(t.obtainedAt)) }
    }


    public static func isFresh(_ t: TokenSet, now: Date) -> Bool {
        guard let exp = t.expiresAt else { return true }
        return exp.timeIntervalSince(now) > margin(for: t)
    }

    /// When a token may next be refreshed on demand: not within the scheduler's floor of being obtained,
    /// however short the life the server gave it (else a token of a millisecond is refreshed on every use).
    public static func earliestRefresh(_ t: TokenSet) -> Date { t.obtainedAt.addingTimeInterval(RefreshPolicy.floor) }

    /// Whether a token may be handed out on demand as it is: fresh, or not yet expired while a refresh
    /// would come within the floor (the margin is waived then; expiry never is).
    public static func isUsable(_ t: TokenSet, now: Date) -> Bool {
        if isFresh(t, now: now) { return true }
        guard let exp = t.expiresAt else { return true }
        return exp > now && now < earliestRefresh(t)
    }

    /// When the scheduler should refresh.
    public static func refreshDue(_ t: TokenSet) -> Date? {
        t.expiresAt.map { $0.addingTimeInterval(-margin(for: t)) }
    }
}
