import Foundation
import SwitchboardModel

/// One row of `switchboard status --json`: one scheme of one connection, as scripts see it.
public struct StatusRow: Codable, Equatable, Sendable {
    public var name: String
    public var url: String
    public var scheme: String
    public var kind: String
    public var state: String
    public var expiresAt: Date?
    public var needsAttention: Bool
    public var issuer: String?
    public var message: String?
    public var remedy: String?
    /// The bridges serving this scheme now (`switchboard bridge`), oldest first; absent when none runs.
    /// Never in the status file next to integrations.json: bridges are live, and `status --json` adds them.
    public var bridges: [BridgeRecord]?

    /// The rows of a connection, one per scheme, as they stand at `now` (`Standing`: a lapsed token that will
    /// not renew on use is `expired` and needs attention, whatever the file says).
    public static func rows(for c: Connection, now: Date) -> [StatusRow] {
        c.schemes.map { s in
            let standing = s.standing(at: now)
            var row = StatusRow(name: c.name, url: c.serverURL.absoluteString, scheme: s.id, kind: s.kind.rawValue, state: standing.state,
                                expiresAt: nil, needsAttention: standing.needsAttention, issuer: s.info.issuer)
            switch s.status {
            case .connected(let e):
                row.expiresAt = e
                if let text = standing.lapseText(in: TimeZone(identifier: "UTC")!) {
                    row.message = text
                    if standing.needsAttention { row.remedy = "switchboard reconnect \(c.name)" }
                }
            case .expired(let reason, _):
                row.message = reason
                row.remedy = "switchboard reconnect \(c.name)"
            case .error(let m, let r):
                row.message = m
                row.remedy = r
            default: break
            }
            return row
        }
    }
}
