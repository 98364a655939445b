import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import HostileFixtures
import SwitchboardFixtures
import SwitchboardTestSupport
import Synchronization
import Testing

/// At least 40 hostile or broken servers: each ends with a clear error that names the problem, stores
/// nothing, and never hangs past its timeout.
@Suite struct HostileServerTests {
    static let cases: [(FixtureOptions.Hostile, AcquisitionError.Code, String)] = [
        (.issuerMismatch, .issuerMismatch, "names the issuer"),
        (.noPKCEMethods, .pkceUnsupported, "S256"),
        // A forged state is refused with 400 and the listener keeps waiting: the sign-in is not aborted.
        (.wrongState, .callbackTimedOut, "within 3 seconds"),
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
        (.prmNoAuthorizationServers, .discoveryFailed, "lists no authorization server"),
        (.prmMalformed, .discoveryFailed, "not valid JSON"),
        (.prmHuge, .network, "sent more than 1024 KiB"),
        (.prmInsecureAuthorizationServer, .insecureEndpoint, "not an https address"),
        (.prmSilent, .network, "did not answer in time"),
        (.probeSilent, .network, "did not answer in time"),
        (.metadataRedirect, .discoveryFailed, "a redirect to https://evil.example"),
        (.metadataNotObject, .discoveryFailed, "not valid JSON"),
        (.metadataWithoutAuthorizationEndpoint, .discoveryFailed, "does not list its authorization and token endpoints"),
        (.metadataWithoutTokenEndpoint, .discoveryFailed, "does not list its authorization and token endpoints"),
        (.plainPKCEOnly, .pkceUnsupported, "S256"),
        (.insecureTokenEndpoint, .insecureEndpoint, "not https"),
        (.issuerTwoTrailingSlashes, .issuerMismatch, "names the issuer"),
        (.registrationServerError, .registrationFailed, "HTTP 500"),
        (.registrationMalformed, .registrationFailed, "not a JSON object"),
        (.registrationHuge, .network, "sent more than 1024 KiB"),
        (.registrationRedirect, .registrationFailed, "redirected"),
        (.silentRegistration, .network, "did not answer in time"),
        (.accessDenied, .accessDenied, "denied"),
        (.escapesInErrorDescription, .authorizationFailed, "server_error"),
        (.callbackWithoutCode, .callbackTimedOut, "within 3 seconds"),
        (.tokenServerError, .network, "HTTP 500"),
        (.tokenInvalidGrant, .invalidTokenResponse, "invalid_grant"),
        (.tokenMalformed, .invalidTokenResponse, "not a JSON object"),
        (.tokenHTML, .invalidTokenResponse, "text/html"),
        (.tokenHuge, .network, "sent more than 1024 KiB"),
        (.tokenErrorWithStatus200, .invalidTokenResponse, "answered 200 with the error"),
        (.tokenTypeNotBearer, .invalidTokenResponse, "not Bearer"),
        (.tokenAccessTokenNotString, .invalidTokenResponse, "not a string"),
        (.tokenEmptyAccessToken, .invalidTokenResponse, "is empty"),
        (.tokenZeroExpiresIn, .invalidTokenResponse, "not a positive number"),
    ]

    @Test(arguments: cases)
    func endsWithAClearErrorAndStoresNothing(_ hostile: FixtureOptions.Hostile, _ code: AcquisitionError.Code, _ phrase: String) async throws {
        // Timeouts generous enough for a loaded 2-core machine running the whole suite; a silent server
        // stays silent well past them.
        // The callback timeout runs on a test clock: a flow that got no usable callback is timed out by moving it.
        let time = TestTime()
        try await withHarness(Harness.make(FixtureOptions { $0.hostile = hostile; $0.silenceSeconds = 60 }, timeout: .seconds(10),
                                           callbackTimeout: .seconds(3), time: time.source)) { h in
            let id = try h.add()
            let started = ContinuousClock.now
            let events = code == .callbackTimedOut ? await h.connect(id, timingOutWith: time, after: .seconds(3)) : await h.connect(id)
            let failure = try #require(events.failure)
            #expect(failure.code == code, "\(failure)")
            #expect("\(failure)".contains(phrase), "\(failure)")
            // A silent server stays silent for 60 s: ending well before that shows the 10 s timeout cut the wait,
            // with room for a loaded machine.
            #expect(ContinuousClock.now - started < .seconds(45), "no hang past the timeouts")
            #expect(h.secretsFileBytes() == nil, "nothing stored")
            guard case .error = try h.status(id) else { Issue.record("status is \(try h.status(id))"); return }
            // The error never echoes a code or token from the server, nor a control character it sent.
            #expect(!"\(failure)".contains("code-"))
            #expect(!"\(failure)".contains("at-"))
            #expect(!"\(failure)".unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(failure)")
        }
    }

