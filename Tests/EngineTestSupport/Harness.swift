import Acquisition
import Foundation
import Logging
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import SwitchboardWiring
import Synchronization
import Testing

/// A fixture server, a fresh home with real stores, and the engine wired to the headless browser.
public struct Harness: Sendable {
    public let tmp: TemporaryDirectory
    public let fixture: OAuthFixture
    public let engine: Wiring
    public let warnings: WarningSink

    public final class WarningSink: Sendable {
        public let lines = Mutex<[String]>([])
        public var all: [String] { lines.withLock { $0 } }
    }

    /// `time`: the engine's clock (a `TestTime` to advance instead of sleeping).
    public static func make(_ options: FixtureOptions = FixtureOptions(), browser: (any BrowserOpener)? = nil,
                     timeout: Duration = .seconds(15), callbackTimeout: Duration = .seconds(10),
                     time: TimeSource = .live, logger: Logger? = nil, lockWait: Duration = .seconds(30)) async throws -> Harness {
        let tmp = TemporaryDirectory()
        let fixture = try await OAuthFixture.start(options)
        let home = SwitchboardHome(directory: tmp.path("home"))
        let sink = WarningSink()
        let engine = Wiring(home: home, options: WiringOptions {
            $0.browser = browser ?? ClosureBrowser { url in await HeadlessBrowser.visit(url) != nil }
            $0.encryption = .disabled
            $0.warn = { m in sink.lines.withLock { $0.append(m) } }
            $0.http.timeout = timeout
            $0.http.proxy = ProxySettings(server: nil, noProxy: [])
            $0.callbackTimeout = callbackTimeout
            $0.lockWait = lockWait
            $0.time = time
            if let logger { $0.logger = logger }
        })
        return Harness(tmp: tmp, fixture: fixture, engine: engine, warnings: sink)
    }

    public var integrations: ConnectionRegistry { engine.integrations }
    public var http: AsyncHTTPTransport { engine.http }
    public var actor: TokenKeeper { engine.actor }
    public var home: SwitchboardHome { engine.home }

    public func shutdown() async {
        await engine.shutdown()
        await fixture.stop()
        tmp.remove()
    }

    /// Adds the fixture's server as a connection; returns the scheme id. A client secret is bound to `issuer`,
    /// by default the fixture's (as `add` binds it to the issuer discovery finds when it is entered).
    @discardableResult
    public func add(_ name: String = "fixture", kind: AuthScheme.Kind = .oauthDynamic, clientID: String? = nil, secret: String? = nil,
             issuer: String? = nil, scopes: [String] = [], url: URL? = nil) throws -> String {
        try integrations.add(NewConnection(name: name, url: (url ?? fixture.serverURL).absoluteString, kind: kind,
                                           clientID: clientID, clientSecret: secret, scopes: scopes,
                                           clientIssuer: secret == nil ? nil : issuer ?? fixture.issuer)).schemes[0].id
    }

    public func connect(_ schemeID: String, options: ConnectOptions = ConnectOptions()) async -> [AcquisitionEvent] {
        var events: [AcquisitionEvent] = []
        for await e in await actor.connect(schemeID: schemeID, options: options) { events.append(e) }
        return events
    }

    /// Connects, and once the flow waits for the browser (the browser has already been and gone), moves `time`
    /// past the callback timeout: a flow that got no usable callback times out without anyone waiting for it.
    public func connect(_ schemeID: String, timingOutWith time: TestTime, after timeout: Duration) async -> [AcquisitionEvent] {
        var events: [AcquisitionEvent] = []
        for await e in await actor.connect(schemeID: schemeID) {
            events.append(e)
            if case .waitingForBrowser = e { Task { await time.advance(by: timeout) } }
        }
        return events
    }

    public func disconnect(_ schemeID: String) async -> [AcquisitionEvent] {
        var events: [AcquisitionEvent] = []
        for await e in await actor.disconnect(schemeID: schemeID) { events.append(e) }
        return events
    }

    public func status(_ schemeID: String) throws -> SchemeStatus {
        let file = try integrations.connections.load()
        let (ci, si) = file.index(ofScheme: schemeID)!
        return file.connections[ci].schemes[si].status
    }

    public func secrets(_ schemeID: String) throws -> SchemeSecrets { try integrations.secrets.secrets(for: schemeID) }

    /// The raw bytes of the secrets file (nil if absent), to prove a failed flow stored nothing.
    public func secretsFileBytes() -> Data? { try? Data(contentsOf: home.secretsFile) }
}

extension [AcquisitionEvent] {
    public var failure: AcquisitionError? {
        for e in self { if case .failed(let err) = e { return err } }
        return nil
    }

    public var connected: Bool { contains { if case .connected = $0 { true } else { false } } }
}

// What a test starts, stopped before the test ends: `defer` cannot await, so each kind has a `with…` that runs
// the test's body and then waits for the teardown, whether the body returned or threw (see `withTearDown`).

/// Runs `body` with `harness`, then waits for its shutdown (engine, fixture server, home).
@discardableResult
public func withHarness<T>(_ harness: Harness, _ body: (Harness) async throws -> T) async throws -> T {
    try await withTearDown(harness, tearDown: { await $0.shutdown() }, body)
}

/// Runs `body` with `fixture`, then waits for the fixture server to stop.
@discardableResult
public func withFixture<T>(_ fixture: OAuthFixture, _ body: (OAuthFixture) async throws -> T) async throws -> T {
    try await withTearDown(fixture, tearDown: { await $0.stop() }, body)
}

/// Runs `body` with a second engine (another process, in effect), then waits for its shutdown.
@discardableResult
public func withEngine<T>(_ engine: Wiring, _ body: (Wiring) async throws -> T) async throws -> T {
    try await withTearDown(engine, tearDown: { await $0.shutdown() }, body)
}

/// Runs `body` with a callback listener, then waits for it to close.
@discardableResult
public func withListener<T>(_ listener: LoopbackListener, _ body: (LoopbackListener) async throws -> T) async throws -> T {
    try await withTearDown(listener, tearDown: { await $0.close() }, body)
}
