import Crypto
import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Secrets at rest: a sealed store stays sealed, a missing key is an error and not a reset, sealed boxes
/// are bound to their place, and the store's files are never used through links or when others can read them.
@Suite struct SecretStoreHardeningTests {
    func names(_ dir: URL) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] }

    func fixture() -> (TemporaryDirectory, SwitchboardHome, SecretsEncryption) {
        let tmp = TemporaryDirectory()
        return (tmp, SwitchboardHome(directory: tmp.path("home")),
                SecretsEncryption(enabled: true, keyBase64: nil, keyFile: tmp.path("data/switchboard/secrets.key")))
    }

    // MARK: 1. Sealed stays sealed

    @Test func aWriteWithoutTheVariableKeepsASealedStoreSealed() throws {
        let (tmp, home, sealing) = fixture()
        defer { tmp.remove() }
        try SecretStore(home: home, encryption: sealing, warn: { _ in }).updateScheme("a") { $0 = sampleSecrets() }
        // Another process (a helper, a cron job) without SWITCHBOARD_ENCRYPT_SECRETS but with the key file.
        var other = sealing
        other.enabled = false
        let helper = SecretStore(home: home, encryption: other, compactionFloor: 0, warn: { _ in })
        try helper.updateScheme("b") { $0.bearerToken = "BEARER-canary-b" }   // an append
        try helper.updateScheme("a") { $0.tokens = nil }                       // a compaction
        let text = storedSecretText(home.directory)
        #expect(!text.contains("canary"), "a sealed store was written in plain JSON")
        #expect(!text.contains("\"encryption\":\"none\""))
        #expect(try SecretStore(home: home, encryption: other, warn: { _ in }).secrets(for: "b").bearerToken == "BEARER-canary-b")
    }

    @Test func aPlainStoreIsNotSealedBehindTheUsersBackButRefusedWhenSealingIsAsked() throws {
        let (tmp, home, sealing) = fixture()
        defer { tmp.remove() }
        var plain = sealing
        plain.enabled = false
        try SecretStore(home: home, encryption: plain, warn: { _ in }).updateScheme("a") { $0.bearerToken = "t" }
        let before = storedSecretText(home.directory)
        let asking = SecretStore(home: home, encryption: sealing, warn: { _ in })
        #expect { try asking.load() } throws: { ($0 as? SecretStoreError) == .plainWhereSealedExpected(file: "integration-secrets.json") && "\($0)".contains("switchboard secrets encrypt") }
        #expect { try asking.updateScheme("a") { $0.bearerToken = "u" } } throws: { $0 is SecretStoreError }
        #expect(storedSecretText(home.directory) == before)
        // The explicit command seals it; then the variable is no longer needed, and decrypting is explicit too.
        #expect(try asking.setSealed(true))
        #expect(try !asking.setSealed(true))
        #expect(!storedSecretText(home.directory).contains("\"t\""))
        let reader = SecretStore(home: home, encryption: plain, warn: { _ in })
        #expect(try reader.secrets(for: "a").bearerToken == "t")
        #expect(try reader.setSealed(false))
        #expect(storedSecretText(home.directory).contains("\"encryption\":\"none\""))
    }

    // MARK: 2. A missing or wrong key, or a newer store, is an error

    @Test func aMissingKeyIsAnErrorAndNothingIsMoved() throws {
        let (tmp, home, sealing) = fixture()
        defer { tmp.remove() }
        try SecretStore(home: home, encryption: sealing, warn: { _ in }).updateScheme("a") { $0 = sampleSecrets() }
        let before = storedSecretText(home.directory)
        try FileManager.default.removeItem(at: sealing.keyFile)
        let log = WarningLog()
        let store = SecretStore(home: home, encryption: sealing, warn: log.sink())
        for attempt in [{ _ = try store.load() }, { try store.updateScheme("b") { $0.bearerToken = "x" } }] {
            #expect { try attempt() } throws: { error in
                (error as? SecretStoreError) == .noKey(source: sealing.source) && "\(error)".contains(sealing.keyFile.path)
            }
        }
        #expect(storedSecretText(home.directory) == before)
        #expect(!names(home.directory).contains { $0.contains("broken") })
        #expect(!FileManager.default.fileExists(atPath: sealing.keyFile.path), "a reader or writer of a sealed store must not invent a key")
        #expect(log.all.isEmpty)
    }

    @Test func aNewerStoreVersionIsAnError() throws {
        let (tmp, home, _) = fixture()
        defer { tmp.remove() }
        try FileSystem.makeDirectory(home.directory, mode: 0o700)
        let newer = #"{"format":"switchboard-secrets","version":9,"encryption":"none","generation":1,"schemes":{}}"#
        try FileSystem.writeAtomically(Data(newer.utf8), to: home.secretsFile, mode: 0o600)
        let store = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        #expect { try store.updateScheme("a") { $0.bearerToken = "x" } } throws: { ($0 as? SecretStoreError) == .newerVersion(file: "integration-secrets.json", version: 9) }
        #expect(try String(contentsOf: home.secretsFile, encoding: .utf8) == newer)
    }

    // MARK: 3. Authenticated envelope

    @Test func sealedRecordsCannotBeReorderedReplayedOrMovedBetweenStores() throws {
        let (tmp, home, sealing) = fixture()
        defer { tmp.remove() }
        let store = SecretStore(home: home, encryption: sealing, warn: { _ in })
        try store.updateScheme("a") { $0.bearerToken = "first" }    // a new store: a snapshot
        try store.updateScheme("a") { $0.bearerToken = "second" }   // record 0
        try store.updateScheme("b") { $0.bearerToken = "third" }    // record 1
        let journalURL = home.directory.appendingPathComponent("integration-secrets.journal")
        let lines = try String(contentsOf: journalURL, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        func reading(_ journal: [String]) throws -> SecretsFile {
            try FileSystem.writeAtomically(Data((journal.joined(separator: "\n") + "\n").utf8), to: journalURL, mode: 0o600)
            return try SecretStore(home: home, encryption: sealing, warn: { _ in }).load()
        }
        #expect(try reading(lines).schemes["a"]?.bearerToken == "second")
        // Swapped: neither record opens at the other's position.
        let swapped = try reading([lines[0], lines[2], lines[1]])
        #expect(swapped.schemes["a"]?.bearerToken == "first" && swapped.schemes["b"] == nil)
        // Replayed: record 0 again as record 1 does not undo record 1.
        #expect(try reading([lines[0], lines[1], lines[1]]).schemes["b"] == nil)
        // Moved: a record from another store sealed with the same key (same generation, same position).
        let otherHome = SwitchboardHome(directory: tmp.path("other"))
        let other = SecretStore(home: otherHome, encryption: sealing, warn: { _ in })
        try other.updateScheme("a") { $0.bearerToken = "x" }
        try other.updateScheme("a") { $0.bearerToken = "FOREIGN" }
        let foreign = try String(contentsOf: otherHome.directory.appendingPathComponent("integration-secrets.journal"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(try reading([lines[0], foreign[1]]).schemes["a"]?.bearerToken == "first")
        // A plain record where sealed ones are expected is never applied.
        #expect(try reading([lines[0].replacingOccurrences(of: "aes-256-gcm", with: "none"), #"0123456789abcdef {"a":{"bearerToken":"PLAIN"}}"#])
            .schemes["a"]?.bearerToken == "first")
    }

    @Test func aSealedSnapshotCannotBeMovedToAnotherGenerationOrStore() throws {
        let (tmp, home, sealing) = fixture()
        defer { tmp.remove() }
        try SecretStore(home: home, encryption: sealing, warn: { _ in }).updateScheme("a") { $0.bearerToken = "t" }
        let original = try String(contentsOf: home.secretsFile, encoding: .utf8)
        for (from, to) in [("\"generation\":1", "\"generation\":7"), ("\"storeId\":\"", "\"storeId\":\"0")] {
            #expect(original.contains(from))
            try FileSystem.writeAtomically(Data(original.replacingOccurrences(of: from, with: to).utf8), to: home.secretsFile, mode: 0o600)
            let store = SecretStore(home: home, encryption: sealing, warn: { _ in })
            #expect { try store.load() } throws: { error in
                let text = String(describing: error)
                return text.contains("fail authentication")
            }
        }
    }

    @Test func racingProcessesEndWithOneKey() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        for round in 0..<10 {
            let sealing = SecretsEncryption(enabled: true, keyBase64: nil, keyFile: tmp.path("round\(round)/secrets.key"))
            // Eight stores in eight homes create the one key file at once; each seals with the key it got.
            let homes = (0..<8).map { SwitchboardHome(directory: tmp.path("round\(round)/home\($0)")) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for home in homes {
                    group.addTask { try SecretStore(home: home, encryption: sealing, warn: { _ in }).updateScheme("a") { $0.bearerToken = "t" } }
                }
                try await group.waitForAll()
            }
            var plain = sealing
            plain.enabled = false
            for home in homes {
                #expect(try SecretStore(home: home, encryption: plain, warn: { _ in }).secrets(for: "a").bearerToken == "t", "sealed with a key that lost the race")
            }
            #expect(names(tmp.path("round\(round)")).filter { $0.contains("secrets.key") } == ["secrets.key"])
        }
    }

    // MARK: 4. Links, owners and modes

    @Test func theKeyFileIsCheckedBeforeUse() throws {
        let (tmp, home, sealing) = fixture()
        defer { tmp.remove() }
        try SecretStore(home: home, encryption: sealing, warn: { _ in }).updateScheme("a") { $0.bearerToken = "t" }
        chmod(sealing.keyFile.path, 0o644)
        #expect { try SecretStore(home: home, encryption: sealing, warn: { _ in }).load() } throws: { "\($0)".contains("other users can access it") }
        chmod(sealing.keyFile.path, 0o600)
        let real = sealing.keyFile.deletingLastPathComponent().appendingPathComponent("real.key")
        try FileManager.default.moveItem(at: sealing.keyFile, to: real)
        try FileManager.default.createSymbolicLink(at: sealing.keyFile, withDestinationURL: real)
        #expect { try SecretStore(home: home, encryption: sealing, warn: { _ in }).load() } throws: { "\($0)".contains("symbolic link") }
        try FileManager.default.removeItem(at: sealing.keyFile)
        try FileManager.default.moveItem(at: real, to: sealing.keyFile)
        if geteuid() == 0 {
            // Someone else's key file (only root can make one here).
            chown(sealing.keyFile.path, 65534, 65534)
            #expect { try SecretStore(home: home, encryption: sealing, warn: { _ in }).load() } throws: { "\($0)".contains("belongs to user 65534") }
        }
    }

    @Test(arguments: ["integration-secrets.json", "integration-secrets.journal", ".integration-secrets.lock"])
    func storeFilesAreNeverFollowedThroughLinks(_ name: String) throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.path("home"))
        let store = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        try store.updateScheme("a") { $0.bearerToken = "t" }
        let victim = tmp.path("victim")
        let link = home.directory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: link.path) { try FileManager.default.moveItem(at: link, to: victim) }
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: victim)
        let before = try? Data(contentsOf: victim)
        let fresh = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        #expect { try fresh.updateScheme("b") { $0.bearerToken = "u" } } throws: { "\($0)".contains("symbolic link") }
        #expect((try? Data(contentsOf: victim)) == before, "the link's target was changed or created")
    }

    @Test func filesOpenToOtherUsersAreRefused() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.path("home"))
        try SecretStore(home: home, encryption: .disabled, warn: { _ in }).updateScheme("a") { $0.bearerToken = "t" }
        chmod(home.secretsFile.path, 0o640)
        #expect { try SecretStore(home: home, encryption: .disabled, warn: { _ in }).load() } throws: {
            "\($0)".contains("other users can access it (mode 640)") && "\($0)".contains("chmod 600")
        }
    }
}
