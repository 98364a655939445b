import Crypto
import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem

/// The two files written next to `integrations.json` so readers need not decode it: `.integrations.index`
/// (its digest, count, attention count and the first connections' byte ranges: `list --json` and the
/// screen's first frame) and `.integrations.status` (`status --json`). Each names the file it describes by
/// its SHA-256; a reader uses one only when the current file has that digest, and decodes in full otherwise.
extension ConnectionStore {
    /// The sidecar that lets a reader trust the file without decoding it.
    package struct Index: Codable {
        var version = 1
        var sha256: String
        var count: Int
        var attention: Int
        /// `[offset, length]` of the first connections' JSON in the file (enough for any first frame).
        var ranges: [[Int]]
        static let window = 256

        /// Whether its numbers can describe a file of `size` bytes, as the writer makes them: counts that are
        /// counts (no more connections than bytes), and ranges inside the file (compared without adding, which
        /// could overflow).
        func fits(fileOf size: Int) -> Bool {
            guard version == 1, (0...size).contains(count), (0...count).contains(attention), ranges.count <= min(count, Self.window) else { return false }
            return ranges.allSatisfy { r in r.count == 2 && (0...size).contains(r[0]) && (0...(size - r[0])).contains(r[1]) }
        }

        /// The index in `data` when its numbers fit a file of `size` bytes (its digest is checked by the caller).
        package static func decode(_ data: Data, fileOf size: Int) -> Index? {
            guard let index = try? JSONDecoder().decode(Index.self, from: data), index.fits(fileOf: size) else { return nil }
            return index
        }
    }

    var indexURL: URL { home.directory.appendingPathComponent(".integrations.index") }
    /// `status --json` for the whole file: a first line naming the rows' format and the file's SHA-256, then the JSON.
    var statusURL: URL { home.directory.appendingPathComponent(".integrations.status") }

    /// Written after the file, without fsync: a lost or stale index (or status file) only means a full
    /// decode next time. Both name the file they describe by its digest.
    func writeIndex(data: Data, file: ConnectionsFile, ranges: [Range<Int>], statusRows: [Data]) {
        let digest = Self.digest(data)
        // One pass for both: the index's count and the status rows' validity (a write used to make it twice).
        let summary = ConnectionsFile.summary(file.connections)
        let index = Index(sha256: digest, count: file.connections.count,
                          attention: summary.attention(at: .distantPast),
                          ranges: ranges.prefix(Index.window).map { [$0.lowerBound, $0.count] })
        guard let json = try? JSONEncoder().encode(index) else { return }
        try? FileSystem.writeReplacing(json, to: indexURL, mode: 0o600)
        // The rows hold until the first token that cannot renew on use lapses; from then on `statusJSON` decodes.
        let until = summary.lapses.first.map { String(Int64(min(max($0.timeIntervalSince1970.rounded(.down), -9e18), 9e18))) } ?? "-"
        try? FileSystem.writeReplacing(Data((StatusRows.format + " " + digest + " " + until + "\n").utf8) + StatusRows.render(statusRows), to: statusURL, mode: 0o600)
    }

    static func digest(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// `integrations.json`'s bytes when their SHA-256 is `digest` (the one a sidecar names), else nil.
    private func file(withDigest digest: String) throws -> Data? {
        guard let data = try FileSystem.read(fileURL), Self.digest(data) == digest else { return nil }
        return data
    }

    /// The file's bytes when the index vouches for them (written by Switchboard, unchanged since), with
    /// the index; nil when there is no such file or it must be decoded to be trusted.
    func trusted() throws -> (data: Data, index: Index)? {
        guard let indexData = try FileSystem.read(indexURL), let index = try? JSONDecoder().decode(Index.self, from: indexData),
              let data = try file(withDigest: index.sha256), index.fits(fileOf: data.count) else { return nil }
        return (data, index)
    }

    /// `integrations.json` exactly as `list --json` prints it: the bytes themselves when the index vouches
    /// for them, else the decoded file encoded again (which also reports a broken file).
    public func jsonForOutput() throws -> Data {
        if let (data, _) = try trusted() { return data }
        return try encode(load()).data
    }

    /// `status --json` for every connection: the status file's JSON when it was made from the current
    /// `integrations.json` (same SHA-256), else rendered from the decoded file (which also reports a broken one).
    public func statusJSON(now: Date = Date()) throws -> Data {
        if let status = try FileSystem.read(statusURL), let newline = status.firstIndex(of: 0x0A) {
            let header = String(decoding: status[status.startIndex..<newline], as: UTF8.self).split(separator: " ")
            // `FORMAT DIGEST UNTIL`: the rows of the file with that digest, true until UNTIL (seconds since 1970, or `-`).
            if header.count == 3, header[0] == StatusRows.format,
               header[2] == "-" || Int64(header[2]).map({ now.timeIntervalSince1970 < Double($0) }) == true,
               try file(withDigest: String(header[1])) != nil {
                return Data(status[(newline + 1)...])
            }
        }
        return try StatusRows.render(load().connections, now: now)
    }

    /// The first `count` connections (at most `Index.window` from the index), the total, and how many need attention, decoding only those
    /// (when the index vouches for the file), else from a full load. For a fast first frame.
    public func prefix(_ count: Int) throws -> (connections: [Connection], total: Int, attention: Int) {
        let count = max(0, count)
        if let (data, index) = try trusted(), let rows = Self.rows(data, index: index, first: count) { return rows }
        return try prefix(fromFull: count)
    }

    /// The first `count` connections decoded from the ranges `index` gives in `data`, with its counts; nil when
    /// the index does not reach that far or a range does not hold a connection. `index` fits `data` (`Index.decode`).
    package static func rows(_ data: Data, index: Index, first count: Int) -> (connections: [Connection], total: Int, attention: Int)? {
        guard count <= index.ranges.count || index.ranges.count == index.count else { return nil }
        let decoder = JSONCoding.decoder()
        var list: [Connection] = []
        for r in index.ranges.prefix(max(0, count)) {
            let start = data.startIndex + r[0]
            guard let c = try? decoder.decode(Connection.self, from: data[start..<(start + r[1])]) else { return nil }
            list.append(c)
        }
        return (list, index.count, index.attention)
    }

    private func prefix(fromFull count: Int) throws -> (connections: [Connection], total: Int, attention: Int) {
        let all = try load().connections
        return (Array(all.prefix(count)), all.count, ConnectionsFile.attention(all))
    }
}
