@testable import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// A static bearer token with a control character: refused where it comes in (`add`, `import`), and one
/// stored before that rule never reaches a message, `integrations.json` or the activity journal.
@Suite(.serialized) struct BearerTokenTests {
    @Test(arguments: ["sk-ctl\u{1}canary-41", "sk-tab\tcanary-42", "sk-del\u{7F}canary-43", "sk-c1\u{85}canary-44"])
    func addRefusesAControlCharacterWithoutShowingTheToken(_ token: String) async throws {
        var home = BinaryHome()
        defer { home.remove() }
        let r = try await home.run(["add", "gh", "https://api.example.com/mcp", "--scheme", "bearer"], stdin: token + "\n")
        #expect(r.status == 2, "\(home.log)")
        #expect(r.stderr.contains("the bearer token holds"), "\(home.log)")
        #expect(!(r.stdout + r.stderr).contains("canary"), "\(home.log)")
        #expect(!FileManager.default.fileExists(atPath: home.directory.path("integration-secrets.json").path))
        let list = try await home.run(["list", "--json"])
        #expect(!list.stdout.contains("\"gh\""))
    }

    @Test func importSkipsATokenWithAControlCharacterWithoutShowingIt() async throws {
        var home = BinaryHome()
        defer { home.remove() }
        let file = home.directory.path("mcp.json")
        try #"{"mcpServers": {"ctl": {"url": "https://api.example.org/mcp", "headers": {"Authorization": "Bearer sk-imp\u0007canary-45"}}}}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try await home.run(["import", "--from", "cursor", file.path])
        #expect(r.status == 0, "\(home.log)")
        #expect(r.stdout.contains("skip    ctl: its Authorization header's token holds a control character"), "\(home.log)")
        #expect(!(r.stdout + r.stderr).contains("canary"), "\(home.log)")
        let list = try await home.run(["list", "--json"])
        #expect(!list.stdout.contains("\"ctl\""), "\(home.log)")
        #expect(!storedSecretText(home.directory.url).contains("canary"))
    }

    /// A token stored before the rule (by an older release): `check` fails with the header's name only.
    @Test func checkWithAStoredControlCharacterKeepsTheTokenOutOfEveryRecord() async throws {
        var home = BinaryHome()
        defer { home.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions())) { fixture in
            #expect(try await home.run(["add", "gh", fixture.serverURL.absoluteString, "--scheme", "bearer"], stdin: "sk-clean-token\n").status == 0)
            let store = SecretStore(home: SwitchboardHome(directory: home.directory.url), encryption: .disabled, warn: { _ in })
            for id in try store.load().schemes.keys { try store.updateScheme(id) { $0.bearerToken = "sk-chk\u{1}canary-46" } }
            let r = try await home.run(["check", "gh"])
            #expect(r.status != 0, "\(home.log)")
            #expect(r.stderr.contains("`Authorization` header holds a control character"), "\(home.log)")
            let records = [r.stdout, r.stderr,
                           try String(contentsOf: home.directory.path("integrations.json"), encoding: .utf8),
                           (try? String(contentsOf: home.directory.path("activity.jsonl"), encoding: .utf8)) ?? ""]
            #expect(records[2].contains("failed"), "the check's failure is recorded")
            for text in records { #expect(!text.contains("canary"), "\(text)") }
        }
    }

    /// Whatever a library's error says, a header value of the request is not in the message made from it.
    @Test func transportErrorsNeverQuoteAHeaderValue() async {
        struct LibraryError: Error, CustomStringConvertible {
            var description: String { #"refused ["Bearer sk-lib\u{01}canary-47"] and sk-lib\#u{1}canary-47 for Bearer sk-lib\#u{1}canary-47"# }
        }
        let spec = HTTPRequestSpec(url: URL(string: "https://api.example.com/mcp")!, headers: [("Authorization", "Bearer sk-lib\u{1}canary-47")])
        let message = "\(await AsyncHTTPTransport.classify(LibraryError(), spec, limit: 0, proxy: ProxySettings(server: nil, noProxy: [])))"
        #expect(message.hasPrefix("could not reach https://api.example.com/mcp: refused"))
        #expect(!message.contains("canary"), "\(message)")
    }
}
