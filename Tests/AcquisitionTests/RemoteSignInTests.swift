import Acquisition
import EngineTestSupport
import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

@Suite struct RemoteSignInTests {
    @Test func pasteBackRefusesWrongAddressesAndKeepsWaitingThenConnects() async throws {
        try await withHarness(Harness.make(browser: NoBrowser())) { h in
            let id = try h.add()
            var events: [AcquisitionEvent] = []
            for await e in await h.actor.connect(schemeID: id, options: ConnectOptions(noBrowser: true)) {
                events.append(e)
                guard case .waitingForBrowser(let url, let redirect, let opened) = e else { continue }
                #expect(!opened)
                #expect(SSHTunnel.command(redirectURI: redirect) == "ssh -L \(URL(string: redirect)!.port!):127.0.0.1:\(URL(string: redirect)!.port!) <this host>")
                let address = try #require(await HeadlessBrowser.addressOfCallback(url))
                #expect(address.hasPrefix(redirect))
                // Wrong state, a foreign address, garbage: each refused, and the flow keeps waiting.
                let wrongState = address.replacingOccurrences(of: #"state=[^&]+"#, with: "state=forged", options: .regularExpression)
                for bad in [wrongState, "https://example.com/somewhere?code=1&state=x", "garbage", ""] {
                    guard case .failure(let e) = await h.actor.deliverPastedCallback(schemeID: id, url: bad) else {
                        Issue.record("accepted \(bad)"); continue
                    }
                    #expect(e.code == .stateMismatch || e.code == .authorizationFailed)
                }
                guard case .success = await h.actor.deliverPastedCallback(schemeID: id, url: "  " + address + "\n") else {
                    Issue.record("the right address was refused"); continue
                }
            }
            #expect(events.connected, "\(events.failure.map { "\($0)" } ?? "")")
            #expect(h.fixture.accepts(try await h.actor.validToken(for: id)))
        }
    }

    @Test func pasteBackChecksTheErrorLikeARealCallback() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.denyAccess = true }, browser: NoBrowser())) { h in
            let id = try h.add()
            var events: [AcquisitionEvent] = []
            for await e in await h.actor.connect(schemeID: id, options: ConnectOptions(noBrowser: true)) {
                events.append(e)
                if case .waitingForBrowser(let url, _, _) = e, let address = await HeadlessBrowser.addressOfCallback(url) {
                    _ = await h.actor.deliverPastedCallback(schemeID: id, url: address)
                }
            }
            #expect(events.failure?.code == .accessDenied)
        }
    }

    /// Device polling waits on a clock where every sleep returns at once and time moves on by its length.
    static func deviceHarness(_ flow: FixtureOptions.DeviceFlow, time: TimeSource = immediateTime()) async throws -> Harness {
        try await Harness.make(FixtureOptions { $0.deviceFlow = flow }, browser: NoBrowser(), time: time)
    }

    @Test func deviceFlowConnects() async throws {
        try await withHarness(Self.deviceHarness(.approve)) { h in
            let id = try h.add()
            let events = await h.connect(id, options: ConnectOptions(preferDevice: true))
            #expect(events.connected, "\(events.failure.map { "\($0)" } ?? "")")
            guard let code = events.first(where: { if case .deviceCode = $0 { true } else { false } }),
                  case .deviceCode(let user, let uri, let complete, _) = code else { Issue.record("no device code"); return }
            #expect(!user.isEmpty)
            #expect(uri.hasSuffix("/activate"))
            #expect(complete?.contains(user) == true)
            #expect(h.fixture.counters.devicePolls.count == 3)
            #expect(!events.contains { if case .waitingForBrowser = $0 { true } else { false } })
            #expect(h.fixture.accepts(try await h.actor.validToken(for: id)))
        }
    }

    @Test func deviceFlowHonoursSlowDown() async throws {
        let start = Date()
        let time = immediateTime(start: start)
        try await withHarness(Self.deviceHarness(.slowDownThenApprove, time: time)) { h in
            let id = try h.add()
            #expect(await h.connect(id, options: ConnectOptions(preferDevice: true)).connected)
            #expect(h.fixture.counters.devicePolls.count == 3)
            // The fixture's interval is 1 s; slow_down adds 5 s: the engine waited 1 + 6 + 6 s on its clock.
            #expect(time.now().timeIntervalSince(start) >= 13)
        }
    }

    @Test(arguments: [(FixtureOptions.DeviceFlow.expire, AcquisitionError.Code.callbackTimedOut, "expired"),
                      (.deny, .accessDenied, "denied")])
    func deviceFlowStopsWithAMessage(_ flow: FixtureOptions.DeviceFlow, _ code: AcquisitionError.Code, _ phrase: String) async throws {
        try await withHarness(Self.deviceHarness(flow)) { h in
            let id = try h.add()
            let failure = try #require(await h.connect(id, options: ConnectOptions(preferDevice: true)).failure)
            #expect(failure.code == code)
            #expect(failure.message.contains(phrase))
            #expect(try h.secrets(id).tokens == nil)
        }
    }

    @Test func clientMetadataDocumentIsTheClientIDAndNothingRegisters() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.clientIDMetadataDocuments = true })) { h in
            let doc = "https://switchboard.example.org/client.json"
            let id = try h.integrations.add(NewConnection(name: "cimd", url: h.fixture.serverURL.absoluteString, clientMetadataURL: doc)).schemes[0].id
            let events = await h.connect(id)
            #expect(events.connected, "\(events.failure.map { "\($0)" } ?? "")")
            #expect(events.contains(.clientMetadataDocument(url: doc)))
            #expect(h.fixture.counters.registrations == 0)
            #expect(h.fixture.counters.lastAuthorizationQuery["client_id"] == doc)
            #expect(h.fixture.counters.lastTokenForm["client_id"] == doc)
        }
    }

    @Test func remoteDetection() {
        #expect(RemoteSession.reason(["SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22", "DISPLAY": ":0"]) != nil)
        #expect(RemoteSession.reason(["DISPLAY": ":0"]) == nil)
        #expect(RemoteSession.reason(["BROWSER": "firefox"]) == nil)
        #expect(RemoteSession.reason([:])?.contains("no display") == true)
    }
}

