import ArgumentParser
@testable import switchboard
import Testing

/// Start-up cost of the command line (issue #15): ArgumentParser derives a command's name from its type with
/// `String(describing:)` when the configuration does not give one, and on a large binary each of those is a
/// scan of every protocol conformance in it (they were a third of `switchboard --version`). Every command in
/// the tree names itself.
@Suite struct CommandTreeTests {
    @Test func everyCommandNamesItself() {
        var unnamed: [String] = [], seen = 0
        func walk(_ command: any ParsableCommand.Type, _ path: String) {
            seen += 1
            let name = command.configuration.commandName
            if name == nil { unnamed.append(path + " › " + String(reflecting: command)) }
            for sub in command.configuration.subcommands { walk(sub, path + " " + (name ?? "?")) }
        }
        walk(Switchboard.self, "")
        #expect(seen > 20)
        #expect(unnamed.isEmpty, "commands without commandName: \(unnamed)")
    }
}
