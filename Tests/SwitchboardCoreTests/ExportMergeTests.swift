import Foundation
import SwitchboardCore
@testable import ClientConfigs
import Testing

/// `export --write`'s merge, in process: only Switchboard's members change, by splicing text, so every other
/// byte of the client's file (other servers, comments, escapes, spacing) stays as it was.
@Suite struct ExportMergeTests {
    static let exe = "/usr/local/bin/switchboard"

    static func entries(_ client: MCPClient, _ names: [(String, String)] = [("linear", "https://mcp.linear.app/mcp")]) throws -> [ClientConfigExport.Entry] {
        let connections = names.map { Connection(name: $0.0, serverURL: URL(string: $0.1)!, schemes: [AuthScheme(kind: .oauthDynamic)]) }
        return try ClientConfigExport.entries(for: connections, client: client, via: .bridge, executable: exe, homeWords: [])
    }

    static func merge(_ text: String?, _ client: MCPClient, replace: Bool = false, _ names: [(String, String)] = [("linear", "https://mcp.linear.app/mcp")]) throws -> ClientConfigExport.Merge {
        try ClientConfigExport.merge(text, file: "config", client: client, entries: entries(client, names), replaceMCPRemote: replace)
    }

    /// Each layout a person or a client leaves: the new member follows the file's own style.
    @Test(arguments: [
        // Pretty, with an escape and odd spacing in a foreign entry that re-serializing would change.
        (#"{"a": 1,"# + "\n" + #"  "mcpServers": {"# + "\n" + #"    "files" :  {"command": "npx", "args": ["caf\u00e9"]}"# + "\n  }\n}\n",
         #"{"a": 1,"# + "\n" + #"  "mcpServers": {"# + "\n" + #"    "files" :  {"command": "npx", "args": ["caf\u00e9"]},"# + "\n"
            + #"    "linear": {"# + "\n" + #"      "command": "/usr/local/bin/switchboard","# + "\n" + #"      "args": ["bridge", "linear"]"# + "\n    }\n  }\n}\n"),
        // One line.
        (#"{"mcpServers": {"files": {"command": "npx"}}}"#,
         #"{"mcpServers": {"files": {"command": "npx"}, "linear": {"command": "/usr/local/bin/switchboard", "args": ["bridge", "linear"]}}}"#),
        // An empty table.
        ("{\n  \"mcpServers\": {}\n}", "{\n  \"mcpServers\": {\n    \"linear\": {\n      \"command\": \"/usr/local/bin/switchboard\",\n      \"args\": [\"bridge\", \"linear\"]\n    }\n  }\n}"),
        // No table yet, tab-indented, CRLF.
        ("{\r\n\t\"theme\": \"dark\"\r\n}\r\n",
         "{\r\n\t\"theme\": \"dark\",\r\n\t\"mcpServers\": {\r\n\t\t\"linear\": {\r\n\t\t\t\"command\": \"/usr/local/bin/switchboard\",\r\n\t\t\t\"args\": [\"bridge\", \"linear\"]\r\n\t\t}\r\n\t}\r\n}\r\n"),
        // An empty object.
        ("{}", "{\n  \"mcpServers\": {\n    \"linear\": {\n      \"command\": \"/usr/local/bin/switchboard\",\n      \"args\": [\"bridge\", \"linear\"]\n    }\n  }\n}"),
    ])
    func jsonLayouts(_ before: String, _ after: String) throws {
        let merged = try Self.merge(before, .cursor)
        #expect(merged.text == after)
        #expect(merged.actions == [.added(key: "linear", connection: "linear")])
        // Idempotent: merging again changes nothing.
        let again = try Self.merge(merged.text, .cursor)
        #expect(!again.changed && again.actions == [.unchanged(key: "linear", connection: "linear")])
    }

    /// VS Code's JSON with comments: comments and trailing commas stay; a same-named entry is replaced in place.
    @Test func vscodeCommentsStay() throws {
        let before = """
            {
              // my servers
              "servers": {
                /* keep me */
                "files": {"type": "stdio", "command": "npx", "args": ["x,]//y"]}, // trailing note
                "linear": {"type": "http", "url": "https://mcp.linear.app/mcp"},
              },
              "inputs": [],
            }
            """
        let merged = try Self.merge(before, .vscode)
        #expect(merged.actions == [.replaced(key: "linear", connection: "linear")])
        #expect(merged.text == before.replacingOccurrences(of: #"{"type": "http", "url": "https://mcp.linear.app/mcp"}"#, with: """
            {
                  "type": "stdio",
                  "command": "/usr/local/bin/switchboard",
                  "args": ["bridge", "linear"]
                }
            """))
    }

    /// An `npx mcp-remote` entry for the same server is kept (and the bridge not added beside it) unless
    /// asked; asked, it goes (whatever its name), with its comma and line, and the bridge comes in.
    @Test(arguments: [0, 1, 2])
    func mcpRemoteEntries(_ position: Int) throws {
        var members = [#""files": {"command": "npx", "args": ["fs"]}"#, #""notes": {"url": "https://notes.example/mcp"}"#]
        members.insert(#""linear-old": {"command": "npx", "args": ["-y", "mcp-remote@0.1", "https://MCP.linear.app/mcp/"]}"#, at: position)
        let before = "{\n  \"mcpServers\": {\n" + members.map { "    " + $0 }.joined(separator: ",\n") + "\n  }\n}\n"
        let kept = try Self.merge(before, .claudeDesktop)
        #expect(!kept.changed && kept.text == before)
        #expect(kept.actions == [.keptMCPRemote(key: "linear-old", url: "https://MCP.linear.app/mcp/", connection: "linear")])

        let replaced = try Self.merge(before, .claudeDesktop, replace: true)
        #expect(replaced.actions == [.removedMCPRemote(key: "linear-old", url: "https://MCP.linear.app/mcp/", connection: "linear"),
                                     .added(key: "linear", connection: "linear")])
        #expect(!replaced.text.contains("mcp-remote"))
        for foreign in [#""files": {"command": "npx", "args": ["fs"]}"#, #""notes": {"url": "https://notes.example/mcp"}"#] {
            #expect(replaced.text.contains("    " + foreign))
        }
        let root = try JSONSerialization.jsonObject(with: Data(replaced.text.utf8)) as? [String: [String: Any]]
        #expect(root?["mcpServers"].map { Set($0.keys) } == ["files", "notes", "linear"])
    }

    /// Codex's TOML: other tables, comments, quoted keys and a server's own sub-tables stay byte for byte;
    /// our table is replaced in place (with its sub-tables), a new one goes after the last server.
    @Test func codexTablesStay() throws {
        let head = """
            model = "o3"  # keep

            [mcp_servers.files]
            command = "npx"
            args = [
              "-y",   # a comment with [brackets]
              "[not a header]",
            ]

            [mcp_servers.files.env]
            ROOT = '/tmp'

            """
        let notes = """
            # notes, quoted
            [mcp_servers."my.notes"]
            url = "https://notes.example.com/mcp"
            description = \"\"\"
            [mcp_servers.fake]
            \"\"\"

            """
        let tail = """

            [profiles.x]
            model = "gpt"

            """
        let before = head + "[mcp_servers.\"linear\"]\ncommand = \"old\"\n\n[mcp_servers.linear.env]\nX = \"1\"\n\n" + notes + tail
        let merged = try Self.merge(before, .codex, [("linear", "https://mcp.linear.app/mcp"), ("team.docs", "https://docs.example.com/mcp")])
        #expect(merged.actions == [.replaced(key: "linear", connection: "linear"), .added(key: "team-docs", connection: "team.docs")])
        #expect(merged.text == head + """
            [mcp_servers.linear]
            command = "/usr/local/bin/switchboard"
            args = ["bridge", "linear"]


            """ + notes.dropLast() + """


            [mcp_servers.team-docs]
            command = "/usr/local/bin/switchboard"
            args = ["bridge", "team.docs"]

            """ + tail)
        #expect(merged.displaced == [.init(key: "linear", was: "the local command old", subTables: ["[mcp_servers.linear.env]"])])
        let again = try Self.merge(merged.text, .codex, [("linear", "https://mcp.linear.app/mcp"), ("team.docs", "https://docs.example.com/mcp")])
        #expect(!again.changed)
    }

    /// Codex: a replaced or removed server's own sub-tables go with it, and are named; another server's stay
    /// byte for byte wherever they are, even one whose quoted name looks like a sub-table.
    @Test func codexSubTablesGoOnlyWithTheirServer() throws {
        let files = "[mcp_servers.files]\ncommand = \"npx\"\n"
        let dotted = "[mcp_servers.\"linear.env\"]\nurl = \"https://env.example/mcp\"\n"
        let filesEnv = "# files' token\n[mcp_servers.files.env]\nTOKEN = \"abc\"\n"
        let before = "[mcp_servers.linear]\ncommand = \"old\"\n\n" + files + "\n[mcp_servers.linear.env]\nLINEAR_TOKEN = \"secret\"\n\n"
            + dotted + "\n" + filesEnv + "\n[mcp_servers.docs_remote]\ncommand = \"npx\"\nargs = [\"mcp-remote\", \"https://docs.example.com/mcp\"]\n\n"
            + "[mcp_servers.docs_remote.env]\nDOCS = \"1\"\n"
        let merged = try Self.merge(before, .codex, replace: true, [("linear", "https://mcp.linear.app/mcp"), ("docs", "https://docs.example.com/mcp")])
        #expect(merged.displaced == [
            .init(key: "docs_remote", was: "mcp-remote for https://docs.example.com/mcp", subTables: ["[mcp_servers.docs_remote.env]"]),
            .init(key: "linear", was: "the local command old", subTables: ["[mcp_servers.linear.env]"]),
        ])
        for kept in [files, dotted, filesEnv] { #expect(merged.text.contains(kept), "lost:\n\(kept)\nin:\n\(merged.text)") }
        for gone in ["LINEAR_TOKEN", "docs_remote", "DOCS"] { #expect(!merged.text.contains(gone)) }
    }

    /// A JSON entry of the client's that ours replaces is named with what it was, without its token.
    @Test func replacedJSONEntriesAreNamed() throws {
        let before = #"{"mcpServers": {"linear": {"url": "https://mcp.linear.app/mcp?key=abc", "headers": {"Authorization": "Bearer sekrit"}}}}"#
        let merged = try Self.merge(before, .cursor)
        #expect(merged.actions == [.replaced(key: "linear", connection: "linear")])
        #expect(merged.displaced == [.init(key: "linear", was: "the server at https://mcp.linear.app/mcp with a bearer token", subTables: [])])
    }

    @Test func codexMCPRemoteIsReplacedWhenAsked() throws {
        let before = "[mcp_servers.linear_remote]\ncommand = \"npx\"\nargs = [\"-y\", \"mcp-remote\", \"https://mcp.linear.app/mcp\"]\n\n[mcp_servers.files]\ncommand = \"npx\"\n"
        #expect(try !Self.merge(before, .codex).changed)
        let merged = try Self.merge(before, .codex, replace: true)
        #expect(merged.text == "[mcp_servers.files]\ncommand = \"npx\"\n\n[mcp_servers.linear]\ncommand = \"/usr/local/bin/switchboard\"\nargs = [\"bridge\", \"linear\"]\n")
    }

    /// Files that do not parse, or whose servers are written in a form a splice cannot edit, are errors.
    @Test(arguments: [
        (MCPClient.cursor, #"{"mcpServers": {"a": }"#, "line 1"),
        (.cursor, #"{"mcpServers": []}"#, "`mcpServers` is not an object"),
        (.cursor, "[1]", "not a JSON object"),
        (.codex, "[mcp_servers.a\nurl = 1", "line 1"),
        (.codex, "mcp_servers = 3", "`mcp_servers` is not a table"),
        (.codex, "mcp_servers = { linear = { command = \"npx\" } }", "written inline"),
        (.codex, "mcp_servers = { files = { command = \"npx\" } }", "inline table"),
    ])
    func unusableFilesAreErrors(_ client: MCPClient, _ text: String, _ phrase: String) throws {
        #expect { try Self.merge(text, client) } throws: { "\($0)".contains(phrase) && "\($0)".contains("Nothing was written") }
    }
}
