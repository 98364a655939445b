import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// The journal behind the secret store: appends, compaction, torn tails, damage, grouping.
@Suite struct SecretJournalTests {
    func lines(_ url: URL) -> [String] {
        (try? String(contentsOf: url, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
    }

    @Test func commitsAppendAndCompactionFoldsThemIntoTheSnapshot() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let store = SecretStore(home: home, encryption: .disabled, compactionFloor: 4096, warn: { _ in })
        try store.updateScheme("a") { $0.bearerToken = "first" }
        let snapshot = try Data(contentsOf: store.fileURL)
        try store.updateScheme("b") { $0.bearerToken = "second" }
        try store.updateScheme("a") { $0.bearerToken = "third" }
        #expect(try Data(contentsOf: store.fileURL) == snapshot, "a commit does not rewrite the snapshot")
        #expect(lines(store.journalURL).count == 3, "a header and one line per commit")
        #expect(FileSystem.mode(of: store.journalURL) == 0o600)
        // A second process (another store object) sees the snapshot plus the journal.
        let other = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        #expect(try other.secrets(for: "a").bearerToken == "third")
        #expect(try other.secrets(for: "b").bearerToken == "second")
        // Past the floor the journal is folded into a new snapshot and starts again.
        for i in 0..<40 { try store.updateScheme("c\(i)") { $0.bearerToken = String(repeating: "x", count: 100) + "\(i)" } }
        #expect(lines(store.journalURL).count < 40)
        #expect(try Data(contentsOf: store.fileURL) != snapshot)
        let again = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        #expect(try again.load().schemes.count == 42)
        // The reader that cached the old generation follows the compaction.
        #expect(try other.load().schemes.count == 42)
        // Deletions are journaled too.
        try store.updateScheme("a") { $0.bearerToken = nil }
        #expect(try other.load().schemes["a"] == nil)
    }

    @Test func aTornTailIsIgnoredAndCutOffByTheNextCommit() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let warnings = WarningLog()
        let store = SecretStore(home: home, encryption: .disabled, warn: warnings.sink())
        try store.updateScheme("a") { $0.bearerToken = "1" }
        try store.updateScheme("b") { $0.bearerToken = "2" }
        // A writer killed mid-append leaves half a line.
        let handle = try FileHandle(forWritingTo: store.journalURL)
        handle.seekToEndOfFile()
        handle.write(Data("0123456789abcdef {\"a\":{\"bearerTok".utf8))
        try handle.close()
        let fresh = SecretStore(home: home, encryption: .disabled, warn: warnings.sink())
        #expect(try fresh.secrets(for: "a").bearerToken == "1")
        try fresh.updateScheme("c") { $0.bearerToken = "3" }
        #expect(!lines(fresh.journalURL).contains { $0.contains("bearerTok\"") && !$0.hasSuffix("}") })
        let reader = SecretStore(home: home, encryption: .disabled, warn: warnings.sink())
        #expect(try reader.load().schemes.mapValues(\.bearerToken) == ["a": "1", "b": "2", "c": "3"])
        #expect(warnings.all.isEmpty, "a torn tail is normal after a crash, not damage")
    }

    @Test func aDamagedRecordIsKeptAsideAndTheIntactOnesSurvive() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let warnings = WarningLog()
        let store = SecretStore(home: home, encryption: .disabled, warn: warnings.sink())
        try store.updateScheme("a") { $0.bearerToken = "1" }
        try store.updateScheme("b") { $0.bearerToken = "2" }
        try store.updateScheme("c") { $0.bearerToken = "3" }
        // Flip a byte in the middle record (b's): its checksum no longer matches.
        var text = try String(contentsOf: store.journalURL, encoding: .utf8)
        let range = text.range(of: "\"2\"")!
        text.replaceSubrange(range, with: "\"9\"")
        try text.write(to: store.journalURL, atomically: false, encoding: .utf8)
        let fresh = SecretStore(home: home, encryption: .disabled, warn: warnings.sink())
        #expect(try fresh.secrets(for: "b").bearerToken == nil, "a damaged record is never applied")
        try fresh.updateScheme("d") { $0.bearerToken = "4" }
        let names = try FileManager.default.contentsOfDirectory(atPath: tmp.url.path)
        #expect(names.contains { $0.hasPrefix("integration-secrets.journal.broken-") }, "the damaged journal is kept")
        #expect(warnings.all.contains { $0.contains("damaged") })
        let reader = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        #expect(try reader.load().schemes.mapValues(\.bearerToken) == ["a": "1", "d": "4"])
    }

    @Test func concurrentCommitsAreGroupedAndAllDurable() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let store = SecretStore(home: home, encryption: .disabled, compactionFloor: 1 << 24, warn: { _ in })
        try store.updateScheme("seed") { $0.bearerToken = "0" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<300 { group.addTask { try await store.commitScheme("s\(i)") { $0.bearerToken = "v\(i)" } } }
            try await group.waitForAll()
        }
        let reader = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        let all = try reader.load().schemes
        #expect(all.count == 301)
        #expect((0..<300).allSatisfy { all["s\($0)"]?.bearerToken == "v\($0)" })
        #expect(lines(store.journalURL).count - 1 < 300, "commits waiting together share one append")
    }

    @Test func sealedJournalHoldsNoPlainSecret() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let encryption = SecretsEncryption(enabled: true, keyBase64: key, keyFile: tmp.path("key"))
        let store = SecretStore(home: home, encryption: encryption, warn: { _ in })
        try store.updateScheme("a") { $0.bearerToken = "tok-canary-1" }
        try store.updateScheme("b") { $0.bearerToken = "tok-canary-2" }
        let journal = try String(contentsOf: store.journalURL, encoding: .utf8)
        #expect(journal.contains("sealed ") && !journal.contains("canary"))
        let reader = SecretStore(home: home, encryption: encryption, warn: { _ in })
        #expect(try reader.secrets(for: "b").bearerToken == "tok-canary-2")
    }

    @Test func staleTemporaryFilesAreSwept() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        try SecretStore(home: home, encryption: .disabled, warn: { _ in }).updateScheme("a") { $0.bearerToken = "1" }
        let stale = tmp.url.appendingPathComponent(".integration-secrets.json.tmp-999999-1")
        try Data("{".utf8).write(to: stale)
        try SecretStore(home: home, encryption: .disabled, warn: { _ in }).updateScheme("b") { $0.bearerToken = "2" }
        #expect(!FileManager.default.fileExists(atPath: stale.path))
    }
}

extension SecretJournalTests {
    @Test func deletingASecretLeavesNoCopyInTheJournal() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let store = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        try store.updateScheme("keep") { $0.bearerToken = "keep-1" }
        try store.updateScheme("gone") { $0.bearerToken = "tok-canary-gone" }
        #expect(storedSecretText(tmp.url).contains("tok-canary-gone"))
        try store.update { $0.schemes["gone"] = nil }
        #expect(!storedSecretText(tmp.url).contains("tok-canary-gone"))
        #expect(try store.secrets(for: "keep").bearerToken == "keep-1")
    }
}
