import Crypto
import Foundation

/// The two files written next to `integrations.json` so readers need not decode it: `.integrations.index`
/// (its digest, count, attention count and the first connections' byte ranges: `list --json` and the
/// screen's first frame) and `.integrations.status` (`status --json`). Each names the file it describes by
/// its SHA-256; a reader uses one only when the current file has that digest, and decodes in full otherwise.
extension IntegrationStore {
    /// The sidecar that lets a reader trust the file without decoding it.
    struct Index: Codable {
        var version = 1
        var sha256: String
        var count: Int
        var attention: Int
        /// `[offset, length]` of the first connections' JSON in the file (enough for any first frame).
        var ranges: [[Int]]
        static let window = 256
    }

    var indexURL: URL { home.directory.appendingPathComponent(".integrations.index") }
    /// `status --json` for the whole file: a first line naming the rows' format and the file's SHA-256, then the JSON.
    var statusURL: URL { home.directory.appendingPathComponent(".integrations.status") }

    /// Written after the file, without fsync: a lost or stale index (or status file) only means a full
    /// decode next time. Both name the file they describe by its digest.
    func writeIndex(data: Data, file: IntegrationsFile, ranges: [Range<Int>], statusRows: [Data]) {
        let digest = Self.digest(data)
        let index = Index(sha256: digest, count: file.connections.count,
                          attention: IntegrationsFile.attention(file.connections),
                          ranges: ranges.prefix(Index.window).map { [$0.lowerBound, $0.count] })
        guard let json = try? JSONEncoder().encode(index) else { return }
        try? FileSystem.writeReplacing(json, to: indexURL, mode: 0o600)
        try? FileSystem.writeReplacing(Data((StatusRows.format + " " + digest + "\n").utf8) + StatusRows.render(statusRows), to: statusURL, mode: 0o600)
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
              let data = try file(withDigest: index.sha256),
              index.ranges.allSatisfy({ $0.count == 2 && $0[0] >= 0 && $0[1] >= 0 && $0[0] + $0[1] <= data.count }) else { return nil }
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
    public func statusJSON() throws -> Data {
        if let status = try FileSystem.read(statusURL), let newline = status.firstIndex(of: 0x0A) {
            let header = String(decoding: status[status.startIndex..<newline], as: UTF8.self)
            if header.hasPrefix(StatusRows.format + " "), try file(withDigest: String(header.dropFirst(StatusRows.format.count + 1))) != nil {
                return Data(status[(newline + 1)...])
            }
        }
        return try StatusRows.render(load().connections)
    }

    /// The first `count` connections (at most `Index.window` from the index), the total, and how many need attention, decoding only those
    /// (when the index vouches for the file), else from a full load. For a fast first frame.
    public func prefix(_ count: Int) throws -> (connections: [Connection], total: Int, attention: Int) {
        if let (data, index) = try trusted(), count <= index.ranges.count || index.ranges.count == index.count {
            let decoder = JSONCoding.decoder()
            var list: [Connection] = []
            for r in index.ranges.prefix(count) {
                guard let c = try? decoder.decode(Connection.self, from: data[(data.startIndex + r[0])..<(data.startIndex + r[0] + r[1])]) else {
                    return try prefix(fromFull: count)
                }
                list.append(c)
            }
            return (list, index.count, index.attention)
        }
        return try prefix(fromFull: count)
    }

    private func prefix(fromFull count: Int) throws -> (connections: [Connection], total: Int, attention: Int) {
        let all = try load().connections
        return (Array(all.prefix(count)), all.count, IntegrationsFile.attention(all))
    }
}
