import Foundation
import SwitchboardModel

/// How activity reads for people: the `log` command and the screen's timeline use the same words.
public enum ActivityText {
    /// A glyph that tells apart success, a failure that will be retried, and one that gave up.
    public static func glyph(_ e: ActivityEvent) -> String {
        switch e.kind {
        case .connected, .refreshed, .disconnected: "●"
        case .checked: e.reason == nil ? "●" : "!"
        case .refreshFailed: e.willRetry == false ? "✕" : "⟳"
        case .connectFailed, .expired: "✕"
        case .stepUp, .serverMoved: "↑"
        case .bridgeStarted, .bridgeStopped: "⇄"
        case .bridgeFailed: "✕"
        }
    }

    /// The event's words, without the time or the connection: `refreshed by token in 120 ms · rotated · valid until …`.
    public static func describe(_ e: ActivityEvent, timeZone: TimeZone) -> String {
        var parts: [String] = []
        let who = e.by.isEmpty ? "" : " by \(e.by)"
        switch e.kind {
        case .connected:
            parts.append("connected\(who)" + (e.how.map { " (\($0))" } ?? ""))
        case .connectFailed:
            parts.append("sign-in failed\(who)" + (e.reason.map { ": \($0)" } ?? ""))
        case .refreshed:
            parts.append("refreshed\(who)" + (e.milliseconds.map { " in \($0) ms" } ?? ""))
            if e.rotated == true { parts.append("rotated") }
        case .refreshFailed:
            parts.append("refresh failed\(who)" + (e.reason.map { ": \($0)" } ?? ""))
            if e.willRetry == false {
                parts.append("gave up: reconnect needed")
            } else {
                parts.append(e.retryAt.map { "will retry at \(time($0, timeZone))" } ?? "will retry on next use")
            }
        case .expired:
            parts.append("expired" + (e.reason.map { ": \($0)" } ?? ""))
            parts.append("reconnect needed")
        case .disconnected:
            parts.append("disconnected\(who)" + (e.revoked == true ? ", tokens revoked" : ", tokens deleted (not revoked at the server)"))
        case .stepUp:
            parts.append("more access asked\(who): " + (e.scopesBefore ?? []).joined(separator: " ") + " → " + (e.scopesAfter ?? []).joined(separator: " "))
        case .serverMoved:
            parts.append("authorization server moved" + (e.issuer.map { " to \($0)" } ?? ""))
        case .checked:
            if let reason = e.reason {
                parts.append("check failed\(who): \(reason)")
            } else {
                parts.append("checked\(who)" + (e.era.map { " · MCP \($0)" } ?? "") + (e.tools.map { " · \($0) tool\($0 == 1 ? "" : "s")" } ?? ""))
            }
        case .bridgeStarted, .bridgeStopped, .bridgeFailed:
            parts.append(bridge(e))
        }
        if let exp = e.expiresAt, e.kind == .connected || e.kind == .refreshed { parts.append("valid until \(time(exp, timeZone))") }
        return parts.joined(separator: " · ")
    }

    /// `bridge for Claude Desktop 0.9.2 started`, `bridge for Cursor 1.7.3 stopped · 37 requests served`,
    /// `bridge for Cursor 1.7.3 failed: …` (no `by`: a bridge's events are by the bridge).
    static func bridge(_ e: ActivityEvent) -> String {
        let client = e.clientName.map { " for " + $0 + (e.clientVersion.map { " " + $0 } ?? "") } ?? ""
        let served = e.requests.map { " · \($0) request\($0 == 1 ? "" : "s") served" } ?? ""
        switch e.kind {
        case .bridgeStarted: return "bridge\(client) started"
        case .bridgeStopped: return "bridge\(client) stopped" + served
        default: return "bridge\(client) failed" + (e.reason.map { ": " + $0 } ?? "") + served
        }
    }

    /// `14:03:12`, in the zone.
    public static func time(_ date: Date, _ timeZone: TimeZone) -> String { TimeFormat.time(date, in: timeZone) }

    /// One line of `switchboard log`: date, time and zone, the connection, the glyph and the words.
    /// `name`: the connection's name as the caller lays it out (padded to a column, so the events line up).
    public static func logLine(_ e: ActivityEvent, timeZone: TimeZone, name: String? = nil) -> String {
        return "\(TimeFormat.clock(e.at, in: timeZone, seconds: true))  \(name ?? e.connection)  \(glyph(e)) \(describe(e, timeZone: timeZone))"
    }
}
