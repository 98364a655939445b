import Acquisition
import ArgumentParser
import Foundation
import MCPSession
import SwitchboardCore
import SwitchboardWiring

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
            let engine = global.engine("check", browser: SystemBrowser())
            let connection = try engine.integrations.connection(named: name)
            let report: CheckReport
            do {
                // A refresh the session started (a token that lapsed mid-session) ends before the process does.
                report = try await engine.closing { try await engine.check(connection, era: era, notice: Self.notice, onEvent: Self.progress) }
            } catch {
                throw engine.cliError(error, name: name)
            }
            if json { return try Output.printJSON(report) }
            // The era's label from its one copy (`StatusText.era`), as the pane and `show` say it.
            Output.line("\(report.serverName) \(report.serverVersion) · MCP \(StatusText.era(report.protocolVersion))")
            Output.line("\(report.tools.count) tool\(report.tools.count == 1 ? "" : "s"):")
            for t in report.tools { Output.line("  \(t.name)\(t.description.map { "  — \($0)" } ?? "")") }
            if let truncated = report.truncated { Output.line("(the list may be incomplete: \(truncated))") }
        }

        /// A new sign-in's reason and progress go to stderr: stdout is the command's data.
        static func notice(_ text: String) { Output.error("switchboard: \(text)") }
        static func progress(_ event: AcquisitionEvent) { Wiring.print(event, toStandardError: true) }
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
            let engine = global.engine("call", browser: SystemBrowser())
            let connection = try engine.integrations.connection(named: name)
            let result: (text: String, json: String, isError: Bool, era: MCPEra)
            do {
                result = try await engine.closing {
                    try await engine.withAuthorization(connection, era: era, notice: Check.notice, onEvent: Check.progress) { runner in
                        try await runner.call(tool: tool, argumentsJSON: arguments)
                    }
                }
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
            let engine = global.engine("headers", browser: NoBrowser())
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

extension MCPEra: ExpressibleByArgument {}
