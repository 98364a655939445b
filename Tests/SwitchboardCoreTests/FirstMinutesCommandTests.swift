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
