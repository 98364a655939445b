import Acquisition
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
        let h = try await Harness.make(FixtureOptions { $0.layout = layout })
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        #expect(await h.connect(id).connected)
        let wellKnown = h.fixture.counters.requests.filter { $0.contains("/.well-known/") }
        #expect(Set(wellKnown).count == wellKnown.count, "a document was fetched twice: \(wellKnown)")
        if layout == .resourcePathSuffixed {
            #expect(wellKnown.sorted() == ["GET /.well-known/oauth-authorization-server", "GET /.well-known/oauth-protected-resource/mcp"])
        }
    }
}
