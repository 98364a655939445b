import ArgumentParser
import Canvas
import Foundation
import SwitchboardCore
import SwitchboardWiring

extension Switchboard {
    /// `switchboard log [NAME] [--json] [--follow] [--since DURATION]`: the activity journal.
    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Show what happened to the connections: sign-ins, refreshes (and who ran them), bridges, failures, disconnects.",
            discussion: """
                Every Switchboard process records here: the screen's refresher, `token` and `headers` run by other \
                programs, `refresh`, `connect`, `disconnect`, `check`, and each bridge (started for which MCP client, \
                stopped after how many requests, or failed, and the refreshes it caused). Nothing secret is recorded. \
                --json prints one object per line; --follow keeps printing new events until interrupted.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Only this connection.") var name: String?
        @Flag(help: "One JSON object per line.") var json = false
        @Flag(help: "Keep printing new events as any Switchboard process records them, until interrupted.") var follow = false
        @Option(help: "Only events this recent: 30s, 10m, 2h, 3d or 1w.") var since: String?

        func run() async throws {
            let home = global.resolvedHome
            var schemeID: String?
            if let name {
                let connection = try global.integrations().connection(named: name)
                schemeID = connection.primaryScheme?.id
            }
            let journal = ActivityJournal(home: home, role: "log")
            // Parsed here, so a bad value is told the forms it may take (ArgumentParser said only "invalid").
            let window = try since.map { text in
                guard let d = LogDuration(argument: text) else {
                    throw CLIError.usage("--since takes a number and a unit: 30s, 10m, 2h, 3d or 1w (seconds, minutes, hours, days, weeks), not `\(TerminalText.safe(text, limit: 40))`")
                }
                return d
            }
            let from = window.map { Date().addingTimeInterval(-min($0.seconds, 1e10)) }
            var follower = ActivityFollower(journal: journal)
            var first = try follower.next().filter { e in (schemeID.map { e.scheme == $0 } ?? true) && (from.map { e.at >= $0 } ?? true) }
            // Following without --since starts from the last ten, as `journalctl -f` does.
            if follow, since == nil { first = Array(first.suffix(10)) }
            if first.isEmpty && !follow {
                Output.error("switchboard: no activity recorded\(name.map { " for \($0)" } ?? "") yet")
            }
            try print(first)
            guard follow else { return }
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(200))
                try print(try follower.next().filter { e in schemeID.map { e.scheme == $0 } ?? true })
            }
        }

        func print(_ events: [ActivityEvent]) throws {
            // Names padded to the widest one shown (display columns), so the events line up.
            let width = max(8, events.map { $0.connection.displayWidth }.max() ?? 0)
            for e in events {
                if json {
                    let encoder = JSONEncoder()
                    encoder.dateEncodingStrategy = .iso8601
                    encoder.outputFormatting = [.sortedKeys]
                    Output.json(try encoder.encode(e))
                } else {
                    Output.line(ActivityText.logLine(e, timeZone: TimeFormat.local, name: e.connection.fitted(to: max(width, e.connection.displayWidth))))
                }
            }
        }
    }
}
