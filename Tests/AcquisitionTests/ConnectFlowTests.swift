import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

@Suite struct ConnectFlowTests {
    @Test(arguments: FixtureOptions.Layout.allCases)
    func connectsWithEveryMetadataLayout(_ layout: FixtureOptions.Layout) async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.layout = layout })) { h in
            let id = try h.add()
            let events = await h.connect(id)
            #expect(events.failure == nil, "\(events.failure.map { "\($0)" } ?? "")")
            #expect(events.connected)
            guard case .connected(let exp?) = try h.status(id) else { Issue.record("not connected: \(try h.status(id))"); return }
            #expect(abs(exp.timeIntervalSinceNow - 3600) < 30)
            let secrets = try h.secrets(id)
            #expect(secrets.tokens != nil)
            #expect(secrets.registrations[h.fixture.issuer] != nil)
            let token = try await h.actor.validToken(for: id)
            #expect(h.fixture.accepts(token))

            // What the server saw: discovery's requests, plus at most the two documents sent for ahead of need
            // (the path-based resource metadata and the origin's authorization-server metadata).
            let requests = h.fixture.counters.requests.filter { $0.contains("/.well-known/") }
            let prefetched: Set = ["GET /.well-known/oauth-protected-resource/mcp", "GET /.well-known/oauth-authorization-server"]
            // What discovery read, in its order: the candidate order the specification gives.
            let read = try await Discovery(http: h.http).run(serverURL: h.fixture.serverURL).trace
                .compactMap { URL(string: $0.url).map { "GET " + $0.path } }.filter { $0.contains("/.well-known/") }
            #expect(Set(requests).subtracting(read).isSubset(of: prefetched), "requests discovery did not read: \(Set(requests).subtracting(read))")
            switch layout {
            case .origin:
                #expect(events.contains(.resourceMetadataFound(url: h.fixture.origin + "/.well-known/oauth-protected-resource")))
            case .chain:
                #expect(events.contains(.resourceMetadataFound(url: h.fixture.origin + "/meta/protected-resource.json")))
                #expect(!read.contains { $0.contains("oauth-protected-resource") }, "the 401's URL is used, not the well-known ones")
            case .asPathInsertion:
                #expect(read == ["GET /.well-known/oauth-protected-resource/mcp", "GET /.well-known/oauth-protected-resource",
                                 "GET /.well-known/oauth-authorization-server/tenant1"])
            case .oidcPathAppended:
                #expect(read.suffix(3) == ["GET /.well-known/oauth-authorization-server/tenant1", "GET /.well-known/openid-configuration/tenant1",
                                           "GET /tenant1/.well-known/openid-configuration"])
            case .oidcRoot:
                #expect(read.suffix(2) == ["GET /.well-known/oauth-authorization-server", "GET /.well-known/openid-configuration"])
            case .legacyNoMetadata, .legacyOriginMetadata:
                #expect(events.contains(.resourceMetadataMissing))
            default: break
            }
        }
    }

    @Test func authorizationRequestFollowsTheSpec() async throws {
        try await withHarness(Harness.make()) { h in
            let id = try h.add()
            _ = await h.connect(id)
            let q = h.fixture.counters.lastAuthorizationQuery
            #expect(q["response_type"] == "code")
            #expect(q["code_challenge_method"] == "S256")
            #expect(q["code_challenge"]?.count == 43)
            #expect(q["resource"] == h.fixture.serverURL.absoluteString)
            #expect(q["scope"] == "mcp:tools offline_access", "the challenge's scope, plus offline_access because the server lists it")
            #expect(q["redirect_uri"]?.hasPrefix("http://127.0.0.1:") == true)
            #expect(q["redirect_uri"]?.hasSuffix("/callback") == true)
            #expect((q["state"]?.count ?? 0) >= 32)
            let reg = h.fixture.counters.lastRegistrationBody
            #expect(reg["application_type"] == "native")
            #expect(reg["token_endpoint_auth_method"] == "none")
            #expect(reg["grant_types"]?.contains("refresh_token") == true)
            let form = h.fixture.counters.lastTokenForm
            #expect(form["grant_type"] == "authorization_code")
            #expect(form["resource"] == h.fixture.serverURL.absoluteString)
            #expect(form["code_verifier"] != nil)
        }
    }

    @Test func reconnectReusesTheRegistrationAndPort() async throws {
        try await withHarness(Harness.make()) { h in
            let id = try h.add()
            let first = await h.connect(id)
            #expect(first.contains { if case .clientRegistered = $0 { true } else { false } })
            let redirect = try h.secrets(id).registrations.values.first!.redirectURI
            _ = await h.disconnect(id)
            let second = await h.connect(id)
            #expect(second.connected, "\(String(describing: second.failure))")
            #expect(second.contains { if case .clientReused = $0 { true } else { false } })
            #expect(h.fixture.counters.registrations == 1)
            #expect(h.fixture.counters.lastAuthorizationQuery["redirect_uri"] == redirect)
        }
    }

    @Test(arguments: [FixtureOptions.Registration.basicOnly, .postOnly])
    func confidentialClientAuthentication(_ mode: FixtureOptions.Registration) async throws {
        let time = TestTime()
        // The fixture judges its tokens by the wall clock, the engine by the test's: a lifetime long on the first
        // (a loaded CI may stall for seconds) and passed on the second.
        try await withHarness(Harness.make(FixtureOptions { $0.registration = mode; $0.accessTokenLifetime = 60 }, time: time.source)) { h in
            let id = try h.add()
            let events = await h.connect(id)
            #expect(events.connected, "\(events.failure.map { "\($0)" } ?? "")")
            let reg = try h.secrets(id).registrations.values.first!
            #expect(reg.authMethod == (mode == .basicOnly ? "client_secret_basic" : "client_secret_post"))
            #expect(reg.clientSecret != nil)
            if mode == .basicOnly {
                #expect(h.fixture.counters.lastTokenAuthorizationHeader?.hasPrefix("Basic ") == true)
            } else {
                #expect(h.fixture.counters.lastTokenForm["client_secret"] != nil)
            }
            // The refresh uses the same client authentication and keeps the secret (expired, past the refresh floor).
            await time.advance(by: .seconds(61))
            let token = try await h.actor.validToken(for: id)
            #expect(h.fixture.accepts(token))
            #expect(h.fixture.counters.refreshes == 1)
            #expect(try h.secrets(id).registrations.values.first!.clientSecret == reg.clientSecret)
        }
    }

    @Test(arguments: [FixtureOptions.Registration.closed, .absent])
    func closedRegistrationPointsToTheManualPath(_ mode: FixtureOptions.Registration) async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.registration = mode })) { h in
            let id = try h.add("figma")
            let events = await h.connect(id)
            let failure = try #require(events.failure)
            #expect(failure.code == .registrationRefused)
            #expect(failure.message.contains("does not allow self-registration"))
            #expect(failure.remedyText?.contains("developer dashboard") == true)
            #expect(failure.remedyText?.contains("--client-id") == true)
            #expect(failure.remedyText?.contains("http://127.0.0.1:") == true)
            #expect(h.secretsFileBytes() == nil, "a failed flow stores nothing")
            guard case .error(let message, let remedies) = try h.status(id) else { Issue.record("status"); return }
            #expect(message.contains("self-registration"))
            #expect(remedies == failure.remedies, "the file keeps the remedy as values")
            #expect(remedies.contains { $0.remedy == .setClient(connection: "figma", secret: false, issuer: false) })
        }
    }

    @Test func manualClientSkipsRegistration() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.registration = .closed })) { h in
            h.fixture.preregister(clientID: "my-client", secret: "my-secret", method: "client_secret_basic")
            let id = try h.add("figma", kind: .oauthManual, clientID: "my-client", secret: "my-secret", scopes: ["mcp:read"])
            let events = await h.connect(id)
            #expect(events.connected, "\(events.failure.map { "\($0)" } ?? "")")
            #expect(events.contains(.clientPreregistered(clientID: "my-client")))
            #expect(h.fixture.counters.registrations == 0)
            #expect(h.fixture.counters.lastAuthorizationQuery["scope"] == "mcp:read offline_access")
        }
    }

    /// A secret a person entered stays with the authorization server it was first used with: when the
    /// resource later names another one, Switchboard stops and says so instead of sending it there.
    @Test func aManualClientSecretStaysWithItsIssuer() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.registration = .closed })) { h in
            try await withFixture(OAuthFixture.start(FixtureOptions { $0.registration = .closed })) { elsewhere in
                h.fixture.preregister(clientID: "my-client", secret: "my-secret", method: "client_secret_basic")
                elsewhere.preregister(clientID: "my-client", secret: "my-secret", method: "client_secret_basic")
                let id = try h.add("figma", kind: .oauthManual, clientID: "my-client", secret: "my-secret")
                #expect(await h.connect(id).connected)
                #expect(try h.secrets(id).manualClientIssuer == h.fixture.issuer)
                h.fixture.migrate(to: elsewhere)
                await h.actor.forgetDiscoveries()
                let failure = try #require(await h.connect(id).failure)
                #expect(failure.code == .clientIssuerChanged)
                #expect(failure.message.contains(elsewhere.issuer) && failure.remedyText?.contains("set-client figma") == true)
                #expect(!"\(failure)".contains("my-secret"), "the refusal shows the secret")
                #expect(!elsewhere.counters.clientSecretsSeen.contains("my-secret"), "the secret was sent to the new server")
                #expect(elsewhere.counters.authorizations == 0)
                #expect(try h.secrets(id).manualClientIssuer == h.fixture.issuer, "a refused flow changed nothing")
                // The person agrees (`connect --trust-new-issuer`, y on the screen): the secret is now the new server's.
                #expect(await h.connect(id, options: ConnectOptions(trustNewClientIssuer: true)).connected)
                #expect(try h.secrets(id).manualClientIssuer == elsewhere.issuer)
                #expect(elsewhere.counters.clientSecretsSeen.contains("my-secret"))
                // A client entered again (set-client) is bound afresh, to the issuer found when it is entered; a secret
                // is never stored unbound.
                _ = try h.integrations.setManualClient(named: "figma", clientID: "my-client", clientSecret: "my-secret", clientIssuer: h.fixture.issuer, redirectPort: nil)
                #expect(try h.secrets(id).manualClientIssuer == h.fixture.issuer)
                #expect(throws: InvalidInput.self) {
                    try h.integrations.setManualClient(named: "figma", clientID: "my-client", clientSecret: "my-secret", redirectPort: nil)
                }
                #expect(try h.secrets(id).manualClientIssuer == h.fixture.issuer, "a refused set-client changed the binding")
            }
        }
    }

    @Test func accessDeniedIsClear() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.denyAccess = true })) { h in
            let id = try h.add()
            let failure = try #require(await h.connect(id).failure)
            #expect(failure.code == .accessDenied)
            #expect(h.secretsFileBytes() == nil)
        }
    }

    @Test func issParameterIsChecked() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.issParameter = true })) { h in
            let id = try h.add()
            #expect(await h.connect(id).connected)
        }
    }

    @Test func cancellingClosesTheListener() async throws {
        try await withHarness(Harness.make(browser: NoBrowser())) { h in
            let id = try h.add()
            var redirect: String?
            var events: [AcquisitionEvent] = []
            for await e in await h.actor.connect(schemeID: id) {
                events.append(e)
                if case .waitingForBrowser(_, let r, let opened) = e {
                    #expect(!opened)
                    redirect = r
                    await h.actor.cancelConnect(schemeID: id)
                }
            }
            #expect(events.failure?.code == .cancelled)
            #expect(try h.status(id) == .notConnected, "cancel restores the previous status")
            // The listener is gone (closed before the flow reported the cancel).
            let status = await HeadlessBrowser.visit(URL(string: redirect! + "?code=x&state=y")!)
            // Nothing answers, or (tests run in parallel) another test's server that the kernel gave the freed port to.
            #expect(status == nil || status == 404)
        }
    }

    @Test func callbackTimesOut() async throws {
        let time = TestTime()
        try await withHarness(Harness.make(browser: NoBrowser(), callbackTimeout: .seconds(300), time: time.source)) { h in
            let id = try h.add()
            let failure = await h.connect(id, timingOutWith: time, after: .seconds(300)).failure
            #expect(failure?.code == .callbackTimedOut)
            #expect(failure?.message.contains("within 5 minutes") == true)
        }
    }

    @Test func listenerIgnoresJunkAndAcceptsTheRealCallback() async throws {
        try await withHarness(Harness.make(browser: ClosureBrowser { url in
            // Junk first: favicon, other paths, an empty callback. None of them ends the wait.
            let base = "http://127.0.0.1"
            _ = url
            _ = base
            return false
        })) { h in
            let id = try h.add()
            var events: [AcquisitionEvent] = []
            for await e in await h.actor.connect(schemeID: id) {
                events.append(e)
                if case .waitingForBrowser(let url, let redirect, _) = e {
                    let origin = String(redirect.dropLast("/callback".count))
                    #expect(await HeadlessBrowser.visit(URL(string: origin + "/favicon.ico")!) == 404)
                    #expect(await HeadlessBrowser.visit(URL(string: origin + "/")!) == 404)
                    #expect(await HeadlessBrowser.visit(URL(string: redirect)!) == 400)
                    #expect(await HeadlessBrowser.visit(url) == 200)
                }
            }
            #expect(events.connected)
        }
    }
}

