import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// The real binary against the fixture: connect, status, token from several processes, disconnect.
@Suite(.serialized) struct CommandLineFlowTests {
    var browserEnv: [String: String] { ["BROWSER": BinaryRunner.binary.path + " headless-browser", "SWITCHBOARD_HOME": ""] }

    /// `token` and `headers` give the same credential and fail the same way: a bearer connection's static token
    /// from both; a connection without authorization is not a token; a server that cannot be reached is a
    /// network failure (exit 1, check the network), not a reason to reconnect.
    @Test func tokenAndHeadersAgree() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.accessTokenLifetime = 8 })) { fixture in
            let home = ["--home", tmp.url.path]
            let url = fixture.serverURL.absoluteString
            #expect(try await BinaryRunner.runDetached(["add", "static", url, "--scheme", "bearer"] + home, stdin: "sk-static-token\n").status == 0)
            let token = try await BinaryRunner.runDetached(["token", "static"] + home)
            #expect(token.status == 0 && token.stdout == "sk-static-token\n", "\(token.stderr)")
            let headers = try await BinaryRunner.runDetached(["headers", "static"] + home)
            #expect(headers.stdout == #"{"Authorization":"Bearer sk-static-token"}"# + "\n")
            #expect(try await BinaryRunner.runDetached(["add", "open", url, "--scheme", "none", "--another-account"] + home).status == 0)
            let none = try await BinaryRunner.runDetached(["token", "open"] + home)
            #expect(none.status == 2 && none.stdout.isEmpty && none.stderr.contains("uses no authorization"))

            // Connected, then the server goes away while the token needs a refresh. (A third connection to the same
            // server: a second account, asked for.)
            #expect(try await BinaryRunner.runDetached(["add", "fx", url, "--another-account"] + home).status == 0)
            #expect(try await BinaryRunner.runDetached(["connect", "fx"] + home, environment: browserEnv).status == 0)
            await fixture.stop()
            try StoredTokens.age(home: tmp.url, by: 6.5)
            for command in ["token", "headers"] {
                let r = try await BinaryRunner.runDetached([command, "fx"] + home)
                #expect(r.status == 1 && r.stdout.isEmpty, "\(command): \(r.status) \(r.stderr)")
                #expect(!r.stderr.contains("reconnect"), "\(command): \(r.stderr)")
            }
        }
    }

    @Test func connectStatusTokenDisconnect() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.accessTokenLifetime = 8; $0.rotateRefreshTokens = true; $0.revocation = true })) { fixture in
            let home = ["--home", tmp.url.path]
            var outputs: [String] = []
            func run(_ args: [String]) async throws -> BinaryRunner.Result {
                let r = try await BinaryRunner.runDetached(args + home, environment: browserEnv)
                outputs += [r.stdout, r.stderr]
                return r
            }
            #expect(try await run(["add", "fx", fixture.serverURL.absoluteString]).status == 0)
            let connect = try await run(["connect", "fx"])
            #expect(connect.status == 0, "\(connect.stderr)")
            #expect(connect.stdout.contains("Probing"))
            #expect(connect.stdout.contains("Client registered"))
            #expect(connect.stdout.contains("● Connected"))
            let status = try await run(["status", "fx", "--json"])
            #expect(status.stdout.contains("\"state\" : \"connected\""))

            // Credential helper from two processes at once, across a rotation.
            var tokens: [String] = []
            for _ in 0..<3 {
                // Past three quarters of the 8-second token's life and the refresh floor: each round is due for a refresh.
                try StoredTokens.age(home: tmp.url, by: 6.5)
                let results = try await withThrowingTaskGroup(of: BinaryRunner.Result.self) { group in
                    for _ in 0..<2 { group.addTask { try await BinaryRunner.runDetached(["token", "fx"] + home) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for r in results {
                    #expect(r.status == 0, "\(r.stderr)")
                    let t = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(fixture.accepts(t))
                    tokens.append(t)
                    outputs.append(r.stderr)
                }
            }
            #expect(fixture.counters.refreshTokenReuse == 0)
            // Each round both processes find an expired token; they share one refresh unless the second starts
            // after the new token is already due again (on a loaded machine).
            #expect((3...6).contains(fixture.counters.refreshes))

            let disconnect = try await run(["disconnect", "fx"])
            #expect(disconnect.status == 0)
            #expect(disconnect.stdout.contains("revoked"))
            let after = try await BinaryRunner.runDetached(["token", "fx"] + home)
            #expect(after.status == 3)
            #expect(after.stdout.isEmpty)
            #expect(after.stderr.contains("Not signed in. Run `switchboard connect fx`."), "after a disconnect the remedy is to connect: \(after.stderr)")

            // No token or secret ever reached anything but `token`'s stdout.
            let secrets = Set(tokens)
            for text in outputs { for s in secrets { #expect(!text.contains(s)) } }
            #expect(!(try String(contentsOf: tmp.path("integrations.json"), encoding: .utf8)).contains("at-"))
        }
    }

    @Test func closedRegistrationExplainsTheManualPath() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.registration = .closed })) { fixture in
            let home = ["--home", tmp.url.path]
            _ = try await BinaryRunner.runDetached(["add", "figma", fixture.serverURL.absoluteString] + home)
            let r = try await BinaryRunner.runDetached(["connect", "figma"] + home, environment: browserEnv)
            #expect(r.status == 1)
            #expect(r.stderr.contains("does not allow self-registration"))
            #expect(r.stderr.contains("switchboard set-client figma --client-id ID"))
            let status = try await BinaryRunner.runDetached(["status", "figma"] + home)
            #expect(status.stdout.contains("! error"))
            #expect(status.stdout.contains("remedy"))
            #expect(!FileManager.default.fileExists(atPath: tmp.path("integration-secrets.json").path))
        }
    }
}
