import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A store whose key exists stays sealed even when its snapshot is gone: moved aside as damaged, or deleted.
/// The key's presence, not one process's `SWITCHBOARD_ENCRYPT_SECRETS`, says the person sealed their store.
@Suite struct SealedStoreRecoveryTests {
    func fixture() -> (TemporaryDirectory, SwitchboardHome, SecretsEncryption) {
        let tmp = TemporaryDirectory()
        return (tmp, SwitchboardHome(directory: tmp.path("home")),
                SecretsEncryption(enabled: true, keyBase64: nil, keyFile: tmp.path("data/switchboard/secrets.key")))
    }

    /// A process without the variable (a helper, a cron job) that has the key file.
    func withoutVariable(_ sealing: SecretsEncryption) -> SecretsEncryption {
        var other = sealing
        other.enabled = false
        return other
    }

    func expectSealed(_ home: SwitchboardHome, _ encryption: SecretsEncryption, _ sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = storedSecretText(home.directory)
        #expect(!text.contains("canary"), "a sealed store was written in plain JSON", sourceLocation: sourceLocation)
        #expect(!text.contains("\"encryption\":\"none\""), sourceLocation: sourceLocation)
        let state = try SecretStore(home: home, encryption: encryption, warn: { _ in }).sealState()
        #expect(state.exists && state.sealed, sourceLocation: sourceLocation)
    }

    @Test func aQuarantinedSealedStoreComesBackSealed() throws {
        let (tmp, home, sealing) = fixture()
        defer { tmp.remove() }
        try SecretStore(home: home, encryption: sealing, warn: { _ in }).updateScheme("a") { $0.bearerToken = "BEARER-canary-a" }
        // The snapshot is damaged (proven: not JSON); the next write moves it aside.
        let fd = open(home.secretsFile.path, O_WRONLY | O_TRUNC)
        _ = "{ not json".withCString { write(fd, $0, strlen($0)) }
        close(fd)
        let warnings = Mutex<[String]>([])
        let other = withoutVariable(sealing)
        let store = SecretStore(home: home, encryption: other, warn: { w in warnings.withLock { $0.append(w) } })
        try store.updateScheme("b") { $0.bearerToken = "BEARER-canary-b" }
        #expect(warnings.withLock { $0.contains { $0.contains("moved to integration-secrets.json.broken-") } })
        try expectSealed(home, other)
        #expect(try SecretStore(home: home, encryption: other, warn: { _ in }).secrets(for: "b").bearerToken == "BEARER-canary-b")
    }

    @Test func aDeletedSnapshotComesBackSealedWhileTheKeyIsThere() throws {
        let (tmp, home, sealing) = fixture()
        defer { tmp.remove() }
        try SecretStore(home: home, encryption: sealing, warn: { _ in }).updateScheme("a") { $0.bearerToken = "BEARER-canary-a" }
        unlink(home.secretsFile.path)
        unlink(home.directory.appendingPathComponent("integration-secrets.journal").path)
        let other = withoutVariable(sealing)
        try SecretStore(home: home, encryption: other, warn: { _ in }).updateScheme("b") { $0.bearerToken = "BEARER-canary-b" }
        try expectSealed(home, other)
        // Only the snapshot deleted (the journal of the old store stays, and is not applied).
        unlink(home.secretsFile.path)
        try SecretStore(home: home, encryption: other, warn: { _ in }).updateScheme("c") { $0.bearerToken = "BEARER-canary-c" }
        try expectSealed(home, other)
    }

    @Test func aKeyGivenInTheEnvironmentAlsoKeepsANewStoreSealed() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.path("home"))
        let key = Data(repeating: 9, count: 32).base64EncodedString()
        let given = SecretsEncryption(enabled: false, keyBase64: key, keyFile: tmp.path("no/such/secrets.key"))
        try SecretStore(home: home, encryption: given, warn: { _ in }).updateScheme("a") { $0.bearerToken = "BEARER-canary-a" }
        try expectSealed(home, given)
    }

    @Test func withoutAKeyANewStoreStaysPlain() throws {
        let (tmp, home, sealing) = fixture()
        defer { tmp.remove() }
        let plain = withoutVariable(sealing)
        try SecretStore(home: home, encryption: plain, warn: { _ in }).updateScheme("a") { $0.bearerToken = "t" }
        #expect(storedSecretText(home.directory).contains("\"encryption\":\"none\""))
        #expect(!FileManager.default.fileExists(atPath: sealing.keyFile.path), "no key was made behind the person's back")
    }

    @Test func anUnusableKeyFileIsAnErrorNotAPlainStore() throws {
        let (tmp, home, sealing) = fixture()
        defer { tmp.remove() }
        try FileManager.default.createDirectory(at: sealing.keyFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("not a key".utf8).write(to: sealing.keyFile)
        chmod(sealing.keyFile.path, 0o600)
        let store = SecretStore(home: home, encryption: withoutVariable(sealing), warn: { _ in })
        #expect { try store.updateScheme("a") { $0.bearerToken = "BEARER-canary-a" } } throws: { "\($0)".contains("32-byte") }
        #expect(!storedSecretText(home.directory).contains("canary"))
    }
}
