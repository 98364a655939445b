import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// The demo as a newcomer runs it: each of its four connections completes the path the README gives it, figma's
/// manual path included, and its temporary home (secrets and all) is gone when it ends.
@Suite struct DemoTmuxTests {
    @Test(.enabled(if: TmuxSession.available, "tmux is installed by .ci/run"))
    func everyDemoConnectionCompletesItsPath() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let bin = BinaryRunner.binary.path
        // No home given: a temporary one under TMPDIR, named on the screen, deleted on quit.
        let command = "env -u SWITCHBOARD_HOME TMPDIR=\(tmp.url.path) TERM=xterm-256color TZ=UTC \(bin) demo; echo SCREEN-EXITED-$?; sleep 30"
        try await TmuxSession.run(command: command, width: 100, height: 32) { tmux in
            /// Selects a row by name with the filter, as a person would with many rows.
            func select(_ name: String) async throws {
                try await tmux.send("Escape")
                try await tmux.send("/")
                try await tmux.send("-l", name)
                try await tmux.send("Enter")
                try await tmux.waitFor("1 of 4 connections")
            }
            func row(_ name: String, _ screen: String) -> String {
                screen.components(separatedBy: "\n").first { $0.hasPrefix(" " + name + " ") } ?? ""
            }
            func connect(_ name: String, key: String = "c") async throws {
                try await select(name)
                try await tmux.send(key)
                try await tmux.waitFor("✓ Connected")
                try await tmux.send("Enter")
                let closed = try await waitUntil(timeout: .seconds(10)) { !(try await tmux.capture()).contains("✓ Connected") }
                #expect(closed)
            }
            let first = try await tmux.waitFor("Demo home: ")
            let demoHome = try #require(first.firstMatch(of: #/Demo home: (\S+) /#).map { String($0.1) })
            #expect(demoHome.hasPrefix(tmp.url.path + "/switchboard-demo-"), "\(first)")
            #expect(FileManager.default.fileExists(atPath: demoHome))
            // shortlived first (its refresh comes ~30 s after the sign-in), then the others while it runs.
            try await connect("shortlived")
            try await connect("notes")
            try await connect("once")
            let once = try await tmux.capture()
            #expect(row("once", once).contains("● no refresh"), "once says it ends at expiry:\n\(once)")
            #expect(once.contains("then sign in"), "and that a sign-in follows:\n\(once)")
            // figma: registration refused (the screen says which client its dashboard has), then the manual path.
            try await select("figma")
            try await tmux.send("c")
            let refused = try await tmux.waitFor("does not allow self-registration")
            #expect(refused.contains("figma-demo-client"), "\(refused)")
            try await tmux.send("Escape")
            try await tmux.send("m")
            try await tmux.waitFor("Client id")
            try await tmux.send("-l", "figma-demo-client")
            try await tmux.send("Enter")
            try await tmux.waitFor("now signs in with your client")
            try await tmux.send("c")
            try await tmux.waitFor("✓ Connected")
            try await tmux.send("Enter")
            // once's 30-second token lapses: the row says expired (never connected); Reconnect signs in again.
            try await tmux.send("Escape")
            var screen = ""
            let lapsed = try await waitUntil(timeout: .seconds(60)) {
                screen = try await tmux.capture()
                return row("once", screen).contains("✕ expired")
            }
            #expect(lapsed, "once never showed expired:\n\(screen)")
            try await connect("once", key: "r")
            // shortlived was renewed by the screen's scheduler by now (40 s tokens, renewed 30 s in).
            try await select("shortlived")
            try await tmux.send("l")
            try await tmux.waitFor("refreshed by screen", timeout: .seconds(60))
            try await tmux.send("Escape")
            try await tmux.send("q")
            try await tmux.waitFor("SCREEN-EXITED-0")
            #expect(!FileManager.default.fileExists(atPath: demoHome), "the temporary home is deleted on quit")
        }
    }

    /// `SWITCHBOARD_HOME` is the demo's home when set (kept afterwards), and a real connection of a demo name is
    /// never replaced.
    @Test func theDemoHonoursTheHomeAndNeverReplacesARealConnection() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = tmp.url.appendingPathComponent("home").path
        let run = try await BinaryRunner.runDetached(["demo", "--script"], environment: ["SWITCHBOARD_HOME": home])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Demo home: \(home)"))
        #expect(run.stdout.contains("figma       oauth (manual)  ● connected"), "figma's manual path ends connected:\n\(run.stdout)")
        #expect(FileManager.default.fileExists(atPath: home + "/integrations.json"))
        // Run again in the same home: its own connections are replaced (secrets and all), nothing piles up.
        let again = try await BinaryRunner.runDetached(["demo", "--script"], environment: ["SWITCHBOARD_HOME": home])
        #expect(again.status == 0, "\(again.stderr)")
        let listed = try await BinaryRunner.runDetached(["list", "--json", "--home", home])
        #expect(listed.stdout.components(separatedBy: "\"name\" : \"notes\"").count == 2, "one notes after two runs")
        // A person's own `notes`, even on this machine's loopback: the demo refuses instead of replacing it.
        let other = tmp.url.appendingPathComponent("other").path
        #expect(try await BinaryRunner.runDetached(["add", "notes", "http://127.0.0.1:8080/mcp", "--home", other]).status == 0)
        let refused = try await BinaryRunner.runDetached(["demo", "--script", "--home", other])
        #expect(refused.status == 2 && refused.stderr.contains("already has a connection named notes"), "\(refused.stderr)")
        let list = try await BinaryRunner.runDetached(["list", "--home", other])
        #expect(list.stdout.contains("http://127.0.0.1:8080/mcp"))
    }
}
