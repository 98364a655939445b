import Acquisition
import EngineTestSupport
import Foundation
import HostileFixtures
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// Nothing a server or another program's file sends reaches the user's terminal as a control: every
/// command's stdout and stderr is scanned for ESC, BEL, C1, and bidi controls.
@Suite(.serialized) struct TerminalSafetyTests {
    /// An OSC 52 clipboard write, a screen clear, a C1 CSI, a right-to-left override and an isolate.
    static let nasty = "\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J\u{9B}31m\u{202E}lmth.exe\u{2066}\u{85}"

    static func controls(in text: String) -> [String] {
        text.unicodeScalars.compactMap { s in
            let v = s.value
            let bad = (v < 0x20 && s != "\n" && s != "\t") || v == 0x7F || (0x80...0x9F).contains(v)
                || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
            return bad ? String(format: "U+%04X", v) : nil
        }
    }

    func expectClean(_ r: BinaryRunner.Result, _ what: String, home: BinaryHome) {
        let found = Self.controls(in: r.stdout) + Self.controls(in: r.stderr)
        #expect(found.isEmpty, "`\(what)` wrote terminal controls \(Set(found).sorted()):\n\(home.log)")
    }

    @Test func everyCommandKeepsServerTextOutOfTheTerminal() async throws {
        var home = BinaryHome()
        defer { home.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.nastyText = Self.nasty; $0.deviceFlow = .approve })) { fixture in
            let url = fixture.serverURL.absoluteString
            var commands: [[String]] = [
                ["add", "fx", url], ["connect", "fx"], ["list"], ["list", "--json"], ["status"], ["status", "--json"],
                ["show", "fx"], ["show", "fx", "--json"], ["check", "fx"], ["check", "fx", "--json"],
                ["call", "fx", "echo", #"{"text":"hi"}"#], ["call", "fx", "echo", #"{"text":"hi"}"#, "--json"],
                ["token", "fx"], ["headers", "fx"], ["refresh", "fx"], ["doctor", "fx"], ["secrets", "status"],
                ["export", "--for", "claude-code"], ["disconnect", "fx"], ["connect", "fx", "--device"], ["status", "fx"],
            ]
            // Another program's config file with the same text in names, commands and URLs.
            let file = home.directory.path("mcp.json")
            let config: [String: Any] = ["mcpServers": [
                "a\(Self.nasty)": ["url": "https://example.com/\(Self.nasty)"],
                "local": ["command": "npx\(Self.nasty)", "args": ["-y", Self.nasty]],
                "b": ["url": "https://example.com/mcp\(Self.nasty)", "headers": ["X-Note": Self.nasty]],
            ]]
            try JSONSerialization.data(withJSONObject: config).write(to: file)
            commands += [["import", file.path, "--dry-run"], ["import", file.path], ["list"], ["remove", "fx"]]
            var ran = 0
            for command in commands {
                let r = try await home.run(command)
                expectClean(r, command.joined(separator: " "), home: home)
                // The canary scan over the same runs: only the credential helpers may print a secret.
                if !["token", "headers"].contains(command[0]) {
                    #expect(!(r.stdout + r.stderr).contains(OAuthFixture.canary), "`\(command.joined(separator: " "))` printed a secret")
                }
                ran += 1
            }
            #expect(ran == commands.count)
            // The flows really went through the hostile server (not a refusal that printed nothing of it).
            #expect(home.log.contains("switchboard-fixture^[]52;c;"), "the server name reached the output, shown: \(home.log)")
            #expect(home.log.contains("<U+202E>"))
            #expect(fixture.counters.mcpCalls > 0)
        }
    }

    @Test func aTokenWithControlCharactersIsRefusedAndNeverPrinted() async throws {
        var home = BinaryHome()
        defer { home.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.controlCharactersInAccessToken = true })) { fixture in
            _ = try await home.run(["add", "fx", fixture.serverURL.absoluteString])
            let connect = try await home.run(["connect", "fx"])
            #expect(connect.status != 0)
            #expect(connect.stdout.contains("characters a token cannot have") || connect.stderr.contains("characters a token cannot have"), "\(home.log)")
            let token = try await home.run(["token", "fx"])
            #expect(token.stdout.isEmpty)
            expectClean(token, "token", home: home)
            #expect(!storedSecretText(home.directory.url).contains("\u{1B}") && !storedSecretText(home.directory.url).contains("\\u001b"))
        }
    }

    /// A line break or tab in a server's string would start a line of the server's making ("FORGED" at the start
    /// of a line, looking like Switchboard's own output): every value stays on its line, in every command and
    /// in the debug log.
    @Test func serverTextCannotStartALine() async throws {
        let forge = "\u{1B}[2J\nFORGED\t|"
        var home = BinaryHome()
        defer { home.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions {
            $0.nastyText = forge
            $0.deviceFlow = .approve
            $0.scopesSupported = ["read" + forge, "write"]
        })) { fixture in
            let url = fixture.serverURL.absoluteString
            var outputs: [(String, String)] = []
            for command in [["add", "fx", url], ["doctor", "fx"], ["connect", "fx"], ["show", "fx"], ["status", "fx"], ["doctor", "fx"],
                            ["disconnect", "fx"], ["connect", "fx", "--device"], ["show", "fx"], ["check", "fx"]] {
                let r = try await home.run(command)
                expectClean(r, command.joined(separator: " "), home: home)
                outputs.append((command.joined(separator: " "), r.stdout + r.stderr))
            }
            // The debug log prints each event as it happens.
            let logged = try await BinaryRunner.runDetached(["connect", "fx", "--device", "--home", home.directory.url.path],
                                                            environment: home.environment.merging(["SWITCHBOARD_LOG": "debug"]) { $1 })
            expectClean(logged, "SWITCHBOARD_LOG=debug connect --device", home: home)
            outputs.append(("SWITCHBOARD_LOG=debug connect --device", logged.stdout + logged.stderr))
            #expect(logged.stderr.contains("Reusing the registered client"), "the debug log lists the events: \(logged.stderr)")
            for (command, text) in outputs {
                #expect(!text.contains("\nFORGED") && !text.contains("\t|"), "`\(command)` let server text start a line:\n\(text)")
            }
            // The text really came through (shown, on its line).
            #expect(home.log.contains("^JFORGED^I|"), "\(home.log)")
        }
    }
}
