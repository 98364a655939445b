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
        defer { Task { await fixture.stop(); tmp.remove() } }
        let bridge = try self.bridge(home)
        let parse = try #require(await bridge.ask("this is not json"))
        #expect((parse["error"] as? [String: Any])?["code"] as? Int == -32700 && parse["id"] is NSNull)
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

    @Test func anUnreachableServerGivesErrorsNotAHang() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = ["--home", tmp.url.path]
        let port = try FreePort.pick()    // nothing listens there
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

    @Test func sigtermClosesTheSessionAndExitsZero() async throws {
        let (fixture, tmp, home) = try await connected()
        defer { Task { await fixture.stop(); tmp.remove() } }
        let bridge = try self.bridge(home)
        #expect(await bridge.ask(Self.initialize)?["result"] != nil)
        bridge.kill(SIGTERM)
        #expect(await bridge.wait() == 0)
    }
}
