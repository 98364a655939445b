import Acquisition
import Foundation
import SwitchboardCore
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

    @Test func nastyInputsPassEveryTarget() {
        for data in Self.nasty {
            for entry in Self.entries.values { entry(data) }
        }
    }
}