/// The browser Switchboard starts must not inherit its sockets: SwiftNIO opens them without close-on-exec,
/// and a browser holding the listener would keep the callback port "in use" for the next reconnect.
@Suite struct BrowserLaunchTests {
    @Test func theBrowserGetsNoneOfSwitchboardsDescriptors() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let script = tmp.path("browser.sh")
        try "#!/bin/sh\nls -l /proc/$$/fd > \"$0.fds.tmp\" && mv \"$0.fds.tmp\" \"$0.fds\"\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        try await withListener(LoopbackListener.start { _ in .reject(AcquisitionError(.stateMismatch, "x")) }) { listener in
            let opened = await SystemBrowser(environment: ["BROWSER": script.path, "PATH": "/usr/bin:/bin"]).open(URL(string: listener.redirectURI)!)
            #expect(opened)
            let report = tmp.path("browser.sh.fds")
            _ = await waitUntil { FileManager.default.fileExists(atPath: report.path) }
            let fds = try String(contentsOf: report, encoding: .utf8)
            #expect(!fds.contains("socket:"), "\(fds)")
        }
    }

    /// The secret store's key (and Switchboard's other variables) must not leak into the browser; the CA bundle,
    /// no secret, goes with it (the built-in headless browser trusts what the engine trusts).
    @Test func theBrowserGetsNoSwitchboardVariables() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let script = tmp.path("browser.sh")
        try "#!/bin/sh\nenv > \"$0.env.tmp\" && mv \"$0.env.tmp\" \"$0.env\"\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let environment = ["BROWSER": script.path, "PATH": "/usr/bin:/bin", "KEEP_ME": "1",
                           "SWITCHBOARD_SECRETS_KEY": "c2VjcmV0LWtleS1jYW5hcnk=", "SWITCHBOARD_HOME": "/tmp/x", "switchboard_log": "trace",
                           "SWITCHBOARD_CA_FILE": "/tmp/ca.pem"]
        #expect(await SystemBrowser(environment: environment).open(URL(string: "http://127.0.0.1:9/callback")!))
        let report = tmp.path("browser.sh.env")
        _ = await waitUntil { FileManager.default.fileExists(atPath: report.path) }
        let env = try String(contentsOf: report, encoding: .utf8)
        #expect(env.contains("KEEP_ME=1"))
        #expect(env.contains("SWITCHBOARD_CA_FILE=/tmp/ca.pem"), "\(env)")
        #expect(!env.replacingOccurrences(of: "SWITCHBOARD_CA_FILE=", with: "").uppercased().contains("SWITCHBOARD_"), "\(env)")
    }
}

