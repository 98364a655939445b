import Acquisition
import Foundation
import MCPSession
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// A fixture, real stores, the engine, and the SDK client over our transport.
struct MCPHarness {
    let tmp = TemporaryDirectory()
    let fixture: OAuthFixture
    let integrations: Integrations
    let http = AsyncHTTPTransport()
    let actor: AcquisitionActor
    let schemeID: String

    static func make(_ options: FixtureOptions) async throws -> MCPHarness {
        let fixture = try await OAuthFixture.start(options)
        let tmp = TemporaryDirectory()
        let home = SwitchboardHome(directory: tmp.url)
        let integrations = Integrations(connections: IntegrationStore(home: home), secrets: SecretStore(home: home, encryption: .disabled, warn: { _ in }))
        let http = AsyncHTTPTransport()
        let actor = AcquisitionActor(environment: AcquisitionEnvironment(
            http: http, browser: ClosureBrowser { await HeadlessBrowser.visit($0) != nil },
            integrations: integrations.connections, secrets: integrations.secrets))
        let id = try integrations.add(NewConnection(name: "fx", url: fixture.serverURL.absoluteString)).schemes[0].id
        for await _ in await actor.connect(schemeID: id) {}
        return MCPHarness(fixture: fixture, integrations: integrations, actor: actor, schemeID: id)
    }

    init(fixture: OAuthFixture, integrations: Integrations, actor: AcquisitionActor, schemeID: String) {
        self.fixture = fixture
        self.integrations = integrations
        self.actor = actor
        self.schemeID = schemeID
    }

    var runner: MCPSessionRunner {
        get throws {
            MCPSessionRunner(http: http, authorizer: ConnectionAuthorizer(connection: try integrations.connection(named: "fx"), actor: actor, secrets: integrations.secrets))
        }
    }

    func expireStoredToken() throws {
        try integrations.secrets.updateScheme(schemeID) { $0.tokens?.expiresAt = Date().addingTimeInterval(-5) }
        Task { await actor.invalidate(schemeID) }
    }

    func stop() async { await fixture.stop() }
}

@Suite struct MCPCheckTests {
    @Test(arguments: [false, true])
    func checkListsToolsThroughTheSDK(_ sse: Bool) async throws {
        let h = try await MCPHarness.make(FixtureOptions { $0.sse = sse })
        defer { Task { await h.stop() } }
        let report = try await h.runner.check()
        #expect(report.serverName == "switchboard-fixture")
        #expect(report.serverVersion == "1.0.0")
        #expect(!report.protocolVersion.isEmpty)
        #expect(report.tools.map(\.name) == ["echo", "add"])
        let call = try await h.runner.call(tool: "echo", argumentsJSON: #"{"text": "hello"}"#)
        #expect(call.text == "hello")
        #expect(!call.isError)
        let bad = try await h.runner.call(tool: "nope", argumentsJSON: nil)
        #expect(bad.isError)
    }

    /// A server cannot make `check` page forever: a repeated cursor ends the list, and so do the page and size caps.
    @Test(arguments: [FixtureOptions.ToolPaging.repeatCursor, .endless])
    func toolPagingIsBounded(_ paging: FixtureOptions.ToolPaging) async throws {
        let h = try await MCPHarness.make(FixtureOptions { $0.toolPaging = paging })
        defer { Task { await h.stop() } }
        let report = try await h.runner.check()
        let pages = report.tools.count / 2
        switch paging {
        case .repeatCursor:
            #expect(pages == 2, "the repeated cursor is asked for once, then the list stops")
            #expect(report.truncated?.contains("same page cursor") == true)
        case .endless:
            #expect(pages == MCPSessionRunner.maxToolPages)
            #expect(report.truncated?.contains("pages") == true)
        }
    }

    @Test func expiredTokenIsRefreshedBeforeTheRequest() async throws {
        let h = try await MCPHarness.make(FixtureOptions())
        defer { Task { await h.stop() } }
        try h.expireStoredToken()
        try await Task.sleep(for: .milliseconds(20))
        _ = try await h.runner.check()
        #expect(h.fixture.counters.refreshes == 1)
    }

    @Test func a401IsAnsweredByOneRefresh() async throws {
        let h = try await MCPHarness.make(FixtureOptions())
        defer { Task { await h.stop() } }
        h.fixture.revokeAccessTokens()
        _ = try await h.runner.check()
        #expect(h.fixture.counters.refreshes == 1)
    }

    @Test func revokedEverywhereMeansNeedsReconnect() async throws {
        let h = try await MCPHarness.make(FixtureOptions())
        defer { Task { await h.stop() } }
        h.fixture.revokeAll()
        await #expect { try await h.runner.check() } throws: { ($0 as? AcquisitionError)?.needsReconnect == true }
        guard case .expired = try h.integrations.connection(named: "fx").schemes[0].status else { Issue.record("not expired"); return }
    }

    @Test func insufficientScopeSurfacesForStepUp() async throws {
        let h = try await MCPHarness.make(FixtureOptions { $0.requiredScope = "mcp:admin" })
        defer { Task { await h.stop() } }
        await #expect { try await h.runner.check() } throws: { error in
            (error as? InsufficientScope)?.scopes == ["mcp:tools", "mcp:admin"]
        }
    }
}
