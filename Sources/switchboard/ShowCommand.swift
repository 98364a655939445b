import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard show NAME`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one connection in detail, with the bridges serving it now (never a secret).",
            discussion: "--json prints the connection object as stored in integrations.json.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let connection = try global.integrations().connection(named: name)
            if json { return try Output.printJSON(connection) }
            let bridges = BridgeRegistry(home: global.resolvedHome).live()
            Output.line(ConnectionReport.lines(connection, now: Date(), bridges: bridges).joined(separator: "\n"))
        }
    }
}
