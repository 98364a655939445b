import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import HostileFixtures
import SwitchboardFixtures
import Testing

/// One rule for issuers that differ by a trailing slash, on the first connect and on every reconnect.
@Suite struct IssuerTests {
    /// Live HTTP with the protected-resource metadata's `authorization_servers` replaced.
    struct ListedServers: HTTPTransport {
        let inner = AsyncHTTPTransport()
        let listed: [String]

        func send(_ request: HTTPRequestSpec) async throws -> HTTPResponseSpec {
            var response = try await inner.send(request)
            if request.url.path.hasPrefix("/.well-known/oauth-protected-resource"),
               var object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] {
                object["authorization_servers"] = listed
                response.body = try JSONSerialization.data(withJSONObject: object)
            }
            return response
        }
    }

    /// The resource lists a second authorization server first. A reconnect keeps to the one that issued
    /// the stored tokens, however the slash falls: the metadata's own spelling (which the tokens record)
    /// against the resource's list, with or without the slash.
    @Test(arguments: [(FixtureOptions.Hostile.issuerTrailingSlash, false), (nil, true)])
    func reconnectFindsTheCachedIssuerWhateverTheSlash(_ hostile: FixtureOptions.Hostile?, _ listedWithSlash: Bool) async throws {
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.hostile = hostile })) { held in
            try await withFixture(OAuthFixture.start()) { other in
                // What the first connect stored: the authorization server metadata's own issuer.
                let cached = hostile == .issuerTrailingSlash ? held.issuer + "/" : held.issuer
                let listed = listedWithSlash ? held.issuer + "/" : held.issuer
                #expect(cached != listed, "the test is about a difference of one slash")
                let http = ListedServers(listed: [other.issuer, listed])
                let found = try await Discovery(http: http).run(serverURL: held.serverURL, cachedIssuer: cached)
                #expect(found.authorizationServer.issuer == cached, "reconnect went to \(found.authorizationServer.issuer), not the tokens' issuer \(cached)")
                #expect(other.counters.requests.isEmpty, "the other authorization server was asked: \(other.counters.requests)")
            }
        }
    }

    @Test func theRuleItself() {
        #expect(Issuer.listed("https://as.example/", in: ["https://b.example", "https://as.example"]) == "https://as.example")
        #expect(Issuer.listed("https://as.example", in: ["https://as.example/"]) == "https://as.example/")
        #expect(Issuer.listed("https://as.example", in: ["https://as.example//", "https://as.example/x"]) == nil)
        #expect(Issuer.listed("https://as.example/t", in: ["https://as.example/t", "https://as.example/t/"]) == "https://as.example/t", "an exact match first")
    }
}
