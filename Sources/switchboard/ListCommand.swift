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
            let rows: [(name: String, kind: String, status: String, url: String)] = file.connections.map { c in
                let scheme = c.primaryScheme
                let standing = scheme?.standing(at: now)
                let badge = scheme.map { standing!.badge(kind: $0.kind) } ?? "○ no scheme"
                let timing = standing?.timing(now: now) ?? ""
                return (c.name, scheme?.kind.label ?? "-", badge + (timing.isEmpty ? "" : "  " + timing), c.serverURL.absoluteString)
            }
            // Columns as wide as their widest cell: `padding(toLength:)` also cuts, and a status was cut mid-word.
            let statusWidth = max(26, rows.map(\.status.count).max() ?? 0)
            for row in rows {
                Output.line([row.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0),
                             row.kind.padding(toLength: max(14, row.kind.count), withPad: " ", startingAt: 0),
                             row.status.padding(toLength: statusWidth, withPad: " ", startingAt: 0),
                             row.url].joined(separator: "  "))
            }
        }
    }
}
