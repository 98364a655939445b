import Crypto
import Dispatch
import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
import Synchronization

/// Client registrations, tokens and static credentials, keyed by scheme id, in 0600 files:
/// a snapshot (`integration-secrets.json`) and an append-only journal (`integration-secrets.journal`).
///
/// A commit appends the changed schemes to the journal and fdatasyncs it, so its cost follows the change,
/// not the number of schemes stored; once the journal outgrows the snapshot the two are folded into a new
/// snapshot (written to a temporary file, fsynced, renamed). Commits run under an exclusive file lock;
/// reads take no lock and are cached by both files' identities, reading only what the journal gained.
/// `commit(_:)` groups concurrent commits of this process into one append and one fdatasync.
public final class SecretStore: Sendable {
    public let fileURL: URL
    public let journalURL: URL
    let lock: FileLock
    let encryption: SecretsEncryption
    let warn: @Sendable (String) -> Void
    let cache = Mutex<View?>(nil)
    let clock: @Sendable () -> Date
    /// Edits of one scheme each, waiting for the next grouped commit.
    private let group: CommitGroup<SchemeEdit>
    typealias SchemeEdit = (schemeID: String, edit: @Sendable (inout SchemeSecrets) -> Void)
    let sweptTemporaries = Mutex(false)
    /// The journal is folded into the snapshot once it is larger than this and than the snapshot.
    let compactionFloor: Int

    /// What was read: both files' identities, the merged contents, and where the journal's intact part ends.
    struct View {
        var snapshot: FileSystem.Stamp?
        var journal: FileSystem.Stamp?
        var file: SecretsFile
        var generation: Int
        var snapshotSize: Int
        var snapshotSealed = false
        var snapshotVersion = SecretsEnvelope.version
        /// The store's id (nil in a store written before version 2, or no store yet).
        var storeID: String?
        /// The key that opened a sealed store (as bytes: the view is shared across threads, and the
        /// key type is not Sendable).
        var keyBytes: Data?
        /// The journal belongs to the snapshot (its generation and store match), so commits append to it.
        var journalCurrent: Bool
        var journalSealed: Bool
        var journalVersion = 2
        var journalEnd: Int
        /// Intact records in the journal: the next record's position.
        var journalRecords = 0
        var damage: String?

        var key: SymmetricKey? {
            get { keyBytes.map { SymmetricKey(data: $0) } }
            set { keyBytes = newValue?.withUnsafeBytes { Data($0) } }
        }

        var journalContext: SecretsJournal.Context {
            SecretsJournal.Context(storeID: storeID, generation: generation, version: journalVersion, key: key)
        }
    }

    public init(home: SwitchboardHome, encryption: SecretsEncryption = .fromEnvironment(),
                clock: @escaping @Sendable () -> Date = Date.init, compactionFloor: Int = 1 << 20,
                warn: @escaping @Sendable (String) -> Void) {
        self.fileURL = home.secretsFile
        self.journalURL = home.directory.appendingPathComponent("integration-secrets.journal")
        self.lock = FileLock(url: home.directory.appendingPathComponent(".integration-secrets.lock"))
        self.encryption = encryption
        self.warn = warn
        self.clock = clock
        self.compactionFloor = compactionFloor
        self.group = CommitGroup(label: "switchboard.secret-store.commit")
        group.setCommit { [unowned self] edits in
            try self.mutate(touching: Set(edits.map(\.schemeID))) { file in
                for e in edits {
                    var entry = file.schemes[e.schemeID] ?? SchemeSecrets()
                    e.edit(&entry)
                    file.schemes[e.schemeID] = entry
                }
            }
        }
    }

    /// The whole store. Reading never moves or rewrites anything: a store that cannot be opened here
    /// (no key, wrong key, newer version, plain while sealing is asked for) or is damaged is an error.
    public func load() throws -> SecretsFile {
        try checked(currentView).file
    }

    /// One scheme's secrets (empty when none are stored).
    public func secrets(for schemeID: String) throws -> SchemeSecrets {
        try load().schemes[schemeID] ?? SchemeSecrets()
    }

    /// Read-modify-write under the file lock; durable when it returns. Writes only when something changed.
    @discardableResult
    public func update<T>(_ body: (inout SecretsFile) throws -> T) throws -> T {
        try mutate(touching: nil, body)
    }

    /// Changes one scheme's secrets.
    public func updateScheme<T>(_ schemeID: String, _ body: (inout SchemeSecrets) throws -> T) throws -> T {
        try mutate(touching: [schemeID]) { file in
            var entry = file.schemes[schemeID] ?? SchemeSecrets()
            let result = try body(&entry)
            file.schemes[schemeID] = entry
            return result
        }
    }

