import Foundation
import Synchronization

/// Client registrations, tokens and static credentials, keyed by scheme id, in a 0600 file.
///
/// Reads are lock-free (writers rename a complete file into place) and cached by the file's identity,
/// so an unchanged file is parsed once. Writes are read-modify-write under an exclusive file lock.
public final class SecretStore: Sendable {
    public let fileURL: URL
    private let lock: FileLock
    private let encryption: SecretsEncryption
    private let warn: @Sendable (String) -> Void
    private let cache = Mutex<(stamp: FileSystem.Stamp, file: SecretsFile)?>(nil)
    private let clock: @Sendable () -> Date

    public init(home: SwitchboardHome, encryption: SecretsEncryption = .fromEnvironment(),
                clock: @escaping @Sendable () -> Date = Date.init,
                warn: @escaping @Sendable (String) -> Void) {
        self.fileURL = home.secretsFile
        self.lock = FileLock(url: home.directory.appendingPathComponent(".integration-secrets.lock"))
        self.encryption = encryption
        self.warn = warn
        self.clock = clock
    }

    /// The whole store. A file that cannot be read or decrypted is quarantined and an empty store returned.
    public func load() throws -> SecretsFile {
        if let hit = cachedIfCurrent() { return hit }
        do {
            return try readCurrent()
        } catch is SecretsEnvelope.ReadError {
            return try lock.withLock {
                // Another process may have replaced the file since; only quarantine what is still broken.
                do { return try readCurrent() } catch let again as SecretsEnvelope.ReadError {
                    try quarantine(because: again)
                    return SecretsFile()
                }
            }
        }
    }

    /// One scheme's secrets (empty when none are stored).
    public func secrets(for schemeID: String) throws -> SchemeSecrets {
        try load().schemes[schemeID] ?? SchemeSecrets()
    }

    /// Read-modify-write under the file lock. Writes only when something changed.
    @discardableResult
    public func update<T>(_ body: (inout SecretsFile) throws -> T) throws -> T {
        try FileSystem.makeDirectory(fileURL.deletingLastPathComponent(), mode: 0o700)
        return try lock.withLock {
            var file: SecretsFile
            do { file = try readCurrent() } catch let error as SecretsEnvelope.ReadError {
                try quarantine(because: error)
                file = SecretsFile()
            }
            let before = file
            let result = try body(&file)
            file.schemes = file.schemes.filter { !$0.value.isEmpty }
            if file != before { try write(file) }
            return result
        }
    }

    /// Changes one scheme's secrets.
    public func updateScheme<T>(_ schemeID: String, _ body: (inout SchemeSecrets) throws -> T) throws -> T {
        try update { file in
            var entry = file.schemes[schemeID] ?? SchemeSecrets()
            let result = try body(&entry)
            file.schemes[schemeID] = entry
            return result
        }
    }

    // MARK: - Internals

    private func cachedIfCurrent() -> SecretsFile? {
        guard let stamp = FileSystem.stamp(of: fileURL) else { return nil }
        return cache.withLock { c in c.flatMap { $0.stamp == stamp ? $0.file : nil } }
    }

    private func readCurrent() throws -> SecretsFile {
        let stampBefore = FileSystem.stamp(of: fileURL)
        if let stampBefore, let hit = cache.withLock({ c in c.flatMap { $0.stamp == stampBefore ? $0.file : nil } }) { return hit }
        guard let data = try FileSystem.read(fileURL) else {
            cache.withLock { $0 = nil }
            return SecretsFile()
        }
        let file = try SecretsEnvelope.decode(data, file: fileURL.lastPathComponent) { try encryption.key(create: false) }
        if let stampBefore, stampBefore == FileSystem.stamp(of: fileURL) {
            cache.withLock { $0 = (stampBefore, file) }
        }
        return file
    }

    private func write(_ file: SecretsFile) throws {
        var data: Data
        if encryption.enabled {
            do {
                data = try SecretsEnvelope.encodeSealed(file, key: encryption.key(create: true))
            } catch {
                warn("could not encrypt the secret store (\(error)); wrote it as plain JSON (mode 0600) instead")
                data = try SecretsEnvelope.encodePlain(file)
            }
        } else {
            data = try SecretsEnvelope.encodePlain(file)
        }
        try FileSystem.writeAtomically(data, to: fileURL, mode: 0o600)
        if let stamp = FileSystem.stamp(of: fileURL) { cache.withLock { $0 = (stamp, file) } }
    }

    private func quarantine(because error: SecretsEnvelope.ReadError) throws {
        let stamp = ISO8601DateFormatter().string(from: clock())
        var suffix = ".broken-\(stamp)"
        var n = 2
        while FileManager.default.fileExists(atPath: fileURL.path + suffix) {
            suffix = ".broken-\(stamp)-\(n)"
            n += 1
        }
        let moved = try FileSystem.moveAside(fileURL, suffix: suffix)
        cache.withLock { $0 = nil }
        warn("the secret store could not be read (\(error)); it was moved to \(moved.lastPathComponent) and an empty store is used. Your connections are kept: reconnect them to sign in again.")
    }
}
