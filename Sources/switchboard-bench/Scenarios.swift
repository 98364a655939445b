import Foundation
import SwitchboardCore

enum Scenarios {
    static let all: [Scenario] = [
        Scenario(name: "store-commit", run: storeCommit),
    ]

    /// A scheme's secrets as a real connect leaves them (registration + rotating tokens).
    static func sampleSecrets(_ i: Int, issuer: String = "https://auth.example.com") -> SchemeSecrets {
        let reg = ClientRegistration(issuer: issuer, clientID: "client-\(i)-\(UUID().uuidString)", authMethod: "none",
                                     redirectURI: "http://127.0.0.1:43123/callback", registeredAt: Date())
        let tokens = TokenSet(accessToken: "at-\(UUID().uuidString)-\(UUID().uuidString)", refreshToken: "rt-\(UUID().uuidString)",
                              expiresAt: Date().addingTimeInterval(3600), scopes: ["mcp:tools", "offline_access"],
                              resource: "https://s\(i).example.com/mcp", issuer: issuer, clientID: reg.clientID,
                              tokenEndpoint: issuer + "/token", revocationEndpoint: issuer + "/revoke", obtainedAt: Date())
        return SchemeSecrets(registrations: [issuer: reg], tokens: tokens)
    }

    static func home() -> SwitchboardHome {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-bench-\(UUID().uuidString)")
        return SwitchboardHome(directory: dir)
    }

    /// One fsynced commit (one scheme's tokens change) with 10,000 schemes stored.
    static func storeCommit(_ quick: Bool) async throws -> [Result] {
        let home = home()
        defer { try? FileManager.default.removeItem(at: home.directory) }
        let store = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        let n = 10_000
        try store.update { file in for i in 0..<n { file.schemes["scheme-\(i)"] = sampleSecrets(i) } }
        let size = (try? FileManager.default.attributesOfItem(atPath: store.fileURL.path)[.size] as? Int) ?? 0
        var i = 0
        let samples = try sample(runs: quick ? 20 : 100, scale: ms) {
            i += 1
            try store.updateScheme("scheme-\(i % n)") { $0.tokens?.accessToken = "at-\(i)-\(UUID().uuidString)" }
        }
        return [Result("secret-store commit, 10k schemes", unit: "ms", samples: samples, target: 20,
                       notes: ["file": "\(size / 1024) KiB"])]
    }
}