    /// The read-modify-write. With `keys` (the schemes `body` may touch) only those entries are compared
    /// and journaled; without, every scheme is compared with what was stored.
    func mutate<T>(touching keys: Set<String>?, _ body: (inout SecretsFile) throws -> T) throws -> T {
        try FileSystem.makeDirectory(fileURL.deletingLastPathComponent(), mode: 0o700)
        return try lock.withLock {
            sweepTemporariesOnce()
            var view = try checked {
                // Only proven damage is moved aside, and only here, under the lock; a store this process
                // cannot open (no key, wrong key, newer version) is an error and stays as it is.
                do { return try currentView() } catch let error as SecretsEnvelope.ReadError {
                    guard case .malformed = error else { throw error }
                    try quarantine(because: error)
                    return try currentView()
                }
            }
            var changes: SecretsJournal.Changes = [:]
            let result: T
            if let keys {
                // Only the touched schemes are handed to `body`: nothing else is copied or compared.
                var partial = SecretsFile(schemes: Dictionary(uniqueKeysWithValues: keys.compactMap { k in view.file.schemes[k].map { (k, $0) } }))
                result = try body(&partial)
                for key in keys {
                    let old = view.file.schemes[key]
                    let new = partial.schemes[key].flatMap { $0.isEmpty ? nil : $0 }
                    if new != old { changes[key] = .some(new) }
                }
            } else {
                var file = view.file
                result = try body(&file)
                file.schemes = file.schemes.filter { !$0.value.isEmpty }
                for (id, entry) in file.schemes where view.file.schemes[id] != entry { changes[id] = .some(entry) }
                for id in view.file.schemes.keys where file.schemes[id] == nil { changes[id] = .some(nil) }
            }
            let deletes = changes.contains { deletesSecret(old: view.file.schemes[$0.key], new: $0.value) }
            try commitLocked(&view, changes: changes, deletes: deletes)
            return result
        }
    }

    /// A durable change to one scheme, grouped with the other commits waiting in this process: one
    /// append and one fdatasync for all of them. Returns once the change is on disk. Runs off the cooperative pool.
    public func commitScheme(_ schemeID: String, _ change: @escaping @Sendable (inout SchemeSecrets) -> Void) async throws {
        try await group.submit((schemeID, change))
    }

    static func applying(_ changes: SecretsJournal.Changes, to file: SecretsFile) -> SecretsFile {
        var out = file
        for (id, entry) in changes { out.schemes[id] = entry }
        return out
    }

    // MARK: - Writing (under the lock)

    /// Writes `changes` (already applied to `view.file`) durably. On failure the cache is dropped, so the
    /// next read comes from disk.
    func commitLocked(_ view: inout View, changes: SecretsJournal.Changes, deletes: Bool) throws {
        guard !changes.isEmpty else { return }
        do {
            try write(&view, changes: changes, deletes: deletes)
        } catch {
            cache.withLock { $0 = nil }
            throw error
        }
    }

    /// `view` is what the store held before the change; the full new contents are built only when a
    /// new snapshot is written (rare); an append updates the cached contents in place.
    func write(_ view: inout View, changes: SecretsJournal.Changes, deletes: Bool) throws {
        var file: SecretsFile { Self.applying(changes, to: view.file) }
        // Sealed is the store's property: an existing one stays what it is, and a new one (none yet, or the last
        // one moved aside as damaged, or deleted) is sealed when SWITCHBOARD_ENCRYPT_SECRETS asks for it or a key
        // is there: a key means the person sealed their store. A sealed store is written sealed or not at all.
        // A new store where a sealed one was (the marker says so) and no key at all: refuse, rather than start it
        // plain, or sealed with a new key the other processes do not have (an MCP client may start the bridge with
        // a minimal environment, without SWITCHBOARD_SECRETS_KEY).
        if view.snapshot == nil, !encryption.keyExists, SecretsEncryption.mayExist(sealedMarkerURL) {
            throw SecretStoreError.sealedWithoutKey(marker: sealedMarkerURL.path, source: "the key file \(encryption.keyFile.path)")
        }
        let sealed = view.snapshot == nil ? encryption.enabled || encryption.keyExists : view.snapshotSealed
        if sealed, view.key == nil { view.key = try encryption.key(create: view.snapshot == nil) }
        let key = sealed ? view.key : nil
        let storeID = view.storeID ?? SecretsEnvelope.newStoreID()
        if let damage = view.damage {
            // Keep the damaged journal for inspection; the new snapshot holds everything that was intact.
            try moveDamagedJournalAside(damage)
            try compact(file, generation: SecretsEnvelope.generation(after: view.generation), key: key, storeID: storeID)
            return
        }
        // A new store, or one written before version 2: a fresh snapshot in the current form. A commit that
        // deletes a secret (remove, disconnect, a refused refresh) also folds the journal, so the deleted
        // value does not linger in an older record.
        if view.snapshot == nil || deletes || view.storeID == nil || view.snapshotVersion < SecretsEnvelope.version
            || (view.journalCurrent && (view.journalSealed != sealed || view.journalVersion < 2)) {
            try compact(file, generation: SecretsEnvelope.generation(after: view.generation), key: key, storeID: storeID)
            return
        }
        guard view.journalCurrent else {
            // No journal for this snapshot yet: start one with this commit.
            var data = try SecretsJournal.headerLine(generation: view.generation, sealed: sealed, storeID: storeID)
            data.append(try SecretsJournal.recordLine(changes, context: view.journalContext, index: 0))
            try FileSystem.writeAtomically(data, to: journalURL, mode: 0o600)
            remember(file, view: view, journalEnd: data.count, records: 1, sealed: sealed)
            return
        }
        let line = try SecretsJournal.recordLine(changes, context: view.journalContext, index: view.journalRecords)
        // Drop this commit's reference to the contents before the fdatasync, so readers applying the
        // journal meanwhile change the cached dictionary in place instead of copying it.
        view.file = SecretsFile()
        let end = try FileSystem.append(line, to: journalURL, truncatingTo: view.journalEnd)
        rememberAppend(&view, changes: changes, journalEnd: end, sealed: sealed)
        if end > max(compactionFloor, view.snapshotSize) {
            try compact(currentView().file, generation: SecretsEnvelope.generation(after: view.generation), key: key, storeID: storeID)
        }
    }

