import Acquisition
import Foundation
import MCP
import SwitchboardCore

/// Talks MCP to an authorized server in whichever era it speaks: the 2026-07-28 wire first (one
/// round trip, no session), falling back to the 2025-11-25 handshake through the official SDK's `Client`;
/// the era that worked is remembered per connection and tried first next time.
public struct MCPSessionRunner: Sendable {
    let http: any HTTPTransport
    let authorizer: ConnectionAuthorizer
    /// Speak only this era (`--era`); nil detects it.
    let forced: MCPEra?
    static let clientVersion = SwitchboardVersion.string

    public init(http: any HTTPTransport, authorizer: ConnectionAuthorizer, era: MCPEra? = nil) {
        self.http = http
        self.authorizer = authorizer
        self.forced = era
    }

    /// The era remembered for this connection, if any.
    var remembered: MCPEra? { authorizer.connection.primaryScheme?.info.mcpEra.flatMap(MCPEra.init(rawValue:)) }

    var modern: ModernClient {
        ModernClient(poster: AuthorizedPoster(url: authorizer.connection.serverURL, http: http, authorizer: authorizer),
                     clientName: "switchboard", clientVersion: Self.clientVersion)
    }

    /// Runs the operation in the remembered era first, else modern first; an answer that shows the
    /// server does not speak that era moves on to the other. Authorization errors are never era verdicts.
    func inEither<T: Sendable>(modern body: (ModernClient, ModernClient.Discovered) async throws -> T,
                               handshake legacy: (Client, Initialize.Result) async throws -> T) async throws -> (T, MCPEra) {
        try await inEither(alongsideDiscover: { _ in () }, modern: { client, found, _ in try await body(client, found) }, handshake: legacy)
    }

    /// As `inEither`, with `early` sent in the stateless era at the same time as `server/discover` (that wire
    /// has no handshake to wait for, so a read-only request need not wait either): one round trip instead of
    /// two. Its answer is used only once discover shows the server speaks the era; otherwise it is dropped
    /// (cancelled, or ignored if it already came back) and the other era runs as before.
    func inEither<T: Sendable, Early: Sendable>(alongsideDiscover early: @escaping @Sendable (ModernClient) async throws -> Early,
                                                modern body: (ModernClient, ModernClient.Discovered, Early) async throws -> T,
                                                handshake legacy: (Client, Initialize.Result) async throws -> T) async throws -> (T, MCPEra) {
        let order: [MCPEra] = forced.map { [$0] } ?? (remembered == .handshake ? [.handshake, .modern] : [.modern, .handshake])
        var lastError: (any Error)?
        for era in order {
            do {
                switch era {
                case .modern:
                    let client = modern
                    async let sentAlongside = early(client)
                    let found = try await client.discover()
                    guard found.supportedVersions.contains(ModernClient.version) else {
                        throw ModernClient.RPCError(code: -32022, message: "supports only \(found.supportedVersions.joined(separator: ", "))")
                    }
                    // The era is confirmed: what fails from here on (a method the server lacks, say) is this
                    // server's answer in its own era, not a sign that it speaks the other one.
                    do { return (try await body(client, found, try await sentAlongside), .modern) } catch { throw ConfirmedEra(underlying: error) }
                case .handshake:
                    return (try await withClient(legacy), .handshake)
                }
            } catch let confirmed as ConfirmedEra {
                throw confirmed.underlying
            } catch where Self.isEraMismatch(error) {
                lastError = error
            }
        }
        throw lastError ?? AcquisitionError(.network, "The server speaks no MCP era Switchboard knows.")
    }

    /// A failure after `server/discover` showed the era is spoken.
    struct ConfirmedEra: Error { var underlying: any Error }

    /// Evidence that the server does not speak the era tried: a JSON-RPC error to the envelope, or the
    /// HTTP answers servers give to a request of the other era.
    static func isEraMismatch(_ error: any Error) -> Bool {
        if error is ModernClient.RPCError || error is MCPError { return true }
        if let e = error as? MCPHTTPError { return [400, 404, 405, 406, 415].contains(e.status) }
        return false
    }

