import Foundation
import SwitchboardCore
@testable import ClientConfigs
import SwitchboardTestSupport
import Testing

/// What `export` prints for each client: the client's documented file, table and member names, and entries
/// the importer reads back as Switchboard's bridge for the same connections.
@Suite struct ExportFormatTests {
    static let exe = "/opt/switch board/bin/switchboard"

    static func connection(_ name: String, _ url: String, _ kind: AuthScheme.Kind = .oauthDynamic) -> Connection {
        Connection(name: name, serverURL: URL(string: url)!, schemes: [AuthScheme(kind: kind)])
    }

    static let connections = [connection("linear", "https://mcp.linear.app/mcp"), connection("team.docs", "https://docs.example.com/mcp")]

    /// Each client's documented file (first default), table key and stdio members: Claude Desktop, Cursor,
    /// Gemini CLI and Windsurf `mcpServers` + command/args; Claude Code `mcpServers` with `"type": "stdio"`;
    /// VS Code `servers` with `"type": "stdio"`; Codex `[mcp_servers.NAME]` with command/args.
    static let documented: [(MCPClient, String, String, [String: String])] = [
        (.claudeDesktop, "/h/.config/Claude/claude_desktop_config.json", "mcpServers", [:]),
        (.claudeCode, "/h/.claude.json", "mcpServers", ["type": "stdio"]),
        (.cursor, "/h/.cursor/mcp.json", "mcpServers", [:]),
        (.vscode, "/w/.vscode/mcp.json", "servers", ["type": "stdio"]),
        (.codex, "/h/.codex/config.toml", "mcp_servers", [:]),
        (.gemini, "/h/.gemini/settings.json", "mcpServers", [:]),
        (.windsurf, "/h/.codeium/windsurf/mcp_config.json", "mcpServers", [:]),
    ]

    @Test func everyClientIsDocumented() {
        #expect(Set(Self.documented.map(\.0)) == Set(MCPClient.allCases))
    }

    @Test(arguments: documented)
    func fragmentUsesTheClientsKeyNames(_ client: MCPClient, _ file: String, _ table: String, _ extra: [String: String]) throws {
        #expect(client.defaultFiles(home: "/h", workingDirectory: "/w").first == file)
        #expect(client.serversKey == table)
        let entries = try ClientConfigExport.entries(for: Self.connections, client: client, via: .bridge, executable: Self.exe, homeWords: [])
        let text = ClientConfigExport.fragment(entries, client: client)
        if client == .codex {
            #expect(text == """
                [mcp_servers.linear]
                command = "\(Self.exe)"
                args = ["bridge", "linear"]

                [mcp_servers.team-docs]
                command = "\(Self.exe)"
                args = ["bridge", "team.docs"]

                """)
            return
        }
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Array(root.keys) == [table])
        let servers = try #require(root[table] as? [String: [String: Any]])
        #expect(Set(servers.keys) == ["linear", "team-docs"])
        for (key, name) in [("linear", "linear"), ("team-docs", "team.docs")] {
            let entry = try #require(servers[key])
            #expect(Set(entry.keys) == Set(["command", "args"] + extra.keys), "\(client): \(entry.keys)")
            #expect(entry["command"] as? String == Self.exe)
            #expect(entry["args"] as? [String] == ["bridge", name])
            for (k, v) in extra { #expect(entry[k] as? String == v) }
        }
    }

    /// Every format, with and without a home of its own, reads back through the importer as the bridge for
    /// the same connections (a name with a dot gets a key every client accepts; the connection stays itself).
    @Test(arguments: MCPClient.allCases)
    func everyFormatReadsBackAsTheBridge(_ client: MCPClient) throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        for home in [nil, "/tmp/it's a \"home\"\\x"] {
            let words = home.map { ["--home", $0] } ?? []
            let entries = try ClientConfigExport.entries(for: Self.connections, client: client, via: .bridge, executable: Self.exe, homeWords: words)
            let path = tmp.path("config-\(home == nil)." + (client == .codex ? "toml" : "json")).path
            try ClientConfigExport.fragment(entries, client: client).write(toFile: path, atomically: true, encoding: .utf8)
            let read = try ClientConfigImport.read(file: path, as: client)
            #expect(read.map(\.name) == ["linear", "team-docs"])
            #expect(read.map(\.kind) == [.switchboardBridge(name: "linear", home: home), .switchboardBridge(name: "team.docs", home: home)])
        }
    }

    @Test func headersFormIsClaudeCodesHTTPEntry() throws {
        let entries = try ClientConfigExport.entries(for: [Self.connection("linear", "https://mcp.linear.app/mcp"), Self.connection("open", "http://127.0.0.1:9/mcp", .none)],
                                                     client: .claudeCode, via: .headers, executable: Self.exe, homeWords: ["--home", "/x y"])
        #expect(entries[0].members == [ConfigMember("type", .string("http")), ConfigMember("url", .string("https://mcp.linear.app/mcp")),
                                       ConfigMember("headersHelper", .string("'/opt/switch board/bin/switchboard' headers linear --home '/x y'"))])
        #expect(entries[1].members.map(\.name) == ["type", "url"])
        #expect(throws: ClientConfigExport.ExportError.self) {
            try ClientConfigExport.entries(for: Self.connections, client: .cursor, via: .headers, executable: Self.exe, homeWords: [])
        }
    }

    /// Keys hold only letters, digits, `-` and `_` (what Claude Code and Codex accept); two connections that
    /// would share one are refused rather than written over each other.
    @Test func keysAreValidForEveryClient() throws {
        #expect(MCPClient.serverKey(for: "team.docs") == "team-docs")
        #expect(MCPClient.serverKey(for: "café_2") == "caf-_2")
        #expect(MCPClient.serverKey(for: String(repeating: "a", count: 70)).count == 64)
        #expect(throws: ClientConfigExport.ExportError.self) {
            try ClientConfigExport.entries(for: [Self.connection("a.b", "https://a.example/mcp"), Self.connection("a-b", "https://b.example/mcp")],
                                           client: .codex, via: .bridge, executable: Self.exe, homeWords: [])
        }
    }

    /// TOML keys and strings are quoted when they must be, and read back to the same text.
    @Test func tomlQuotesKeysAndStrings() throws {
        #expect(TOMLSplice.key("linear") == "linear")
        #expect(TOMLSplice.key("my.server") == #""my.server""#)
        let entry = ClientConfigExport.Entry(key: "odd key", connection: "odd", serverURL: URL(string: "https://x.example")!,
                                             members: [ConfigMember("command", .string("/a\"b\\c\td")), ConfigMember("args", .strings(["bridge", "odd", "--home", "/h\u{1}"]))])
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let path = tmp.path("config.toml").path
        try ClientConfigExport.fragment([entry], client: .codex).write(toFile: path, atomically: true, encoding: .utf8)
        let read = try ClientConfigImport.read(file: path, as: .codex)
        #expect(read.map(\.name) == ["odd key"])
        #expect(read.first?.kind == .stdio(command: "/a\"b\\c\td", arguments: ["bridge", "odd", "--home", "/h\u{1}"]))
    }
}
