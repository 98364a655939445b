import Foundation
@testable import switchboard
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// What a new user meets first on the command line (issue #23): a mistyped command, the screen where it cannot
/// be drawn, and a remedy that names the connection.
@Suite struct FirstMinutesCommandTests {
    /// `switchboard frobnicate` says it is not a command and lists the commands (ArgumentParser alone handed the
    /// word to the screen, which called it "Unexpected argument 'frobnicate'").
    @Test func anUnknownCommandListsTheCommands() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let r = try await BinaryRunner.runDetached(["frobnicate", "--home", tmp.url.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("`frobnicate` is not a command"), "\(r.stderr)")
        for command in ["add", "list", "connect", "bridge", "export"] { #expect(r.stderr.contains(" \(command),") || r.stderr.contains(" \(command) ")) }
        #expect(!r.stderr.contains("headless-browser"), "hidden commands stay hidden")
        #expect(!r.stderr.contains("Unexpected argument"))
        // Real commands and help are untouched.
        #expect(Switchboard.unknownCommand(["list"]) == nil && Switchboard.unknownCommand(["help", "list"]) == nil)
        #expect(Switchboard.unknownCommand(["--home", "/x", "list"]) == nil)
        #expect(Switchboard.unknownCommand(["headless-browser"]) == nil)
        // Aliases are commands: `reconnect` is the remedy every expired connection names.
        #expect(Switchboard.unknownCommand(["reconnect", "notes"]) == nil)
        let reconnect = try await BinaryRunner.runDetached(["reconnect", "nosuch", "--home", tmp.url.path])
        #expect(!reconnect.stderr.contains("not a command"), "\(reconnect.stderr)")
    }

    /// The screen refuses a pipe and a dumb terminal at once, pointing at `switchboard list`, instead of drawing
    /// escape sequences into a file and waiting for keys that never come.
    @Test func theScreenRefusesWhereItCannotDraw() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let r = try await BinaryRunner.runDetached(["--home", tmp.url.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("needs a terminal") && r.stderr.contains("`switchboard list`"), "\(r.stderr)")
        #expect(r.stdout.isEmpty, "nothing drawn")
        let tty: (Int32) -> Bool = { _ in true }
        #expect(Switchboard.Screen.cannotDraw(environment: ["TERM": "dumb"], terminal: tty)?.contains("TERM=dumb") == true)
        #expect(Switchboard.Screen.cannotDraw(environment: [:], terminal: tty)?.contains("TERM") == true)
        #expect(Switchboard.Screen.cannotDraw(environment: ["TERM": "xterm-256color"], terminal: tty) == nil)
        #expect(Switchboard.Screen.cannotDraw(environment: ["TERM": "xterm-256color"], terminal: { $0 != 0 })?.contains("input") == true)
    }

    /// `refresh` on a connection never signed in names it in the remedy, as `token` does.
    @Test func refreshNamesTheConnectionToConnect() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = ["--home", tmp.url.path]
        #expect(try await BinaryRunner.runDetached(["add", "notes", "https://notes.example.com/mcp"] + home).status == 0)
        for command in ["refresh", "token"] {
            let r = try await BinaryRunner.runDetached([command, "notes"] + home)
            #expect(r.status == 3, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("switchboard connect notes"), "\(command): \(r.stderr)")
        }
    }
}

/// One rule for a new connection (`ConnectionRegistry.admission`), kept by `add`, `import` and its dry run alike;
/// `--since` says the forms it takes.
@Suite struct OneRuleForNewConnectionsTests {
    /// Seen: `import --dry-run` said "would add notion" and the real run "exists notion" (the same server named in
    /// two files); `add` accepted a second connection to a server `import` refused.
    @Test func aDryRunPredictsTheImportAndAddKeepsTheSameRule() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = ["--home", tmp.url.path]
        let a = tmp.url.appendingPathComponent("a.json"), b = tmp.url.appendingPathComponent("b.json")
        try #"{"mcpServers": {"notion": {"url": "https://mcp.notion.com/mcp"}, "linear": {"url": "https://mcp.linear.app/mcp"}}}"#
            .write(to: a, atomically: true, encoding: .utf8)
        try #"{"mcpServers": {"notion": {"url": "https://mcp.notion.com/mcp"}, "notion-work": {"url": "https://mcp.notion.com/mcp/"}}}"#
            .write(to: b, atomically: true, encoding: .utf8)
        func lines(_ out: String) -> [String] {
            out.components(separatedBy: "\n").filter { $0.hasPrefix("  ") }.map { $0.replacingOccurrences(of: "would add", with: "added  ") }
        }
        var dry: [String] = [], real: [String] = []
        for file in [a, b] {
            let r = try await BinaryRunner.runDetached(["import", "--from", "cursor", file.path, "--dry-run"] + home)
            dry += lines(r.stdout)
        }
        // A dry run of both files at once, the way `import` with no file reads several.
        #expect(dry.filter { $0.contains("added") }.count == 3, "each file alone: \(dry)")
        for file in [a, b] {
            let r = try await BinaryRunner.runDetached(["import", "--from", "cursor", file.path] + home)
            real += lines(r.stdout)
        }
        #expect(real.contains { $0.contains("exists  notion-work (the same server as notion)") }, "\(real)")
        // Now a dry run over what exists predicts the real run line for line.
        for file in [a, b] {
            let d = try await BinaryRunner.runDetached(["import", "--from", "cursor", file.path, "--dry-run"] + home)
            let r = try await BinaryRunner.runDetached(["import", "--from", "cursor", file.path] + home)
            #expect(lines(d.stdout) == lines(r.stdout), "dry:\n\(d.stdout)\nreal:\n\(r.stdout)")
        }
        // `add` keeps the same rule, and says how to ask for a second account.
        let twice = try await BinaryRunner.runDetached(["add", "notion2", "https://mcp.notion.com/mcp"] + home)
        #expect(twice.status == 2 && twice.stderr.contains("`notion` already connects to that server"), "\(twice.stderr)")
        #expect(twice.stderr.contains("--another-account"))
        let second = try await BinaryRunner.runDetached(["add", "notion2", "https://mcp.notion.com/mcp", "--another-account"] + home)
        #expect(second.status == 0, "\(second.stderr)")
    }

    @Test func aBadSinceListsTheFormsItTakes() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let r = try await BinaryRunner.runDetached(["log", "--since", "5", "--home", tmp.url.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("30s, 10m, 2h, 3d or 1w") && r.stderr.contains("not `5`"), "\(r.stderr)")
    }
}
