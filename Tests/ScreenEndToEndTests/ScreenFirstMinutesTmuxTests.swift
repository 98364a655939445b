import EngineTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// The real binary in tmux, for what a newcomer met in the first minutes: a resize shows at once, Enter says
/// what it does, `v` on a server without the device flow says so, help lists every key and scrolls.
@Suite(.serialized) struct ScreenFirstMinutesTmuxTests {
    @Test(.enabled(if: TmuxSession.available, "tmux is installed by .ci/run"))
    func aResizeIsDrawnWithoutAKeyPress() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let bin = BinaryRunner.binary.path
        #expect(try await BinaryRunner.runDetached(["add", "notes", "https://notes.example.com/mcp", "--home", tmp.url.path]).status == 0)
        let command = "env TERM=xterm-256color \(bin) --home \(tmp.url.path); echo SCREEN-EXITED-$?; sleep 30"
        try await TmuxSession.run(command: command, width: 80, height: 24) { tmux in
            try await tmux.waitFor("○ not connected")
            try await tmux.resize(width: 110, height: 32)
            // No key: the footer moves to the new last row and the pane's border to the new width.
            var screen = ""
            let drawn = try await waitUntil(timeout: .seconds(10)) {
                screen = try await tmux.capture()
                let rows = screen.components(separatedBy: "\n")
                return rows.count >= 32 && rows[31].contains("q quit") && rows.contains { $0.hasPrefix("└") && $0.displayWidth == 110 }
            }
            #expect(drawn, "the screen after a resize without a key:\n\(screen)")
            try await tmux.resize(width: 70, height: 20)
            let shrunk = try await waitUntil(timeout: .seconds(10)) {
                screen = try await tmux.capture()
                let rows = screen.components(separatedBy: "\n")
                return rows.count >= 20 && rows[19].contains("q quit") && !rows.contains { $0.displayWidth > 70 }
            }
            #expect(shrunk, "the screen after shrinking:\n\(screen)")
            try await tmux.send("q")
            try await tmux.waitFor("SCREEN-EXITED-0")
        }
    }

    /// Enter on a connected row tests it (the footer says so) instead of opening Disconnect; `v` on a server with
    /// no device flow says it is not offered and the sign-in goes on; after the Connect ends, the footer offers
    /// only closing; help lists j/k, PgUp/PgDn, g/G and the Add form's ←/→, and scrolls at 80×24.
    @Test(.enabled(if: TmuxSession.available, "tmux is installed by .ci/run"))
    func keysSayWhatTheyDo() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start()) { fixture in
            let bin = BinaryRunner.binary.path
            _ = try await BinaryRunner.runDetached(["add", "fx", fixture.serverURL.absoluteString, "--home", tmp.url.path])
            // A browser that takes a few seconds to sign in: `v` arrives while the sign-in waits.
            let slow = tmp.url.appendingPathComponent("slow-browser")
            try "#!/bin/sh\nsleep 4\nexec '\(bin)' headless-browser \"$@\"\n".write(to: slow, atomically: true, encoding: .utf8)
            chmod(slow.path, 0o755)
            let command = "env BROWSER='\(slow.path)' TERM=xterm-256color \(bin) --home \(tmp.url.path); echo SCREEN-EXITED-$?; sleep 30"
            try await TmuxSession.run(command: command) { tmux in
                try await tmux.waitFor("○ not connected")
                try await tmux.waitFor("⏎ connect")
                try await tmux.send("c")
                try await tmux.waitFor("Sign in in your browser")
                let waiting = try await tmux.capture()
                #expect(!waiting.contains("v device code"), "the footer offers no device code the server lacks:\n\(waiting)")
                try await tmux.send("v")
                try await tmux.waitFor("Device code: not offered here")
                let still = try await tmux.capture()
                #expect(still.contains("Sign in in your browser"), "the sign-in goes on:\n\(still)")
                try await tmux.waitFor("✓ Connected")
                let done = try await tmux.capture()
                #expect(done.contains("⏎/Esc close") && !done.contains("o open browser") && !done.contains("p paste"), "stale footer:\n\(done)")
                try await tmux.send("Enter")
                try await tmux.waitFor("● connected")
                try await tmux.waitFor("⏎ test")
                try await tmux.send("Enter")
                try await tmux.waitFor("fx: ")
                let tested = try await tmux.capture()
                #expect(!tested.contains("Disconnect fx"), "Enter on a connected row opened Disconnect:\n\(tested)")
                try await tmux.send("?")
                try await tmux.waitFor("Help")
                let help = try await tmux.capture()
                #expect(help.contains("↑ k") && help.contains("PgUp") && help.contains("lines 1–"), Comment(rawValue: help))
                try await tmux.send("G")
                let end = try await tmux.waitFor("Esc ? q ⏎")
                #expect(!end.contains("lines 1–"), "G scrolls to the end:\n\(end)")
                try await tmux.send("Escape")
                try await tmux.send("q")
                try await tmux.waitFor("SCREEN-EXITED-0")
            }
        }
    }
}
