import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// `switchboard export` with the real binary: the printed fragment read back by `import`, and `--write`
/// merging into each client's file (foreign entries kept byte for byte, a backup, no temporary file left,
/// broken files refused, mcp-remote entries replaced only when asked).
@Suite(.serialized) struct ExportWriteTests {
    static var binaryPath: String { BinaryRunner.binary.standardizedFileURL.resolvingSymlinksInPath().path }

    static func json(_ table: String, top: String = "", servers: String = "") -> String {
        "{\n  \"globalShortcut\": \"Ctrl+Space\",\(top)\n  \"\(table)\": {\n" + servers
            + "    \"files\":   { \"command\" : \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \"/tmp/caf\\u00e9\"],\n"
            + "                 \"env\": {\"TOKEN\": \"abc\"} },\n"
            + "    \"linear\": {\"command\": \"old\", \"args\": []}\n  }\n}\n"
    }

    static let filesMember = "    \"files\":   { \"command\" : \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \"/tmp/caf\\u00e9\"],\n"
        + "                 \"env\": {\"TOKEN\": \"abc\"} },\n"

    static let codex = """
        model = "o3"  # keep me

        [mcp_servers.files]
        command = "npx"
        args = [
          "-y",  # a comment
          "server-filesystem",
        ]

        [mcp_servers.files.env]
        TOKEN = 'abc'

        [mcp_servers."my.notes"]
        url = "https://notes.example.com/mcp"

        [mcp_servers.linear]
        command = "old"

        """

    /// A file per client, with what must survive the write exactly.
    static let planted: [(MCPClient, String, String, [String])] = [
        (.claudeDesktop, "claude_desktop_config.json", json("mcpServers"), [filesMember, "\"globalShortcut\": \"Ctrl+Space\","]),
        (.claudeCode, ".claude.json", json("mcpServers", top: "\n  \"projects\": {\"/src\": {\"mcpServers\": {\"x\": {\"type\": \"http\", \"url\": \"https://x.example/mcp\"}}}},"),
         [filesMember, "\"projects\": {\"/src\": {\"mcpServers\": {\"x\": {\"type\": \"http\", \"url\": \"https://x.example/mcp\"}}}},"]),
        (.cursor, "mcp.json", json("mcpServers"), [filesMember]),
        (.vscode, "mcp.json", json("servers", top: "\n  // the inputs\n  \"inputs\": [],", servers: "    /* mine */\n"),
         [filesMember, "  // the inputs\n  \"inputs\": [],", "    /* mine */\n"]),
        (.codex, "config.toml", codex, ["model = \"o3\"  # keep me\n", "[mcp_servers.files]\ncommand = \"npx\"\nargs = [\n  \"-y\",  # a comment\n  \"server-filesystem\",\n]\n\n[mcp_servers.files.env]\nTOKEN = 'abc'\n", "[mcp_servers.\"my.notes\"]\nurl = \"https://notes.example.com/mcp\"\n"]),
        (.gemini, "settings.json", json("mcpServers"), [filesMember]),
        (.windsurf, "mcp_config.json", json("mcpServers"), [filesMember]),
    ]

    static func home(_ tmp: TemporaryDirectory) async throws -> String {
        let home = tmp.path("home").path
        for (name, url) in [("linear", "https://mcp.linear.app/mcp"), ("team.docs", "https://docs.example.com/mcp")] {
            let r = try await BinaryRunner.runDetached(["add", name, url, "--home", home])
            #expect(r.status == 0, "\(r.stderr)")
        }
        return home
    }

