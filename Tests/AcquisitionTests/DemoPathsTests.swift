@testable import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import SwitchboardWiring
import Testing

/// What the demo's four paths needed of the engine: a wrong client id is said at once, a registration is kept
/// once the server issued it, and every tool a server lists can be called.
@Suite struct DemoPathsTests {
    /// The browser the demo builds in: it can tell an error page from a sign-in.
    static let reportingBrowser = ClosureBrowser(visiting: { url in
        let seen = await HeadlessBrowser.visitReporting(url)
        if let (status, text) = seen.error { return .refused(status: status, text: text) }
        return seen.status != nil ? .opened : .notOpened
    })

    /// Seen on the demo: any client id was accepted, the server answered `400 unknown client` to the browser,
    /// and the screen waited for ever. Now the flow ends at once with the server's words and what to do.
    @Test func aClientIDTheServerDoesNotKnowIsSaidAtOnce() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.registration = .closed }, browser: Self.reportingBrowser,
                                           callbackTimeout: .seconds(600))) { h in
            let id = try h.add("figma", kind: .oauthManual, clientID: "typo-client")
            let before = h.secretsFileBytes()
            let started = ContinuousClock.now
            let events = await h.connect(id)
            guard case .failed(let e) = events.last else { Issue.record("\(events)"); return }
            #expect(started.duration(to: .now) < .seconds(30), "it waited for the callback timeout")
            #expect(e.code == .authorizationFailed && e.message.contains("HTTP 400") && e.message.contains("unknown client"), "\(e)")
            #expect(e.remedyText?.contains("set-client figma --client-id ID") == true, "\(e.remedyText ?? "")")
            #expect(!events.contains { if case .waitingForBrowser = $0 { true } else { false } })
            #expect(h.secretsFileBytes() == before, "a failed flow stores nothing")
            // The client the dashboard has: the same path ends connected.
            h.fixture.preregister(clientID: "dash-client")
            _ = try h.integrations.connections.update { file in
                let (ci, si) = file.index(ofScheme: id)!
                file.connections[ci].schemes[si].clientID = "dash-client"
            }
            #expect(await h.connect(id).last.map { if case .connected = $0 { true } else { false } } == true)
        }
    }

    /// Seen on the demo: every cancelled Connect registered a new client next time (client-1, -2, -3…).
    @Test func aCancelledConnectKeepsItsRegistration() async throws {
        try await withHarness(Harness.make(browser: NoBrowser())) { h in
            let id = try h.add()
            for _ in 0..<3 {
                let stream = await h.actor.connect(schemeID: id)
                for await e in stream {
                    if case .waitingForBrowser = e { await h.actor.cancelConnect(schemeID: id) }
                }
            }
            #expect(h.fixture.counters.registrations == 1, "\(h.fixture.counters.registrations) registrations for three tries")
            #expect(try h.secrets(id).tokens == nil, "no tokens from a cancelled flow")
            #expect(try h.secrets(id).registrations.count == 1)
        }
    }
}

/// Said at Connect on the command line: a server that issues no refresh token (the demo's `once`).
@Suite struct NoRefreshTokenAtConnectTests {
    @Test func connectSaysTheTokenEndsAndASignInFollows() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.issueRefreshTokens = false; $0.accessTokenLifetime = 600 })) { fixture in
            let home = ["--home", tmp.url.path]
            #expect(try await BinaryRunner.runDetached(["add", "once", fixture.serverURL.absoluteString] + home).status == 0)
            let c = try await BinaryRunner.runDetached(["connect", "once"] + home, environment: ["BROWSER": BinaryRunner.binary.path + " headless-browser"])
            #expect(c.status == 0, "\(c.stderr)")
            #expect(c.stdout.contains("The server issued no refresh token: at ") && c.stdout.contains("run `switchboard reconnect once` then"), "\(c.stdout)")
        }
    }
}

/// Errors in words: a refused connection names the address nothing listens on, and is said at once (the library
/// retried it until the connect timeout, then printed `SingleConnectionFailure(…)`).
@Suite struct ConnectionErrorWordsTests {
    @Test func aRefusedConnectionSaysNothingIsListening() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        // A test port (TestPort) checked free just now: nothing listens on it, and no sign-in picks it meanwhile.
        let port = try TestPort.pick()
        let home = ["--home", tmp.url.path]
        #expect(try await BinaryRunner.runDetached(["add", "gone", "http://127.0.0.1:\(port)/mcp"] + home).status == 0)
        let r = try await BinaryRunner.runDetached(["connect", "gone"] + home)
        let said = r.stdout + r.stderr
        #expect(r.status == 1)
        #expect(said.contains("nothing is listening on 127.0.0.1:\(port) (connection refused)"), "\(said)")
        #expect(said.contains("Check that the server is running and that the URL's port is right."))
        #expect(!said.contains("SingleConnectionFailure") && !said.contains("errno"), "\(said)")
        let check = try await BinaryRunner.runDetached(["doctor", "gone"] + home)
        #expect(check.status == 1, "doctor NAME exits 1 when it finds a failure: \(check.stdout)")
    }

    @Test func aNameThatDoesNotResolveIsSaidSo() {
        let url = URL(string: "https://mcp.exmaple.com/mcp")!
        let e = AcquisitionError.network(HTTPTransportError.nameNotResolved(url), doing: "Reaching \(url)")
        #expect(e.message.contains("the name mcp.exmaple.com could not be resolved (DNS)"))
        #expect(e.remedyText?.contains("spelling of the host name") == true)
        #expect(HTTPTransportError.nothingListening(URL(string: "https://[::1]/x")!).description == "nothing is listening on [::1]:443 (connection refused)")
    }
}
