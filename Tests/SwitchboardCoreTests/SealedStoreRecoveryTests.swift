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

    // MARK: - Without the key: nothing is quarantined on the header's word, and no plain store is started

    /// A process given no key at all (an MCP client starting `switchboard bridge` with a minimal environment).
    func keyless(_ tmp: TemporaryDirectory) -> SecretsEncryption {
        SecretsEncryption(enabled: false, keyBase64: nil, keyFile: tmp.path("no/such/secrets.key"))
    }

    func sealedWithEnvironmentKey(_ tmp: TemporaryDirectory) throws -> (SwitchboardHome, SecretsEncryption) {
        let home = SwitchboardHome(directory: tmp.path("home"))
        let given = SecretsEncryption(enabled: false, keyBase64: Data(repeating: 7, count: 32).base64EncodedString(), keyFile: tmp.path("no/such/secrets.key"))
        try SecretStore(home: home, encryption: given, warn: { _ in }).updateScheme("a") { $0.bearerToken = "BEARER-canary-a" }
        try expectSealed(home, given)
        return (home, given)
    }

    func brokenFiles(_ home: SwitchboardHome) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: home.directory.path)) ?? []).filter { $0.contains(".broken-") }
    }

    @Test func aSealedSnapshotWithABadGenerationIsLeftAloneWithoutTheKey() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let (home, given) = try sealedWithEnvironmentKey(tmp)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: home.secretsFile)) as? [String: Any])
        object["generation"] = 1 << 60
        let edited = try JSONSerialization.data(withJSONObject: object)
        try edited.write(to: home.secretsFile)
        chmod(home.secretsFile.path, 0o600)
        let store = SecretStore(home: home, encryption: keyless(tmp), warn: { _ in })
        #expect { try store.updateScheme("b") { $0.bearerToken = "BEARER-canary-b" } } throws: { "\($0)".contains("key is missing") }
        #expect(try Data(contentsOf: home.secretsFile) == edited, "a process without the key rewrote a sealed snapshot")
        #expect(brokenFiles(home).isEmpty, "a process without the key quarantined a sealed snapshot")
        #expect(!storedSecretText(home.directory).contains("canary-b"))
        // With the key, the bad generation is proven damage (as before).
        let warnings = Mutex<[String]>([])
        try SecretStore(home: home, encryption: given, warn: { w in warnings.withLock { $0.append(w) } }).updateScheme("c") { $0.bearerToken = "BEARER-canary-c" }
        #expect(warnings.withLock { $0.contains { $0.contains("generation") } })
    }

    @Test func aKeyFileThatCannotBeCheckedCountsAsAKey() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        // lstat fails with ELOOP (a folder on the way loops) and ENAMETOOLONG: not "no key".
        try FileManager.default.createSymbolicLink(atPath: tmp.path("loop").path, withDestinationPath: tmp.path("loop").path)
        let looping = SecretsEncryption(enabled: false, keyBase64: nil, keyFile: tmp.path("loop/switchboard/secrets.key"))
        let long = SecretsEncryption(enabled: false, keyBase64: nil, keyFile: tmp.path(String(repeating: "k", count: 300) + "/secrets.key"))
        #expect(looping.keyExists && long.keyExists)
        #expect(!keyless(tmp).keyExists)
        let home = SwitchboardHome(directory: tmp.path("home"))
        #expect(throws: (any Error).self) { try SecretStore(home: home, encryption: looping, warn: { _ in }).updateScheme("a") { $0.bearerToken = "BEARER-canary-a" } }
        #expect(!storedSecretText(home.directory).contains("canary"), "a plain store was written although a key may exist")
        if geteuid() != 0 {
            // EACCES: a key folder this user cannot search.
            let folder = tmp.path("data/switchboard")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            chmod(folder.path, 0o000)
            defer { chmod(folder.path, 0o700) }
            #expect(SecretsEncryption(enabled: false, keyBase64: nil, keyFile: folder.appendingPathComponent("secrets.key")).keyExists)
        }
    }

    @Test func aDeletedSealedStoreIsNotStartedPlainWithoutTheKey() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let (home, given) = try sealedWithEnvironmentKey(tmp)
        unlink(home.secretsFile.path)
        unlink(home.directory.appendingPathComponent("integration-secrets.journal").path)
        let store = SecretStore(home: home, encryption: keyless(tmp), warn: { _ in })
        #expect { try store.updateScheme("b") { $0.bearerToken = "BEARER-canary-b" } } throws: { "\($0)".contains("SWITCHBOARD_SECRETS_KEY") && "\($0)".contains("sealed") }
        #expect(!storedSecretText(home.directory).contains("canary"), "a plain store was started where a sealed one was")
        // With the key it starts sealed again.
        try SecretStore(home: home, encryption: given, warn: { _ in }).updateScheme("c") { $0.bearerToken = "BEARER-canary-c" }
        try expectSealed(home, given)
    }

    @Test func aQuarantinedSealedStoreIsNotStartedPlainWithoutTheKey() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let (home, _) = try sealedWithEnvironmentKey(tmp)
        let fd = open(home.secretsFile.path, O_WRONLY | O_TRUNC)
        _ = "{ not json".withCString { write(fd, $0, strlen($0)) }
        close(fd)
        let store = SecretStore(home: home, encryption: keyless(tmp), warn: { _ in })
        #expect(throws: (any Error).self) { try store.updateScheme("b") { $0.bearerToken = "BEARER-canary-b" } }
        #expect(!storedSecretText(home.directory).contains("canary"), "a plain store was started where a sealed one was")
        // Unsealing on purpose starts a plain store.
        #expect(try store.setSealed(false))
        try store.updateScheme("d") { $0.bearerToken = "plain-on-purpose" }
        #expect(storedSecretText(home.directory).contains("plain-on-purpose"))
    }

    @Test func decryptSaysTheKeyFileStillSealsANewStore() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let env = ["SWITCHBOARD_HOME": tmp.path("home").path, "XDG_DATA_HOME": tmp.path("data").path]
        #expect(try await BinaryRunner.runDetached(["secrets", "encrypt"], environment: env).status == 0)
        let r = try await BinaryRunner.runDetached(["secrets", "decrypt"], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let keyFile = tmp.path("data/switchboard/secrets.key").path
        #expect(r.stdout.contains(keyFile) && r.stdout.contains("sealed"), "decrypt does not say the key file stays: \(r.stdout)")
        #expect(FileManager.default.fileExists(atPath: keyFile), "the key file may seal other homes' stores: it stays")
    }
}
