import Foundation

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

/// `status --json` as bytes: a JSON array of every connection's rows.
///
/// Each connection's rows are encoded on their own (one fragment per connection) and joined, so a writer
/// that keeps the fragments of unchanged connections re-encodes only what changed: `IntegrationStore`
/// writes the whole array next to `integrations.json` (`.integrations.status`, with the digest of the file
/// it was made from), and `status --json` prints it without decoding 10,000 connections.
public enum StatusRows {
    /// Names the rows' shape in the status file; change it when `StatusRow` changes, so a file written by
    /// another version is not printed as it is.
    static let format = "status-rows-v2"

    /// One connection's rows, as a fragment of the array (empty for a connection without schemes). Kept by the
    /// writer as long as the connection is unchanged, so they are the rows before any lapse (`now` far in the
    /// past); the status file says from when on they no longer hold (`IntegrationsFile.Summary.lapses`).
    public static func fragment(for c: Connection, encoder: JSONEncoder) throws -> Data {
        var out = Data()
        for (i, row) in StatusRow.rows(for: c, now: .distantPast).enumerated() {
            if i > 0 { out.append(contentsOf: [0x2C, 0x0A]) }
            out.append(try encoder.encode(row))
        }
        return out
    }

    /// The array from fragments, in order.
    public static func render(_ fragments: some Sequence<Data>) -> Data {
        var out = Data("[\n".utf8)
        var first = true
        for f in fragments where !f.isEmpty {
            if !first { out.append(contentsOf: [0x2C, 0x0A]) }
            out.append(f)
            first = false
        }
        out.append(contentsOf: first ? Array("]\n".utf8) : Array("\n]\n".utf8))
        return out
    }

    /// `status --json` with each row's live bridges: the bytes as they are when no bridge runs (the fast path
    /// stays a copy), else the rows decoded, given their bridges, and encoded again.
    public static func adding(_ bridges: [BridgeRecord], to json: Data) throws -> Data {
        guard !bridges.isEmpty else { return json }
        var rows = try JSONCoding.decoder().decode([StatusRow].self, from: json)
        let byScheme = Dictionary(grouping: bridges, by: \.scheme)
        for i in rows.indices { rows[i].bridges = byScheme[rows[i].scheme] }
        let encoder = JSONCoding.encoder()
        return render(try rows.map { try encoder.encode($0) })
    }

    /// The array for these connections as they stand at `now`, encoded now.
    public static func render(_ connections: [Connection], now: Date) throws -> Data {
        let encoder = JSONCoding.encoder()
        return render(try connections.map { c in
            var out = Data()
            for (i, row) in StatusRow.rows(for: c, now: now).enumerated() {
                if i > 0 { out.append(contentsOf: [0x2C, 0x0A]) }
                out.append(try encoder.encode(row))
            }
            return out
        })
    }
}
