import ArgumentParser
import CNcurses
import Logging
import Foundation
import SwitchboardCore

/// The `switchboard` command: the screen when run bare, subcommands for scripts.
@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Keeps your MCP servers and other HTTP APIs authorized.",
        discussion: """
            Exit codes:
              0  success
              1  failure (the message says what failed and what to do)
              2  usage error: a bad argument, URL or name, an unknown command or name, a name or server
                 already added (a second account takes --another-account), the screen without a terminal
              3  needs a sign-in: the connection cannot give a token until a person signs in (never
                 connected, expired, in error, or its token lapsed with no refresh token); `token`,
                 `headers` and `refresh` fail with 3, and `status NAME` exits 3, for the same connections

            Files live in --home, else $SWITCHBOARD_HOME, else $XDG_CONFIG_HOME/switchboard,
            else ~/.config/switchboard. `switchboard secrets encrypt` seals the secret store with AES-GCM (a new store is sealed when SWITCHBOARD_ENCRYPT_SECRETS=1).
            """,
        version: SwitchboardVersion.string,
        subcommands: [Screen.self, Add.self, List.self, Show.self, Remove.self, SetClient.self, Connect.self, Disconnect.self, Status.self, Token.self, Refresh.self, Headers.self, Check.self, Call.self, Import.self, Export.self, Doctor.self, Log.self, BridgeCommand.self, Secrets.self, Demo.self, HeadlessBrowserCommand.self],
        defaultSubcommand: Screen.self)

    static func main() async {
        // Events stream line by line even into a pipe (scripts and tests read them as they happen).
        StartTrace.mark("main")
        sb_line_buffer_stdout()
        // Logs go to stderr, so `token` and `--json` output stay clean.
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        do {
            if let bridge = BridgeArguments(Array(CommandLine.arguments.dropFirst())) {
                StartTrace.mark("parsed")
                try await BridgeCommand.serve(name: bridge.name, home: bridge.home, signIn: bridge.signIn)
            } else {
                if let unknown = unknownCommand(Array(CommandLine.arguments.dropFirst())) { throw unknown }
                var command = try parseAsRoot()
                if var async = command as? any AsyncParsableCommand {
                    try await async.run()
                } else {
                    try command.run()
                }
            }
            // What this process did goes into the activity journal before it exits (on every path below too).
            await ActivityJournal.flushAll()
        } catch {
            await ActivityJournal.flushAll()
            report(error)
        }
    }

    /// `switchboard frobnicate`: ArgumentParser hands a first word that names no command to the default one (the
    /// screen), which calls it an unexpected argument. Say what it is, and which commands there are.
    static func unknownCommand(_ arguments: [String]) -> CLIError? {
        guard let first = arguments.first, !first.hasPrefix("-"), first != "help" else { return nil }
        var names: [String] = [], shown: [String] = []
        for command in configuration.subcommands {
            let c = command.configuration
            guard let name = c.commandName else { continue }
            names.append(name)
            names += c.aliases    // `reconnect`, which every remedy names
            if c.shouldDisplay { shown.append(name) }
        }
        guard !names.contains(first) else { return nil }
        // One line, bounded, controls shown not sent: it is whatever was typed (or pasted).
        let word = TerminalText.safe(first, limit: 40)
        return .usage("`\(word)` is not a command; the commands are \(shown.joined(separator: ", ")) (`switchboard help COMMAND` describes one)")
    }

    /// Prints an error the way scripts expect and exits with its code.
    static func report(_ error: any Error) -> Never {
        switch error {
        case let error as CLIError:
            Output.error("switchboard: \(error.message)")
            Foundation.exit(error.code.rawValue)
        case let error as InvalidInput:
            Output.error("switchboard: \(error.message)")
            Foundation.exit(ExitStatus.usage.rawValue)
        case let error as ConnectionStoreError:
            Output.error("switchboard: \(error)")
            switch error {
            case .duplicateName, .unknownConnection, .sameServer: Foundation.exit(ExitStatus.usage.rawValue)
            case .corrupt: Foundation.exit(ExitStatus.failure.rawValue)
            }
        default:
            let code = exitCode(for: error)
            if code == .success {
                Output.line(fullMessage(for: error))
                Foundation.exit(0)
            }
            if code == .validationFailure {
                // One line, as every usage error (scripts read it); `--help` has the rest.
                let first = message(for: error).split(separator: "\n").first.map(String.init) ?? "bad arguments"
                Output.error("switchboard: \(first) (see --help)")
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            if let e = error as? ExitCode { Foundation.exit(e.rawValue) }
            Output.error("switchboard: \(fullMessage(for: error))")
            Foundation.exit(ExitStatus.failure.rawValue)
        }
    }
}

