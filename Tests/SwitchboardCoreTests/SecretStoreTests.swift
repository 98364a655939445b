import Crypto
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// Collects warnings a store reports.
final class WarningLog: Sendable {
    let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func sink() -> @Sendable (String) -> Void { { m in self.lines.withLock { $0.append(m) } } }
}

func sampleSecrets() -> SchemeSecrets {
    let reg = ClientRegistration(issuer: "https://as.example", clientID: "client-1", clientSecret: "s3cret-client",
                                 authMethod: "client_secret_basic", redirectURI: "http://127.0.0.1:5555/callback",
                                 registeredAt: Date(timeIntervalSince1970: 1_800_000_000))
    let tokens = TokenSet(accessToken: "AT-canary-123", refreshToken: "RT-canary-456", expiresAt: Date(timeIntervalSince1970: 1_800_003_600),
                          scopes: ["read", "write"], resource: "https://mcp.example", issuer: "https://as.example",
                          clientID: "client-1", tokenEndpoint: "https://as.example/token", revocationEndpoint: nil,
                          obtainedAt: Date(timeIntervalSince1970: 1_800_000_000))
    return SchemeSecrets(registrations: ["https://as.example": reg], tokens: tokens)
}

@Suite struct SecretStoreTests {
    @Test func roundTripIsPlainJSONWithMode0600() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.path("home"))
        let log = WarningLog()
        let store = SecretStore(home: home, encryption: .disabled, warn: log.sink())
        try store.updateScheme("s1") { $0 = sampleSecrets() }
        #expect(FileSystem.mode(of: home.secretsFile) == 0o600)
        #expect(FileSystem.mode(of: home.directory) == 0o700)
        let fresh = SecretStore(home: home, encryption: .disabled, warn: log.sink())
        #expect(try fresh.secrets(for: "s1") == sampleSecrets())
        #expect(try String(contentsOf: home.secretsFile, encoding: .utf8).contains("\"format\":\"switchboard-secrets\""))
        #expect(log.all.isEmpty)
        // No temporary files are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: home.directory.path)
        #expect(!names.contains { $0.contains(".tmp-") })
    }

    @Test func descriptionsNeverShowSecrets() {
        let s = sampleSecrets()
        for text in ["\(s)", String(reflecting: s), "\(s.tokens!)", "\(s.registrations.values.first!)"] {
            #expect(!text.contains("canary"))
            #expect(!text.contains("s3cret"))
        }
    }

    @Test func corruptFileIsQuarantinedUnderTheExactName() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        try Data("{ this is not json".utf8).write(to: home.secretsFile)
        chmod(home.secretsFile.path, 0o600)
        let fixed = Date(timeIntervalSince1970: 1_795_000_000) // 2026-11-17T...
        let log = WarningLog()
        let store = SecretStore(home: home, encryption: .disabled, clock: { fixed }, warn: log.sink())
        // A read never moves anything: it says what is wrong and what the next change does.
        #expect { try store.load() } throws: { "\($0)".contains("is damaged") && "\($0)".contains("next change") }
        #expect(try String(contentsOf: home.secretsFile, encoding: .utf8) == "{ this is not json")
        // The next write, under the lock, moves the proven-damaged file aside (0600: it may hold secrets).
        try store.updateScheme("s") { $0.bearerToken = "x" }
        let names = try FileManager.default.contentsOfDirectory(atPath: tmp.url.path)
        let expected = "integration-secrets.json.broken-" + ISO8601DateFormatter().string(from: fixed)
        #expect(names.contains(expected))
        #expect(expected.wholeMatch(of: /integration-secrets\.json\.broken-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
        #expect(try String(contentsOf: tmp.path(expected), encoding: .utf8) == "{ this is not json")
        #expect(FileSystem.mode(of: tmp.path(expected)) == 0o600)
        #expect(log.all.count == 1)
        #expect(log.all[0].contains(expected) && log.all[0].contains("holds secrets"))
        #expect(try store.secrets(for: "s").bearerToken == "x")
    }

    @Test func encryptedRoundTripAndAWrongKeyIsAnErrorThatMovesNothing() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.path("home"))
        let keyFile = tmp.path("data/switchboard/secrets.key")
        let enc = SecretsEncryption(enabled: true, keyBase64: nil, keyFile: keyFile)
        let log = WarningLog()
        let store = SecretStore(home: home, encryption: enc, warn: log.sink())
        try store.updateScheme("s1") { $0 = sampleSecrets() }
        let raw = try String(contentsOf: home.secretsFile, encoding: .utf8)
        #expect(raw.contains("aes-256-gcm"))
        #expect(!raw.contains("canary"))
        #expect(FileSystem.mode(of: keyFile) == 0o600)
        #expect(try SecretStore(home: home, encryption: enc, warn: log.sink()).secrets(for: "s1") == sampleSecrets())
        // Reading needs no SWITCHBOARD_ENCRYPT_SECRETS, only the key.
        let readOnly = SecretsEncryption(enabled: false, keyBase64: nil, keyFile: keyFile)
        #expect(try SecretStore(home: home, encryption: readOnly, warn: log.sink()).secrets(for: "s1") == sampleSecrets())
        #expect(log.all.isEmpty)

        let before = storedSecretText(home.directory)
        let otherKey = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        let wrong = SecretStore(home: home, encryption: SecretsEncryption(enabled: true, keyBase64: otherKey, keyFile: keyFile), warn: log.sink())
        for attempt in [{ _ = try wrong.load() }, { try wrong.updateScheme("s2") { $0.bearerToken = "new" } }] {
            #expect { try attempt() } throws: { error in
                guard case .wrongKey(let source, _, let storeKeyID) = error as? SecretStoreError else { return false }
                return source == "SWITCHBOARD_SECRETS_KEY" && storeKeyID != nil
            }
        }
        #expect(storedSecretText(home.directory) == before)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: home.directory.path).contains { $0.contains("broken") })
        #expect(log.all.isEmpty)
    }

    @Test func anInvalidKeyNeverFallsBackToPlainJSON() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.path("home"))
        let log = WarningLog()
        let enc = SecretsEncryption(enabled: true, keyBase64: "not-base64-and-short", keyFile: tmp.path("k"))
        let store = SecretStore(home: home, encryption: enc, warn: log.sink())
        #expect { try store.updateScheme("s1") { $0.bearerToken = "tok" } } throws: { "\($0)".contains("SWITCHBOARD_SECRETS_KEY") }
        #expect(!FileManager.default.fileExists(atPath: home.secretsFile.path))
        #expect(!storedSecretText(home.directory).contains("tok"))
    }

    @Test func emptySchemesAreDropped() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let store = SecretStore(home: SwitchboardHome(directory: tmp.url), encryption: .disabled, warn: { _ in })
        try store.updateScheme("a") { $0.bearerToken = "t" }
        try store.updateScheme("a") { $0.bearerToken = nil }
        #expect(try store.load().schemes.isEmpty)
    }

    @Test func cachedReadSeesOtherWriters() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let a = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        let b = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        try a.updateScheme("x") { $0.bearerToken = "1" }
        #expect(try b.secrets(for: "x").bearerToken == "1")
        try a.updateScheme("x") { $0.bearerToken = "2" }
        #expect(try b.secrets(for: "x").bearerToken == "2")
    }
}
