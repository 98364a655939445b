import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import Synchronization
import Testing

/// A remote server may not make Switchboard fetch anything on this machine: the fixture runs on 127.0.0.1,
/// but discovery sees it at https://mcp.remote.test through `RemoteOrigin`, so everything the fixture names
/// at its real (loopback) address is named by a remote server.
@Suite struct LoopbackFetchTests {
    static let remote = "https://mcp.remote.test"

    /// The fixture seen from far away: requests to the remote origin go to the fixture, JSON bodies have the
    /// fixture's own origin replaced by the remote one in every string (`edit` may change them further),
    /// headers are passed as they are. Any request elsewhere is recorded and really sent: that is the fetch
    /// under test.
    final class RemoteOrigin: HTTPTransport {
        let local: String
        let inner = AsyncHTTPTransport()
        let edit: @Sendable (URL, inout [String: Any]) -> Void
        let elsewhere = Mutex<[String]>([])

        init(fixture: OAuthFixture, edit: @escaping @Sendable (URL, inout [String: Any]) -> Void = { _, _ in }) {
            local = fixture.origin
            self.edit = edit
        }

        func send(_ request: HTTPRequestSpec) async throws -> HTTPResponseSpec {
            let text = request.url.absoluteString
            guard text.hasPrefix(LoopbackFetchTests.remote) else {
                elsewhere.withLock { $0.append(text) }
                return try await inner.send(request)
            }
            var forwarded = request
            forwarded.url = URL(string: local + text.dropFirst(LoopbackFetchTests.remote.count))!
            var response = try await inner.send(forwarded)
            if var object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] {
                object = moved(object) as! [String: Any]
                edit(request.url, &object)
                response.body = try JSONSerialization.data(withJSONObject: object)
            }
            return response
        }

        func moved(_ value: Any) -> Any {
            switch value {
            case let s as String: s.hasPrefix(local) ? LoopbackFetchTests.remote + s.dropFirst(local.count) : s
            case let a as [Any]: a.map(moved)
            case let d as [String: Any]: d.mapValues(moved)
            default: value
            }
        }
    }

    var serverURL: URL { URL(string: Self.remote + "/mcp")! }

    /// The 401's `resource_metadata` names the fixture's real address (the `chain` layout puts its own origin
    /// there): not fetched, noted in the trace, and discovery goes on at the server's own well-known places.
    @Test func aChallengeNamingLoopbackMetadataIsNotFetched() async throws {
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.layout = .chain })) { fixture in
            let http = RemoteOrigin(fixture: fixture)
            let sink = Discovery.TraceSink()
            _ = try? await Discovery(http: http, sink: sink).run(serverURL: serverURL)
            #expect(http.elsewhere.withLock { $0 }.isEmpty, "fetched on this machine for a remote server: \(http.elsewhere.withLock { $0 })")
            let steps = sink.steps.withLock { $0 }
            #expect(steps.contains { $0.url.hasPrefix(fixture.origin) && $0.outcome.contains("not fetched") }, "\(steps)")
            #expect(steps.contains { $0.url.hasPrefix(Self.remote + "/.well-known/") }, "\(steps)")
        }
    }

    /// The resource metadata names an authorization server on this machine over https (plain http was
    /// already refused): refused before anything is fetched, with a reason a person can act on.
    @Test(arguments: ["https://127.0.0.1:1", "https://localhost:1/tenant", "https://[::1]:1", "https://0.0.0.0:1", "https://127.1:1"])
    func anAuthorizationServerOnThisMachineIsRefused(_ issuer: String) async throws {
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.layout = .resourcePathSuffixed })) { fixture in
            let http = RemoteOrigin(fixture: fixture) { url, object in
                if url.path.hasPrefix("/.well-known/oauth-protected-resource") { object["authorization_servers"] = [issuer] }
            }
            await #expect {
                _ = try await Discovery(http: http).run(serverURL: serverURL)
            } throws: { error in
                let e = error as? AcquisitionError
                return e?.code == .insecureEndpoint && e?.message.contains("this machine") == true
            }
            #expect(http.elsewhere.withLock { $0 }.isEmpty, "fetched on this machine for a remote server: \(http.elsewhere.withLock { $0 })")
        }
    }

    /// A server on this machine may name this machine (the fixture, and local development).
    @Test func aLoopbackServerMayNameLoopback() async throws {
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.layout = .chain })) { fixture in
            let found = try await Discovery(http: AsyncHTTPTransport()).run(serverURL: fixture.serverURL)
            #expect(found.resourceMetadataURL == fixture.origin + "/meta/protected-resource.json")
        }
    }
}
