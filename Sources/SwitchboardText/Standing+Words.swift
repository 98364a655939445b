import Foundation
import SwitchboardModel

/// A standing as a person reads it: the badge, the time beside it, and what a lapse means.
extension Standing {
    /// `● connected`; once the token has lapsed (the file may still say connected) `◌ expired` when the next use
    /// renews it and `✕ expired` when it needs the person; `● no refresh` for a token that ends at its expiry.
    /// Each reads without colour, and fits the list's badge column.
    public func badge(kind: AuthScheme.Kind) -> String {
        switch lapse {
        case .none: endsAtExpiry && status.isConnected ? "● no refresh" : StatusText.badge(status, kind: kind)
        case .renewsOnUse: "◌ expired"
        case .renewalFailing, .needsSignIn: "✕ expired"
        }
    }

    /// The time part alone: `in 54m`, `18s ago`.
    public func shortTiming(now: Date) -> String { StatusText.timing(status, now: now) }

    /// The time part beside the badge: `in 54m`, `18s ago, renews on use`, `in 54m, then sign in`.
    public func timing(now: Date) -> String {
        let base = StatusText.timing(status, now: now)
        switch lapse {
        case .none: return endsAtExpiry && status.isConnected && !base.isEmpty ? base + ", then sign in" : base
        case .renewsOnUse: return base + ", renews on use"
        case .renewalFailing: return base + ", renewal failing"
        case .needsSignIn: return base + ", sign in again"
        }
    }

    /// What the lapse means, in a sentence, for the detail pane and `show` (nil when nothing lapsed).
    public func lapseText(in timeZone: TimeZone) -> String? {
        switch lapse {
        case .none: nil
        case .renewsOnUse: "The token has expired; the next program that asks for it renews it."
        case .renewalFailing(let retryAt):
            "The token has expired and could not be renewed" + (retryAt.map { "; Switchboard tries again at " + TimeFormat.clock($0, in: timeZone) } ?? "") + "."
        case .needsSignIn: "The token has expired and the server issued no refresh token: sign in again."
        }
    }
}