    /// Runs `body` with an initialized 2025-era client, then disconnects.
    func withClient<T: Sendable>(_ body: (Client, Initialize.Result) async throws -> T) async throws -> T {
        let transport = StreamableHTTPTransport(url: authorizer.connection.serverURL, http: http, authorizer: authorizer)
        let client = Client(name: "switchboard", version: Self.clientVersion)
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
        // The first page of tools travels with `server/discover`; the rest (rare) follow it.
        let (report, _) = try await inEither(alongsideDiscover: { client in try await client.listTools(cursor: nil) }, modern: { client, found, first in
            var firstPage: (tools: [Tool], next: String?)? = first
            let (tools, truncated) = try await Self.allTools { cursor in
                if cursor == nil, let page = firstPage {
                    firstPage = nil
                    return page
                }
                return try await client.listTools(cursor: cursor)
            }
            return CheckReport(serverName: found.serverName, serverVersion: found.serverVersion, protocolVersion: ModernClient.version,
                               era: MCPEra.modern.rawValue, tools: tools.map(Self.summary), truncated: truncated)
        }, handshake: { client, initialized in
            let (tools, truncated) = try await Self.allTools { cursor in
                let page = try await client.listTools(cursor: cursor)
                return (page.tools, page.nextCursor)
            }
            return CheckReport(serverName: Redact.serverText(initialized.serverInfo.name, limit: 80),
                               serverVersion: Redact.serverText(initialized.serverInfo.version, limit: 40),
                               protocolVersion: Redact.serverText(initialized.protocolVersion, limit: 20), era: MCPEra.handshake.rawValue,
                               tools: tools.map(Self.summary), truncated: truncated)
        })
        return report
    }

    /// Bounds on `tools/list`: a server cannot make Switchboard page forever or hold unbounded text.
    public static let maxToolPages = 100, maxTools = 10_000, maxToolTextBytes = 4 << 20

    /// Every page of `tools/list`, within the bounds; stops on a cursor seen before. Returns the tools
    /// and, when it stopped early, why.
    static func allTools(_ page: (String?) async throws -> (tools: [Tool], next: String?)) async throws -> ([Tool], String?) {
        var tools: [Tool] = []
        var cursor: String?
        var seen: Set<String> = []
        var (pages, bytes) = (0, 0)
        while true {
            let next = try await page(cursor)
            pages += 1
            for tool in next.tools {
                bytes += tool.name.utf8.count + (tool.description?.utf8.count ?? 0)
                tools.append(tool)
            }
            guard let following = next.next else { return (tools, nil) }
            if !seen.insert(following).inserted { return (tools, "the server sent the same page cursor twice") }
            if pages >= maxToolPages { return (tools, "stopped after \(maxToolPages) pages") }
            if tools.count >= maxTools { return (Array(tools.prefix(maxTools)), "stopped after \(maxTools) tools") }
            if bytes >= maxToolTextBytes { return (tools, "stopped after \(maxToolTextBytes >> 20) MiB of tool names and descriptions") }
            cursor = following
        }
    }

    static func summary(_ tool: Tool) -> CheckReport.ToolSummary {
        CheckReport.ToolSummary(name: Redact.serverText(tool.name, limit: 128), description: tool.description.map { Redact.serverText($0, limit: 1000) })
    }

    /// Calls one tool; returns the text content, the whole result as JSON, whether it was a tool error,
    /// and the era it was called in.
    public func call(tool: String, argumentsJSON: String?) async throws -> (text: String, json: String, isError: Bool, era: MCPEra) {
        var arguments: [String: Value]?
        if let argumentsJSON {
            do {
                arguments = try JSONDecoder().decode([String: Value].self, from: Data(argumentsJSON.utf8))
            } catch {
                throw InvalidInput("the arguments must be a JSON object, e.g. '{\"text\": \"hi\"}'")
            }
        }
        let ((content, isError), era) = try await inEither(modern: { client, _ in
            try await client.callTool(name: tool, arguments: arguments)
        }, handshake: { client, _ in
            let (content, isError) = try await client.callTool(name: tool, arguments: arguments)
            return (content, isError ?? false)
        })
        let text = content.compactMap { item -> String? in
            if case .text(let t, _, _) = item { return t }
            return nil
        }.joined(separator: "\n")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        struct Whole: Encodable { var content: [Tool.Content]; var isError: Bool }
        let json = String(decoding: try encoder.encode(Whole(content: content, isError: isError)), as: UTF8.self)
        return (text, json, isError, era)
    }
}
