import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `switchboard bridge NAME` driven by a real MCP client: the official Python SDK's stdio client
/// (`stdio_client` + `ClientSession`, mcp 2.3.0), started the way Claude Desktop or Cursor start a local
/// server, in front of servers we did not write.
@Suite(.serialized) struct BridgeInteropTests {
    /// A home with connection `p` to `server`, signed in through the real binary.
    static func connected(_ server: InteropServer, path: String = "/mcp") async throws -> BinaryHome {
        var home = BinaryHome()
        let url = "http://127.0.0.1:\(server.port)\(path)"
        #expect(try await home.run(["add", "p", url]).status == 0)
        let connect = try await home.run(["connect", "p"])
        try #require(connect.status == 0, "\(home.log)")
        return home
    }

    static func bridge(_ home: BinaryHome, _ extra: [String] = []) -> [String] {
        ["bridge", "p", "--home", home.directory.url.path] + extra
    }

    static let modes = ["legacy", "2026-07-28"]

    @Test(arguments: InteropServer.Flavor.allCases, modes)
    func basicUse(_ flavor: InteropServer.Flavor, _ mode: String) async throws {
        let server = try await InteropServer.start(flavor)
        var home = try await Self.connected(server)
        defer { server.stop(); home.remove() }
        let client = try await BridgeClient.start(mode: mode, bridgeArguments: Self.bridge(home))
        #expect(client.start["era"] == (mode == "legacy" ? "legacy" : "modern"))
        #expect(try await client.listTools().contains("echo"), "\(client.standardError)")
        let echo = try await client.call("echo", ["text": "hi"])
        #expect(echo["ok"] as? Bool == true && echo["text"] as? String == "echo: hi", "\(echo) \(client.standardError)")
        let add = try await client.call("add", ["a": 2, "b": 3])
        #expect(add["text"] as? String == "5", "\(add)")
        // While it runs, the bridge is listed with the client it serves.
        let live = try Self.bridges(try await home.run(["status", "p", "--json"]).stdout)
        #expect(live.count == 1 && live.first?["clientName"] as? String == "python-sdk-test-client", "\(live)")
        // Its request count is written within a quarter of a second.
        #expect(await waitUntil { (try? Self.bridges(try await home.run(["status", "p", "--json"]).stdout).first?["requests"] as? Int) == 4 }, "initialize or discover, list, two calls")
        #expect(await client.quit() == 0)
        #expect(try Self.bridges(try await home.run(["status", "p", "--json"]).stdout).isEmpty, "gone once it exits")
        let log = try await home.run(["log", "p"]).stdout
        #expect(log.contains("bridge for python-sdk-test-client 2.3.0 started") && log.contains("stopped"), "\(log)")

        // Every MCP request the bridge sent carried the token, in the era the client spoke.
        let mcp = server.events("/mcp").filter { $0.method == "POST" }.drop { $0.authorization == nil }
        #expect(!mcp.isEmpty && mcp.allSatisfy { $0.authorization == "Bearer" }, "\(mcp.map(\.rpc))")
        let call = try #require(mcp.last { $0.rpc == "tools/call" })
        if mode == "legacy" {
            #expect(call.mcpProtocolVersion == "2025-11-25" && call.mcpMethod == nil)
            #expect(server.events("/mcp").contains { $0.method == "DELETE" }, "the session is closed on EOF")
        } else {
            #expect(call.mcpProtocolVersion == "2026-07-28" && call.mcpMethod == "tools/call" && call.mcpName == "add")
        }
        // The token never reaches the client's side of the pipe or stderr.
        let token = try await home.run(["token", "p"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!token.isEmpty && !client.standardError.contains(token))
    }

    /// In 2025-11-25, where servers send requests to the client. (The 2026-07-28 wire has none: a server asks
    /// for input with a result that the bridge passes through untouched.)
    @Test func serverToClientRequests() async throws {
        let mode = "legacy"
        let server = try await InteropServer.start(.pythonSDK)
        var home = try await Self.connected(server)
        defer { server.stop(); home.remove() }
        let client = try await BridgeClient.start(mode: mode, bridgeArguments: Self.bridge(home))
        // Elicitation: the server's request reaches the client's callback, and its answer the server.
        let asked = try await client.call("ask", ["question": "Which colour?"])
        #expect(asked["text"] as? String == "answered: blue", "\(asked) \(client.standardError)")
        // The progress notification sent before the request arrives too.
        let progress = asked["progress"] as? [[String: Any]] ?? []
        #expect(progress.contains { $0["message"] as? String == "asking" }, "\(asked)")
        // The client gives up on a request: its cancellation reaches the server, and the bridge reads on.
        let abandoned = try await client.command(["op": "call", "tool": "hang", "args": [String: Any](), "timeout": 1])
        #expect(abandoned["ok"] as? Bool == false)
        #expect(await waitUntil { server.events("/mcp").contains { $0.rpc == "notifications/cancelled" } }, "notifications/cancelled reached the server")
        let roots = try await client.call("roots")
        #expect(roots["text"] as? String == "file:///work/project", "\(roots) \(client.standardError)")
        #expect(await client.quit() == 0)
    }

    @Test func reconnectWithoutRestartingTheClient() async throws {
        let server = try await InteropServer.start(.pythonSDK)
        var home = try await Self.connected(server)
        defer { server.stop(); home.remove() }
        let client = try await BridgeClient.start(mode: "legacy", bridgeArguments: Self.bridge(home))
        #expect(try await client.call("echo", ["text": "one"])["ok"] as? Bool == true)

        // The person revokes the grant at the provider: the token is refused, and so is the refresh.
        try await server.control("revoke-all")
        let refused = try await client.call("echo", ["text": "two"])
        #expect(refused["ok"] as? Bool == false)
        #expect(refused["code"] as? Int == -32001, "\(refused)")
        let message = refused["error"] as? String ?? ""
        #expect(message.contains("switchboard reconnect p") && message.contains("press r"), "\(message)")
        #expect(server.events("/token").contains { $0.grant_type == "refresh_token" && $0.status == 400 }, "one refresh was tried")
        let status = try await home.run(["status", "p", "--json"])
        #expect(status.stdout.contains("expired"), "\(status.stdout)")

        // Reconnecting in another process heals the same bridge: the client is never restarted.
        #expect(try await home.run(["reconnect", "p"]).status == 0, "\(home.log)")
        let healed = try await client.call("echo", ["text": "three"])
        #expect(healed["ok"] as? Bool == true && healed["text"] as? String == "echo: three", "\(healed) \(client.standardError)")
        #expect(await client.quit() == 0)
    }

    /// The live bridges `status --json` lists for the first connection.
    static func bridges(_ json: String) throws -> [[String: Any]] {
        let rows = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        return rows.first?["bridges"] as? [[String: Any]] ?? []
    }

    /// A bridge killed with SIGKILL in the middle of a request leaves no lock held and no entry behind.
    @Test func aKilledBridgeLeavesNothingBehind() async throws {
        let server = try await InteropServer.start(.pythonSDK)
        var home = try await Self.connected(server)
        defer { server.stop(); home.remove() }
        let client = try await BridgeClient.start(mode: "legacy", bridgeArguments: Self.bridge(home))
        client.child.send(#"{"op": "call", "tool": "hang", "args": {}}"#)
        #expect(await waitUntil { server.events("/mcp").contains { $0.rpc == "tools/call" } }, "the request is in flight")
        let live = try Self.bridges(try await home.run(["status", "p", "--json"]).stdout)
        let pid = try #require(live.first?["pid"] as? Int)
        kill(pid_t(pid), SIGKILL)
        #expect(await waitUntil { (try? Self.bridges(try await home.run(["status", "p", "--json"]).stdout).isEmpty) == true })
        // No lock is held: a refresh (which takes the scheme's lock) goes through at once.
        let refresh = try await home.run(["refresh", "p"])
        #expect(refresh.status == 0, "\(home.log)")
        _ = await client.child.nextLine(timeout: 30)    // the client's failed call
        _ = await client.quit()
    }

    /// The server forgets the session (a restart, an expiry): the bridge starts a new one by replaying the
    /// client's `initialize` and `notifications/initialized`, and the client never notices.
    @Test func anExpiredSessionIsStartedAgainUnseen() async throws {
        let server = try await InteropServer.start(.pythonSDK)
        var home = try await Self.connected(server)
        defer { server.stop(); home.remove() }
        let client = try await BridgeClient.start(mode: "legacy", bridgeArguments: Self.bridge(home))
        #expect(try await client.call("echo", ["text": "before"])["ok"] as? Bool == true)
        try await server.control("forget-sessions")
        let after = try await client.call("echo", ["text": "after"])
        #expect(after["text"] as? String == "echo: after", "\(after) \(client.standardError)")
        let initializes = server.events("/mcp").filter { $0.rpc == "initialize" && $0.authorization != nil }
        #expect(initializes.count == 2, "the client's initialize, then one replay")
        #expect(server.events("/mcp").contains { $0.status == 404 }, "the old session was refused first")
        #expect(server.events("/mcp").filter { $0.rpc == "notifications/initialized" }.count == 2)
        // The client still has its first session's view: a later call needs nothing from it.
        #expect(try await client.call("add", ["a": 1, "b": 1])["text"] as? String == "2")
        #expect(await client.quit() == 0)
    }

    /// `--sign-in`: the bridge opens the browser itself when the grant is gone, as mcp-remote does.
    @Test func signInFromTheBridge() async throws {
        let server = try await InteropServer.start(.pythonSDK)
        var home = try await Self.connected(server)
        defer { server.stop(); home.remove() }
        let client = try await BridgeClient.start(mode: "legacy", bridgeArguments: Self.bridge(home, ["--sign-in"]), environment: home.environment)
        try await server.control("revoke-all")
        let healed = try await client.call("echo", ["text": "after"])
        #expect(healed["text"] as? String == "echo: after", "\(healed) \(client.standardError)")
        #expect(server.events("/authorize").count == 2, "a second sign-in, through the browser")
        #expect(server.events("/register").count == 1, "with the registration it had")
        #expect(client.standardError.contains("opening the browser"))
        #expect(await client.quit() == 0)
    }

    @Test func legacyHTTPAndSSETransport() async throws {
        let server = try await InteropServer.start(.pythonSDK, ["--transport", "sse"])
        var home = try await Self.connected(server, path: "/sse")
        defer { server.stop(); home.remove() }
        let client = try await BridgeClient.start(mode: "legacy", bridgeArguments: Self.bridge(home))
        #expect(try await client.listTools().contains("echo"), "\(client.standardError)")
        let echo = try await client.call("echo", ["text": "old"])
        #expect(echo["text"] as? String == "echo: old", "\(echo) \(client.standardError)")
        #expect(server.events.contains { $0.path.hasPrefix("/messages") && $0.authorization == "Bearer" })
        #expect(await client.quit() == 0)
    }

    @Test func aClientHeldTo2025UsesAModernOnlyServer() async throws {
        let server = try await InteropServer.start(.pythonSDK, ["--era", "modern"])
        var home = try await Self.connected(server)
        defer { server.stop(); home.remove() }
        let client = try await BridgeClient.start(mode: "legacy", bridgeArguments: Self.bridge(home))
        #expect(client.start["protocolVersion"] == "2025-11-25" && client.start["server"] == "python-sdk-interop", "\(client.start)")
        #expect(try await client.listTools().contains("add"), "\(client.standardError)")
        let add = try await client.call("add", ["a": 20, "b": 22])
        #expect(add["text"] as? String == "42", "\(add) \(client.standardError)")
        let call = try #require(server.events("/mcp").last { $0.rpc == "tools/call" })
        #expect(call.status == 200 && call.mcpProtocolVersion == "2026-07-28" && call.mcpMethod == "tools/call" && call.mcpName == "add")
        #expect(await client.quit() == 0)
    }

    @Test func refreshUnderLoad() async throws {
        // 6-second tokens: refreshed at the 5-second floor, before they expire, so no call waits for one.
        let server = try await InteropServer.start(.pythonSDK, ["--token-ttl", "6"])
        var home = try await Self.connected(server)
        defer { server.stop(); home.remove() }
        // The screen is open too: its scheduler refreshes the same connection.
        try await TmuxSession.run(command: "\(BinaryRunner.binary.path) --home \(home.directory.url.path)", width: 100, height: 30) { screen in
            _ = try await screen.waitFor("connected")
            var clients: [BridgeClient] = []
            for _ in 0..<3 { clients.append(try await BridgeClient.start(mode: "legacy", bridgeArguments: Self.bridge(home))) }
            // 120 calls from each of three agents at once, each call a tenth of a second: several refresh floors.
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for client in clients {
                    group.addTask {
                        let outcome = try await client.calls(120, "slow_echo", ["text": "load"])
                        return "\(outcome["passed"] ?? "?") passed, \(outcome["failed"] ?? "?") failed \(outcome["errors"] ?? "")"
                    }
                }
                var all: [String] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            for outcome in outcomes { #expect(outcome.hasPrefix("120 passed, 0 failed"), "\(outcome)") }
            for client in clients { #expect(await client.quit() == 0) }

            // One refresh request per expiry: each refresh token was used once (the server rotates them, so a second
            // use is refused), and no two refreshes answered the same expiry: successive refreshes are the refresh
            // floor apart (less the server's rounding of expiry to whole seconds), never the milliseconds apart of
            // two callers racing.
            let refreshes = server.events("/token").filter { $0.grant_type == "refresh_token" }
            #expect(refreshes.count >= 2, "the calls spanned several token lifetimes")
            #expect(refreshes.allSatisfy { $0.status == 200 }, "\(refreshes.map(\.status))")
            let times = refreshes.compactMap(\.t)
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
            #expect(gaps.allSatisfy { $0 > 0.5 }, "refreshes \(gaps) apart")
        }
    }
}
