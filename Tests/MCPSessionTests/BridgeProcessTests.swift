import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `switchboard bridge` process fed raw lines on stdin: bad input gets JSON-RPC errors and the bridge
/// reads on; an unreachable server gives errors, not a hang; EOF and SIGTERM end it with exit 0.
@Suite(.serialized) struct BridgeProcessTests {
    var env: [String: String] { ["BROWSER": BinaryRunner.binary.path + " headless-browser"] }
    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw-test","version":"1"}}}"#

    func connected() async throws -> (OAuthFixture, TemporaryDirectory, [String]) {
        let fixture = try await OAuthFixture.start(FixtureOptions())
        let tmp = TemporaryDirectory()
        let home = ["--home", tmp.url.path]
        _ = try await BinaryRunner.runDetached(["add", "fx", fixture.serverURL.absoluteString] + home)
        let c = try await BinaryRunner.runDetached(["connect", "fx"] + home, environment: env)
        #expect(c.status == 0, "\(c.stderr)")
        return (fixture, tmp, home)
    }

    func bridge(_ home: [String], name: String = "fx") throws -> LineChild {
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHBOARD_ENCRYPT_SECRETS"] = nil
        return try LineChild(command: [BinaryRunner.binary.path, "bridge", name] + home, environment: environment)
    }

