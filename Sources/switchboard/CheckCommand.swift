import Acquisition
import ArgumentParser
import Foundation
import MCPSession
import SwitchboardCore

extension Switchboard {
    /// `switchboard check NAME`: talk MCP to the server with the token Switchboard holds.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Talk MCP to a connection's server: initialize and list its tools, with Switchboard's token.",
            discussion: "--json prints {\"serverName\", \"serverVersion\", \"protocolVersion\", \"tools\": [{\"name\", \"description\"}]}.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "Speak only this MCP era: 2026-07-28 or 2025-11-25 (default: detect, newest first).") var era: MCPEra?

        func run() async throws {
            let engine = Engine(global: global, browser: SystemBrowser())
            let connection = try engine.integrations.connection(named: name)
            let report: CheckReport
            do {
                report = try await engine.withAuthorization(connection, era: era) { runner in try await runner.check() }
            } catch {
                engine.recordCheck(connection, "failed: \(describe(error))")
                throw engine.cliError(error, name: name)
            }
            engine.recordCheck(connection, "ok · \(report.serverName) \(report.serverVersion) · \(report.protocolVersion) · \(report.tools.count) tools",
                               era: MCPEra(rawValue: report.era))
            if json { return try Output.printJSON(report) }
            Output.line("\(report.serverName) \(report.serverVersion) · MCP \(report.protocolVersion)\(report.era == MCPEra.modern.rawValue ? " (stateless)" : " (initialize handshake)")")
            Output.line("\(report.tools.count) tool\(report.tools.count == 1 ? "" : "s"):")
            for t in report.tools { Output.line("  \(t.name)\(t.description.map { "  — \($0)" } ?? "")") }
            if let truncated = report.truncated { Output.line("(the list may be incomplete: \(truncated))") }
        }
    }

    /// `switchboard call NAME TOOL [JSON]`.
    struct Call: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "call",
            abstract: "Call one tool on a connection's server and print its result (a tool error exits 1).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String
        @Argument(help: "The tool's name.") var tool: String
        @Argument(help: "The arguments as a JSON object.") var arguments: String?
        @Flag(help: "Print the whole result as JSON.") var json = false
        @Option(help: "Speak only this MCP era: 2026-07-28 or 2025-11-25 (default: detect, newest first).") var era: MCPEra?

        func run() async throws {
            let engine = Engine(global: global, browser: SystemBrowser())
            let connection = try engine.integrations.connection(named: name)
            let result: (text: String, json: String, isError: Bool, era: MCPEra)
            do {
                result = try await engine.withAuthorization(connection, era: era) { runner in try await runner.call(tool: tool, argumentsJSON: arguments) }
            } catch let e as InvalidInput {
                throw CLIError.usage(e.message)
            } catch {
                throw engine.cliError(error, name: name)
            }
            engine.rememberEra(connection, result.era)
            if result.isError { throw CLIError.failure("the tool `\(tool)` failed: \(result.text)") }
            Output.line(json ? result.json : result.text)
        }
    }

    /// `switchboard headers NAME`: for MCP clients with a headers-helper option.
    struct Headers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "headers",
            abstract: "Print {\"Authorization\": \"Bearer …\"} with a valid token (for an MCP client's headers helper).",
            discussion: "Exits 3 with nothing on stdout when the connection needs a reconnect.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String

        func run() async throws {
            let engine = Engine(global: global, browser: NoBrowser())
            let connection = try engine.integrations.connection(named: name)
            do {
                let token = try await engine.authorizer(connection).bearer()
                let object: [String: String] = token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                try Output.credential(String(decoding: data, as: UTF8.self))
            } catch {
                throw engine.cliError(error, name: name)
            }
        }
    }
}

func describe(_ error: any Error) -> String {
    if let e = error as? AcquisitionError { return e.message }
    if let e = error as? InsufficientScope { return "the server wants more scopes: \(Redact.serverText(e.scopes.joined(separator: " "), limit: 120))" }
    if let e = error as? AuthorizationRequired {
        return e.scopes.isEmpty ? "the server asks for a new sign-in" : "the server asks for \(Redact.serverText(e.scopes.joined(separator: " "), limit: 120)); reconnect to grant it"
    }
    if let e = error as? AuthorizationServerMoved { return AcquisitionActor.movedError("this connection", to: e.to).message }
    return Redact.serverText("\(error)", limit: 300)
}

