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
        let file = try JSONCoding.decoder().decode(IntegrationsFile.self, from: Data(list.stdout.utf8))
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

    @Test(arguments: [
        (["add", "x", "not a url"], "is not a URL"),
        (["add", "x", "http://example.com/mcp"], "https"),
        (["add", "bad name", "https://example.com"], "letters, digits"),
        (["add", "x", "https://example.com", "--scheme", "oauth"], "--client-id"),
        (["add", "x", "https://example.com", "--scheme", "weird"], "unknown scheme"),
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
        #expect(r.stdout.contains("3  needs reconnect"))
    }

    @Test func twoProcessesAdding200EachLoseNothing() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = tmp.url.path
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in ["p", "q"] {
                group.addTask {
                    // Each "process" is a shell loop running the real binary 200 times.
                    let script = "for i in $(seq 1 200); do \"$0\" add \(writer)$i http://127.0.0.1:9/$i --home \"$1\" >/dev/null || exit 1; done"
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
        let file = try IntegrationStore(home: SwitchboardHome(directory: tmp.url)).load()
        #expect(file.connections.count == 400)
        #expect(Set(file.connections.map(\.name)).count == 400)
    }
}
