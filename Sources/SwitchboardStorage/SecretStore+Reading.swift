import Crypto
import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
#if canImport(Glibc)
import Glibc
#endif

/// Reading the store: a cached view of the snapshot and the journal, re-read only where a file changed.
extension SecretStore {
    /// The current contents: from the cache when neither file changed, reading only the journal's new
    /// records when only it grew, else both files. Retries when a compaction replaced the snapshot meanwhile.
    func currentView() throws -> View {
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

    func readBoth(snapshotStamp: FileSystem.Stamp?, journalStamp: FileSystem.Stamp?) throws -> View {
        var view = View(snapshot: snapshotStamp, journal: journalStamp, file: SecretsFile(), generation: 0, snapshotSize: 0,
                        journalCurrent: false, journalSealed: false, journalEnd: 0)
        if let data = try FileSystem.readPrivate(fileURL) {
            let decoded = try SecretsEnvelope.decode(data, file: fileURL.lastPathComponent, keySource: encryption.source) { () throws(SecretStoreError) in try encryption.key(create: false) }
            (view.file, view.generation, view.snapshotSealed) = (decoded.file, decoded.generation, decoded.sealed)
            (view.storeID, view.key, view.snapshotSize) = (decoded.storeID, decoded.key, data.count)
            view.snapshotVersion = decoded.version
            // A store sealed by an older Switchboard (before the marker) gets its marker when first opened.
            if decoded.sealed { markSealed() }
        }
        if let data = try FileSystem.readPrivate(journalURL) {
            let header = SecretsJournal.header(of: data)
            if let header, header.generation == view.generation, header.storeId == view.storeID {
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
            } else if header == nil, data.contains(0x0A) {
                view.damage = "the journal's first line is not a Switchboard journal header"
            }
        }
        return view
    }

    func apply(_ parsed: SecretsJournal.Parsed, to view: inout View) {
        for changes in parsed.changes {
            for (id, entry) in changes { view.file.schemes[id] = entry }
        }
        view.journalEnd = parsed.validEnd
        view.journalRecords = parsed.records
        if let damage = parsed.damage { view.damage = damage }
    }
}
