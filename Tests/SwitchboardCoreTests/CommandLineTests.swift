import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

@Suite(.serialized) struct CommandLineTests {
    @Test func addListShowRemove() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = ["--home", tmp.url.path]
        let added = try await BinaryRunner.runDetached(["add", "linear", "https://mcp.linear.app/mcp"] + home)
        #expect(added.status == 0)
        let bearer = try await BinaryRunner.runDetached(["add", "gh", "https://api.example.com/mcp", "--scheme", "bearer"] + home, stdin: "tok-canary-789\n")
        #expect(bearer.status == 0)
        let list = try await BinaryRunner.runDetached(["list", "--json"] + home)
        #expect(list.status == 0)
        let file = try JSONCoding.decoder().decode(ConnectionsFile.self, from: Data(list.stdout.utf8))
        #expect(file.connections.map(\.name) == ["linear", "gh"])
        #expect(!list.stdout.contains("tok-canary"))
        let show = try await BinaryRunner.runDetached(["show", "gh"] + home)
        #expect(show.stdout.contains("● static"))
        #expect(!show.stdout.contains("tok-canary"))
        let secrets = storedSecretText(tmp.url)
        #expect(secrets.contains("tok-canary-789"))
        let removed = try await BinaryRunner.runDetached(["remove", "gh"] + home)
        #expect(removed.status == 0)
        let after = storedSecretText(tmp.url)
        #expect(!after.contains("tok-canary"))
    }

    /// One rule finds a connection by name, for every command: the case a person types does not matter (as
    /// `add` refuses two names that differ only in case). The server is a closed port on loopback, so commands
    /// that go on to the network fail there, after finding the connection. (`connect` and `doctor` find it as
    /// `refresh` does, through the engine, but would wait out the connect timeout here.)
    @Test func everyCommandFindsAConnectionWhateverTheCaseOfItsName() async throws {
        var home = BinaryHome()
        defer { home.remove() }
        #expect(try await home.run(["add", "linear", "http://127.0.0.1:9/mcp"]).status == 0)
        #expect(try await home.run(["add", "LINEAR", "https://other.example.com/mcp"]).status == 2, "names differing only in case are one name")
        for command in [["show", "LINEAR"], ["status", "Linear"], ["log", "LINEAR"], ["export", "--for", "claude-code", "LINEAR"],
                        ["token", "LINEAR"], ["headers", "LINEAR"], ["refresh", "LINEAR"], ["check", "LINEAR"],
                        ["call", "LINEAR", "echo", "{}"], ["disconnect", "LINEAR"],
                        ["set-client", "LINEAR", "--client-id", "dash-1"]] {
            let r = try await home.run(command)
            #expect(!(r.stdout + r.stderr).contains("no connection named"), "`\(command.joined(separator: " "))` did not find linear:\n\(home.log)")
        }
        let show = try await home.run(["show", "linear", "--json"])
        #expect(show.stdout.contains("\"clientId\" : \"dash-1\"") && show.stdout.contains("oauth"), "set-client changed linear: \(home.log)")
        // A client's config that runs Switchboard's bridge for LINEAR is this home's linear.
        let file = home.directory.path("mcp.json")
        try #"{"mcpServers": {"lin": {"command": "/usr/local/bin/switchboard", "args": ["bridge", "LINEAR"]}}}"#.write(to: file, atomically: true, encoding: .utf8)
        let imported = try await home.run(["import", "--from", "cursor", file.path])
        #expect(imported.stdout.contains("ours    lin: served by Switchboard's bridge for connection LINEAR\n"), "\(home.log)")
        #expect(try await home.run(["remove", "LINEAR"]).status == 0, "\(home.log)")
        #expect(try await home.run(["show", "linear"]).status == 2, "removed: \(home.log)")
    }

    @Test(arguments: [
        (["add", "x", "not a url"], "is not a URL"),
        (["add", "x", "http://example.com/mcp"], "https"),
        (["add", "bad name", "https://example.com"], "letters, digits"),
        (["add", "x", "https://example.com", "--scheme", "oauth"], "--client-id"),
        (["add", "x", "https://example.com", "--scheme", "weird"], "is invalid for '--scheme"),
        (["add", "--bogus"], "Missing expected argument"),
    ])
    func usageErrorsExit2WithOneLine(_ args: [String], _ phrase: String) async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let r = try await BinaryRunner.runDetached(args + ["--home", tmp.url.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains(phrase))
        if !args.contains("--bogus") { #expect(r.stderr.split(separator: "\n").count == 1) }
    }

    /// A sealed store seen from the command line: sealed by an explicit command, still sealed after a
    /// command run without SWITCHBOARD_ENCRYPT_SECRETS, and a missing key is exit 1 with the key's place
    /// named, not a reset.
    @Test func aSealedStoreStaysSealedAndAMissingKeyIsAnError() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = ["--home", tmp.path("home").path]
        let env = ["XDG_DATA_HOME": tmp.path("data").path]
        let keyFile = tmp.path("data/switchboard/secrets.key")
        func run(_ args: [String], stdin: String? = nil, extra: [String: String] = [:]) async throws -> BinaryRunner.Result {
            try await BinaryRunner.runDetached(args + home, stdin: stdin, environment: env.merging(extra) { $1 })
        }
        #expect(try await run(["add", "a", "https://a.example.com/mcp", "--scheme", "bearer"], stdin: "BEARER-canary-a\n").status == 0)
        let encrypt = try await run(["secrets", "encrypt"])
        #expect(encrypt.status == 0 && encrypt.stdout.contains("Sealed"), "\(encrypt.stderr)")
        #expect(FileSystem.mode(of: keyFile) == 0o600)
        // A second writer without SWITCHBOARD_ENCRYPT_SECRETS (a helper, a cron job, another shell).
        #expect(try await run(["add", "b", "https://b.example.com/mcp", "--scheme", "bearer"], stdin: "BEARER-canary-b\n").status == 0)
        #expect(try await run(["remove", "a"]).status == 0)
        let stored = storedSecretText(tmp.path("home"))
        #expect(!stored.contains("canary") && !stored.contains("\"encryption\":\"none\""), "a sealed store was rewritten in plain JSON")
        #expect(try await run(["headers", "b"]).stdout.contains("BEARER-canary-b"))
        let status = try await run(["secrets", "status"])
        let key = try String(contentsOf: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(status.stdout.contains("Sealed") && !status.stdout.contains("canary") && !status.stdout.contains(key))

        // Without the key: exit 1, the key file named, nothing moved or rewritten.
        try FileManager.default.moveItem(at: keyFile, to: tmp.path("key.saved"))
        for args in [["headers", "b"], ["add", "c", "https://c.example.com/mcp", "--scheme", "bearer"]] {
            let r = try await run(args, stdin: "BEARER-canary-c\n")
            #expect(r.status == 1 && r.stderr.contains(keyFile.path) && r.stderr.contains("nothing was changed"), "\(args): \(r.stderr)")
        }
        #expect(storedSecretText(tmp.path("home")) == stored)
        #expect(!FileManager.default.fileExists(atPath: keyFile.path), "a command invented a new key")
        #expect(try !FileManager.default.contentsOfDirectory(atPath: tmp.path("home").path).contains { $0.contains("broken") })
        // A wrong key says so too.
        let wrong = try await run(["headers", "b"], extra: ["SWITCHBOARD_SECRETS_KEY": Data(repeating: 1, count: 32).base64EncodedString()])
        #expect(wrong.status == 1 && wrong.stderr.contains("does not open the secret store"), "\(wrong.stderr)")

        // With the key back, decrypting is explicit.
        try FileManager.default.moveItem(at: tmp.path("key.saved"), to: keyFile)
        #expect(try await run(["secrets", "decrypt"]).status == 0)
        #expect(storedSecretText(tmp.path("home")).contains("BEARER-canary-b"))
    }

    @Test func duplicateNameExits2() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = ["--home", tmp.url.path]
        try await BinaryRunner.runDetached(["add", "a", "https://a.example"] + home)
        let r = try await BinaryRunner.runDetached(["add", "A", "https://b.example"] + home)
        #expect(r.status == 2)
        #expect(r.stderr.contains("exists already"))
    }

    @Test func corruptIntegrationsFileExits1AndIsKept() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let bytes = Data("{\"version\":1,\n\"connections\": [,]}".utf8)
        try bytes.write(to: tmp.path("integrations.json"))
        let r = try await BinaryRunner.runDetached(["add", "a", "https://a.example", "--home", tmp.url.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("integrations.json: line 2"))
        #expect(try Data(contentsOf: tmp.path("integrations.json")) == bytes)
    }

    @Test func helpDocumentsExitCodes() async throws {
        let r = try await BinaryRunner.runDetached(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("3  needs a sign-in") && r.stdout.contains("`status NAME` exits 3"))
    }

    @Test func versionIsPrinted() async throws {
        let r = try await BinaryRunner.runDetached(["--version"])
        #expect(r.status == 0 && r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == SwitchboardVersion.string)
        #expect(SwitchboardVersion.string.wholeMatch(of: /\d+\.\d+\.\d+/) != nil)
    }

    @Test func twoProcessesAdding200EachLoseNothing() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = tmp.url.path
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in ["p", "q"] {
                group.addTask {
                    // Each "process" is a shell loop running the real binary 200 times.
                    let script = "for i in $(seq 1 200); do \"$0\" add \(writer)$i http://127.0.0.1:9/\(writer)$i --home \"$1\" >/dev/null || exit 1; done"
                    let status: Int32 = try await withCheckedThrowingContinuation { c in
                        let p = Process()
                        p.executableURL = URL(fileURLWithPath: "/bin/sh")
                        p.arguments = ["-c", script, BinaryRunner.binary.path, home]
                        p.terminationHandler = { c.resume(returning: $0.terminationStatus) }
                        do { try p.run() } catch { c.resume(throwing: error) }
                    }
                    #expect(status == 0)
                }
            }
            try await group.waitForAll()
        }
        let file = try ConnectionStore(home: SwitchboardHome(directory: tmp.url)).load()
        #expect(file.connections.count == 400)
        #expect(Set(file.connections.map(\.name)).count == 400)
    }
}
