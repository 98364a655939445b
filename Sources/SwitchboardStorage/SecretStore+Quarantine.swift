import Crypto
import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
#if canImport(Glibc)
import Glibc
#endif

/// Setting aside what is proven damaged (under the lock only), and sweeping temporary files of killed writers.
extension SecretStore {
    /// Temporary files left by a writer that was killed mid-write. Under the store lock no other writer
    /// is writing one, so every one found is stale.
    func sweepTemporaries() {
        let dir = fileURL.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        for prefix in [".\(fileURL.lastPathComponent).tmp-", ".\(journalURL.lastPathComponent).tmp-"] {
            for name in names where name.hasPrefix(prefix) { unlink(dir.appendingPathComponent(name).path) }
        }
    }

    func sweepTemporariesOnce() {
        let first = sweptTemporaries.withLock { done in
            defer { done = true }
            return !done
        }
        if first { sweepTemporaries() }
    }

    func brokenSuffix(for url: URL) -> String {
        let stamp = ISO8601DateFormatter().string(from: clock())
        var suffix = ".broken-\(stamp)"
        var n = 2
        while FileManager.default.fileExists(atPath: url.path + suffix) {
            suffix = ".broken-\(stamp)-\(n)"
            n += 1
        }
        return suffix
    }

    func quarantine(because error: SecretsEnvelope.ReadError) throws {
        let moved = try FileSystem.moveAside(fileURL, suffix: brokenSuffix(for: fileURL))
        // The journal continues the snapshot that is gone: keep it next to it.
        if FileManager.default.fileExists(atPath: journalURL.path) {
            _ = try? FileSystem.moveAside(journalURL, suffix: brokenSuffix(for: journalURL))
        }
        cache.withLock { $0 = nil }
        warn("the secret store was damaged (\(error)); it was moved to \(moved.lastPathComponent) (it holds secrets: delete it once you no longer need it) and an empty store is used. Your connections are kept: reconnect them to sign in again.")
    }

    /// Sets a damaged journal aside (under the lock) for inspection; the caller folds the intact records into a new snapshot.
    func moveDamagedJournalAside(_ damage: String) throws {
        let moved = try FileSystem.moveAside(journalURL, suffix: brokenSuffix(for: journalURL))
        warn("the secret store's journal is damaged (\(damage)); it was moved to \(moved.lastPathComponent) and the intact records were kept")
    }
}