    @Test func badLinesGetErrorsAndTheBridgeReadsOn() async throws {
        let (fixture, tmp, home) = try await connected()
        defer { tmp.remove() }
        try await withFixture(fixture) { fixture in
            let bridge = try self.bridge(home)
            let parse = try #require(await bridge.ask("this is not json"))
            #expect((parse["error"] as? [String: Any])?["code"] as? Int == -32700 && parse["id"] is NSNull)
            let badID = try #require(await bridge.ask(#"{"jsonrpc":"2.0","id":{"no":1},"method":"tools/list"}"#))
            #expect((badID["error"] as? [String: Any])?["code"] as? Int == -32600 && badID["id"] is NSNull)
            let batch = try #require(await bridge.ask("[1,2]"))
            #expect((batch["error"] as? [String: Any])?["code"] as? Int == -32600)
            // A line over 4 MiB is refused without being held whole, and the next line is read as usual.
            bridge.sendRaw(Array(repeating: UInt8(ascii: "x"), count: (4 << 20) + 10) + [0x0A])
            let long = try #require(await bridge.nextObject())
            #expect(((long["error"] as? [String: Any])?["message"] as? String ?? "").contains("4 MiB"))
            let answer = try #require(await bridge.ask(Self.initialize))
            #expect(answer["id"] as? Int == 1 && (answer["result"] as? [String: Any])?["serverInfo"] != nil, "\(answer) \(bridge.standardError)")
            bridge.send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
            let list = try #require(await bridge.ask(#"{"jsonrpc":"2.0","id":"two","method":"tools/list"}"#))
            #expect(list["id"] as? String == "two" && list["result"] != nil, "ids pass through as the client wrote them")
            bridge.closeInput()
            #expect(await bridge.wait() == 0)
            // No token reached stdout's peer or stderr.
            let token = try await BinaryRunner.runDetached(["token", "fx"] + home).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!token.isEmpty && !bridge.standardError.contains(token))
        }
    }

    @Test func anUnreachableServerGivesErrorsNotAHang() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = ["--home", tmp.url.path]
        let port = try TestPort.pick()    // nothing listens there
        #expect(try await BinaryRunner.runDetached(["add", "gone", "http://127.0.0.1:\(port)/mcp", "--scheme", "none"] + home).status == 0)
        let bridge = try self.bridge(home, name: "gone")
        let answer = try #require(await bridge.ask(Self.initialize))
        let error = try #require(answer["error"] as? [String: Any])
        #expect(answer["id"] as? Int == 1 && error["code"] as? Int == -32000, "\(answer)")
        #expect((error["message"] as? String ?? "").contains("127.0.0.1:\(port)"))
        let again = try #require(await bridge.ask(#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#))
        #expect(again["id"] as? Int == 2 && again["error"] != nil)
        bridge.kill(SIGTERM)
        #expect(await bridge.wait() == 0)
    }

    /// A bridge started with a token due refreshes at once (so its first answer need not wait); a client that
    /// leaves at once must not cut that refresh off after the server rotated the refresh token and before the new
    /// one is stored: the grant would be lost (the next use presents a spent refresh token).
    @Test func aClientThatLeavesAtOnceLosesNoRotatedRefreshToken() async throws {
        var options = FixtureOptions()
        options.rotateRefreshTokens = true
        options.accessTokenLifetime = 4
        options.tokenDelay = 1.5
        try await withFixture(OAuthFixture.start(options)) { fixture in
            let tmp = TemporaryDirectory()
            defer { tmp.remove() }
            let home = ["--home", tmp.url.path]
            _ = try await BinaryRunner.runDetached(["add", "fx", fixture.serverURL.absoluteString] + home)
            let c = try await BinaryRunner.runDetached(["connect", "fx"] + home, environment: env)
            try #require(c.status == 0, "\(c.stderr)")
            try await Task.sleep(for: .seconds(4.5))    // the access token has expired
            let before = fixture.counters.refreshes
            let child = try bridge(home)
            child.closeInput()
            #expect(await child.wait() == 0, "\(child.standardError)")
            #expect(fixture.counters.refreshes == before + 1, "the bridge refreshed at its start")
            // The rotated refresh token was stored: another process gets a token without a sign-in.
            let t = try await BinaryRunner.runDetached(["token", "fx"] + home)
            #expect(t.status == 0, "\(t.stderr)")
            #expect(fixture.counters.refreshTokenReuse == 0)
        }
    }

    @Test func sigtermClosesTheSessionAndExitsZero() async throws {
        let (fixture, tmp, home) = try await connected()
        defer { tmp.remove() }
        try await withFixture(fixture) { fixture in
            let bridge = try self.bridge(home)
            #expect(await bridge.ask(Self.initialize)?["result"] != nil)
            bridge.kill(SIGTERM)
            #expect(await bridge.wait() == 0)
        }
    }

    /// A misbehaving server (Tests/InteropServers/hostile_mcp.py) behind a bridge: `(bridge, events, stop)`.
    func hostile(_ mode: String) async throws -> (LineChild, () -> [[String: Any]], @Sendable () -> Void) {
        let python = try await InteropPython.interpreter()
        let events = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).jsonl")
        let server = try KillableChild(command: [python, InteropPython.scripts.appendingPathComponent("hostile_mcp.py").path,
                                                 "--mode", mode, "--events", events.path])
        server.waitForOutput(timeout: 60) { $0.contains("READY ") && $0.hasSuffix("\n") }
        let port = try #require(server.stdout.split(separator: " ").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        let tmp = TemporaryDirectory()
        let home = ["--home", tmp.url.path]
        #expect(try await BinaryRunner.runDetached(["add", "h", "http://127.0.0.1:\(port)/mcp", "--scheme", "none"] + home).status == 0)
        let bridge = try self.bridge(home, name: "h")
        let read = {
            ((try? String(contentsOf: events, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        return (bridge, read, { server.kill(); server.wait(); tmp.remove(); try? FileManager.default.removeItem(at: events) })
    }

    /// A server that never ends its answer streams: each answer still reaches the client at once, and the
    /// bridge reads on (the stream is drained behind it).
    @Test func aServerThatNeverEndsItsStreams() async throws {
        let (bridge, _, stop) = try await hostile("open-after-answer")
        defer { stop() }
        #expect(await bridge.ask(Self.initialize, timeout: 20)?["result"] != nil, "\(bridge.standardError)")
        bridge.send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        for id in 2...4 {
            let answer = await bridge.ask(#"{"jsonrpc":"2.0","id":\#(id),"method":"tools/list"}"#, timeout: 20)
            #expect(answer?["id"] as? Int == id && answer?["result"] != nil, "\(String(describing: answer))")
        }
        bridge.closeInput()
        #expect(await bridge.wait() == 0)
    }

    /// A server that answers 404 to every session it started: one new session, then its errors are passed on
    /// (no loop of re-initializes).
    @Test func aServerThatForgetsEverySessionCannotMakeTheBridgeLoop() async throws {
        let (bridge, events, stop) = try await hostile("forgets-sessions")
        defer { stop() }
        #expect(await bridge.ask(Self.initialize, timeout: 20)?["result"] != nil, "\(bridge.standardError)")
        bridge.send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        for id in 2...6 {
            let answer = await bridge.ask(#"{"jsonrpc":"2.0","id":\#(id),"method":"tools/list"}"#, timeout: 20)
            #expect(answer?["id"] as? Int == id && answer?["error"] != nil, "\(String(describing: answer))")
        }
        let initializes = events().filter { $0["rpc"] as? String == "initialize" }.count
        #expect(initializes <= 3, "\(initializes) initializes for 5 requests")
        bridge.closeInput()
        #expect(await bridge.wait() == 0)
    }

    /// A refusal whose body never ends: the client gets an error within the bridge's deadlines, not a hang.
    @Test func aRefusalThatNeverEnds() async throws {
        let (bridge, _, stop) = try await hostile("endless-refusal")
        defer { stop() }
        let answer = await bridge.ask(Self.initialize, timeout: 60)
        #expect(answer?["id"] as? Int == 1 && answer?["error"] != nil, "\(String(describing: answer)) \(bridge.standardError)")
        bridge.closeInput()
        #expect(await bridge.wait() == 0)
    }
}
