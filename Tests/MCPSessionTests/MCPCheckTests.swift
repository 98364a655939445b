import Acquisition
import Foundation
import HostileFixtures
import MCPSession
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import SwitchboardWiring
import Testing

/// A fixture, real stores, and the engine as the wiring target builds it, with the SDK client over our transport.
struct MCPHarness {
    let tmp: TemporaryDirectory
    let fixture: OAuthFixture
    let engine: Wiring
    let schemeID: String

    var integrations: ConnectionRegistry { engine.integrations }
    var actor: TokenKeeper { engine.actor }

    static func make(_ options: FixtureOptions) async throws -> MCPHarness {
        let fixture = try await OAuthFixture.start(options)
        let tmp = TemporaryDirectory()
        let engine = Wiring(home: SwitchboardHome(directory: tmp.url), options: WiringOptions {
            $0.browser = ClosureBrowser { await HeadlessBrowser.visit($0) != nil }
            $0.encryption = .disabled
            $0.http.proxy = ProxySettings(server: nil, noProxy: [])
        })
        let id = try engine.integrations.add(NewConnection(name: "fx", url: fixture.serverURL.absoluteString)).schemes[0].id
        _ = await engine.connect(schemeID: id)
        return MCPHarness(tmp: tmp, fixture: fixture, engine: engine, schemeID: id)
    }

    var runner: MCPSessionRunner {
        get throws { MCPSessionRunner(http: engine.http, authorizer: engine.authorizer(try integrations.connection(named: "fx"))) }
    }

    /// The stored token as if it had expired, and this engine's cache forgets it.
    func expireStoredToken() async throws {
        try integrations.secrets.updateScheme(schemeID) { $0.tokens?.expiresAt = Date().addingTimeInterval(-5) }
        await actor.invalidate(schemeID)
    }

    func stop() async {
        await engine.shutdown()
        await fixture.stop()
        tmp.remove()
    }
}

/// Runs `body` with `harness`, then waits for it to stop (engine, fixture server, home): `defer` cannot await.
@discardableResult
func withMCPHarness<T>(_ harness: MCPHarness, _ body: (MCPHarness) async throws -> T) async throws -> T {
    try await withTearDown(harness, tearDown: { await $0.stop() }, body)
}

/// Runs `body` with `fixture`, then waits for the fixture server to stop.
@discardableResult
func withFixture<T>(_ fixture: OAuthFixture, _ body: (OAuthFixture) async throws -> T) async throws -> T {
    try await withTearDown(fixture, tearDown: { await $0.stop() }, body)
}

@Suite struct MCPCheckTests {
    @Test(arguments: [false, true])
    func checkListsToolsThroughTheSDK(_ sse: Bool) async throws {
        try await withMCPHarness(MCPHarness.make(FixtureOptions { $0.sse = sse })) { h in
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
    }

    /// A server cannot make `check` page forever: a repeated cursor ends the list, and so do the page and size caps.
    @Test(arguments: [FixtureOptions.ToolPaging.repeatCursor, .endless])
    func toolPagingIsBounded(_ paging: FixtureOptions.ToolPaging) async throws {
        try await withMCPHarness(MCPHarness.make(FixtureOptions { $0.toolPaging = paging })) { h in
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
    }

    @Test func expiredTokenIsRefreshedBeforeTheRequest() async throws {
        try await withMCPHarness(MCPHarness.make(FixtureOptions())) { h in
            try await h.expireStoredToken()
            _ = try await h.runner.check()
            #expect(h.fixture.counters.refreshes == 1)
        }
    }

    @Test func a401IsAnsweredByOneRefresh() async throws {
        try await withMCPHarness(MCPHarness.make(FixtureOptions())) { h in
            h.fixture.revokeAccessTokens()
            _ = try await h.runner.check()
            #expect(h.fixture.counters.refreshes == 1)
        }
    }

    @Test func revokedEverywhereMeansNeedsReconnect() async throws {
        try await withMCPHarness(MCPHarness.make(FixtureOptions())) { h in
            h.fixture.revokeAll()
            await #expect { try await h.runner.check() } throws: { ($0 as? AcquisitionError)?.needsReconnect == true }
            guard case .expired = try h.integrations.connection(named: "fx").schemes[0].status else { Issue.record("not expired"); return }
        }
    }

    @Test func insufficientScopeSurfacesForStepUp() async throws {
        try await withMCPHarness(MCPHarness.make(FixtureOptions { $0.requiredScope = "mcp:admin" })) { h in
            await #expect { try await h.runner.check() } throws: { error in
                (error as? InsufficientScope)?.scopes == ["mcp:tools", "mcp:admin"]
            }
        }
    }
}
