import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `status` and `show` through the real binary, with a bridge entry made by another process
/// (`switchboard-testbin fake-bridge`); once that process is killed, the bridge is gone from both.
@Suite struct BridgeStatusCommandTests {
    @Test func statusAndShowCarryTheLiveBridges() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = ["--home", tmp.url.path]
        #expect(try await BinaryRunner.runDetached(["add", "linear", "https://mcp.linear.app/mcp"] + home).status == 0)
        #expect(try await BinaryRunner.runDetached(["add", "notes", "https://notes.example.com/mcp"] + home).status == 0)
        let before = try await BinaryRunner.runDetached(["status", "--json"] + home)
        let rows = try JSONCoding.decoder().decode([StatusRow].self, from: Data(before.stdout.utf8))
        #expect(rows.count == 2 && rows.allSatisfy { $0.bridges == nil })
        #expect(!before.stdout.contains("bridges"), "no key while no bridge runs")
        let scheme = rows[0].scheme

        let (child, path) = try await BridgeRegistryTests.fakeBridge(
            SwitchboardHome(directory: tmp.url), scheme: scheme, extra: ["--requests", "3", "--last-error", "HTTP 502 from the server"])
        var reaped = false
        defer { if !reaped { child.kill(); _ = child.wait() } }

        for args in [["status", "--json"], ["status", "linear", "--json"]] {
            let r = try await BinaryRunner.runDetached(args + home)
            // The one exit-code rule: a named connection never signed in exits 3, as `token linear` does.
            #expect(r.status == (args.count == 3 ? 3 : 0), "\(r.stderr)")
            let live = try JSONCoding.decoder().decode([StatusRow].self, from: Data(r.stdout.utf8))
            let bridges = try #require(live.first { $0.name == "linear" }?.bridges, "\(args): \(r.stdout)")
            #expect(bridges.map(\.pid) == [child.pid])
            #expect(bridges.first?.clientName == "Cursor" && bridges.first?.clientVersion == "1.7.3")
            #expect(bridges.first?.requests == 3 && bridges.first?.lastError == "HTTP 502 from the server")
            #expect(live.first { $0.name == "notes" }.map { $0.bridges == nil } ?? true)
        }
        let line = "bridge      Cursor 1.7.3 · pid \(child.pid) · started "
        let status = try await BinaryRunner.runDetached(["status"] + home)
        #expect(status.stdout.contains(line) && status.stdout.contains("· 3 requests"), "\(status.stdout)")
        #expect(status.stdout.contains("last error ") && status.stdout.contains(": HTTP 502 from the server"))
        #expect(status.stdout.components(separatedBy: "bridge  ").count == 2, "only linear's scheme lists it")
        let show = try await BinaryRunner.runDetached(["show", "linear"] + home)
        #expect(show.stdout.contains(line), "\(show.stdout)")
        #expect(!(try await BinaryRunner.runDetached(["show", "notes"] + home)).stdout.contains("bridge "))

        child.kill(SIGKILL)
        _ = await BridgeRegistryTests.blocking { child.wait() }
        reaped = true
        let after = try await BinaryRunner.runDetached(["status", "--json"] + home)
        #expect(after.stdout == before.stdout, "the killed bridge is gone")
        #expect(!FileManager.default.fileExists(atPath: path), "and its entry removed")
        #expect(!(try await BinaryRunner.runDetached(["show", "linear"] + home)).stdout.contains("bridge "))
    }
}

