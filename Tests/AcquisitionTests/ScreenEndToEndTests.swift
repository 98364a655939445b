import Acquisition
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// The real binary in tmux: connect with keys, watch a refresh, disconnect, quit, terminal restored.
@Suite(.serialized) struct ScreenEndToEndTests {
    @Test(.enabled(if: TmuxSession.available, "tmux is installed by .ci/run"))
    func connectRefreshDisconnectQuit() async throws {
        let fixture = try await OAuthFixture.start(FixtureOptions { $0.accessTokenLifetime = 6; $0.revocation = true })
        let tmp = TemporaryDirectory()
        defer { Task { await fixture.stop(); tmp.remove() } }
        let bin = BinaryRunner.binary.path
        let added = try await BinaryRunner.runDetached(["add", "fx", fixture.serverURL.absoluteString, "--home", tmp.url.path])
        #expect(added.status == 0)
        let command = "env BROWSER='\(bin) headless-browser' TERM=xterm-256color \(bin) --home \(tmp.url.path); echo SCREEN-EXITED-$?; sleep 30"
        let tmux = try await TmuxSession(command: command)
        defer { Task { await tmux.kill() } }

        try await tmux.waitFor("○ not connected")
        try await tmux.send("c")
        try await tmux.waitFor("✓ Connected")
        try await tmux.send("Enter")
        let connected = try await tmux.waitFor("● connected")
        #expect(connected.contains("Switchboard ─ 1 connection"))

        // A refresh happens on its own (6-second tokens are refreshed 1.5 s before expiry) and shows in the detail pane.
        let refreshed = try await tmux.waitFor("(ok)", timeout: .seconds(20))
        #expect(fixture.counters.refreshes >= 1)
        #expect(refreshed.contains("● connected"))

        try await tmux.send("d")
        try await tmux.waitFor("Disconnect? y / N")
        try await tmux.send("y")
        try await tmux.waitFor("revoked at the server")
        try await tmux.send("Enter")
        try await tmux.waitFor("○ not connected")
        #expect(fixture.counters.revocations.count == 2)

        try await tmux.send("q")
        let after = try await tmux.waitFor("SCREEN-EXITED-0")
        #expect(!after.contains("Switchboard ─"), "the terminal was restored")
    }
}
