import Foundation
import SwitchboardModel

/// The facts of a connection's scheme, in order, as the detail pane and `show` both print them: one source, so
/// the two never disagree ("failed, will retry" on one and "(failed)" on the other), and what a disconnect
/// forgot is gone from both. A remedy is a value; each surface says it its own way (a key, a command line).
public enum ConnectionFacts {
    public static func facts(_ c: Connection, _ s: AuthScheme, now: Date, timeZone: TimeZone,
                             remedy: (Remedy) -> String) -> [Fact] {
        let standing = s.standing(at: now)
        var rows: [Fact] = []
        let timing = standing.timing(now: now)
        rows.append(Fact("status", standing.badge(kind: s.kind) + (timing.isEmpty ? "" : "  " + timing), alert: standing.needsAttention))
        // The MCP era the server answered in rides on the server row, so it shows even on a small screen.
        rows.append(Fact("server", c.serverURL.absoluteString + (s.info.mcpEra.map { " · MCP " + StatusText.era($0) } ?? "")))
        if s.kind.isOAuth {
            rows.append(Fact("issuer", s.info.issuer ?? "—"))
            let client = s.info.clientID ?? s.clientID
            rows.append(Fact("client", client.map { String($0.prefix(60)) } ?? "—"))
            let scopes = s.info.grantedScopes.isEmpty ? s.scopes : s.info.grantedScopes
            rows.append(Fact("scopes", scopes.isEmpty ? "—" : scopes.joined(separator: " ")))
        }
        if case .connected(let exp?) = s.status {
            // Unusually short tokens explain a countdown that keeps jumping back.
            rows.append(Fact("expires", TimeFormat.clock(exp, in: timeZone) + (StatusText.shortLifetimeTag(s.info.tokenLifetime).map { " · " + $0 } ?? "")))
        }
        if let lapse = standing.lapseText(in: timeZone) {
            rows.append(Fact("lapsed", lapse + (standing.needsAttention ? " " + remedy(.reconnect(connection: c.name)) + "." : ""),
                             alert: standing.needsAttention))
        } else if standing.endsAtExpiry, s.status.isConnected {
            rows.append(Fact("renewal", "The server issued no refresh token: when the token expires, sign in again."))
        }
        if let refresh = refreshLine(s, standing: standing, now: now, timeZone: timeZone) { rows.append(Fact("refresh", refresh)) }
        if let check = s.info.lastCheck {
            rows.append(Fact("tested", check + (s.info.lastCheckAt.map { " (" + StatusText.duration(max(0, now.timeIntervalSince($0))) + " ago)" } ?? "")))
        }
        switch s.status {
        case .error(let message, let steps):
            rows.append(Fact("error", message, alert: true))
            if !steps.isEmpty { rows.append(Fact("remedy", RemedyStep.say(steps, with: remedy))) }
        case .expired(let reason, _):
            rows.append(Fact("expired", reason, alert: true))
            rows.append(Fact("remedy", remedy(.reconnect(connection: c.name))))
        default: break
        }
        return rows
    }

    /// The last refresh ("4m ago (rotated)"; a failure says when it is tried again, or that it gave up) and the
    /// scheduler's next one (`RefreshPolicy.due`, the plan that runs).
    static func refreshLine(_ s: AuthScheme, standing: Standing, now: Date, timeZone: TimeZone) -> String? {
        var parts: [String] = []
        if let at = s.info.lastRefreshAt {
            let result: String
            switch (s.info.lastRefreshResult, s.status) {
            case ("failed", .expired): result = "failed, gave up"
            case ("failed", _): result = "failed" + (s.info.retryAt.map { ", retry at " + TimeFormat.clock($0, in: timeZone) } ?? ", will retry")
            case (_, _) where s.info.lastRefreshRotated == true: result = "rotated"
            default: result = s.info.lastRefreshResult.map { TerminalText.safe($0, limit: 20) } ?? "?"
            }
            parts.append("last \(StatusText.duration(max(0, now.timeIntervalSince(at)))) ago (\(result))")
        }
        if let due = standing.nextRefresh, standing.lapse != .needsSignIn, s.info.lastRefreshResult != "failed" {
            parts.append(due > now ? "next in " + StatusText.duration(due.timeIntervalSince(now)) : "next due now")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }
}
