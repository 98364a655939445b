import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import Testing

@Suite struct DiscoveryPrefetchTests {
    /// The two metadata documents sent for alongside the probe are the ones discovery then reads: none is
    /// requested twice, and where the server keeps its metadata at those two places (the common layout:
    /// resource metadata under the MCP path, authorization server at the origin) it sees nothing else.
    @Test(arguments: [FixtureOptions.Layout.resourcePathSuffixed, .origin])
    func metadataSentForAheadIsReadNotFetchedAgain(_ layout: FixtureOptions.Layout) async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.layout = layout })) { h in
            let id = try h.add()
            #expect(await h.connect(id).connected)
            let wellKnown = h.fixture.counters.requests.filter { $0.contains("/.well-known/") }
            #expect(Set(wellKnown).count == wellKnown.count, "a document was fetched twice: \(wellKnown)")
            if layout == .resourcePathSuffixed {
                #expect(wellKnown.sorted() == ["GET /.well-known/oauth-authorization-server", "GET /.well-known/oauth-protected-resource/mcp"])
            }
        }
    }

    /// Where a guess is wrong (the resource metadata named only in the challenge, at the root, or absent; an
    /// issuer with a path, on another port, or publishing only OpenID metadata), discovery takes the
    /// sequential path: its steps are exactly the checklist's candidates in order, a guessed document it did
    /// not ask for is never read (and never shows in its trace), nothing is requested twice, and the flow
    /// signs in.
    @Test(arguments: [FixtureOptions.Layout.chain, .asPathInsertion, .oidcPathInsertion, .oidcPathAppended, .oidcRoot,
                      .legacyOriginMetadata, .legacyNoMetadata])
    func aWrongGuessFallsBackToTheSequentialPath(_ layout: FixtureOptions.Layout) async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.layout = layout })) { h in
            let found = try await Discovery(http: h.http).run(serverURL: h.fixture.serverURL)
            let prm = "/.well-known/oauth-protected-resource"
            let expected: [String] = switch layout {
            case .chain: ["POST /mcp", "/meta/protected-resource.json", "/.well-known/oauth-authorization-server"]
            case .asPathInsertion: ["POST /mcp", prm + "/mcp", prm, "/.well-known/oauth-authorization-server/tenant1"]
            case .oidcPathInsertion: ["POST /mcp", prm + "/mcp", prm, "/.well-known/oauth-authorization-server/tenant1", "/.well-known/openid-configuration/tenant1"]
            case .oidcPathAppended: ["POST /mcp", prm + "/mcp", prm, "/.well-known/oauth-authorization-server/tenant1",
                                     "/.well-known/openid-configuration/tenant1", "/tenant1/.well-known/openid-configuration"]
            case .oidcRoot: ["POST /mcp", prm + "/mcp", prm, "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]
            case .legacyOriginMetadata: ["POST /mcp", prm + "/mcp", prm, "/.well-known/oauth-authorization-server"]
            case .legacyNoMetadata: ["POST /mcp", prm + "/mcp", prm, "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]
            default: []
            }
            // The trace names whole URLs (two origins in the chain layout): compare their paths.
            let steps = found.trace.map { $0.url.replacingOccurrences(of: #"http://127\.0\.0\.1:[0-9]+"#, with: "", options: .regularExpression) }
            #expect(steps == expected, "\(found.trace)")
            #expect(found.authorizationServer.issuer == h.fixture.issuer)
            #expect(found.usesDefaultEndpoints == (layout == .legacyNoMetadata))
            // (The chain layout's two servers share one request log, which names paths: the guess at the resource
            // server's origin and the real document at the authorization server's share a path.)
            let documents = h.fixture.counters.requests.filter { $0.hasPrefix("GET ") }
            #expect(Set(documents).count == documents.count - (layout == .chain ? 1 : 0), "a document was fetched twice: \(documents)")

            let id = try h.add()
            #expect(await h.connect(id).connected)
        }
    }
}
