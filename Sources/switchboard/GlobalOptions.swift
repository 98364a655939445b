import ArgumentParser
import Foundation
import SwitchboardCore

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The directory for Switchboard's files (default: $SWITCHBOARD_HOME, $XDG_CONFIG_HOME/switchboard, ~/.config/switchboard).")
    var home: String?

    var resolvedHome: SwitchboardHome { SwitchboardHome.resolve(explicit: home) }

    /// The two stores for this home; warnings go to stderr.
    func integrations() -> ConnectionRegistry {
        let home = resolvedHome
        return ConnectionRegistry(
            connections: ConnectionStore(home: home),
            secrets: SecretStore(home: home, warn: { Console.warn($0) }))
    }
}