@Suite struct CallbackPortTests {
    @Test func takenPortIsReportedAndNewPortReRegisters() async throws {
        try await withHarness(Harness.make()) { h in
            let id = try h.add()
            #expect(await h.connect(id).connected)
            _ = await h.disconnect(id)
            let port = URL(string: try h.secrets(id).registrations.values.first!.redirectURI)!.port!
            // Another program takes the registered port (on a busy machine something may hold it already: as good).
            let squatter = try? await FixtureHTTPServer.start(port: port) { _ in .notFound }
            let failure = try #require(await h.connect(id).failure)
            #expect(failure.code == .portInUse)
            #expect(failure.message.contains("\(port)"))
            #expect(failure.remedyText?.contains("--new-port") == true)
            let again = await h.connect(id, options: ConnectOptions(forceRegistration: true))
            #expect(again.connected)
            #expect(h.fixture.counters.registrations == 2)
            await squatter?.stop()
        }
    }
}

@Suite struct FixtureMCPTests {
    @Test(arguments: [false, true])
    func mcpEndpointAnswersWithTheBearerAsJSONOrSSE(_ sse: Bool) async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.sse = sse })) { h in
            let id = try h.add()
            #expect(await h.connect(id).connected)
            let token = try await h.actor.validToken(for: id)
            let body = Data(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#.utf8)
            let ok = try await h.http.send(HTTPRequestSpec(method: "POST", url: h.fixture.serverURL,
                headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: body))
            #expect(ok.status == 200)
            #expect(ok.value("Content-Type") == (sse ? "text/event-stream" : "application/json"))
            let text = String(decoding: ok.body, as: UTF8.self)
            #expect(text.contains("\"echo\""))
            if sse { #expect(text.contains("data: {")) }
            let denied = try await h.http.send(HTTPRequestSpec(method: "POST", url: h.fixture.serverURL,
                headers: [("Authorization", "Bearer nope")], body: body))
            #expect(denied.status == 401)
            #expect(denied.value("WWW-Authenticate")?.contains("invalid_token") == true)
        }
    }
}
