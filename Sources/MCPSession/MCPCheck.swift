import Acquisition
import Foundation
import MCP
import SwitchboardCore

/// What `switchboard check` learned about a server.
public struct CheckReport: Codable, Equatable, Sendable {
    public struct ToolSummary: Codable, Equatable, Sendable {
        public var name: String
        public var description: String?
    }
    public var serverName: String
    public var serverVersion: String
    public var protocolVersion: String
    public var tools: [ToolSummary]
}

/// Talks MCP to an authorized server through the official SDK's `Client` over our transport.
public struct MCPSessionRunner: Sendable {
    let http: any HTTPTransport
    let authorizer: ConnectionAuthorizer

    public init(http: any HTTPTransport, authorizer: ConnectionAuthorizer) {
        self.http = http
        self.authorizer = authorizer
    }

    /// Runs `body` with an initialized client, then disconnects.
    func withClient<T: Sendable>(_ body: (Client, Initialize.Result) async throws -> T) async throws -> T {
        let transport = StreamableHTTPTransport(url: authorizer.connection.serverURL, http: http, authorizer: authorizer)
        let client = Client(name: "switchboard", version: "0.1.0")
        do {
            let initialized = try await client.connect(transport: transport)
            let result = try await body(client, initialized)
            await client.disconnect()
            return result
        } catch {
            await client.disconnect()
            throw error
        }
    }

    public func check() async throws -> CheckReport {
        try await withClient { client, initialized in
            var tools: [Tool] = []
            var cursor: String?
            repeat {
                let page = try await client.listTools(cursor: cursor)
                tools += page.tools
                cursor = page.nextCursor
            } while cursor != nil && tools.count < 10_000
            return CheckReport(serverName: initialized.serverInfo.name, serverVersion: initialized.serverInfo.version,
                               protocolVersion: initialized.protocolVersion,
                               tools: tools.map { CheckReport.ToolSummary(name: $0.name, description: $0.description) })
        }
    }

    /// Calls one tool; returns the text content, the whole result as JSON, and whether it was a tool error.
    public func call(tool: String, argumentsJSON: String?) async throws -> (text: String, json: String, isError: Bool) {
        var arguments: [String: Value]?
        if let argumentsJSON {
            do {
                arguments = try JSONDecoder().decode([String: Value].self, from: Data(argumentsJSON.utf8))
            } catch {
                throw InvalidInput("the arguments must be a JSON object, e.g. '{\"text\": \"hi\"}'")
            }
        }
        return try await withClient { client, _ in
            let (content, isError) = try await client.callTool(name: tool, arguments: arguments)
            let text = content.compactMap { item -> String? in
                if case .text(let t, _, _) = item { return t }
                return nil
            }.joined(separator: "\n")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            struct Whole: Encodable { var content: [Tool.Content]; var isError: Bool }
            let json = String(decoding: try encoder.encode(Whole(content: content, isError: isError ?? false)), as: UTF8.self)
            return (text, json, isError ?? false)
        }
    }
}
