import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
import Synchronization

/// Connections and their schemes' statuses, in `integrations.json` (never a secret).
///
/// The file is written one connection at a time: each connection's JSON is remembered, so a write
/// re-encodes only what changed. Next to it, `.integrations.index` records the file's SHA-256 and each
/// connection's byte range. A reader whose bytes match the digest can trust the file without decoding
/// it all: `list --json` copies it, the screen decodes only the rows it shows first. Any other file
/// (edited by hand, written by an older version) is decoded in full, as before.
public final class ConnectionStore: Sendable {
    public let home: SwitchboardHome
    private let lock: FileLock
    /// The last files read or written, by the file's identity: an unchanged file is decoded once. Two are
    /// kept: a writer adds the new one just before renaming it into place, and readers that still see
    /// the old one keep their hit.
    private let cache = Mutex<[Cached]>([])
    struct Cached {
        var stamp: FileSystem.Stamp
        var file: ConnectionsFile
        /// Where each scheme is, built on first use.
        var schemes: [String: (Int, Int)]?
    }
    /// Each connection's JSON and status rows as last written, by id, so an unchanged connection is not encoded again.
    private let encoded = Mutex<[String: Encoded]>([:])
    struct Encoded {
        var connection: Connection
        var json: Data
        var statusRows: Data
    }

    /// A change to one scheme, waiting in `group` for the next grouped write.
    struct SchemeChange: Sendable {
        var schemeID: String
        var body: @Sendable (inout AuthScheme) -> Void
    }

    private let group = CommitGroup<SchemeChange>(
        label: "switchboard.integrations.commit", linger: (large: 16, seconds: 0.25))

    public init(home: SwitchboardHome) {
        self.home = home
        self.lock = FileLock(url: home.directory.appendingPathComponent(".integrations.lock"))
        group.setCommit { [unowned self] changes in try self.update { file in Self.apply(changes, to: &file) } }
    }

    public var fileURL: URL { home.integrationsFile }

    /// Reads the file; a missing file is an empty list.
    public func load() throws -> ConnectionsFile { try loadStamped().file }

    /// The file, and the identity it is cached under (nil when it changed while being read, or is absent).
    private func loadStamped() throws -> (file: ConnectionsFile, stamp: FileSystem.Stamp?) {
        let before = FileSystem.stamp(of: fileURL)
        if let before, let hit = cache.withLock({ c in c.first { $0.stamp == before }?.file }) { return (hit, before) }
        guard let data = try FileSystem.read(fileURL) else { return (ConnectionsFile(), nil) }
        let file: ConnectionsFile
        do {
            file = try JSONCoding.decode(ConnectionsFile.self, from: data, file: fileURL.path)
        } catch {
            throw ConnectionStoreError.corrupt(error)
        }
        // Cache only when nothing replaced the file while it was read.
        guard let before, before == FileSystem.stamp(of: fileURL) else { return (file, nil) }
        remember(before, file)
        return (file, before)
    }

    private func remember(_ stamp: FileSystem.Stamp, _ file: ConnectionsFile) {
        cache.withLock { c in
            c.removeAll { $0.stamp == stamp }
            c.insert(Cached(stamp: stamp, file: file), at: 0)
            if c.count > 2 { c.removeLast(c.count - 2) }
        }
    }

    /// A scheme and its connection by scheme id, from the current file (an index is kept per file version).
    public func scheme(id: String) throws -> (Connection, AuthScheme)? {
        let (file, stamp) = try loadStamped()
        let map: [String: (Int, Int)]? = stamp.flatMap { stamp in
            cache.withLock { c in
                guard let i = c.firstIndex(where: { $0.stamp == stamp }) else { return nil }
                if c[i].schemes == nil { c[i].schemes = c[i].file.schemePositions() }
                return c[i].schemes
            }
        }
        guard let (ci, si) = map.map({ $0[id] }) ?? file.index(ofScheme: id) else { return nil }
        return (file.connections[ci], file.connections[ci].schemes[si])
    }

    /// Read-modify-write under the file lock; a file that does not parse is never overwritten.
    @discardableResult
    public func update<T>(_ body: (inout ConnectionsFile) throws -> T) throws -> T {
        try home.ensureExists()
        return try lock.withLock {
            var file = try load()
            let before = file
            let result = try body(&file)
            if file != before {
                let (data, ranges, rows) = try encode(file)
                try FileSystem.writeAtomically(data, to: fileURL, mode: 0o600) { stamp in self.remember(stamp, file) }
                writeIndex(data: data, file: file, ranges: ranges, statusRows: rows)
            }
            return result
        }
    }

    // MARK: - Encoding

    /// The file's bytes, built from each connection's own JSON (re-encoded only when it changed), where
    /// each connection sits in them, and each connection's `status --json` rows (kept the same way).
    public func encode(_ file: ConnectionsFile) throws -> (data: Data, ranges: [Range<Int>], statusRows: [Data]) {
        let encoder = JSONCoding.encoder()
        var memo = encoded.withLock { $0 }
        var out = Data("{\n  \"connections\" : [\n".utf8)
        out.reserveCapacity(memo.values.reduce(0) { $0 + $1.json.count + 2 } + 64)
        var ranges: [Range<Int>] = [], rows: [Data] = []
        ranges.reserveCapacity(file.connections.count)
        rows.reserveCapacity(file.connections.count)
        var fresh: [String: Encoded] = [:]
        fresh.reserveCapacity(file.connections.count)
        for (i, c) in file.connections.enumerated() {
            let e: Encoded
            if let hit = memo[c.id], hit.connection == c {
                e = hit
            } else {
                e = Encoded(connection: c, json: try encoder.encode(c), statusRows: try StatusRows.fragment(for: c, encoder: encoder))
            }
            fresh[c.id] = e
            if i > 0 { out.append(contentsOf: [0x2C, 0x0A]) }
            let start = out.count
            out.append(e.json)
            ranges.append(start..<out.count)
            rows.append(e.statusRows)
        }
        out.append(Data("\n  ],\n  \"version\" : \(file.version)\n}\n".utf8))
        memo = [:]
        encoded.withLock { $0 = fresh }
        return (out, ranges, rows)
    }

    /// `updateScheme`, grouped with the other changes waiting in this process into one write. The change's
    /// place in the order is fixed when this returns; the ticket says when it is on disk.
    @discardableResult
    public func enqueueScheme(_ schemeID: String, _ body: @escaping @Sendable (inout AuthScheme) -> Void) -> CommitTicket {
        group.enqueue(SchemeChange(schemeID: schemeID, body: body))
    }

    /// Applies grouped changes in order, finding each scheme through one map built for the batch (a search
    /// per change made a refresh storm's status writes quadratic: 10,000 changes × 10,000 connections).
    static func apply(_ changes: [SchemeChange], to file: inout ConnectionsFile) {
        if changes.count < 8 {
            for change in changes { if let (ci, si) = file.index(ofScheme: change.schemeID) { change.body(&file.connections[ci].schemes[si]) } }
            return
        }
        let position = file.schemePositions()
        for change in changes { if let (ci, si) = position[change.schemeID] { change.body(&file.connections[ci].schemes[si]) } }
    }

    /// Changes one scheme in place (by id); does nothing when the scheme was removed meanwhile.
    public func updateScheme(_ schemeID: String, _ body: (inout AuthScheme) -> Void) throws {
        try update { file in
            if let (ci, si) = file.index(ofScheme: schemeID) { body(&file.connections[ci].schemes[si]) }
        }
    }
}
