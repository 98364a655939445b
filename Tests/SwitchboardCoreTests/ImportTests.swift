import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SwitchboardCore
import SwitchboardTestSupport
import Testing

@Suite(.serialized) struct ImportTests {
    static let samples: [(String, String, String)] = [
        ("claude-desktop", "claude_desktop_config.json", #"""
        {"mcpServers": {
          "linear": {"command": "npx", "args": ["-y", "mcp-remote", "https://mcp.linear.app/sse"]},
          "files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}
        }}
        """#),
        ("claude-code", "claude.json", #"""
        {"numStartups": 3, "mcpServers": {"sentry": {"type": "http", "url": "https://mcp.sentry.dev/mcp"}},
         "projects": {"/src/app": {"mcpServers": {"internal": {"type": "http", "url": "https://tools.example.com/mcp",
                                                               "headers": {"Authorization": "Bearer sk-import-canary"}}}}}}
        """#),
        ("cursor", "mcp.json", #"""
        {"mcpServers": {"notion": {"url": "https://mcp.notion.com/mcp"},
                        "env-token": {"url": "https://api.example.org/mcp", "headers": {"Authorization": "Bearer ${API_TOKEN}"}},
                        "local": {"command": "python", "args": ["server.py"]}}}
        """#),
        ("vscode", "mcp.json", #"""
        {
          // VS Code allows comments
          "servers": {
            "github": {"type": "http", "url": "https://api.githubcopilot.com/mcp/"},
            "insecure": {"type": "http", "url": "http://example.com/mcp"},
          }
        }
        """#),
        ("codex", "config.toml", #"""
        model = "o3"
        # remote and local servers
        [mcp_servers.figma]
        url = "https://mcp.figma.com/mcp"

        [mcp_servers.shell]
        command = "npx"
        args = [
          "-y",
          "some-server",  # a stdio one, its arguments over several lines
        ]

        [mcp_servers.shell.env]
        API_KEY = "not-a-server"

        [mcp_servers."with-token"]
        url = "https://api.example.net/mcp"
        bearer_token = "tok-codex-canary"
        """#),
    ]

    func write(_ tmp: TemporaryDirectory, _ name: String, _ text: String) throws -> String {
        let url = tmp.path(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func everyFormatImportsRemoteServersAndSkipsStdio() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = ["--home", tmp.path("home").path]
        var outputs = ""
        for (client, file, text) in Self.samples {
            let path = try write(tmp, client + "-" + file, text)
            let r = try await BinaryRunner.runDetached(["import", "--from", client, path] + home)
            #expect(r.status == 0, "\(client): \(r.stderr)")
            outputs += r.stdout
            #expect(try String(contentsOfFile: path, encoding: .utf8) == text, "the client's file is never written")
        }
        let list = try await BinaryRunner.runDetached(["list", "--json"] + home)
        let file = try JSONCoding.decoder().decode(ConnectionsFile.self, from: Data(list.stdout.utf8))
        let byName = Dictionary(uniqueKeysWithValues: file.connections.map { ($0.name, $0) })
        #expect(Set(byName.keys) == ["linear", "sentry", "internal", "notion", "env-token", "github", "figma", "with-token"])
        #expect(byName["linear"]?.serverURL.absoluteString == "https://mcp.linear.app/sse")
        #expect(byName["internal"]?.primaryScheme?.kind == .bearer)
        #expect(byName["with-token"]?.primaryScheme?.kind == .bearer)
        #expect(byName["env-token"]?.primaryScheme?.kind == .oauthDynamic)
        #expect(byName["notion"]?.primaryScheme?.kind == .oauthDynamic)
        #expect(outputs.contains("skip    files: a local (stdio) server"))
        #expect(outputs.contains("skip    shell: a local (stdio) server"))
        #expect(outputs.contains("skip    local: a local (stdio) server"))
        #expect(outputs.contains("skip    insecure"))
        #expect(!outputs.contains("canary"))
        let secrets = storedSecretText(tmp.path("home"))
        #expect(secrets.contains("sk-import-canary") && secrets.contains("tok-codex-canary"))

        // Idempotent: a second run adds nothing.
        for (client, file, _) in Self.samples {
            let r = try await BinaryRunner.runDetached(["import", "--from", client, tmp.path(client + "-" + file).path] + home)
            #expect(!r.stdout.contains("added"))
        }
        let again = try await BinaryRunner.runDetached(["list", "--json"] + home)
        #expect(again.stdout == list.stdout)
    }

    /// Codex files as Codex writes them, read by TOMLKit: multi-line arrays, a server's own sub-tables
    /// (`[mcp_servers.x.env]` is not a server named `x.env`), headers tables, comments and quoting.
    @Test func codexFilesAreReadAsTOML() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let path = try write(tmp, "config.toml", #"""
            [mcp_servers.docs]
            url = "https://docs.example.com/mcp"   # trailing comment
            http_headers = { "X-Team" = "blue" }

            [mcp_servers.docs.env]
            TOKEN = "ignored"

            [mcp_servers.'bridged']
            command = "npx"
            args = [
              "-y",
              "mcp-remote",
              "https://bridge.example.com/mcp",
            ]
            """#)
        let entries = try ClientConfigImport.read(file: path, as: .codex)
        #expect(entries.map(\.name) == ["bridged", "docs"])
        #expect(entries.first { $0.name == "docs" }?.kind == .remote(url: "https://docs.example.com/mcp", bearerToken: nil))
        #expect(entries.first { $0.name == "bridged" }?.kind == .remote(url: "https://bridge.example.com/mcp", bearerToken: nil))
        // A file that is not TOML says where.
        let broken = try write(tmp, "broken.toml", "[mcp_servers.x]\nurl = \"unterminated\n")
        #expect { try ClientConfigImport.read(file: broken, as: .codex) } throws: { "\($0)".contains("line 2") }
    }

    /// VS Code's comments and trailing commas are removed outside strings only: a URL or header holding `,]`
    /// or `//` keeps it.
    @Test func jsoncKeepsStringContents() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let path = try write(tmp, "mcp.json", #"""
            {
              // comment
              "servers": {
                "odd": {"type": "http", "url": "https://odd.example.com/mcp?list=a,]&x=//y", /* block */
                        "headers": {"Authorization": "Bearer abc,}"},},
              },
            }
            """#)
        let entries = try ClientConfigImport.read(file: path, as: .vscode)
        #expect(entries.count == 1)
        #expect(entries.first?.kind == .remote(url: "https://odd.example.com/mcp?list=a,]&x=//y", bearerToken: "abc,}"))
    }

    @Test func dryRunAddsNothing() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let path = try write(tmp, "mcp.json", Self.samples[2].2)
        let r = try await BinaryRunner.runDetached(["import", path, "--dry-run", "--home", tmp.path("home").path])
        #expect(r.stdout.contains("would add notion"))
        #expect(!FileManager.default.fileExists(atPath: tmp.path("home/integrations.json").path))
    }

    @Test(arguments: [("broken.json", "{\"mcpServers\": {\"a\": }"), ("broken.toml", "[mcp_servers.a\nurl = 1")])
    func malformedFilesGetAClearErrorAndAreKept(_ name: String, _ text: String) async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let path = try write(tmp, name, text)
        let r = try await BinaryRunner.runDetached(["import", path, "--home", tmp.path("home").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains(name))
        #expect(r.stderr.contains("line"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    /// `import` reads only regular files, and only so much: a link to /dev/zero, a FIFO nobody writes to,
    /// a directory or a huge file each get a clear error at once (no hang, no unbounded read).
    @Test func importReadsOnlyBoundedRegularFiles() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let zero = tmp.path("zero.json")
        try FileManager.default.createSymbolicLink(atPath: zero.path, withDestinationPath: "/dev/zero")
        let fifo = tmp.path("fifo.json")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let huge = tmp.path("huge.json")
        try Data(count: ClientConfigImport.maxFileBytes + 1).write(to: huge)
        for (file, phrase) in [(zero, "not a regular file"), (fifo, "not a regular file"), (tmp.path("dir"), "not a regular file"), (huge, "larger than 4 MiB")] {
            if file.lastPathComponent == "dir" { try FileManager.default.createDirectory(at: file, withIntermediateDirectories: true) }
            let r = try await BinaryRunner.runDetached(["import", file.path, "--home", tmp.path("home").path])
            #expect(r.status == 1 && r.stderr.contains(phrase), "\(file.lastPathComponent): \(r.stderr)")
        }
        // A link to a regular file (dotfiles managers make these) is fine.
        let real = tmp.path("real.json")
        try #"{"mcpServers": {"x": {"url": "https://x.example.com/mcp"}}}"#.write(to: real, atomically: true, encoding: .utf8)
        let link = tmp.path("link.json")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        let ok = try await BinaryRunner.runDetached(["import", link.path, "--home", tmp.path("home").path])
        #expect(ok.status == 0 && ok.stdout.contains("added"), "\(ok.stdout)\(ok.stderr)")
    }

    @Test func exportUsesTheHeadersHelper() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = ["--home", tmp.url.path]
        _ = try await BinaryRunner.runDetached(["add", "linear", "https://mcp.linear.app/mcp"] + home)
        let r = try await BinaryRunner.runDetached(["export", "--for", "claude-code", "--via", "headers", "linear"] + home)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [String: [String: String]]]
        let entry = try #require(object?["mcpServers"]?["linear"])
        #expect(entry["url"] == "https://mcp.linear.app/mcp")
        #expect(entry["type"] == "http")
        #expect(entry["headersHelper"] == ShellQuote.command([BinaryRunner.binary.standardizedFileURL.resolvingSymlinksInPath().path, "headers", "linear", "--home", tmp.url.path]))
    }

    /// The helper runs in another program's shell: every path is quoted (a home with a space and a quote
    /// in its name works), and a home chosen by SWITCHBOARD_HOME is carried as `--home` too.
    @Test func exportQuotesPathsAndCarriesTheHomeFromTheEnvironment() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = tmp.path("it's my home; rm -rf x").path
        _ = try await BinaryRunner.runDetached(["add", "linear", "https://mcp.linear.app/mcp", "--home", home])
        let r = try await BinaryRunner.runDetached(["export", "--for", "claude-code", "--via", "headers"], environment: ["SWITCHBOARD_HOME": home])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [String: [String: String]]]
        let helper = try #require(object?["mcpServers"]?["linear"]?["headersHelper"])
        // The shell splits it back into exactly the words meant.
        let words = try await BinaryRunner.runShellDetached("eval \"set -- $1\"; printf '%s\\n' \"$@\"", arguments: ["sh", helper])
        #expect(words.split(separator: "\n").map(String.init) == [BinaryRunner.binary.resolvingSymlinksInPath().path, "headers", "linear", "--home", home])
    }

    /// A stdio server's arguments (and a command line's variables) are where API keys sit: `import` names the
    /// program only.
    @Test func skippedStdioServersShowTheProgramNameOnly() async throws {
        var home = BinaryHome()
        defer { home.remove() }
        let file = home.directory.path("claude_desktop_config.json")
        try #"""
        {"mcpServers": {
          "search": {"command": "npx", "args": ["-y", "@acme/search", "--api-key", "sk-stdio-canary-1"]},
          "github": {"command": "/opt/My Tools/github-mcp", "args": ["--token=ghp_canary2"]},
          "envline": {"command": "API_KEY=sk-canary-3 /usr/local/bin/server --stdio"},
          "viaenv": {"command": "/usr/bin/env", "args": ["TOKEN=canary-4", "node", "server.js"]},
          "odd": {"command": "run\u001b]52;c;x\u0007\nforged line", "args": []}
        }}
        """#.write(to: file, atomically: true, encoding: .utf8)
        let r = try await home.run(["import", "--from", "claude-desktop", file.path])
        #expect(r.status == 0, "\(home.log)")
        #expect(!r.stdout.contains("canary") && !r.stderr.contains("canary"), "\(home.log)")
        #expect(r.stdout.contains("skip    search: a local (stdio) server (`npx`)"), "\(home.log)")
        #expect(r.stdout.contains("skip    github: a local (stdio) server (`github-mcp`)"), "\(home.log)")
        #expect(r.stdout.contains("skip    envline: a local (stdio) server (`server`)"), "\(home.log)")
        #expect(r.stdout.contains("skip    viaenv: a local (stdio) server (`env`)"), "\(home.log)")
        #expect(!r.stdout.contains("\u{1B}") && r.stdout.split(separator: "\n").count == 6, "\(home.log)")
    }
}
