import Foundation
import SwitchboardModel

/// `status --json` as bytes: a JSON array of every connection's rows.
///
/// Each connection's rows are encoded on their own (one fragment per connection) and joined, so a writer
/// that keeps the fragments of unchanged connections re-encodes only what changed: `ConnectionStore`
/// writes the whole array next to `integrations.json` (`.integrations.status`, with the digest of the file
/// it was made from), and `status --json` prints it without decoding 10,000 connections.
public enum StatusRows {
    /// Names the rows' shape in the status file; change it when `StatusRow` changes, so a file written by
    /// another version is not printed as it is.
    public static let format = "status-rows-v3"

    /// One connection's rows, as a fragment of the array (empty for a connection without schemes). Kept by the
    /// writer as long as the connection is unchanged, so they are the rows before any lapse (`now` far in the
    /// past); the status file says from when on they no longer hold (`ConnectionsFile.Summary.lapses`).
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
