import Acquisition
import Canvas
import EngineTestSupport
import Foundation
import Logging
import SwitchboardApp
import SwitchboardCore
import HostileFixtures
import SwitchboardFixtures
import SwitchboardTestSupport
import Synchronization
import Testing

/// Every secret the fixture issues carries a canary (`OAuthFixture.canary`). These runs produce log
/// lines at trace level, events, errors, screen renders, command output and files, and scan all of them.
@Suite struct CanaryScanTests {
    static let canary = OAuthFixture.canary

    /// Collects every log line (message and metadata) at trace level.
    struct CollectingLogHandler: LogHandler {
        let sink: Sink
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            sink.add("\(level) \(message) \(self.metadata.merging(metadata ?? [:]) { $1 })")
        }
    }

    final class Sink: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func add(_ s: String) { lines.withLock { $0.append(s) } }
    }

    /// Runs `flow` with a trace logger, collecting events, errors and screens; returns what was produced.
    func scan(_ options: FixtureOptions, browser: (any BrowserOpener)? = nil, time: TimeSource = .live, _ flow: (Harness, String, Sink) async throws -> Void) async throws -> [String] {
        let logs = Sink()
        let logger = Logger(label: "canary") { _ in CollectingLogHandler(sink: logs) }
        return try await withHarness(Harness.make(options, browser: browser, callbackTimeout: .seconds(3), time: time, logger: logger)) { h in
            let id = try h.add()
            let out = Sink()
            // Every update the screen would get, drawn the way the screen draws it.
            let updates = await h.actor.updates()
            let screen = Task {
                var state = AppState(connections: (try? h.integrations.connections.load().connections) ?? [], now: Date())
                state.panel = .connect(ConnectPanel(schemeID: id, name: "fixture", reconnect: false))
                var rendered: [String] = []
                for await u in updates {
                    rendered.append(u.event.summary)
                    rendered.append("\(u.event)")
                    _ = reduce(&state, .acquisition(u))
                    rendered.append(MainView.render(state).text)
                }
                return rendered
            }
            try await flow(h, id, out)
            await h.actor.stopScheduler()
            await h.actor.finishUpdates()
            var texts = out.all + logs.all + (await screen.value)
            texts.append((try? String(contentsOf: h.home.integrationsFile, encoding: .utf8)) ?? "")
            // The activity journal, and its lines as `log` and the timeline show them.
            await h.actor.flushActivity()
            texts.append((try? String(contentsOf: h.home.directory.appendingPathComponent("activity.jsonl"), encoding: .utf8)) ?? "")
            for e in (try? h.engine.activity?.events()) ?? [] { texts.append(ActivityText.logLine(e, timeZone: TimeFormat.utc)) }
            texts.append((try? String(contentsOf: h.home.directory.appendingPathComponent(".integrations.index"), encoding: .utf8)) ?? "")
            // The canary is real: the secret store holds it.
            #expect(storedSecretText(h.home.directory).contains(Self.canary) || options.hostile != nil)
            #expect(!logs.all.isEmpty, "the trace logger saw the flow")
            return texts
        }
    }

    func events(_ stream: AsyncStream<AcquisitionEvent>, into out: Sink) async {
        for await e in stream { out.add(e.summary); out.add("\(e)") }
    }

    @Test func connectRefreshDisconnectAndTheirScreensAndLogs() async throws {
        let texts = try await scan(FixtureOptions { $0.rotateRefreshTokens = true; $0.revocation = true; $0.registration = .basicOnly }) { h, id, out in
            await events(h.actor.connect(schemeID: id), into: out)
            _ = try await h.actor.validToken(for: id)
            _ = try await h.actor.refresh(schemeID: id, force: true)
            let connection = try h.integrations.connection(named: "fixture")
            out.add(await Doctor(http: h.http, secrets: h.integrations.secrets, now: Date()).report(for: connection).joined(separator: "\n"))
            await events(h.actor.disconnect(schemeID: id), into: out)
            do { _ = try await h.actor.validToken(for: id) } catch { out.add("\(error)") }
        }
        #expect(texts.count > 20)
        for text in texts { #expect(!text.contains(Self.canary), "\(text.prefix(300))") }
    }

    @Test func deviceCodeAndPastedAddresses() async throws {
        let texts = try await scan(FixtureOptions { $0.deviceFlow = .slowDownThenApprove }, time: immediateTime()) { h, id, out in
            await events(h.actor.connect(schemeID: id, options: ConnectOptions(preferDevice: true)), into: out)
            // A pasted address with a code in it and the wrong state: refused without echoing the code.
            for await e in await h.actor.connect(schemeID: id, options: ConnectOptions(noBrowser: true)) {
                out.add(e.summary)
                if case .waitingForBrowser(_, let redirect, _) = e {
                    let forged = redirect + "?code=code-\(Self.canary)-1&state=wrong"
                    if case .failure(let why) = await h.actor.deliverPastedCallback(schemeID: id, url: forged) { out.add("\(why)") }
                    await h.actor.cancelConnect(schemeID: id)
                }
            }
        }
        for text in texts { #expect(!text.contains(Self.canary), "\(text.prefix(300))") }
    }

    @Test(arguments: [FixtureOptions.Hostile.wrongState, .wrongIss, .tokenInvalidGrant, .tokenTypeNotBearer, .escapesInErrorDescription, .tokenRedirect])
    func failuresNeverEchoASecret(_ hostile: FixtureOptions.Hostile) async throws {
        let texts = try await scan(FixtureOptions { $0.hostile = hostile }) { h, id, out in
            await events(h.actor.connect(schemeID: id), into: out)
        }
        for text in texts { #expect(!text.contains(Self.canary), "\(hostile): \(text.prefix(300))") }
    }

    /// The real binary with trace logging: everything but `token`/`headers` stdout (their job is the token).
    @Test func commandLineOutputAtTraceLevel() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.rotateRefreshTokens = true; $0.revocation = true })) { fixture in
            let home = ["--home", tmp.url.path]
            let env = ["BROWSER": BinaryRunner.binary.path + " headless-browser", "SWITCHBOARD_LOG": "trace"]
            var outputs: [String] = []
            for args in [["add", "fx", fixture.serverURL.absoluteString], ["connect", "fx"], ["list"], ["list", "--json"], ["show", "fx"],
                         ["status"], ["check", "fx"], ["refresh", "fx"], ["doctor", "fx"], ["token", "fx"], ["headers", "fx"],
                         ["disconnect", "fx"], ["token", "fx"]] {
                let r = try await BinaryRunner.runDetached(args + home, environment: env)
                if args[0] != "token" && args[0] != "headers" { outputs.append(r.stdout) }
                outputs.append(r.stderr)
            }
            #expect(outputs.joined().contains("Connected"))
            for text in outputs { #expect(!text.contains(Self.canary), "\(text.prefix(300))") }
            for name in ["integrations.json", ".integrations.index"] {
                #expect(!((try? String(contentsOf: tmp.path(name), encoding: .utf8)) ?? "").contains(Self.canary))
            }
        }
    }
}
