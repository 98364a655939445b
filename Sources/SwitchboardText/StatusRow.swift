import Foundation
import SwitchboardModel

/// One row of `switchboard status --json`: one scheme of one connection, as scripts see it.
public struct StatusRow: Codable, Equatable, Sendable {
    public var name: String
    public var url: String
    public var scheme: String
    public var kind: String
    public var state: SchemeState
    public var expiresAt: Date?
    public var needsAttention: Bool
    public var issuer: String?
    public var message: String?
    /// What to do, as a terminal says it (a command line, or advice).
    public var remedy: String?
    /// The same as values (`{"action": "reconnect", "connection": …}`), for scripts that act on it.
    public var remedies: [RemedyStep]?
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
                    if standing.needsAttention { row.set([RemedyStep(.reconnect(connection: c.name))], commandsOnly: true) }
                }
            case .expired(let reason, _):
                row.message = reason
                row.set([RemedyStep(.reconnect(connection: c.name))], commandsOnly: true)
            case .error(let m, let r):
                row.message = m
                row.set(r, commandsOnly: false)
            default: break
            }
            return row
        }
    }

    /// A lone command stays a bare command line, as scripts have read it (`switchboard reconnect NAME`).
    mutating func set(_ steps: [RemedyStep], commandsOnly: Bool) {
        guard !steps.isEmpty else { return }
        remedies = steps
        remedy = commandsOnly && steps.count == 1 ? steps[0].remedy.commandLine : RemedyStep.say(steps, with: \.sentence)
    }
}
