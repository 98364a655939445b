import Acquisition
import Foundation
import Logging
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Synchronization
import Testing

/// A fixture server, a fresh home with real stores, and the engine wired to the headless browser.
struct Harness {
    let tmp: TemporaryDirectory
    let fixture: OAuthFixture
    let integrations: Integrations
    let http: AsyncHTTPTransport
    let actor: AcquisitionActor
    let home: SwitchboardHome
    let warnings = WarningSink()

    final class WarningSink: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    static func make(_ options: FixtureOptions = FixtureOptions(), browser: (any BrowserOpener)? = nil,
                     timeout: Duration = .seconds(15), callbackTimeout: Duration = .seconds(10), devicePollingScale: Double = 1,
                     now: @escaping @Sendable () -> Date = Date.init, logger: Logger? = nil) async throws -> Harness {
        let tmp = TemporaryDirectory()
        let fixture = try await OAuthFixture.start(options)
        let home = SwitchboardHome(directory: tmp.path("home"))
        let sink = WarningSink()
        let integrations = Integrations(connections: IntegrationStore(home: home),
                                        secrets: SecretStore(home: home, encryption: .disabled, warn: { m in sink.lines.withLock { $0.append(m) } }))
        var httpOptions = AsyncHTTPTransport.Options()
        httpOptions.timeout = timeout
        httpOptions.proxy = ProxySettings(server: nil, noProxy: [])
        let http = AsyncHTTPTransport(options: httpOptions)
        var env = AcquisitionEnvironment(http: http, browser: browser ?? ClosureBrowser { url in await HeadlessBrowser.visit(url) != nil },
                                         integrations: integrations.connections, secrets: integrations.secrets, now: now,
                                         callbackTimeout: callbackTimeout)
        if let logger { env.logger = logger }
        env.devicePollingScale = devicePollingScale
        return Harness(tmp: tmp, fixture: fixture, integrations: integrations, http: http, actor: AcquisitionActor(environment: env), home: home)
    }

    func shutdown() async {
        await actor.stopScheduler()
        await fixture.stop()
        await http.shutdown()
        tmp.remove()
    }

    /// Adds the fixture's server as a connection; returns the scheme id.
    @discardableResult
    func add(_ name: String = "fixture", kind: AuthScheme.Kind = .oauthDynamic, clientID: String? = nil, secret: String? = nil,
             scopes: [String] = [], url: URL? = nil) throws -> String {
        try integrations.add(NewConnection(name: name, url: (url ?? fixture.serverURL).absoluteString, kind: kind,
                                           clientID: clientID, clientSecret: secret, scopes: scopes)).schemes[0].id
    }

    func connect(_ schemeID: String, options: ConnectOptions = ConnectOptions()) async -> [AcquisitionEvent] {
        var events: [AcquisitionEvent] = []
        for await e in await actor.connect(schemeID: schemeID, options: options) { events.append(e) }
        return events
    }

    func disconnect(_ schemeID: String) async -> [AcquisitionEvent] {
        var events: [AcquisitionEvent] = []
        for await e in await actor.disconnect(schemeID: schemeID) { events.append(e) }
        return events
    }

    func status(_ schemeID: String) throws -> SchemeStatus {
        let file = try integrations.connections.load()
        let (ci, si) = file.index(ofScheme: schemeID)!
        return file.connections[ci].schemes[si].status
    }

    func secrets(_ schemeID: String) throws -> SchemeSecrets { try integrations.secrets.secrets(for: schemeID) }

    /// The raw bytes of the secrets file (nil if absent), to prove a failed flow stored nothing.
    func secretsFileBytes() -> Data? { try? Data(contentsOf: home.secretsFile) }
}

extension [AcquisitionEvent] {
    var failure: AcquisitionError? {
        for e in self { if case .failed(let err) = e { return err } }
        return nil
    }

    var connected: Bool { contains { if case .connected = $0 { true } else { false } } }
}
