import EngineTestSupport
import Foundation
import HostileFixtures
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// Issue 11 against the fixture, through the real binary: authorization on every request, step-up with the
/// union of scopes, authorization-server migration, the manual path followed word for word, one sign-in per
/// Connect, and the trailing-slash issuer quirk.
@Suite(.serialized) struct AuthorizationEverywhereTests {
    @Test func openInitializeThenChallengedToolsListEndsConnectedWithThatScope() async throws {
        var home = BinaryHome()
        let dir = home.directory
        defer { dir.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions {
            $0.challengeAfterInitialize = "mcp:basic"; $0.challengeScope = nil; $0.scopesSupported = ["mcp:read"]
        })) { fixture in
            _ = try await home.run(["add", "open", fixture.serverURL.absoluteString])
            #expect(try await home.run(["connect", "open"]).status == 0, "\(home.log)")
            #expect(fixture.counters.lastAuthorizationQuery["scope"]?.split(separator: " ").contains("mcp:basic") == true, "\(home.log)")
            #expect(try await home.run(["show", "open"]).stdout.contains("mcp:basic"))
            let check = try await home.run(["check", "open"])
            #expect(check.status == 0 && fixture.counters.authorizations == 1, "no second sign-in was needed: \(home.log)")
        }
    }

    @Test func a401NamingAScopeTheTokenLacksSignsInAgainWithTheUnion() async throws {
        var home = BinaryHome()
        let dir = home.directory
        defer { dir.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions {
            $0.challengeAfterInitialize = "mcp:basic"; $0.challengeScope = nil; $0.scopesSupported = ["mcp:read"]
        })) { fixture in
            _ = try await home.run(["add", "open", fixture.serverURL.absoluteString, "--scope", "mcp:read"])
            #expect(try await home.run(["connect", "open"]).status == 0)
            #expect(fixture.counters.lastAuthorizationQuery["scope"] == "mcp:read")
            let call = try await home.run(["call", "open", "echo", #"{"text":"hi"}"#])
            #expect(call.status == 0 && call.stdout.contains("hi"), "\(home.log)")
            #expect(call.stderr.contains("asks for mcp:basic; signing in again"))
            #expect(fixture.counters.lastAuthorizationQuery["scope"] == "mcp:read mcp:basic", "the union of held and asked: \(home.log)")
            #expect(fixture.counters.authorizations == 2)
        }
    }

    @Test func insufficientScopeStepsUpWithTheUnionAndIsCapped() async throws {
        var home = BinaryHome()
        let dir = home.directory
        defer { dir.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.requiredScope = "mcp:admin" })) { fixture in
            _ = try await home.run(["add", "fx", fixture.serverURL.absoluteString])
            #expect(try await home.run(["connect", "fx"]).status == 0)
            let check = try await home.run(["check", "fx"])
            #expect(check.status == 0, "\(home.log)")
            #expect(fixture.counters.lastAuthorizationQuery["scope"] == "mcp:tools mcp:admin offline_access", "\(home.log)")
        }
    }

    @Test func aServerThatMovesGetsANewRegistrationAndNeverTheOldClient() async throws {
        var home = BinaryHome()
        let dir = home.directory
        defer { dir.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.accessTokenLifetime = 2 })) { old in
            try await withFixture(OAuthFixture.start()) { new in
                _ = try await home.run(["add", "mv", old.serverURL.absoluteString])
                #expect(try await home.run(["connect", "mv"]).status == 0)
                #expect(try await home.run(["check", "mv"]).status == 0)
                let oldClients = old.counters.clientIDsSeen
                old.migrate(to: new)
                let check = try await home.run(["check", "mv"])
                #expect(check.status == 0, "\(home.log)")
                #expect(check.stderr.contains("moved to a new authorization server"), "\(home.log)")
                #expect(new.counters.registrations == 1)
                #expect(new.counters.clientIDsSeen.isDisjoint(with: oldClients), "the old client id reached the new server")
                #expect(try await home.run(["show", "mv"]).stdout.contains(new.issuer))

                // A helper that cannot sign in interactively says what happened and exits 3.
                try await withFixture(OAuthFixture.start()) { third in
                    old.migrate(to: third)
                    new.revokeAll()
                    let forced = try await home.run(["refresh", "mv"])
                    #expect(forced.status == 3, "\(home.log)")
                    #expect(forced.stderr.contains("moved to a new authorization server"), "\(home.log)")
                    let headers = try await home.run(["headers", "mv"])
                    #expect(headers.status == 3 && headers.stdout.isEmpty)
                    #expect(headers.stderr.contains("moved to a new authorization server") && headers.stderr.contains("switchboard reconnect mv"), "\(home.log)")
                    #expect(third.counters.clientIDsSeen.isEmpty)
                }
            }
        }
    }

    @Test func theManualPathFollowedWordForWord() async throws {
        var home = BinaryHome()
        let dir = home.directory
        defer { dir.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.registration = .closed })) { fixture in
            _ = try await home.run(["add", "figma", fixture.serverURL.absoluteString])
            let refused = try await home.run(["connect", "figma"])
            #expect(refused.status == 1)
            let message = refused.stderr
            let uri = try #require(message.firstMatch(of: /with the redirect URI (http:\/\/127\.0\.0\.1:\d+\/callback)/)?.1, "\(message)")
            let command = try #require(message.firstMatch(of: /`(switchboard set-client figma --client-id ID)`/)?.1)
            // The person registers exactly that URI in the dashboard; the server matches it exactly.
            fixture.preregister(clientID: "dash-123", redirectURIs: [String(uri)])
            let words = command.split(separator: " ").dropFirst().map { $0 == "ID" ? "dash-123" : String($0) }
            #expect(try await home.run(words).status == 0, "\(home.log)")
            let connect = try await home.run(["connect", "figma"])
            #expect(connect.status == 0, "\(home.log)")
            #expect(fixture.counters.lastAuthorizationQuery["redirect_uri"] == String(uri))
            #expect(try await home.run(["call", "figma", "echo", #"{"text":"ok"}"#]).stdout.contains("ok"))
        }
    }

    @Test func aFreshClientRefusedAtTheTokenEndpointIsNotRegisteredAgain() async throws {
        var home = BinaryHome()
        let dir = home.directory
        defer { dir.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.tokenRefusesClients = true })) { fixture in
            _ = try await home.run(["add", "fx", fixture.serverURL.absoluteString])
            let connect = try await home.run(["connect", "fx"])
            #expect(connect.status == 1)
            #expect(connect.stderr.contains("had just registered"), "\(home.log)")
            #expect(fixture.counters.registrations == 1)
            #expect(fixture.counters.authorizations == 1, "the browser opened once")
        }
    }

    @Test func anIssuerDifferingByOneTrailingSlashIsAcceptedAndReported() async throws {
        var home = BinaryHome()
        let dir = home.directory
        defer { dir.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.hostile = .issuerTrailingSlash; $0.issParameter = true })) { fixture in
            _ = try await home.run(["add", "slash", fixture.serverURL.absoluteString])
            let doctor = try await home.run(["doctor", "slash"])
            #expect(doctor.stdout.contains("only by a trailing slash"), "\(home.log)")
            let connect = try await home.run(["connect", "slash"])
            // The fixture's `iss` names its issuer without the slash, and the RFC 9207 check stays exact.
            #expect(connect.status == 1 && connect.stderr.contains("iss"), "\(home.log)")
            try await withFixture(OAuthFixture.start(FixtureOptions { $0.hostile = .issuerTrailingSlash })) { plain in
                _ = try await home.run(["add", "slash2", plain.serverURL.absoluteString])
                #expect(try await home.run(["connect", "slash2"]).status == 0, "\(home.log)")
                #expect(try await home.run(["show", "slash2"]).stdout.contains(plain.issuer + "/"))
            }
        }
    }
}