    /// The token redirect answers only a POST to the token endpoint, and only once the server has recorded it
    /// (`lastTokenForm`, `lastTokenAuthorizationHeader`), as before it moved into HostileFixtures.
    @Test func tokenRedirectAnswersARecordedPostOnly() async throws {
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.hostile = .tokenRedirect })) { fixture in
            let http = AsyncHTTPTransport()
            let url = URL(string: fixture.issuer + "/token")!
            let get = try await http.send(HTTPRequestSpec(url: url))
            #expect(get.status == 404, "a GET is not redirected")
            let post = try await http.send(HTTPRequestSpec(method: "POST", url: url,
                                                           headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", "Basic eDp5")],
                                                           body: Data("grant_type=authorization_code&code=c1".utf8)))
            #expect(post.status == 307)
            #expect(post.headers.first { $0.0.lowercased() == "location" }?.1 == "https://evil.example/token")
            #expect(fixture.counters.lastTokenForm == ["grant_type": "authorization_code", "code": "c1"])
            #expect(fixture.counters.lastTokenAuthorizationHeader == "Basic eDp5")
        }
    }

    @Test func replayedCodeIsRefusedAndNothingChanges() async throws {
        // First sign-in: remember the callback address the browser was sent to (code + state).
        let first = Mutex<String?>(nil)
        try await withHarness(Harness.make(browser: ClosureBrowser { url in
            guard let callback = await HeadlessBrowser.addressOfCallback(url) else { return false }
            first.withLock { $0 = callback }
            return await HeadlessBrowser.visit(URL(string: callback)!) != nil
        }, callbackTimeout: .seconds(5))) { h in
            let id = try h.add()
            #expect(await h.connect(id).connected)
            let replay = try #require(first.withLock { $0 })
            let stored = try h.secrets(id)
            // A second sign-in that is replayed the first one's answer refuses it and keeps waiting.
            var refusals: [String] = []
            var log: [String] = []
            for await e in await h.actor.connect(schemeID: id, options: ConnectOptions(noBrowser: true)) {
                log.append(e.summary)
                if case .waitingForBrowser = e {
                    if case .failure(let why) = await h.actor.deliverPastedCallback(schemeID: id, url: replay) { refusals.append(why.message) }
                    await h.actor.cancelConnect(schemeID: id)
                }
            }
            #expect(refusals.count == 1 && refusals[0].contains("does not belong to this sign-in"), "\(refusals) \(log)")
            // And the server, asked directly, refuses a code it already exchanged.
            let items = URLComponents(string: replay)?.queryItems ?? []
            let code = try #require(items.first { $0.name == "code" }?.value)
            let client = try #require(stored.tokens?.clientID)
            let form = "grant_type=authorization_code&code=\(code)&client_id=\(client)&redirect_uri=x&code_verifier=x"
            let answer = try await h.http.send(HTTPRequestSpec(method: "POST", url: URL(string: h.fixture.issuer + "/token")!,
                                                               headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Data(form.utf8)))
            #expect(answer.status == 400 && String(decoding: answer.body, as: UTF8.self).contains("invalid_grant"))
            #expect(try h.secrets(id) == stored, "nothing changed")
        }
    }

    @Test func callbackFloodOfJunkDoesNotEndTheWait() async throws {
        // The callback wait runs on a test clock that never moves: only the real callback may end it, however
        // long a loaded machine takes to send the flood. (On the wall clock, a 2-core machine running the whole
        // suite answered only 209 of the 1,000 junk requests before a 10-second wait ran out, and the test
        // blamed the listener for it.)
        let time = TestTime()
        try await withHarness(Harness.make(browser: NoBrowser(), time: time.source)) { h in
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
}

extension FixtureOptions.Hostile: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}
