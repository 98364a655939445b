import Crypto
import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
#if canImport(Glibc)
import Glibc
#endif

/// Whether the store is sealed, and changing it; read errors turned into the store's errors.
extension SecretStore {
    /// A view, with read errors turned into the store's errors and the sealing expectation checked.
    func checked(_ read: () throws -> View) throws -> View {
        let view: View
        do { view = try read() } catch let error as SecretsEnvelope.ReadError { throw storeError(error) }
        if encryption.enabled, view.snapshot != nil, !view.snapshotSealed {
            throw SecretStoreError.plainWhereSealedExpected(file: fileURL.lastPathComponent)
        }
        return view
    }

    func storeError(_ error: SecretsEnvelope.ReadError) -> SecretStoreError {
        switch error {
        case .malformed(let why): .damaged(file: fileURL.lastPathComponent, why: why)
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
            if view.snapshot != nil, view.snapshotSealed == sealed, view.damage == nil {
                if sealed { markSealed() } else { unlink(sealedMarkerURL.path) }
                return false
            }
            let key: SymmetricKey? = sealed ? try view.key ?? encryption.key(create: true) : nil
            if let damage = view.damage { try moveDamagedJournalAside(damage) }
            view.key = key
            try compact(view.file, generation: SecretsEnvelope.generation(after: view.generation), key: key, storeID: view.storeID ?? SecretsEnvelope.newStoreID())
            if !sealed { unlink(sealedMarkerURL.path) }
            return true
        }
    }

    /// `integration-secrets.sealed`: a public note, beside the store, that it is sealed. A process with no key at
    /// all refuses to start a new store where it is (the store deleted, or moved aside as damaged). Written
    /// before every sealed snapshot (when missing); removed only by `secrets decrypt`.
    var sealedMarkerURL: URL { fileURL.deletingLastPathComponent().appendingPathComponent("integration-secrets.sealed") }

    func markSealed() {
        var st = stat()
        guard lstat(sealedMarkerURL.path, &st) != 0, errno == ENOENT else { return }
        let note = "The secret store in this folder is sealed (AES-256-GCM). While this file is here, Switchboard never starts a new store here without a key. `\(Remedy.sealSecrets(seal: false).commandLine ?? "")` removes it. It holds no secret.\n"
        try? FileSystem.writeAtomically(Data(note.utf8), to: sealedMarkerURL, mode: 0o600)
    }
}
