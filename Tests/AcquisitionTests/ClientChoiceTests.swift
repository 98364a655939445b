import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// The one decision of which client a sign-in uses, as a table: connect, the device flow and the doctor all
/// call `ClientChoice.decide`.
@Suite struct ClientChoiceTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let issuer = "https://as.example"

    static func server(registration: Bool = true, cimd: Bool = false, methods: [String]? = nil) -> AuthorizationServerMetadata {
        AuthorizationServerMetadata(issuer: issuer, authorizationEndpoint: issuer + "/authorize", tokenEndpoint: issuer + "/token",
                                    registrationEndpoint: registration ? issuer + "/register" : nil, codeChallengeMethodsSupported: ["S256"],
                                    tokenEndpointAuthMethodsSupported: methods, clientIDMetadataDocumentSupported: cimd)
    }

    static func stored(secretExpires: Date? = nil, port: Int = 40000) -> ClientRegistration {
        ClientRegistration(issuer: issuer, clientID: "stored-1", clientSecret: "s", clientSecretExpiresAt: secretExpires,
                           authMethod: "client_secret_basic", redirectURI: AuthScheme.redirectURI(port: port), registeredAt: now)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var scheme: AuthScheme
        var secrets = SchemeSecrets()
        var server = ClientChoiceTests.server()
        var document: String?
        var force = false
        var trust = false
        var expected: ClientChoice
        var testDescription: String { name }
    }

    static var rows: [Row] {
        var manual = AuthScheme(id: "m", kind: .oauthManual, clientID: "dash-1")
        manual.redirectPort = 40000
        var withPort = AuthScheme(id: "d", kind: .oauthDynamic)
        withPort.redirectPort = 40000
        var otherPort = AuthScheme(id: "d", kind: .oauthDynamic)
        otherPort.redirectPort = 40001
        let dynamic = AuthScheme(id: "d", kind: .oauthDynamic)
        var secretBound = SchemeSecrets(manualClientSecret: "sek")
        secretBound.manualClientIssuer = "https://old.example"
        var secretHere = SchemeSecrets(manualClientSecret: "sek")
        secretHere.manualClientIssuer = issuer
        let storedOK = SchemeSecrets(registrations: [issuer: stored()])
        let storedExpired = SchemeSecrets(registrations: [issuer: stored(secretExpires: now.addingTimeInterval(-1))])
        func manualClient(_ secret: String?, _ method: String) -> ClientRegistration {
            ClientRegistration(issuer: issuer, clientID: "dash-1", clientSecret: secret, authMethod: method, redirectURI: "", registeredAt: now)
        }
        let cimdClient = ClientRegistration(issuer: issuer, clientID: "https://sb.example/client.json", authMethod: "none", redirectURI: "", registeredAt: now)
        return [
            Row(name: "manual, no secret", scheme: manual, expected: .manual(manualClient(nil, "none"))),
            Row(name: "manual, secret, Basic by default", scheme: manual, secrets: secretHere, expected: .manual(manualClient("sek", "client_secret_basic"))),
            Row(name: "manual, secret, server takes only POST", scheme: manual, secrets: secretHere, server: server(methods: ["client_secret_post"]),
                expected: .manual(manualClient("sek", "client_secret_post"))),
            Row(name: "manual, secret bound to another server", scheme: manual, secrets: secretBound, expected: .secretBoundElsewhere(boundTo: "https://old.example")),
            Row(name: "manual, secret bound elsewhere, person agreed", scheme: manual, secrets: secretBound, trust: true,
                expected: .manual(manualClient("sek", "client_secret_basic"))),
            Row(name: "metadata document, supported", scheme: dynamic, secrets: storedOK, server: server(cimd: true), document: cimdClient.clientID,
                expected: .metadataDocument(cimdClient)),
            Row(name: "metadata document, not supported: the stored client", scheme: withPort, secrets: storedOK, document: cimdClient.clientID,
                expected: .stored(stored())),
            Row(name: "stored, usable", scheme: withPort, secrets: storedOK, expected: .stored(stored())),
            Row(name: "stored, no fixed port", scheme: dynamic, secrets: storedOK, expected: .stored(stored())),
            Row(name: "stored, secret expired", scheme: withPort, secrets: storedExpired, expected: .register(why: "the stored client's secret expired")),
            Row(name: "stored, another redirect URI", scheme: otherPort, secrets: storedOK,
                expected: .register(why: "the stored client was registered for another redirect URI")),
            Row(name: "stored, new registration asked for", scheme: withPort, secrets: storedOK, force: true, expected: .register(why: "a new registration was asked for")),
            Row(name: "nothing stored", scheme: dynamic, expected: .register(why: nil)),
            Row(name: "nothing stored, no registration", scheme: dynamic, server: server(registration: false), expected: .registrationNotOffered),
            Row(name: "stored secret expired, no registration", scheme: withPort, secrets: storedExpired, server: server(registration: false),
                expected: .registrationNotOffered),
        ]
    }

    @Test(arguments: rows)
    func decides(_ row: Row) {
        let choice = ClientChoice.decide(ClientChoice.Inputs(scheme: row.scheme, secrets: row.secrets, server: row.server, configuredDocument: row.document,
                                                             forceRegistration: row.force, trustNewIssuer: row.trust, now: Self.now))
        #expect(choice == row.expected)
    }

    @Test func registrationMethodFollowsTheServersList() {
        #expect(TokenEndpointAuth.methodForRegistration(supported: ["client_secret_post", "none"]) == "none")
        #expect(TokenEndpointAuth.methodForRegistration(supported: nil) == "client_secret_basic")
        #expect(TokenEndpointAuth.methodForSecret(false, supported: ["client_secret_post"]) == "none")
    }

    /// The doctor predicts what connect then does, from the same decision: a stored client whose secret
    /// expired is not reused (the doctor used to say "Reuse the stored client" here).
    @Test func theDoctorPredictsExactlyWhatConnectDoes() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.registration = .basicOnly })) { h in
            let id = try h.add()
            _ = await h.connect(id)
            _ = await h.disconnect(id)
            try h.integrations.secrets.updateScheme(id) { entry in
                for key in entry.registrations.keys { entry.registrations[key]?.clientSecretExpiresAt = Date().addingTimeInterval(-60) }
            }
            let report = try await h.engine.doctorReport(named: "fixture").joined(separator: "\n")
            #expect(report.contains("Switchboard would: Register a client (the stored client's secret expired)"), Comment(rawValue: report))
            let events = await h.connect(id)
            #expect(events.connected)
            #expect(events.contains { if case .clientRegistered = $0 { true } else { false } }, "connect registered, as the doctor said")
            #expect(!events.contains { if case .clientReused = $0 { true } else { false } })
        }
    }
}
