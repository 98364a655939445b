import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// The real binary: check, call, headers, step-up, and `token` from many processes at once.
@Suite(.serialized) struct CredentialHelperTests {
    var env: [String: String] { ["BROWSER": BinaryRunner.binary.path + " headless-browser"] }

    func connected(_ options: FixtureOptions) async throws -> (OAuthFixture, TemporaryDirectory, [String]) {
        let fixture = try await OAuthFixture.start(options)
        let tmp = TemporaryDirectory()
        let home = ["--home", tmp.url.path]
        _ = try await BinaryRunner.runDetached(["add", "fx", fixture.serverURL.absoluteString] + home)
        let c = try await BinaryRunner.runDetached(["connect", "fx"] + home, environment: env)
        #expect(c.status == 0, "\(c.stderr)")
        return (fixture, tmp, home)
    }

    @Test(arguments: [false, true])
    func checkCallAndHeaders(_ sse: Bool) async throws {
        let (fixture, tmp, home) = try await connected(FixtureOptions { $0.sse = sse })
        defer { tmp.remove() }
        try await withFixture(fixture) { fixture in
            let check = try await BinaryRunner.runDetached(["check", "fx"] + home)
            #expect(check.status == 0, "\(check.stderr)")
            #expect(check.stdout.contains("switchboard-fixture 1.0.0"))
            #expect(check.stdout.contains("echo"))
            let json = try await BinaryRunner.runDetached(["check", "fx", "--json"] + home)
            #expect(json.stdout.contains("\"protocolVersion\""))
            let show = try await BinaryRunner.runDetached(["show", "fx"] + home)
            #expect(show.stdout.contains("tested      ok"))
            #expect(show.stdout.contains("2 tools"))

            let call = try await BinaryRunner.runDetached(["call", "fx", "echo", #"{"text":"hi there"}"#] + home)
            #expect(call.stdout == "hi there\n")
            // Every tool `check` lists answers `call` (the demo's `add` was listed and said "unknown tool").
            #expect(check.stdout.contains("add"))
            let add = try await BinaryRunner.runDetached(["call", "fx", "add", #"{"a":2,"b":3}"#] + home)
            #expect(add.status == 0 && add.stdout == "5\n", "\(add.stdout) \(add.stderr)")
            let failing = try await BinaryRunner.runDetached(["call", "fx", "nope"] + home)
            #expect(failing.status == 1)
            #expect(failing.stderr.contains("unknown tool"))
            let badArgs = try await BinaryRunner.runDetached(["call", "fx", "echo", "[1,2"] + home)
            #expect(badArgs.status == 2)

            let headers = try await BinaryRunner.runDetached(["headers", "fx"] + home)
            let object = try JSONSerialization.jsonObject(with: Data(headers.stdout.utf8)) as? [String: String]
            let value = try #require(object?["Authorization"])
            #expect(value.hasPrefix("Bearer "))
            #expect(fixture.accepts(String(value.dropFirst(7))))
            // Nothing but `headers` printed a token.
            for text in [check.stdout, check.stderr, json.stdout, show.stdout, call.stdout, failing.stderr] {
                #expect(!text.contains(String(value.dropFirst(7))))
            }
        }
    }

    @Test func stepUpReauthorizesWithTheUnionOfScopes() async throws {
        let (fixture, tmp, home) = try await connected(FixtureOptions { $0.requiredScope = "mcp:admin" })
        defer { tmp.remove() }
        try await withFixture(fixture) { fixture in
            let call = try await BinaryRunner.runDetached(["call", "fx", "echo", #"{"text":"after step-up"}"#] + home, environment: env)
            #expect(call.status == 0, "\(call.stderr)")
            #expect(call.stdout == "after step-up\n")
            #expect(call.stderr.contains("asks for more access"))
            #expect(fixture.counters.authorizations == 2)
            #expect(fixture.counters.lastAuthorizationQuery["scope"]?.contains("mcp:admin") == true)
            #expect(fixture.counters.lastAuthorizationQuery["scope"]?.contains("mcp:tools") == true)
        }
    }

    @Test func revokedTokenMeansExit3() async throws {
        let (fixture, tmp, home) = try await connected(FixtureOptions())
        defer { tmp.remove() }
        try await withFixture(fixture) { fixture in
            fixture.revokeAll()
            let check = try await BinaryRunner.runDetached(["check", "fx"] + home)
            #expect(check.status == 3, "\(check.stderr)")
            #expect(check.stderr.contains("reconnect"))
            let headers = try await BinaryRunner.runDetached(["headers", "fx"] + home)
            #expect(headers.status == 3)
            #expect(headers.stdout.isEmpty)
        }
    }

    @Test func twoHundredTokenCallsFromEightProcessesShareOneRefresh() async throws {
        let (fixture, tmp, home) = try await connected(FixtureOptions())
        defer { tmp.remove() }
        try await withFixture(fixture) { fixture in
            // Force a refresh: the stored token is past its expiry.
            let store = SecretStore(home: SwitchboardHome(directory: tmp.url), encryption: .disabled, warn: { _ in })
            let id = try ConnectionStore(home: SwitchboardHome(directory: tmp.url)).load().connections[0].schemes[0].id
            try store.updateScheme(id) { $0.tokens?.expiresAt = Date().addingTimeInterval(-10) }
            let before = fixture.counters.refreshes
            let results = try await HeavyTestGate.shared.run {
                try await withThrowingTaskGroup(of: [String].self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            // One process per task: a shell loop running the binary 25 times.
                            let script = "for i in $(seq 1 25); do \"$0\" token fx --home \"$1\" 2>>\"$1/errors.log\" || echo FAILED; done"
                            let r = try await BinaryRunner.runShellDetached(script, arguments: [BinaryRunner.binary.path, tmp.url.path])
                            return r.split(separator: "\n").map(String.init)
                        }
                    }
                    return try await group.reduce(into: [String]()) { $0 += $1 }
                }
            }
            #expect(results.count == 200)
            #expect(!results.contains("FAILED"), "\((try? String(contentsOf: tmp.path("errors.log"), encoding: .utf8)) ?? "")")
            #expect(fixture.counters.refreshes - before == 1, "exactly one refresh request for 200 calls")
            #expect(Set(results).count == 1)
            #expect(results.allSatisfy { fixture.accepts($0) })
            _ = home
        }
    }
}

extension CredentialHelperTests {
    /// 4 processes force 500 refreshes of one scheme whose refresh token rotates on every use:
    /// none is refused, the server never sees a refresh token twice, and the last token works.
    @Test func fourProcessesRefreshOneRotatingSchemeFiveHundredTimes() async throws {
        let (fixture, tmp, home) = try await connected(FixtureOptions { $0.rotateRefreshTokens = true })
        defer { tmp.remove() }
        try await withFixture(fixture) { fixture in
            let perProcess = Int(ProcessInfo.processInfo.environment["SWITCHBOARD_REFRESH_PER_PROCESS"] ?? "") ?? 125
            let before = fixture.counters.refreshes
            let results = try await HeavyTestGate.shared.run {
                try await withThrowingTaskGroup(of: BinaryRunner.Result.self) { group in
                    for _ in 0..<4 { group.addTask { try await BinaryRunner.runDetached(["refresh-times", "fx", "--times", "\(perProcess)"] + home, binary: BinaryRunner.testBinary) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            for r in results {
                #expect(r.status == 0, "\(r.stderr)")
                #expect(!r.stderr.contains("invalid_grant"))
            }
            #expect(fixture.counters.refreshes - before == 4 * perProcess, "one request per refresh")
            #expect(fixture.counters.refreshTokenReuse == 0, "no refresh token used twice")
            let token = try await BinaryRunner.runDetached(["token", "fx"] + home)
            #expect(fixture.accepts(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "the final token works")
        }
    }
}
