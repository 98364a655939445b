import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard export --for CLIENT [NAME...] [--write [--file PATH] [--replace-mcp-remote]]`.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Print (or --write) the entries that point an MCP client at Switchboard's connections.",
            discussion: """
                Each entry runs `switchboard bridge NAME`, a local MCP server that forwards to the connection's \
                server with Switchboard's token, in the client's own format: claude-desktop, claude-code, cursor, \
                vscode, gemini and windsurf (JSON), codex (TOML). --write merges the entries into the client's \
                file (its usual one, or --file): other entries and comments stay as they were, byte for byte; an \
                entry of the same name is replaced (the output names it and what it was; in Codex's file its own \
                sub-tables, such as [mcp_servers.NAME.env], go with it). The previous file is kept as \
                FILE.switchboard-backup-<time> (mode 0600: it may hold tokens; the newest 3 are kept). An \
                `npx mcp-remote URL` entry for the same server is kept unless --replace-mcp-remote.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("for"), help: "The client the entries are for.") var target: MCPClient = .claudeCode
        @Option(help: "bridge, or headers (Claude Code only: type http with a headersHelper running `switchboard headers`).")
        var via: ClientConfigExport.Via = .bridge
        @Flag(help: "Merge the entries into the client's configuration file.") var write = false
        @Option(help: "The file to write (default: the client's usual file).") var file: String?
        @Flag(name: .customLong("replace-mcp-remote"), help: "Replace `npx mcp-remote` entries for the same servers.")
        var replaceMCPRemote = false
        @Argument(help: "Connection names (default: all).") var names: [String] = []

        func run() throws {
            if !write, file != nil || replaceMCPRemote { throw CLIError.usage("--file and --replace-mcp-remote go with --write") }
            let integrations = global.integrations()
            let all = try integrations.connections.load().connections
            let chosen = try names.isEmpty ? all : names.map { try integrations.connection(named: $0) }
            // The client starts the bridge in its own environment: name this binary by its full path and carry
            // the home whenever it is not the default one (from --home or SWITCHBOARD_HOME alike).
            let home = global.resolvedHome.directory.standardizedFileURL.path
            let defaultHome = SwitchboardHome.resolve(explicit: nil, environment: ProcessInfo.processInfo.environment.filter { $0.key != "SWITCHBOARD_HOME" })
            let homeWords = home == defaultHome.directory.standardizedFileURL.path ? [] : ["--home", home]
            let entries: [ClientConfigExport.Entry]
            do {
                entries = try ClientConfigExport.entries(for: chosen, client: target, via: via, executable: Self.executablePath, homeWords: homeWords)
            } catch {
                throw CLIError.usage(String(describing: error))
            }
            guard write else {
                let fragment = ClientConfigExport.fragment(entries, client: target)
                if target.format == .toml { Output.line(String(fragment.dropLast())) } else { Output.json(Data(fragment.utf8)) }
                return
            }
            guard !entries.isEmpty else { throw CLIError.usage("there are no connections to export; add one first (`switchboard add NAME URL`)") }
            let env = ProcessInfo.processInfo.environment
            let path = file ?? target.defaultFiles(home: env["HOME"] ?? NSHomeDirectory(), workingDirectory: FileManager.default.currentDirectoryPath)[0]
            let report: ClientConfigExport.WriteReport
            do {
                report = try ClientConfigExport.write(entries, client: target, to: path, replaceMCPRemote: replaceMCPRemote, now: Date())
            } catch {
                throw CLIError.failure(String(describing: error))
            }
            Output.line("\(report.file): \(report.created ? "created" : report.changed ? "updated" : "already up to date")")
            let displaced = Dictionary(report.displaced.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            for action in report.actions { Output.line("  " + describe(action, displaced: displaced)) }
            if let backup = report.backup {
                let keys = report.displaced.map(\.key)
                let with = keys.isEmpty ? "" : ", with \(keys.joined(separator: ", ")) as \(keys.count == 1 ? "it was" : "they were"),"
                Output.line("The previous file\(with) is kept at \(backup) (mode 0600).")
            }
            if !report.removedBackups.isEmpty {
                Output.line("Older backups removed (the newest \(ClientConfigExport.keptBackups) are kept): \(report.removedBackups.joined(separator: ", "))")
            }
            if report.changed { Output.line("Restart \(target.rawValue) (or reload its MCP servers) to use the new entries.") }
        }

        func describe(_ action: ClientConfigExport.Action, displaced: [String: ClientConfigExport.Displaced] = [:]) -> String {
            /// The Codex sub-tables that went with an entry, said after it.
            func tables(_ key: String) -> String {
                guard let t = displaced[key]?.subTables, !t.isEmpty else { return "" }
                return "; " + t.joined(separator: ", ") + " went with it"
            }
            return switch action {
            case .added(let key, let c): "added     \(key): bridge for \(c)"
            case .replaced(let key, let c):
                "replaced  \(key): now the bridge for \(c)" + (displaced[key].map { " (it was \($0.was)" + tables(key) + ")" } ?? "")
            case .unchanged(let key, let c): "unchanged \(key): bridge for \(c)"
            case .removedMCPRemote(let key, let url, let c): "removed   \(key): the mcp-remote entry for \(url) (the bridge for \(c) serves it\(tables(key)))"
            case .keptMCPRemote(let key, let url, let c):
                "kept      \(key): an mcp-remote entry for \(url), the server of \(c), so its bridge was not added; to replace it, run `"
                    + ShellQuote.command(["switchboard", "export", "--for", target.rawValue, "--write", "--replace-mcp-remote"]
                        + (self.file.map { ["--file", $0] } ?? []) + (global.home.map { ["--home", $0] } ?? []) + [c]) + "`"
            }
        }

        /// This binary's absolute path (what the client must run), else the bare name.
        static var executablePath: String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "switchboard"
        }
    }
}

extension ClientConfigExport.Via: ExpressibleByArgument {}