/// The loopback listener cannot be aborted or held by other local programs.
@Suite struct CallbackListenerTests {
    /// A port chosen for this sign-in that something else took between the choice and the bind (seen in CI:
    /// dozens of parallel sign-ins picking from the same range) is chosen again; a port a registration named
    /// is not, and says it is in use.
    @Test func aFreshPortTakenMeanwhileIsChosenAgain() async throws {
        try await withListener(LoopbackListener.start { _ in .reject(AcquisitionError(.network, "unused")) }) { taken in
            let free = try TestPort.pick()
            let picks = Mutex([taken.port, taken.port, free])
            try await withListener(LoopbackListener.startOnFreshPort(pick: { picks.withLock { $0.removeFirst() } }) { _ in
                .reject(AcquisitionError(.network, "unused"))
            }) { listener in
                #expect(listener.port == free)
                await #expect { try await LoopbackListener.start(port: taken.port) { _ in .reject(AcquisitionError(.network, "unused")) } }
                    throws: { ($0 as? AcquisitionError)?.code == .portInUse }
                // Only so many tries: a machine with every candidate taken gets the message, not a loop.
                await #expect { try await LoopbackListener.startOnFreshPort(attempts: 3, pick: { taken.port }) { _ in .reject(AcquisitionError(.network, "unused")) } }
                    throws: { ($0 as? AcquisitionError)?.code == .portInUse }
            }
        }
    }

    @Test func aResponseWithTheWrongStateIsRefusedAndTheSignInKeepsWaiting() async throws {
        let validator = CallbackValidator(expectedState: "right-state", issuer: "https://as.example", issRequired: false)
        try await withListener(LoopbackListener.start { query in
            switch validator.validate(query) {
            case .success(let code): .accept(code: code)
            case .failure(let e): .reject(e)
            }
        }) { listener in
            let waiting = Task { try await listener.waitForCode() }
            let forged = await LoopbackFlood.statusLines(port: listener.port, paths: ["/callback?state=forged&code=evil", "/callback?state=forged&error=access_denied"])
            #expect(forged.allSatisfy { $0.hasPrefix("HTTP/1.1 400") }, "\(forged)")
            let real = await LoopbackFlood.statusLines(port: listener.port, paths: ["/callback?state=right-state&code=good"])
            #expect(real.first?.hasPrefix("HTTP/1.1 200") == true, "\(real)")
            let code = try await waiting.value
            #expect(code == "good")
        }
    }

    @Test func anIdleConnectionIsDropped() async throws {
        try await withListener(LoopbackListener.start(idleTimeout: .milliseconds(300)) { _ in .reject(AcquisitionError(.stateMismatch, "x")) }) { listener in
            // Connect and send nothing: the listener closes the connection (a read returns end of file) instead of holding it.
            let closedAfter = await LoopbackFlood.idle(port: listener.port, waitingAtMost: 10)
            let seconds = try #require(closedAfter, "the listener kept an idle connection open for 10 s")
            #expect(seconds < 5)
        }
    }
}