extension Engine {
    func authorizer(_ connection: Connection) -> ConnectionAuthorizer {
        ConnectionAuthorizer(connection: connection, actor: actor, secrets: integrations.secrets)
    }

    /// Runs an MCP operation and answers the server's authorization challenges by signing in again, at
    /// most twice: a 403 `insufficient_scope` or a 401 naming scopes the token lacks with the union of the
    /// scopes held and asked for (SEP-2350); a server that moved to another authorization server with a
    /// fresh discovery and registration there (SEP-2352).
    func withAuthorization<T: Sendable>(_ start: Connection, era: MCPEra? = nil, _ body: (MCPSessionRunner) async throws -> T) async throws -> T {
        var connection = start
        var attempts = 0
        while true {
            do {
                return try await body(MCPSessionRunner(http: http, authorizer: authorizer(connection), era: era))
            } catch {
                guard let again = Engine.signInAgain(for: error) else { throw error }
                guard attempts < 2, let scheme = connection.primaryScheme, scheme.kind.isOAuth else {
                    throw CLIError.failure("\(connection.name) \(again.why), and signing in again did not satisfy it. Run `switchboard doctor \(connection.name)`.")
                }
                attempts += 1
                if let wanted = again.scopes { try widenScopes(scheme, to: wanted) }
                Output.error("switchboard: \(connection.name) \(again.why); signing in again.")
                let last = await Engine.follow(await actor.connect(schemeID: scheme.id), toStandardError: true)
                guard case .connected = last else { throw CLIError.failure("signing in to \(connection.name) again failed") }
                connection = try integrations.connection(named: connection.name)
            }
        }
    }

    /// The next sign-in asks for the union of the scopes held and `wanted` (SEP-2350).
    func widenScopes(_ scheme: AuthScheme, to wanted: [String]) throws {
        let held = (try integrations.secrets.secrets(for: scheme.id)).tokens?.scopes ?? scheme.scopes
        var union = held.filter { $0 != "offline_access" }
        for s in wanted where !union.contains(s) { union.append(s) }
        try integrations.connections.updateScheme(scheme.id) { $0.scopes = union }
    }

    /// What another sign-in answers: a scope challenge (the scopes to add) or a server that moved to
    /// another authorization server (no scopes); nil for every other error.
    static func signInAgain(for error: any Error) -> (scopes: [String]?, why: String)? {
        func list(_ scopes: [String]) -> String { Redact.serverText(scopes.joined(separator: " "), limit: 120) }
        switch error {
        case let e as InsufficientScope: return (e.scopes, "asks for more access (\(list(e.scopes)))")
        case let e as AuthorizationRequired: return (e.scopes, e.scopes.isEmpty ? "asks you to sign in" : "asks for \(list(e.scopes))")
        case let e as AuthorizationServerMoved: return (nil, "moved to a new authorization server (\(Redact.serverText(e.to, limit: 80)))")
        default: return nil
        }
    }

    func recordCheck(_ connection: Connection, _ summary: String, era: MCPEra? = nil) {
        guard let id = connection.primaryScheme?.id else { return }
        try? integrations.connections.updateScheme(id) { s in
            s.info.lastCheckAt = Date()
            s.info.lastCheck = summary
            if let era { s.info.mcpEra = era.rawValue }
        }
    }

    /// One way every command reports an engine failure: the message, then the engine's remedy; a connection
    /// that needs a new sign-in and has no remedy of its own is told to reconnect (exit 3). A network error is
    /// not a reason to reconnect.
    func cliError(_ error: any Error, name: String) -> any Error {
        if let e = error as? AcquisitionError {
            let remedy = e.remedy ?? (e.needsReconnect ? "Run `switchboard reconnect \(name)`." : nil)
            return CLIError(message: "\(name): \(e.message)" + (remedy.map { " \($0)" } ?? ""), code: e.needsReconnect ? .needsReconnect : .failure)
        }
        if error is CLIError { return error }
        return CLIError.failure("\(name): \(describe(error))")
    }
}

extension Engine {
    /// Remembers the era a server answered in, so the next command tries it first.
    func rememberEra(_ connection: Connection, _ era: MCPEra) {
        guard let id = connection.primaryScheme?.id, connection.primaryScheme?.info.mcpEra != era.rawValue else { return }
        try? integrations.connections.updateScheme(id) { $0.info.mcpEra = era.rawValue }
    }
}

extension MCPEra: ExpressibleByArgument {}
