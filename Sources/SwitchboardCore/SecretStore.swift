import Crypto
import Dispatch
import Foundation
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
    private let lock: FileLock
    private let encryption: SecretsEncryption
    private let warn: @Sendable (String) -> Void
    private let cache = Mutex<View?>(nil)
    private let clock: @Sendable () -> Date
    /// Edits of one scheme each, waiting for the next grouped commit.
    private let group: CommitGroup<SchemeEdit>
    typealias SchemeEdit = (schemeID: String, edit: @Sendable (inout SchemeSecrets) -> Void)
    private let sweptTemporaries = Mutex(false)
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

    /// A view, with read errors turned into the store's errors and the sealing expectation checked.
    private func checked(_ read: () throws -> View) throws -> View {
        let view: View
        do { view = try read() } catch let error as SecretsEnvelope.ReadError { throw storeError(error) }
        if encryption.enabled, view.snapshot != nil, !view.snapshotSealed {
            throw SecretStoreError.plainWhereSealedExpected(file: fileURL.lastPathComponent)
        }
        return view
    }

    private func storeError(_ error: SecretsEnvelope.ReadError) -> SecretStoreError {
        switch error {
        case .malformed(let why): .damaged(file: fileURL.lastPathComponent, why: why)
        case .refused(.wrongKey(_, let keyID, let storeKeyID)): .wrongKey(source: encryption.source, keyID: keyID, storeKeyID: storeKeyID)
        case .refused(let other): other
        }
    }

    /// Whether the store on disk is sealed, and with which key (read from its header: no key needed).
    public func sealState() throws -> (exists: Bool, sealed: Bool, keyID: String?) {
        guard let data = try FileSystem.readPrivate(fileURL) else { return (false, false, nil) }
        let header = try? JSONDecoder().decode(SecretsEnvelope.Header.self, from: data)
        return (true, header?.encryption == "aes-256-gcm", header?.keyId.map { TerminalText.safe($0, limit: 20) })
    }

    /// Seals or unseals the store: the explicit way to change it (`switchboard secrets encrypt|decrypt`).
    /// Sealing creates the key file when no key is given. Returns false when it already was that way.
    @discardableResult
    public func setSealed(_ sealed: Bool) throws -> Bool {
        try FileSystem.makeDirectory(fileURL.deletingLastPathComponent(), mode: 0o700)
        return try lock.withLock {
            var view: View
            do { view = try currentView() } catch let error as SecretsEnvelope.ReadError { throw storeError(error) }
            if view.snapshot != nil, view.snapshotSealed == sealed, view.damage == nil { return false }
            let key: SymmetricKey? = sealed ? try view.key ?? encryption.key(create: true) : nil
            if view.damage != nil {
                let moved = try FileSystem.moveAside(journalURL, suffix: brokenSuffix(for: journalURL))
                warn("the secret store's journal is damaged; it was moved to \(moved.lastPathComponent) and the intact records were kept")
            }
            view.key = key
            try compact(view.file, generation: view.generation + 1, key: key, storeID: view.storeID ?? SecretsEnvelope.newStoreID())
            return true
        }
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
    private func mutate<T>(touching keys: Set<String>?, _ body: (inout SecretsFile) throws -> T) throws -> T {
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

    // MARK: - Reading

    /// The current contents: from the cache when neither file changed, reading only the journal's new
    /// records when only it grew, else both files. Retries when a compaction replaced the snapshot meanwhile.
    private func currentView() throws -> View {
        for _ in 0..<8 {
            let s1 = FileSystem.stamp(of: fileURL)
            let j1 = FileSystem.stamp(of: journalURL)
            // Look at the cache without copying its contents (a copy would keep the dictionary shared).
            enum Look { case hit(View), grew(end: Int, records: Int, sealed: Bool, context: SecretsJournal.Context), miss }
            let look: Look = cache.withLock { c in
                guard let c, c.snapshot == s1 else { return .miss }
                if c.journal == j1 { return .hit(c) }
                if c.journalCurrent, let j1, let cj = c.journal, cj.inode == j1.inode, cj.device == j1.device, Int(j1.size) >= c.journalEnd {
                    return .grew(end: c.journalEnd, records: c.journalRecords, sealed: c.journalSealed, context: c.journalContext)
                }
                return .miss
            }
            switch look {
            case .hit(let view):
                return view
            case .grew(let end, let records, let sealed, let context):
                // Only the journal grew: read and apply just its new records, in place in the cache.
                let tail = try FileSystem.readPrivate(journalURL, from: end) ?? Data()
                let parsed = SecretsJournal.parse(tail, base: end, records: records, sealed: sealed, context: context)
                guard FileSystem.stamp(of: fileURL) == s1 else { continue }
                let updated: View? = cache.withLock { c in
                    guard c != nil, c!.snapshot == s1, c!.journalEnd == end else { return nil }
                    apply(parsed, to: &c!)
                    c!.journal = j1
                    return c
                }
                if let updated { return updated }
            case .miss:
                let view = try readBoth(snapshotStamp: s1, journalStamp: j1)
                // A compaction renames a new snapshot into place first: if that happened, read again.
                guard FileSystem.stamp(of: fileURL) == s1 else { continue }
                cache.withLock { $0 = view }
                return view
            }
        }
        throw FileSystemError(operation: "read a stable copy of", path: fileURL.path, code: EAGAIN)
    }

    private func readBoth(snapshotStamp: FileSystem.Stamp?, journalStamp: FileSystem.Stamp?) throws -> View {
        var view = View(snapshot: snapshotStamp, journal: journalStamp, file: SecretsFile(), generation: 0, snapshotSize: 0,
                        journalCurrent: false, journalSealed: false, journalEnd: 0)
        if let data = try FileSystem.readPrivate(fileURL) {
            let decoded = try SecretsEnvelope.decode(data, file: fileURL.lastPathComponent) { () throws(SecretStoreError) in try encryption.key(create: false) }
            (view.file, view.generation, view.snapshotSealed) = (decoded.file, decoded.generation, decoded.sealed)
            (view.storeID, view.key, view.snapshotSize) = (decoded.storeID, decoded.key, data.count)
            view.snapshotVersion = decoded.version
        }
        if let data = try FileSystem.readPrivate(journalURL) {
            if let header = SecretsJournal.header(of: data), header.generation == view.generation, header.storeId == view.storeID {
                let sealed = header.encryption != "none"
                if view.snapshot != nil, sealed != view.snapshotSealed {
                    // A plain journal beside a sealed snapshot (or the reverse) is not ours to apply.
                    view.damage = "the journal is \(sealed ? "sealed" : "plain") but the snapshot is \(view.snapshotSealed ? "sealed" : "plain")"
                    return view
                }
                view.journalCurrent = true
                view.journalSealed = sealed
                view.journalVersion = header.version
                apply(SecretsJournal.parse(data, base: 0, sealed: sealed, context: view.journalContext), to: &view)
            } else if SecretsJournal.header(of: data) == nil, data.contains(0x0A) {
                view.damage = "the journal's first line is not a Switchboard journal header"
            }
        }
        return view
    }

    private func apply(_ parsed: SecretsJournal.Parsed, to view: inout View) {
        for changes in parsed.changes {
            for (id, entry) in changes { view.file.schemes[id] = entry }
        }
        view.journalEnd = parsed.validEnd
        view.journalRecords = parsed.records
        if let damage = parsed.damage { view.damage = damage }
    }

    // MARK: - Writing (under the lock)

    /// Writes `changes` (already applied to `view.file`) durably. On failure the cache is dropped, so the
    /// next read comes from disk.
    private func commitLocked(_ view: inout View, changes: SecretsJournal.Changes, deletes: Bool) throws {
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
    private func write(_ view: inout View, changes: SecretsJournal.Changes, deletes: Bool) throws {
        var file: SecretsFile { Self.applying(changes, to: view.file) }
        // Sealed is the store's property: a new store follows SWITCHBOARD_ENCRYPT_SECRETS, an existing one
        // stays what it is. A sealed store is written sealed or not at all.
        let sealed = view.snapshot == nil ? encryption.enabled : view.snapshotSealed
        if sealed, view.key == nil { view.key = try encryption.key(create: view.snapshot == nil) }
        let key = sealed ? view.key : nil
        let storeID = view.storeID ?? SecretsEnvelope.newStoreID()
        if let damage = view.damage {
            // Keep the damaged journal for inspection; the new snapshot holds everything that was intact.
            let moved = try FileSystem.moveAside(journalURL, suffix: brokenSuffix(for: journalURL))
            warn("the secret store's journal is damaged (\(damage)); it was moved to \(moved.lastPathComponent) and the intact records were kept")
            try compact(file, generation: view.generation + 1, key: key, storeID: storeID)
            return
        }
        // A new store, or one written before version 2: a fresh snapshot in the current form. A commit that
        // deletes a secret (remove, disconnect, a refused refresh) also folds the journal, so the deleted
        // value does not linger in an older record.
        if view.snapshot == nil || deletes || view.storeID == nil || view.snapshotVersion < SecretsEnvelope.version
            || (view.journalCurrent && (view.journalSealed != sealed || view.journalVersion < 2)) {
            try compact(file, generation: view.generation + 1, key: key, storeID: storeID)
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
            try compact(currentView().file, generation: view.generation + 1, key: key, storeID: storeID)
        }
    }

    /// After a durable append: the cached contents take the changes in place (no copy of every scheme,
    /// once this commit's own reference is dropped).
    private func rememberAppend(_ view: inout View, changes: SecretsJournal.Changes, journalEnd: Int, sealed: Bool) {
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

    private func deletesSecret(old: SchemeSecrets?, new: SchemeSecrets?) -> Bool {
        guard let old else { return false }
        guard let new else { return true }
        return (old.tokens != nil && new.tokens == nil) || (old.bearerToken != nil && new.bearerToken == nil)
            || (old.manualClientSecret != nil && new.manualClientSecret == nil)
            || old.registrations.keys.contains { new.registrations[$0] == nil }
    }

    /// Folds everything into a new snapshot of the next generation (sealed when `key` is given), then
    /// starts its empty journal. A crash between the two renames leaves the old journal, which is stale
    /// for the new snapshot.
    private func compact(_ file: SecretsFile, generation: Int, key: SymmetricKey?, storeID: String) throws {
        sweepTemporaries()
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

    private func remember(_ file: SecretsFile, view: View, journalEnd: Int, records: Int, sealed: Bool) {
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

    /// Temporary files left by a writer that was killed mid-write. Under the store lock no other writer
    /// is writing one, so every one found is stale.
    private func sweepTemporaries() {
        let dir = fileURL.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        for prefix in [".\(fileURL.lastPathComponent).tmp-", ".\(journalURL.lastPathComponent).tmp-"] {
            for name in names where name.hasPrefix(prefix) { unlink(dir.appendingPathComponent(name).path) }
        }
    }

    private func sweepTemporariesOnce() {
        let first = sweptTemporaries.withLock { done in
            defer { done = true }
            return !done
        }
        if first { sweepTemporaries() }
    }

    private func brokenSuffix(for url: URL) -> String {
        let stamp = ISO8601DateFormatter().string(from: clock())
        var suffix = ".broken-\(stamp)"
        var n = 2
        while FileManager.default.fileExists(atPath: url.path + suffix) {
            suffix = ".broken-\(stamp)-\(n)"
            n += 1
        }
        return suffix
    }

    private func quarantine(because error: SecretsEnvelope.ReadError) throws {
        let moved = try FileSystem.moveAside(fileURL, suffix: brokenSuffix(for: fileURL))
        // The journal continues the snapshot that is gone: keep it next to it.
        if FileManager.default.fileExists(atPath: journalURL.path) {
            _ = try? FileSystem.moveAside(journalURL, suffix: brokenSuffix(for: journalURL))
        }
        cache.withLock { $0 = nil }
        warn("the secret store was damaged (\(error)); it was moved to \(moved.lastPathComponent) (it holds secrets: delete it once you no longer need it) and an empty store is used. Your connections are kept: reconnect them to sign in again.")
    }
}
