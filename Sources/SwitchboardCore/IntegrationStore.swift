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

    public func connection(named name: String) -> Connection? {
        connections.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
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

    public var description: String {
        switch self {
        case .corrupt(let e):
            "\(e). Switchboard has not changed the file; fix it by hand or move it aside to start afresh."
        case .unknownConnection(let name):
            "there is no connection named `\(name)`; `switchboard list` shows the names"
        case .duplicateName(let name):
            "a connection named `\(name)` exists already; choose another name or `switchboard remove \(name)` first"
        }
    }
}

/// Connections and their schemes' statuses, in `integrations.json` (never a secret).
public final class IntegrationStore: Sendable {
    public let home: SwitchboardHome
    private let lock: FileLock
    /// The last file read or written, by the file's identity: an unchanged file is decoded once.
    private let cache = Mutex<(stamp: FileSystem.Stamp, file: IntegrationsFile)?>(nil)

    private let group = CommitGroup<IntegrationsFile>(label: "switchboard.integrations.commit")

    public init(home: SwitchboardHome) {
        self.home = home
        self.lock = FileLock(url: home.directory.appendingPathComponent(".integrations.lock"))
        group.setCommit { [unowned self] changes in try self.update { file in for change in changes { change(&file) } } }
    }

    public var fileURL: URL { home.integrationsFile }

    /// Reads the file; a missing file is an empty list.
    public func load() throws -> IntegrationsFile {
        let before = FileSystem.stamp(of: fileURL)
        if let before, let hit = cache.withLock({ c in c.flatMap { $0.stamp == before ? $0.file : nil } }) { return hit }
        guard let data = try FileSystem.read(fileURL) else { return IntegrationsFile() }
        let file: IntegrationsFile
        do {
            file = try JSONCoding.decode(IntegrationsFile.self, from: data, file: fileURL.path)
        } catch {
            throw IntegrationStoreError.corrupt(error)
        }
        // Cache only when nothing replaced the file while it was read.
        if let before, before == FileSystem.stamp(of: fileURL) { cache.withLock { $0 = (before, file) } }
        return file
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
                let data = try JSONCoding.encoder().encode(file)
                try FileSystem.writeAtomically(data, to: fileURL, mode: 0o600)
                if let stamp = FileSystem.stamp(of: fileURL) { cache.withLock { $0 = (stamp, file) } }
            }
            return result
        }
    }

    /// `updateScheme`, grouped with the other changes waiting in this process into one write. The change's
    /// place in the order is fixed when this returns; the ticket says when it is on disk.
    @discardableResult
    public func enqueueScheme(_ schemeID: String, _ body: @escaping @Sendable (inout AuthScheme) -> Void) -> CommitTicket {
        group.enqueue { file in
            if let (ci, si) = file.index(ofScheme: schemeID) { body(&file.connections[ci].schemes[si]) }
        }
    }

    /// Changes one scheme in place (by id); does nothing when the scheme was removed meanwhile.
    public func updateScheme(_ schemeID: String, _ body: (inout AuthScheme) -> Void) throws {
        try update { file in
            if let (ci, si) = file.index(ofScheme: schemeID) { body(&file.connections[ci].schemes[si]) }
        }
    }
}
