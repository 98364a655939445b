import Acquisition
import Foundation
import SwitchboardCore
import SwitchboardFuzzing
import Testing

/// The libFuzzer targets' entry points on their seeds, on every input a fuzzing run found (kept in
/// `.ci/fuzz/regressions/<target>/`), and on hand-made nasty inputs. Each must simply return.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.ci/fuzz").standardized
    static let entries: [String: @Sendable (Data) -> Void] = [
        "FuzzWWWAuthenticate": FuzzEntryPoints.wwwAuthenticate,
        "FuzzCallback": FuzzEntryPoints.callback,
        "FuzzMetadata": FuzzEntryPoints.metadata,
        "FuzzTokenResponse": FuzzEntryPoints.tokenResponse,
        "FuzzSecretsFile": SecretStore.fuzzRead,
    ]

    static func inputs(_ target: String) -> [URL] {
        ["seeds", "regressions"].flatMap { folder -> [URL] in
            let dir = root.appendingPathComponent(folder).appendingPathComponent(target)
            return ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
        }
    }

    @Test(arguments: ["FuzzWWWAuthenticate", "FuzzCallback", "FuzzMetadata", "FuzzTokenResponse", "FuzzSecretsFile"])
    func seedsAndFoundInputsPass(_ target: String) throws {
        let files = Self.inputs(target)
        #expect(!files.isEmpty, "seeds for \(target) are in .ci/fuzz/seeds/\(target)")
        let entry = try #require(Self.entries[target])
        for file in files { entry(try Data(contentsOf: file)) }
    }

    static let nasty: [Data] = [
        Data(), Data([0]), Data([0xFF, 0xFE, 0x00]), Data(repeating: 0x22, count: 5000), Data(repeating: 0x5C, count: 4097),
        Data("Bearer ,,,,=,=\"\\".utf8), Data("Bearer scope=\"unterminated".utf8), Data("\u{1}{\"access_token\":[],\"token_type\":{}}".utf8),
        Data("/callback?state=expected-state&code=&code=x&iss=".utf8), Data("/callback?%%%%&state=%ZZ".utf8),
        Data("{\"expires_in\":1e400,\"access_token\":\"a\",\"token_type\":\"bearer\"}".utf8),
        Data("{\"expires_in\":-0.0,\"access_token\":\"a\",\"token_type\":\"bearer\"}".utf8),
        // Found by FuzzTokenResponse: a number beyond Int's range used to trap when the error message was built.
        Data("{\"expires_in\":3.6e51,\"access_token\":\"a\",\"token_type\":\"bearer\"}".utf8),
        Data("{\"expires_in\":-9e300,\"access_token\":\"a\",\"token_type\":\"bearer\"}".utf8),
        Data("\u{1}{\"format\":\"switchboard-secrets-journal\",\"version\":1,\"generation\":0,\"encryption\":\"none\"}\nsealed !!!\n\n\n".utf8),
        Data("\u{3}{\"format\":\"switchboard-secrets-journal\",\"version\":1,\"generation\":0,\"encryption\":\"aes-256-gcm\"}\nsealed AAAA\n".utf8),
        Data("\u{0}{\"format\":\"switchboard-secrets\",\"version\":1,\"encryption\":\"aes-256-gcm\",\"sealed\":\"AAAA\"}".utf8),
    ]

    /// The sealed seeds open with the fuzzer's key and associated data, so mutations of them exercise
    /// authentication: a changed generation, store or record position opens nothing.
    @Test func sealedSeedsExerciseTheAssociatedData() throws {
        let file = SecretsFile(schemes: ["a": SchemeSecrets(bearerToken: "x"), "b": SchemeSecrets(bearerToken: "y")])
        let (snapshot, journal) = try SecretStore.fuzzSeeds(file)
        #expect(SecretStore.fuzzDecodedSchemes(Data([0]) + snapshot) == 2)
        let moved = String(decoding: snapshot, as: UTF8.self).replacingOccurrences(of: "\"generation\":1", with: "\"generation\":2")
        #expect(SecretStore.fuzzDecodedSchemes(Data([0]) + Data(moved.utf8)) == nil)
        let otherStore = String(decoding: snapshot, as: UTF8.self).replacingOccurrences(of: "\"storeId\":\"fuzz\"", with: "\"storeId\":\"fuzz2\"")
        #expect(SecretStore.fuzzDecodedSchemes(Data([0]) + Data(otherStore.utf8)) == nil)
        #expect(SecretStore.fuzzDecodedSchemes(Data([3]) + journal) == 2)
        var lines = String(decoding: journal, as: UTF8.self).split(separator: "\n").map(String.init)
        lines.swapAt(1, 2)
        #expect(SecretStore.fuzzDecodedSchemes(Data([3]) + Data((lines.joined(separator: "\n") + "\n").utf8)) == 0)
        // The corpus holds such seeds (written once with SWITCHBOARD_WRITE_FUZZ_SEEDS=1).
        let seeds = Self.root.appendingPathComponent("seeds/FuzzSecretsFile")
        if ProcessInfo.processInfo.environment["SWITCHBOARD_WRITE_FUZZ_SEEDS"] == "1" {
            try (Data([0]) + snapshot).write(to: seeds.appendingPathComponent("sealed-v2-snapshot"))
            try (Data([3]) + journal).write(to: seeds.appendingPathComponent("sealed-v2-journal"))
        }
        for name in ["sealed-v2-snapshot", "sealed-v2-journal"] {
            let seed = try Data(contentsOf: seeds.appendingPathComponent(name))
            #expect(SecretStore.fuzzDecodedSchemes(seed) == 2, "\(name) opens")
        }
    }

    @Test func nastyInputsPassEveryTarget() {
        for data in Self.nasty {
            for entry in Self.entries.values { entry(data) }
        }
    }
}