    /// After a durable append: the cached contents take the changes in place (no copy of every scheme,
    /// once this commit's own reference is dropped).
    func rememberAppend(_ view: inout View, changes: SecretsJournal.Changes, journalEnd: Int, sealed: Bool) {
        let (snapshot, previousEnd, previousRecords) = (view.snapshot, view.journalEnd, view.journalRecords)
        view.file = SecretsFile()
        let journal = FileSystem.stamp(of: journalURL)
        cache.withLock { c in
            guard c != nil, c!.snapshot == snapshot, c!.journalCurrent else {
                c = nil
                return
            }
            // A reader in this process may have read the new record from the journal already.
            if c!.journalEnd == journalEnd { return }
            guard c!.journalEnd == previousEnd, c!.journalRecords == previousRecords else {
                c = nil
                return
            }
            for (id, entry) in changes { c!.file.schemes[id] = entry }
            c!.journal = journal
            c!.journalEnd = journalEnd
            c!.journalRecords = previousRecords + 1
            c!.journalSealed = sealed
            c!.damage = nil
        }
    }

    func deletesSecret(old: SchemeSecrets?, new: SchemeSecrets?) -> Bool {
        guard let old else { return false }
        guard let new else { return true }
        return (old.tokens != nil && new.tokens == nil) || (old.bearerToken != nil && new.bearerToken == nil)
            || (old.manualClientSecret != nil && new.manualClientSecret == nil)
            || old.registrations.keys.contains { new.registrations[$0] == nil }
    }

    /// Folds everything into a new snapshot of the next generation (sealed when `key` is given), then
    /// starts its empty journal. A crash between the two renames leaves the old journal, which is stale
    /// for the new snapshot.
    func compact(_ file: SecretsFile, generation: Int, key: SymmetricKey?, storeID: String) throws {
        sweepTemporaries()
        if key != nil { markSealed() }
        let data = if let key {
            try SecretsEnvelope.encodeSealed(file, key: key, generation: generation, storeID: storeID)
        } else {
            try SecretsEnvelope.encodePlain(file, generation: generation, storeID: storeID)
        }
        try FileSystem.writeAtomically(data, to: fileURL, mode: 0o600)
        let header = try SecretsJournal.headerLine(generation: generation, sealed: key != nil, storeID: storeID)
        try FileSystem.writeAtomically(header, to: journalURL, mode: 0o600)
        var view = View(snapshot: FileSystem.stamp(of: fileURL), journal: nil, file: file, generation: generation,
                        snapshotSize: data.count, snapshotSealed: key != nil, storeID: storeID,
                        journalCurrent: true, journalSealed: key != nil, journalEnd: header.count)
        view.key = key
        remember(file, view: view, journalEnd: header.count, records: 0, sealed: key != nil)
    }

    func remember(_ file: SecretsFile, view: View, journalEnd: Int, records: Int, sealed: Bool) {
        var next = view
        next.file = file
        next.journal = FileSystem.stamp(of: journalURL)
        next.journalCurrent = true
        next.journalSealed = sealed
        next.journalVersion = 2
        next.journalEnd = journalEnd
        next.journalRecords = records
        next.damage = nil
        cache.withLock { $0 = next }
    }
}
