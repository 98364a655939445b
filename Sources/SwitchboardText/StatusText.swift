import Foundation
import SwitchboardModel

/// The words and glyphs that show a status, shared by the screen and the command line,
/// so meaning never depends on colour.
public enum StatusText {
    /// `● connected`, `◌ refreshing`, `✕ expired`, `○ not connected`, `! error`, `● static`.
    public static func badge(_ status: SchemeStatus, kind: AuthScheme.Kind) -> String {
        switch status {
        case .connected where kind == .bearer: "● static"
        case .connected where kind == .none: "● no auth"
        case .connected: "● connected"
        case .notConnected where kind == .none: "● no auth"
        case .notConnected: "○ not connected"
        case .connecting: "◌ connecting"
        case .refreshing: "◌ refreshing"
        case .expired: "✕ expired"
        case .error: "! error"
        }
    }

    /// The time part next to a badge: `in 54m`, `2m ago`, or empty.
    public static func timing(_ status: SchemeStatus, now: Date) -> String {
        switch status {
        case .connected(let expiresAt?): expiresAt > now ? "in " + duration(expiresAt.timeIntervalSince(now)) : duration(now.timeIntervalSince(expiresAt)) + " ago"
        case .expired(_, let since): duration(max(0, now.timeIntervalSince(since))) + " ago"
        default: ""
        }
    }

    /// A short duration: `45s`, `54m`, `3h`, `2d`.
    public static func duration(_ seconds: TimeInterval) -> String {
        // Clamped before the conversion, which traps on NaN and beyond Int's range (a date from a file can be anything).
        let s = seconds.isNaN ? 0 : Int(min(max(seconds.rounded(.down), -1), 1e15))
        if s < 60 { return "\(max(0, s))s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86400 * 2 { return "\(s / 3600)h" + (s % 3600 >= 60 && s < 36000 ? "\((s % 3600) / 60)m" : "") }
        return "\(s / 86400)d"
    }


    /// The MCP era a server answered in, for people: the version and what kind of wire it is.
    public static func era(_ version: String) -> String {
        switch version {
        case "2026-07-28": "2026-07-28 (stateless)"
        case "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05": version + " (initialize handshake)"
        default: version.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) ? String(version.prefix(20)) : "?"
        }
    }

    /// The same, short enough for the detail pane's expiry row: what the schedule does with such tokens.
    public static func shortLifetimeTag(_ lifetime: Double?) -> String? {
        shortSeconds(lifetime).map { seconds in
            RefreshPolicy.isTooShort(lifetime) ? "\(seconds) s tokens: renewed on use, ≥\(Int(RefreshPolicy.floor)) s apart"
                : "short \(seconds) s tokens: renewed every \(Int((lifetime! - RefreshPolicy.margin(lifetime: lifetime)).rounded())) s"
        }
    }

    /// For a server whose tokens live unusually short: what Switchboard does about it.
    public static func shortLifetimeNote(_ lifetime: Double?) -> String? {
        shortSeconds(lifetime).map { seconds in
            RefreshPolicy.isTooShort(lifetime)
                ? "tokens last only \(seconds) s: renewed at most every \(Int(RefreshPolicy.floor)) s (less often while they stay that short), and on use between"
                : "tokens last only \(seconds) s: renewed \(Int(RefreshPolicy.margin(lifetime: lifetime).rounded())) s before each expires"
        }
    }

    /// A lifetime below `RefreshPolicy.shortLifetime`, in whole seconds; nil for a usual one, and for one that is
    /// no lifetime (negative, NaN: never converted, since `Int(_:)` traps on them).
    private static func shortSeconds(_ lifetime: Double?) -> Int? {
        guard let lifetime, lifetime >= 0, lifetime < RefreshPolicy.shortLifetime else { return nil }
        return Int(lifetime.rounded())
    }
}

