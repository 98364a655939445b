import Acquisition
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

@Suite struct HostileServerTests {
    static let cases: [(FixtureOptions.Hostile, AcquisitionError.Code, String)] = [
        (.issuerMismatch, .issuerMismatch, "names the issuer"),
        (.noPKCEMethods, .pkceUnsupported, "S256"),
        (.wrongState, .stateMismatch, "state does not match"),
        (.wrongIss, .issuerParameterMismatch, "iss does not match"),
        (.hugeMetadata, .network, "sent more than 1024 KiB"),
        (.silentMetadata, .network, "did not answer in time"),
        (.resourceMismatch, .resourceMismatch, "not for"),
        (.tokenRedirect, .invalidTokenResponse, "redirected"),
        (.tokenWithoutAccessToken, .invalidTokenResponse, "no access_token"),
        (.tokenWithoutType, .invalidTokenResponse, "no token_type"),
        (.negativeExpiresIn, .invalidTokenResponse, "not a positive number"),
        (.absurdExpiresIn, .invalidTokenResponse, "absurd"),
        (.malformedMetadata, .discoveryFailed, "not valid JSON"),
        (.htmlMetadata, .discoveryFailed, "not JSON"),
        (.registrationWithoutClientID, .registrationFailed, "no client_id"),
        (.insecureEndpoints, .insecureEndpoint, "not https"),
        (.silentToken, .network, "did not answer in time"),
    ]

    @Test(arguments: cases)
    func endsWithAClearErrorAndStoresNothing(_ hostile: FixtureOptions.Hostile, _ code: AcquisitionError.Code, _ phrase: String) async throws {
        let h = try await Harness.make(FixtureOptions { $0.hostile = hostile; $0.silenceSeconds = 8 }, timeout: .seconds(3))
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        let started = ContinuousClock.now
        let events = await h.connect(id)
        let failure = try #require(events.failure)
        #expect(failure.code == code, "\(failure)")
        #expect("\(failure)".contains(phrase), "\(failure)")
        #expect(ContinuousClock.now - started < .seconds(15), "no hang past the timeouts")
        #expect(h.secretsFileBytes() == nil, "nothing stored")
        guard case .error = try h.status(id) else { Issue.record("status is \(try h.status(id))"); return }
        // The error never echoes a code or token from the server.
        #expect(!"\(failure)".contains("code-"))
        #expect(!"\(failure)".contains("at-"))
    }

    @Test func replayedCodeIsRefusedByTheServerAndNothingIsStored() async throws {
        // The engine uses each code once; a replay (as an attacker would) gets invalid_grant from the server.
        let h = try await Harness.make()
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        #expect(await h.connect(id).connected)
        #expect(h.fixture.counters.codeExchanges == 1)
    }

    @Test func callbackFloodOfJunkDoesNotEndTheWait() async throws {
        let h = try await Harness.make(browser: NoBrowser())
        defer { Task { await h.shutdown() } }
        let id = try h.add()
        var events: [AcquisitionEvent] = []
        for await e in await h.actor.connect(schemeID: id) {
            events.append(e)
            if case .waitingForBrowser(let url, let redirect, _) = e {
                let port = URL(string: redirect)!.port!
                let answered = await LoopbackFlood.send(port: port, count: 1000) { i in
                    ["/favicon.ico", "/", "/junk\(i)", "/callback", "/callback?x=\(i)", "/.env", "/callbackz"][i % 7]
                }
                #expect(answered == 1000)
                #expect(await HeadlessBrowser.visit(url) == 200)
            }
        }
        #expect(events.connected)
    }
}

extension FixtureOptions.Hostile: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}
