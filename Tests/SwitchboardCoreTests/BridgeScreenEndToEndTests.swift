import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real screen in tmux: a bridge started by another process shows in the list row and the detail pane at
/// the next tick, and is gone at the tick after it is killed with SIGKILL.
@Suite(.serialized) struct BridgeScreenEndToEndTests {
    @Test(.enabled(if: TmuxSession.available, "tmux is installed by .ci/run"))
    func aBridgeAppearsAndAKilledOneGoes() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let bin = BinaryRunner.binary.path
        #expect(try await BinaryRunner.runDetached(["add", "linear", "https://mcp.linear.app/mcp", "--home", tmp.url.path]).status == 0)
        let rows = try JSONCoding.decoder().decode([StatusRow].self, from: Data(try await BinaryRunner.runDetached(["status", "--json", "--home", tmp.url.path]).stdout.utf8))
        let command = "env TERM=xterm-256color \(bin) --home \(tmp.url.path); echo SCREEN-EXITED-$?; sleep 30"
        try await TmuxSession.run(command: command) { tmux in
            try await tmux.waitFor("○ not connected")
            let (child, _) = try await BridgeRegistryTests.fakeBridge(SwitchboardHome(directory: tmp.url), scheme: rows[0].scheme,
                                                                      extra: ["--requests", "12"])
            var reaped = false
            defer { if !reaped { child.kill(); _ = child.wait() } }
            let shown = try await tmux.waitFor("Cursor 1.7.3")
            #expect(shown.contains("⇄1"), "\(shown)")
            #expect(shown.contains("\(child.pid)") && shown.contains("bridges    CLIENT"), "\(shown)")
            child.kill(SIGKILL)
            _ = await BridgeRegistryTests.blocking { child.wait() }
            reaped = true
            let gone = try await tmux.waitUntilGone("Cursor 1.7.3")
            #expect(!gone.contains("⇄1"))
            try await tmux.send("q")
            try await tmux.waitFor("SCREEN-EXITED-0")
        }
    }
}

extension TmuxSession {
    /// Waits until the screen no longer contains `text` (polling the pane, as `waitFor`); returns the last screen.
    func waitUntilGone(_ text: String) async throws -> String {
        var screen = ""
        if try await waitUntil(timeout: .seconds(15), { screen = try await capture(); return !screen.contains(text) }) { return screen }
        Issue.record("`\(text)` stayed on the screen:\n\(screen)")
        return screen
    }
}
