import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard import`: remote MCP servers from other clients' configuration files.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Add the remote MCP servers configured in other MCP clients (their files are only read).",
            discussion: """
                --from claude-desktop|claude-code|cursor|vscode|codex|gemini|windsurf picks a client (default: every client whose \
                file exists). Servers with a url become oauth-dynamic connections, or bearer ones when a static \
                Authorization header is configured; stdio servers are skipped with a note; servers already present \
                (same name or URL) are left alone, so running it twice changes nothing; entries that already run \
                `switchboard bridge` (written by `export`) are reported as Switchboard's own.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "The client whose configuration to read.") var from: ClientConfigImport.Source?
        @Argument(help: "A configuration file (default: the client's usual locations).") var file: String?
        @Flag(name: .customLong("dry-run"), help: "Show what would be added, and add nothing.") var dryRun = false

        func run() throws {
            let source = from
            let env = ProcessInfo.processInfo.environment
            let home = env["HOME"] ?? NSHomeDirectory()
            let cwd = FileManager.default.currentDirectoryPath
            var files: [(String, ClientConfigImport.Source?)] = []
            if let file {
                guard FileManager.default.fileExists(atPath: file) else { throw CLIError.usage("\(file) does not exist") }
                files = [(file, source)]
            } else {
                for s in source.map({ [$0] }) ?? ClientConfigImport.Source.allCases {
                    for f in s.defaultFiles(home: home, workingDirectory: cwd) where FileManager.default.fileExists(atPath: f) { files.append((f, s)) }
                }
                if files.isEmpty { Output.line("No configuration files found\(source.map { " for \($0.rawValue)" } ?? ""). Name one: `switchboard import FILE`."); return }
            }
            let integrations = global.integrations()
            var added = 0
            // What this run adds (or, dry, would add): later entries are judged against it too, so a dry run
            // says exactly what the real one does (it said "would add notion" twice where the run added it once).
            var planned: [(name: String, url: String)] = []
            for (path, s) in files {
                let entries: [ClientConfigImport.Entry]
                do { entries = try ClientConfigImport.read(file: path, as: s) } catch let e as ClientConfigImport.ImportError {
                    throw CLIError.failure(e.description)
                }
                Output.line("\(path):")
                if entries.isEmpty { Output.line("  no MCP servers") }
                for entry in entries {
                    let name = ClientConfigImport.slug(entry.name)
                    switch entry.kind {
                    case .stdio(let command, _):
                        Output.line("  skip    \(name): a local (stdio) server (`\(ClientConfigImport.programName(of: command))`); Switchboard manages remote servers only")
                    case .unusable(let why):
                        Output.line("  skip    \(name): \(why)")
                    case .switchboardBridge(let connection, let bridgeHome):
                        // Our own export read back: the connection is already Switchboard's; nothing to add.
                        let here = try integrations.connections.load().connection(named: connection) != nil
                        let elsewhere = bridgeHome.map { " in the home \($0)" } ?? ""
                        Output.line("  ours    \(name): served by Switchboard's bridge for connection \(connection)\(here ? "" : elsewhere.isEmpty ? " (not in this home)" : elsewhere)")
                    case .remote(let url, let token):
                        let existing = try integrations.connections.load().connections
                        let request = NewConnection(name: name, url: url, kind: token == nil ? .oauthDynamic : .bearer, bearerToken: token)
                        // `add`'s rule (`ConnectionRegistry.admission`): a known name, or a server already connected.
                        // A real run reads back what it added; a dry one adds what it would have.
                        switch ConnectionRegistry.admission(of: request, into: existing, planned: dryRun ? planned : [], anotherAccount: false) {
                        case .duplicateName?:
                            Output.line("  exists  \(name)")
                            continue
                        case .sameServer(_, let other)?:
                            Output.line("  exists  \(name) (the same server as \(other))")
                            continue
                        default: break
                        }
                        do {
                            _ = try request.validate()
                        } catch {
                            Output.line("  skip    \(name): \(error.message)")
                            continue
                        }
                        let note = entry.note.map { " (\($0))" } ?? ""
                        planned.append((name, url))
                        if dryRun {
                            Output.line("  would add \(name) (\(request.kind.rawValue)) → \(url)\(note)")
                        } else {
                            do {
                                try integrations.add(request, anotherAccount: false)
                            } catch ConnectionStoreError.duplicateName {
                                // Another process added it meanwhile: the store refused under its lock.
                                Output.line("  exists  \(name)")
                                continue
                            } catch ConnectionStoreError.sameServer(_, let other) {
                                Output.line("  exists  \(name) (the same server as \(other))")
                                continue
                            }
                            Output.line("  added   \(name) (\(request.kind.rawValue)) → \(url)\(note)")
                        }
                        added += 1
                    }
                }
            }
            if !dryRun && added > 0 { Output.line("Run `switchboard connect NAME` (or open the screen) to sign in.") }
        }
    }
}

extension MCPClient: ExpressibleByArgument {}
