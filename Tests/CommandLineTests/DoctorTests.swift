import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import HostileFixtures
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

@Suite(.serialized) struct DoctorTests {
    /// Ports come from the kernel; the golden names them PORT.
    static func normalized(_ text: String) -> String {
        text.replacingOccurrences(of: #"127\.0\.0\.1:\d+"#, with: "127.0.0.1:PORT", options: .regularExpression)
            .replacingOccurrences(of: "switchboard \(SwitchboardVersion.string)\n", with: "switchboard VERSION\n")
    }

    @Test func reportForAFixtureServerMatchesTheGolden() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.revocation = true; $0.deviceFlow = .approve; $0.issParameter = true; $0.layout = .asPathInsertion })) { h in
            try h.add("fixture")
            let r = try await BinaryRunner.runDetached(["doctor", "fixture", "--home", h.home.directory.path])
            #expect(r.status == 0)
            let text = Self.normalized(r.stdout)
            #expect(text.contains("GET") == false, "requests are listed by URL and status")
            #expect(text.contains("Switchboard would: Register a client, then sign in in the browser."))
            if let mismatch = Golden.mismatch("doctor-report.txt", text) { Issue.record(Comment(rawValue: mismatch)) }
            #expect(h.fixture.counters.registrations == 0, "the doctor signs nothing in and registers nothing")
            #expect(h.fixture.counters.authorizations == 0)
        }
    }

    /// `doctor` without a name: the installation, for a bug report: version, build, system, home, store state,
    /// settings; a proxy's password and the key never appear.
    @Test func installationReportForBugReports() async throws {
        try await withHarness(Harness.make()) { h in
            let id = try h.add("fx")
            _ = await h.connect(id)
            let env = ["HTTPS_PROXY": "http://alice:s3cret-proxy@proxy.example:3128", "NO_PROXY": "internal.example",
                       "BROWSER": "/usr/bin/firefox --private", "TERM": "xterm-256color"]
            let r = try BinaryRunner.run(["doctor", "--home", h.home.directory.path], environment: env)
            #expect(r.status == 0, "\(r.stderr)")
            let lines = r.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "switchboard \(SwitchboardVersion.string)")
            #expect(lines.contains { $0.hasPrefix("build: ") })
            #expect(lines.contains { $0.hasPrefix("system: Linux ") })
            #expect(lines.contains("home: \(h.home.directory.path)"))
            #expect(lines.contains("connections: 1"))
            #expect(lines.contains("secret store: plain JSON, mode 0600"))
            #expect(lines.contains("proxy: HTTPS_PROXY → proxy.example:3128, NO_PROXY set"))
            #expect(lines.contains("browser: $BROWSER = /usr/bin/firefox"))
            #expect(lines.contains { $0.hasPrefix("terminal: TERM=xterm-256color, NO_COLOR ") })
            #expect(!r.stdout.contains("s3cret") && !r.stdout.contains("alice"))
            let token = try #require(try h.secrets(id).tokens?.accessToken)
            #expect(!r.stdout.contains(token))
            // A broken file is named, not hidden, and the report still comes.
            try Data("{".utf8).write(to: h.home.integrationsFile)
            let broken = try BinaryRunner.run(["doctor", "--home", h.home.directory.path])
            #expect(broken.status == 0 && broken.stdout.contains("problem: integrations.json"))
        }
    }

    @Test func reportShowsWhereDiscoveryStops() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.hostile = .issuerMismatch })) { h in
            try h.add("bad")
            let r = try await BinaryRunner.runDetached(["doctor", "bad", "--home", h.home.directory.path])
            #expect(r.stdout.contains("200, but issuer is `https://evil.example`"))
            #expect(r.stdout.contains("✕ The metadata at"))
        }
    }

    @Test func commandLinePasteBackOverStandardInput() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start()) { fixture in
            let home = ["--home", tmp.url.path]
            _ = try await BinaryRunner.runDetached(["add", "fx", fixture.serverURL.absoluteString] + home)
            // Start `connect --no-browser`, read the URL it prints, sign in elsewhere, paste garbage then the address.
            let process = Process()
            process.executableURL = BinaryRunner.binary
            process.arguments = ["connect", "fx", "--no-browser"] + home
            let input = Pipe(), output = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            let url: URL = try await withCheckedThrowingContinuation { c in
                DispatchQueue.global().async {
                    var text = ""
                    while let chunk = try? output.fileHandleForReading.read(upToCount: 1), !chunk.isEmpty {
                        text += String(decoding: chunk, as: UTF8.self)
                        if let range = text.range(of: #"http://127\.0\.0\.1:\d+/authorize\?\S+\n"#, options: .regularExpression) {
                            c.resume(returning: URL(string: String(text[range]).trimmingCharacters(in: .whitespacesAndNewlines))!)
                            return
                        }
                    }
                    c.resume(throwing: CancellationError())
                }
            }
            let address = try #require(await HeadlessBrowser.addressOfCallback(url))
            signal(SIGPIPE, SIG_IGN)
            // Garbage first: refused, and the command keeps reading lines until the real address.
            try? input.fileHandleForWriting.write(contentsOf: Data(("not an address\n" + address + "\n").utf8))
            let status: Int32 = await withCheckedContinuation { c in
                DispatchQueue.global().async { process.waitUntilExit(); c.resume(returning: process.terminationStatus) }
            }
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(status == 0, "\(stderr)")
            #expect(stderr.contains("signing in remotely"))
            #expect(stderr.contains("Still waiting"))
            #expect(fixture.counters.codeExchanges == 1)
        }
    }
}
