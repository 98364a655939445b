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
        "FuzzStoreFiles": FuzzEntryPoints.storeFiles,
    ]

    static func inputs(_ target: String) -> [URL] {
        ["seeds", "regressions"].flatMap { folder -> [URL] in
            let dir = root.appendingPathComponent(folder).appendingPathComponent(target)
            return ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
        }
    }

    @Test(arguments: ["FuzzWWWAuthenticate", "FuzzCallback", "FuzzMetadata", "FuzzTokenResponse", "FuzzSecretsFile", "FuzzStoreFiles"])
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

    /// The numbers a security review found trapping (an index range past Int's end with a matching digest, a
    /// snapshot of generation Int.max, a `tokenLifetime` of -1e300), and their neighbours, through `FuzzStoreFiles`.
    static let storeNumbers: [Data] = {
        let connection = #"{"id":"c1","name":"c","schemes":[],"transport":"mcp-http","url":"https://mcp.example.com/mcp"}"#
        let file = "[" + connection + "]"
        var out: [Data] = []
        for ranges in ["[[9223372036854775807,1]]", "[[1,9223372036854775807]]", "[[-9223372036854775808,0]]", "[[1,\(connection.utf8.count)]]", "[[0,-1]]", "[[4611686018427387904,4611686018427387904]]"] {
            for (count, attention) in [(1, 0), (-1, 0), (1, -1), (1, 2), (9223372036854775807, 9223372036854775807)] {
                out.append(Data([0]) + Data(#"{"version":1,"sha256":"x","count":\#(count),"attention":\#(attention),"ranges":\#(ranges)}"#.utf8) + Data(("\n" + file).utf8))
            }
        }
        for generation in ["9223372036854775807", "9007199254740992", "9007199254740993", "-1", "-9223372036854775808", "1e300", "NaN"] {
            out.append(Data([1]) + Data(#"{"encryption":"none","format":"switchboard-secrets","generation":\#(generation),"schemes":{},"storeId":"s","version":2}"#.utf8))
        }
        let scheme = { (field: String) in
            Data([2]) + Data(#"{"version":1,"connections":[{"id":"c1","name":"c","transport":"mcp-http","url":"https://mcp.example.com/mcp","schemes":[{"id":"s1","kind":"oauth-dynamic","acquired":{"state":"connected","expiresAt":"2030-01-01T00:00:00Z"},\#(field)}]}]}"#.utf8)
        }
        for value in ["-1e300", "1e300", "1e400", "-1e400", "-1", "-0.0", "4.9e-324", "NaN", "-Infinity", "59.5"] {
            out.append(scheme(#""info":{"tokenLifetime":\#(value)}"#))
        }
        for value in ["9223372036854775807", "-9223372036854775808", "9007199254740992", "-1", "1e30"] {
            out.append(scheme(#""acquiredRevision":\#(value)"#))
        }
        for value in ["0", "65535", "65536", "-1", "9223372036854775807"] {
            out.append(scheme(#""redirectPort":\#(value)"#))
        }
        for field in [#""milliseconds":-9223372036854775808"#, #""tools":-1"#, #""requests":9223372036854775807"#, #""milliseconds":1e300"#] {
            out.append(Data([3]) + Data(#"{"at":"9999-12-31T23:59:59Z","by":"token","connection":"c","id":"1","kind":"refreshed","pid":1,"scheme":"s",\#(field)}"#.utf8) + Data("\n".utf8))
        }
        return out
    }()

    @Test func storeFileNumbersNeverTrap() {
        for data in Self.storeNumbers { FuzzEntryPoints.storeFiles(data) }
    }

    @Test func nastyInputsPassEveryTarget() {
        for data in Self.nasty {
            for entry in Self.entries.values { entry(data) }
        }
    }
}