    static func listing(_ dir: URL) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() }

    /// Every printed fragment, saved where the client reads it, comes back through `import` as Switchboard's
    /// own bridge for the same connections (with --home), and adds nothing.
    @Test func printedFragmentsImportAsOurOwn() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = try await Self.home(tmp)
        let before = try await BinaryRunner.runDetached(["list", "--json", "--home", home])
        for client in MCPClient.allCases {
            let r = try await BinaryRunner.runDetached(["export", "--for", client.rawValue, "--home", home])
            #expect(r.status == 0, "\(client): \(r.stderr)")
            let file = tmp.path("\(client.rawValue).\(client == .codex ? "toml" : "json")").path
            try r.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            let kinds = try ClientConfigImport.read(file: file, as: client).map(\.kind)
            #expect(kinds == [.switchboardBridge(name: "linear", home: home), .switchboardBridge(name: "team.docs", home: home)], "\(client)")
            #expect(r.stdout.contains("\"\(Self.binaryPath)\""), "the bridge is this binary, by its full path")
            let imported = try await BinaryRunner.runDetached(["import", "--from", client.rawValue, file, "--home", home])
            #expect(imported.status == 0 && imported.stdout.contains("ours    linear: served by Switchboard's bridge for connection linear"), "\(client): \(imported.stdout)\(imported.stderr)")
            #expect(imported.stdout.contains("ours    team-docs: served by Switchboard's bridge for connection team.docs"))
            #expect(!imported.stdout.contains("added"))
        }
        let after = try await BinaryRunner.runDetached(["list", "--json", "--home", home])
        #expect(after.stdout == before.stdout)
    }

    @Test(arguments: planted)
    func writeKeepsForeignEntriesByteForByte(_ client: MCPClient, _ name: String, _ text: String, _ foreign: [String]) async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = try await Self.home(tmp)
        let dir = tmp.path("client")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(name).path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try await BinaryRunner.runDetached(["export", "--for", client.rawValue, "--write", "--file", file, "--home", home])
        #expect(r.status == 0, "\(r.stderr)")
        let written = try String(contentsOfFile: file, encoding: .utf8)
        for snippet in foreign { #expect(written.contains(snippet), "\(client) lost:\n\(snippet)\nin:\n\(written)") }
        #expect(!written.contains("\"old\""))
        #expect(r.stdout.contains("replaced  linear") && r.stdout.contains("added     team-docs"), "\(r.stdout)")

        // A backup of exactly the previous file, named in the output; nothing else (no temporary file) left.
        let files = Self.listing(dir)
        #expect(files.count == 2 && files[0] == name && files[1].hasPrefix(name + ".switchboard-backup-"), "\(files)")
        let backup = dir.appendingPathComponent(files.last ?? "").path
        #expect(try String(contentsOfFile: backup, encoding: .utf8) == text)
        #expect(r.stdout.contains(backup))

        let read = Dictionary(uniqueKeysWithValues: try ClientConfigImport.read(file: file, as: client).map { ($0.name, $0.kind) })
        #expect(read["linear"] == .switchboardBridge(name: "linear", home: home))
        #expect(read["team-docs"] == .switchboardBridge(name: "team.docs", home: home))
        #expect(read["files"] == .stdio(command: "npx", arguments: ["-y"] + (client == .codex ? ["server-filesystem"] : ["@modelcontextprotocol/server-filesystem", "/tmp/café"])))

        // Again: nothing to do, nothing written, no second backup.
        let again = try await BinaryRunner.runDetached(["export", "--for", client.rawValue, "--write", "--file", file, "--home", home])
        #expect(again.status == 0 && again.stdout.contains("already up to date"), "\(again.stdout)")
        #expect(Self.listing(dir) == files)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == written)
    }

    @Test(arguments: [(MCPClient.cursor, "mcp.json", #"{"mcpServers": {"a": {"command": "x"},}"#),
                      (.vscode, "mcp.json", "{\n  // c\n  \"servers\": {\n"),
                      (.codex, "config.toml", "[mcp_servers.a]\ncommand = \"x\n")])
    func brokenFilesAreNeverWritten(_ client: MCPClient, _ name: String, _ text: String) async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = try await Self.home(tmp)
        let dir = tmp.path("client")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(name).path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try await BinaryRunner.runDetached(["export", "--for", client.rawValue, "--write", "--file", file, "--home", home])
        #expect(r.status == 1)
        #expect(r.stderr.contains(file) && r.stderr.contains("line") && r.stderr.contains("Nothing was written"), "\(r.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
        #expect(Self.listing(dir) == [name])
    }

    /// A missing file is created with its directories (mode 0600); a linked file is written where the link
    /// points, and the link stays.
    @Test func missingFilesAreCreatedAndLinksFollowed() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = try await Self.home(tmp)
        let file = tmp.path("new/dir/mcp.json")
        let r = try await BinaryRunner.runDetached(["export", "--for", "windsurf", "--write", "--file", file.path, "--home", home, "linear"])
        #expect(r.status == 0 && r.stdout.contains("created"), "\(r.stdout)\(r.stderr)")
        #expect(FileSystem.mode(of: file) == 0o600)
        #expect(try ClientConfigImport.read(file: file.path, as: .windsurf).map(\.kind) == [.switchboardBridge(name: "linear", home: home)])
        #expect(Self.listing(file.deletingLastPathComponent()) == ["mcp.json"])

        let link = tmp.path("link.json")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        let linked = try await BinaryRunner.runDetached(["export", "--for", "windsurf", "--write", "--file", link.path, "--home", home])
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) == file.path)
        #expect(try ClientConfigImport.read(file: file.path, as: .windsurf).count == 2)
    }

    /// Replacing an entry of the client's says so: what it was, the Codex sub-tables that went with it, and
    /// where the previous file is kept with them; another server's sub-table stays.
    @Test func replacedEntriesAreNamedWithTheBackup() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = try await Self.home(tmp)
        let dir = tmp.path("client")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("config.toml").path
        let text = "[mcp_servers.linear]\ncommand = \"old\"\n\n[mcp_servers.linear.env]\nLINEAR_TOKEN = \"secret\"\n\n[mcp_servers.files.env]\nTOKEN = \"abc\"\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try await BinaryRunner.runDetached(["export", "--for", "codex", "--write", "--file", file, "--home", home, "linear"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("replaced  linear: now the bridge for linear (it was the local command old; [mcp_servers.linear.env] went with it)"), "\(r.stdout)")
        let backup = dir.appendingPathComponent(try #require(Self.listing(dir).first { $0.hasPrefix("config.toml.switchboard-backup-") })).path
        #expect(r.stdout.contains("The previous file, with linear as it was, is kept at \(backup) (mode 0600)."), "\(r.stdout)")
        #expect(try String(contentsOfFile: backup, encoding: .utf8) == text)
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!written.contains("LINEAR_TOKEN") && written.contains("[mcp_servers.files.env]\nTOKEN = \"abc\"\n"), "\(written)")
    }

    /// Moving off mcp-remote: `import` takes the server, `export --write` keeps the mcp-remote entry (and
    /// says how to replace it), `--replace-mcp-remote` replaces it with the bridge.
    @Test(arguments: [(MCPClient.cursor, "mcp.json", #"{"mcpServers": {"files": {"command": "npx", "args": ["fs"]}, "linear": {"command": "npx", "args": ["-y", "mcp-remote", "https://mcp.linear.app/mcp"]}}}"#),
                      (.codex, "config.toml", "[mcp_servers.files]\ncommand = \"npx\"\n\n[mcp_servers.linear]\ncommand = \"npx\"\nargs = [\"-y\", \"mcp-remote\", \"https://mcp.linear.app/mcp\"]\n")])
    func mcpRemoteIsReplacedOnlyWhenAsked(_ client: MCPClient, _ name: String, _ text: String) async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = tmp.path("home").path
        let file = tmp.path(name).path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try await BinaryRunner.runDetached(["import", "--from", client.rawValue, file, "--home", home])
        #expect(imported.stdout.contains("added   linear"), "\(imported.stdout)\(imported.stderr)")

        let kept = try await BinaryRunner.runDetached(["export", "--for", client.rawValue, "--write", "--file", file, "--home", home])
        #expect(kept.status == 0)
        #expect(kept.stdout.contains("kept      linear: an mcp-remote entry for https://mcp.linear.app/mcp"), "\(kept.stdout)")
        #expect(kept.stdout.contains("--replace-mcp-remote"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
        #expect(Self.listing(tmp.url).filter { $0.contains("backup") }.isEmpty)

        let replaced = try await BinaryRunner.runDetached(["export", "--for", client.rawValue, "--write", "--replace-mcp-remote", "--file", file, "--home", home])
        #expect(replaced.status == 0 && replaced.stdout.contains("removed   linear: the mcp-remote entry"), "\(replaced.stdout)\(replaced.stderr)")
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!written.contains("mcp-remote"))
        #expect(written.contains(client == .codex ? "[mcp_servers.files]\ncommand = \"npx\"\n" : #""files": {"command": "npx", "args": ["fs"]}"#))
        let kinds = Dictionary(uniqueKeysWithValues: try ClientConfigImport.read(file: file, as: client).map { ($0.name, $0.kind) })
        #expect(kinds["linear"] == .switchboardBridge(name: "linear", home: home))
        #expect(kinds.count == 2)
    }
}
