import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard remove NAME`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove a connection and delete its stored secrets (it does not revoke; use `disconnect` first for that).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String

        func run() throws {
            let removed = try global.integrations().remove(named: name)
            Output.line("Removed \(removed.name) and its stored secrets.")
        }
    }
}
