import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// `switchboard log`: the journal as people and scripts read it, and `--follow` across processes.
@Suite(.serialized) struct ActivityLogCommandTests {
    static func golden(_ name: String, _ text: String) {
        if let mismatch = Golden.mismatch(name, text) { Issue.record(Comment(rawValue: mismatch)) }
    }

    /// A home whose journal holds a fixed history of two connections.
    static func home() async throws -> TemporaryDirectory {
        let tmp = TemporaryDirectory()
        let home = SwitchboardHome(directory: tmp.url)
        let integrations = ConnectionRegistry(connections: ConnectionStore(home: home), secrets: SecretStore(home: home, encryption: .disabled, warn: { _ in }))
        let notes = try integrations.add(NewConnection(name: "notes", url: "https://notes.example.com/mcp")).schemes[0].id
        let wiki = try integrations.add(NewConnection(name: "wiki", url: "https://wiki.example.com/mcp")).schemes[0].id
        let base = Date(timeIntervalSince1970: 1_795_000_000)
        func at(_ m: Double) -> Date { base.addingTimeInterval(m * 60) }
        let journal = ActivityJournal(home: home, role: "test")
        let events: [ActivityEvent] = [
            ActivityEvent(.connected, at: at(0), scheme: notes, connection: "notes") { $0.by = "connect"; $0.how = "browser"; $0.expiresAt = at(60) },
            ActivityEvent(.connected, at: at(1), scheme: wiki, connection: "wiki") { $0.by = "screen"; $0.how = "device"; $0.expiresAt = at(31) },
            ActivityEvent(.refreshed, at: at(25), scheme: wiki, connection: "wiki") { $0.by = "screen"; $0.milliseconds = 143; $0.rotated = true; $0.expiresAt = at(55) },
            ActivityEvent(.refreshed, at: at(50), scheme: notes, connection: "notes") { $0.by = "token"; $0.milliseconds = 201; $0.rotated = false; $0.expiresAt = at(110) },
            ActivityEvent(.refreshFailed, at: at(52), scheme: wiki, connection: "wiki") {
                $0.by = "screen"; $0.reason = "HTTP 503"; $0.willRetry = true; $0.retryAt = at(52.1)
            },
            ActivityEvent(.expired, at: at(53), scheme: wiki, connection: "wiki") { $0.by = "screen"; $0.reason = "The server refused the refresh (invalid_grant)." },
            ActivityEvent(.checked, at: at(54), scheme: notes, connection: "notes") { $0.by = "check"; $0.era = "2025-11-25"; $0.tools = 3 },
            // A bridge: started for a client, a refresh it caused, stopped; another one that failed.
            .bridge(.bridgeStarted, BridgeRecord(scheme: notes, connection: "notes", clientName: "Claude Desktop", clientVersion: "0.9.2", startedAt: at(55)), at: at(55)),
            ActivityEvent(.refreshed, at: at(60), scheme: notes, connection: "notes") { $0.by = "bridge"; $0.milliseconds = 188; $0.rotated = true; $0.expiresAt = at(120) },
            .bridge(.bridgeStopped, BridgeRecord(scheme: notes, connection: "notes", clientName: "Claude Desktop", clientVersion: "0.9.2", startedAt: at(55), requests: 1204), at: at(65)),
            .bridge(.bridgeFailed, BridgeRecord(scheme: wiki, connection: "wiki", clientName: "Cursor", startedAt: at(66), requests: 1), at: at(67),
                    reason: "wiki needs a reconnect: run `switchboard reconnect wiki`"),
            ActivityEvent(.disconnected, at: at(70), scheme: notes, connection: "notes") { $0.by = "disconnect"; $0.revoked = true },
        ]
        for e in events { journal.record(e) }
        await journal.flush()
        return tmp
    }

    @Test func logPrintsOneLinePerEventAndJSONForScripts() async throws {
        let tmp = try await Self.home()
        defer { tmp.remove() }
        let env = ["TZ": "UTC"]
        let all = try await BinaryRunner.runDetached(["log", "--home", tmp.url.path], environment: env)
        #expect(all.status == 0, "\(all.stderr)")
        Self.golden("log.txt", all.stdout)
        let wiki = try await BinaryRunner.runDetached(["log", "wiki", "--home", tmp.url.path], environment: env)
        Self.golden("log-wiki.txt", wiki.stdout)
        let json = try await BinaryRunner.runDetached(["log", "notes", "--json", "--home", tmp.url.path], environment: env)
        let lines = json.stdout.split(separator: "\n")
        #expect(lines.count == 7)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let first = try decoder.decode(ActivityEvent.self, from: Data(lines[0].utf8))
        #expect(first.kind == .connected && first.how == "browser" && first.by == "connect")
        let started = try decoder.decode(ActivityEvent.self, from: Data(lines[3].utf8))
        #expect(started.kind == .bridgeStarted && started.clientName == "Claude Desktop" && started.clientVersion == "0.9.2" && started.by == "bridge")
        let stopped = try decoder.decode(ActivityEvent.self, from: Data(lines[5].utf8))
        #expect(stopped.kind == .bridgeStopped && stopped.requests == 1204)
        // --since: the history is old, so nothing that recent.
        let recent = try await BinaryRunner.runDetached(["log", "--since", "1h", "--home", tmp.url.path], environment: env)
        #expect(recent.status == 0 && recent.stdout.isEmpty && recent.stderr.contains("no activity"))
        let bad = try await BinaryRunner.runDetached(["log", "--since", "soon", "--home", tmp.url.path], environment: env)
        #expect(bad.status == 2 && bad.stderr.contains("--since"))
        let unknown = try await BinaryRunner.runDetached(["log", "nope", "--home", tmp.url.path], environment: env)
        #expect(unknown.status == 2)
    }

    /// `log --follow` in one process prints what `connect`, `refresh` and `disconnect` in others caused, in order.
    @Test func followPrintsOtherProcessesEventsInOrder() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.rotateRefreshTokens = true; $0.revocation = true })) { fixture in
            let home = ["--home", tmp.url.path]
            let browser = ["BROWSER": BinaryRunner.binary.path + " headless-browser", "SWITCHBOARD_HOME": ""]
            #expect(try await BinaryRunner.runDetached(["add", "fx", fixture.serverURL.absoluteString] + home).status == 0)
            let follow = try KillableChild(["log", "--follow"] + home, environment: ["TZ": "UTC"])
            defer { follow.kill(SIGTERM); follow.wait() }
            #expect(try await BinaryRunner.runDetached(["connect", "fx"] + home, environment: browser).status == 0)
            #expect(try await BinaryRunner.runDetached(["refresh", "fx"] + home).status == 0)
            #expect(try await BinaryRunner.runDetached(["disconnect", "fx"] + home).status == 0)
            let printed = await withCheckedContinuation { c in
                Thread { c.resume(returning: follow.waitForOutput(timeout: 20) { $0.contains("disconnected") }) }.start()
            }
            #expect(printed, "\(follow.stdout)")
            let lines = follow.stdout.split(separator: "\n").map(String.init)
            let kinds = lines.map { line in ["connected by connect", "refreshed by refresh", "disconnected by disconnect"].first { line.contains($0) } }
            #expect(kinds.compactMap { $0 } == ["connected by connect", "refreshed by refresh", "disconnected by disconnect"], "\(lines)")
            #expect(lines.allSatisfy { $0.contains("  fx  ") })
        }
    }
}
