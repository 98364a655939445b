import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List connections and their status.",
            discussion: "--json prints {\"version\": 1, \"connections\": [...]}, the same shape as integrations.json; it never holds a secret.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let store = try global.integrations().connections
            if json {
                // The file's own bytes when its index vouches for them: no decoding, whatever the size.
                Output.json(try store.jsonForOutput())
                return
            }
            let file = try store.load()
            if file.connections.isEmpty {
                Output.line("No connections yet. Add one with `switchboard add NAME URL`.")
                return
            }
            let now = Date()
            let nameWidth = max(4, file.connections.map(\.name.count).max() ?? 4)
            for c in file.connections {
                let scheme = c.primaryScheme
                let standing = scheme?.standing(at: now)
                let badge = scheme.map { standing!.badge(kind: $0.kind) } ?? "○ no scheme"
                let timing = standing?.timing(now: now) ?? ""
                let kind = scheme?.kind.label ?? "-"
                Output.line([c.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0),
                       kind.padding(toLength: 14, withPad: " ", startingAt: 0),
                       (badge + (timing.isEmpty ? "" : "  " + timing)).padding(toLength: 26, withPad: " ", startingAt: 0),
                       c.serverURL.absoluteString].joined(separator: "  "))
            }
        }
    }
}
