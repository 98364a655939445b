import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// Fewer sequential round trips (issue #22), shown on the official Python SDK's server: what `check` sends
/// once `connect` has run, and which TCP connections a flow opens (counted by the delay proxy in front of
/// the server, whose metadata names the proxy so that every request crosses it).
@Suite(.serialized) struct RoundTripTests {
    /// The SDK server behind the delay proxy. The proxy listens on a port chosen first, so the server's
    /// metadata and challenges can name it.
    struct Proxied {
        let server: InteropServer
        let proxy: KillableChild
        let url: String
        let accepted: URL

        static func start(rttMilliseconds: Int) async throws -> Proxied {
            let python = try await InteropPython.interpreter()
            let port = try TestPort.pick()
            let server = try await InteropServer.start(.pythonSDK, ["--public-origin", "http://127.0.0.1:\(port)"])
            let accepted = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-connections-\(UUID().uuidString)")
            let proxy = try KillableChild(command: [python, InteropPython.scripts.appendingPathComponent("delay_proxy.py").path,
                                                    "--target-port", "\(server.port)", "--listen-port", "\(port)",
                                                    "--rtt-ms", "\(rttMilliseconds)", "--connections", accepted.path])
            let ready: Bool = await withCheckedContinuation { c in
                Thread { proxy.waitForOutput(timeout: 30) { $0.contains("READY ") && $0.hasSuffix("\n") }; c.resume(returning: proxy.stdout.contains("READY \(port)")) }.start()
            }
            if !ready {
                proxy.kill()
                server.stop()
                throw ProxyFailure(description: "the delay proxy did not start: \(proxy.stdout)")
            }
            return Proxied(server: server, proxy: proxy, url: "http://127.0.0.1:\(port)/mcp", accepted: accepted)
        }

        /// TCP connections the proxy accepted so far.
        var connections: Int { ((try? String(contentsOf: accepted, encoding: .utf8)) ?? "").split(separator: "\n").count }

        func stop() {
            proxy.kill()
            proxy.wait()
            server.stop()
            try? FileManager.default.removeItem(at: accepted)
        }
    }

    /// `check` after `connect` asks the server only MCP: no discovery (no probe, no metadata), no registration,
    /// no token request. The era it learned is used next time, and the stateless era's `server/discover` and
    /// `tools/list` go out together: while the first waits 200 ms for its answer the second is in flight, so
    /// the proxy sees two connections for one `check` (one after the other, they would share one).
    @Test func checkAfterConnectSendsOnlyMCPAndBothRequestsAtOnce() async throws {
        let proxied = try await Proxied.start(rttMilliseconds: 200)
        var home = BinaryHome()
        defer { proxied.stop(); home.remove() }
        #expect(try await home.run(["add", "svc", proxied.url]).status == 0)
        #expect(try await home.run(["connect", "svc"]).status == 0, "\(home.log)")

        for round in 0..<2 {
            let seen = proxied.server.events.count
            let opened = proxied.connections
            let check = try await home.run(["check", "svc"])
            #expect(check.status == 0 && check.stdout.contains("MCP 2026-07-28") && check.stdout.contains("echo"), "\(home.log)")
            let sent = proxied.server.events.dropFirst(seen)
            #expect(sent.allSatisfy { $0.path == "/mcp" && $0.method == "POST" && $0.authorization == "Bearer" },
                    "round \(round): \(sent.map { "\($0.method) \($0.path) \($0.authorization ?? "-")" })")
            #expect(sent.map { $0.mcpMethod ?? "" }.sorted() == ["server/discover", "tools/list"], "round \(round): \(sent.map { $0.rpc ?? "" })")
            #expect(proxied.connections - opened == 2, "discover and tools/list were not in flight together (round \(round))")
        }
        #expect(try await home.run(["show", "svc"]).stdout.contains("2026-07-28 (stateless)"))
    }

    /// One flow keeps its connections: `connect` opens one for the probe and one for each metadata document
    /// sent beside it, and registration and the token exchange reuse them; the browser opens its own.
    @Test func connectReusesItsConnections() async throws {
        let proxied = try await Proxied.start(rttMilliseconds: 20)
        var home = BinaryHome()
        defer { proxied.stop(); home.remove() }
        #expect(try await home.run(["add", "svc", proxied.url]).status == 0)
        let before = proxied.connections
        #expect(try await home.run(["connect", "svc"]).status == 0, "\(home.log)")
        #expect(proxied.server.events("/register").count == 1 && proxied.server.events("/token").count == 1)
        // At least one for connect and one for the browser (the server's documents name the proxy, so the
        // authorization page is reached through it too); at most the three connect starts at once, and the browser's.
        let opened = proxied.connections - before
        #expect((2...4).contains(opened), "connect and the browser opened \(opened) connections")
    }
}

struct ProxyFailure: Error, CustomStringConvertible {
    var description: String
}
