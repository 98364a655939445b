import Foundation
import Synchronization

/// The contents of `integrations.json`.
public struct IntegrationsFile: Codable, Equatable, Sendable {
    public var version: Int
    public var connections: [Connection]

    public init(version: Int = 1, connections: [Connection] = []) {
        self.version = version
        self.connections = connections
    }

    /// The connection a typed name stands for (`Connection.isNamed`).
    public func connection(named name: String) -> Connection? {
        index(named: name).map { connections[$0] }
    }

    /// Where that connection is, for a change made in place.
    public func index(named name: String) -> Int? {
        connections.firstIndex { $0.isNamed(name) }
    }

    /// How many connections need the person (expired or error), as the screen's header counts them.
    public static func attention(_ connections: [Connection]) -> Int { summary(connections).attention(at: .distantPast) }

    /// What the header counts, computed once per change of the list: the connections that need the person by
    /// their stored status, the moments at which more of them will (a token that cannot renew on use lapsing),
    /// and the next refresh the scheduler plans (`RefreshPolicy.due`, the scheduler's own rule).
    public struct Summary: Equatable, Sendable {
        public var stored = 0
        /// Expiries after which a connected row needs the person, sorted.
        public var lapses: [Date] = []
        public var nextRefresh: Date?

        /// Connections needing the person at `now`: a binary search, not a pass over the list (a frame's cost).
        public func attention(at now: Date) -> Int {
            var lo = 0, hi = lapses.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if lapses[mid] <= now { lo = mid + 1 } else { hi = mid }
            }
            return stored + lo
        }
    }

    /// One pass over the list (see `Summary`).
    public static func summary(_ connections: [Connection]) -> Summary {
        var out = Summary()
        for c in connections {
            guard let s = c.primaryScheme else { continue }
            if s.status.needsAttention { out.stored += 1 }
            guard s.kind.isOAuth, case .connected(let exp?) = s.status else { continue }
            // A lapse that needs the person: no refresh token, or renewals failing (`Standing`).
            if Standing.lapseNeedsPerson(s.info) { out.lapses.append(exp) }
            guard let due = Standing(s, now: .distantPast).nextRefresh else { continue }
            if out.nextRefresh.map({ due < $0 }) ?? true { out.nextRefresh = due }
        }
        out.lapses.sort()
        return out
    }

    /// Where each scheme is (the first connection that has it): one pass, for many lookups.
    public func schemePositions() -> [String: (Int, Int)] {
        var positions: [String: (Int, Int)] = [:]
        positions.reserveCapacity(connections.count)
        for (ci, c) in connections.enumerated() { for (si, s) in c.schemes.enumerated() where positions[s.id] == nil { positions[s.id] = (ci, si) } }
        return positions
    }

    public func index(ofScheme schemeID: String) -> (Int, Int)? {
        for (ci, c) in connections.enumerated() {
            if let si = c.schemes.firstIndex(where: { $0.id == schemeID }) { return (ci, si) }
        }
        return nil
    }
}

/// Errors from the connection store, each saying what to do.
public enum IntegrationStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not parse. It has been left exactly as it was.
    case corrupt(JSONFileError)
    case unknownConnection(String)
    case duplicateName(String)
    /// A connection to the same server exists (`existing`); a second one is a second account, and says so.
    case sameServer(name: String, existing: String)

    /// What to do, as values; the description says them as a terminal does.
    public var remedies: [RemedyStep] {
        switch self {
        case .unknownConnection: [RemedyStep(.list, when: "To see the names")]
        case .duplicateName(let name): [RemedyStep(.advice("Choose another name.")), RemedyStep(.remove(connection: name), when: "Or, to replace it, first")]
        default: []
        }
    }

    /// The error and its remedies, each said by `say` (a command line in a terminal, a key on the screen).
    public func said(with say: (Remedy) -> String) -> String {
        remedies.isEmpty ? message : message + ". " + RemedyStep.say(remedies, with: say)
    }

    public var description: String { said(with: \.sentence) }

    /// What went wrong, without what to do.
    var message: String {
        switch self {
        case .corrupt(let e):
            "\(e). Switchboard has not changed the file; fix it by hand or move it aside to start afresh."
        case .unknownConnection(let name):
            "there is no connection named `\(name)`"
        case .duplicateName(let name):
            "a connection named `\(name)` exists already"
        case .sameServer(let name, let existing):
            "`\(existing)` already connects to that server; to sign in to it a second time (another account) as `\(name)`, add --another-account"
        }
    }
}

/// Connections and their schemes' statuses, in `integrations.json` (never a secret).
///
/// The file is written one connection at a time: each connection's JSON is remembered, so a write
/// re-encodes only what changed. Next to it, `.integrations.index` records the file's SHA-256 and each
/// connection's byte range. A reader whose bytes match the digest can trust the file without decoding
/// it all: `list --json` copies it, the screen decodes only the rows it shows first. Any other file
/// (edited by hand, written by an older version) is decoded in full, as before.
public final class IntegrationStore: Sendable {
    public let home: SwitchboardHome
    private let lock: FileLock
    /// The last files read or written, by the file's identity: an unchanged file is decoded once. Two are
    /// kept: a writer adds the new one just before renaming it into place, and readers that still see
    /// the old one keep their hit.
    private let cache = Mutex<[Cached]>([])
    struct Cached {
        var stamp: FileSystem.Stamp
        var file: IntegrationsFile
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
    public func load() throws -> IntegrationsFile { try loadStamped().file }

    /// The file, and the identity it is cached under (nil when it changed while being read, or is absent).
    private func loadStamped() throws -> (file: IntegrationsFile, stamp: FileSystem.Stamp?) {
        let before = FileSystem.stamp(of: fileURL)
        if let before, let hit = cache.withLock({ c in c.first { $0.stamp == before }?.file }) { return (hit, before) }
        guard let data = try FileSystem.read(fileURL) else { return (IntegrationsFile(), nil) }
        let file: IntegrationsFile
        do {
            file = try JSONCoding.decode(IntegrationsFile.self, from: data, file: fileURL.path)
        } catch {
            throw IntegrationStoreError.corrupt(error)
        }
        // Cache only when nothing replaced the file while it was read.
        guard let before, before == FileSystem.stamp(of: fileURL) else { return (file, nil) }
        remember(before, file)
        return (file, before)
    }

    private func remember(_ stamp: FileSystem.Stamp, _ file: IntegrationsFile) {
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
    public func update<T>(_ body: (inout IntegrationsFile) throws -> T) throws -> T {
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
    public func encode(_ file: IntegrationsFile) throws -> (data: Data, ranges: [Range<Int>], statusRows: [Data]) {
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
    static func apply(_ changes: [SchemeChange], to file: inout IntegrationsFile) {
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
