import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// A client secret a person enters is bound to an authorization server when it is entered (`add --scheme oauth`,
/// `set-client`), not on its first use: before any sign-in it goes to no other server, over any flow.
@Suite(.serialized) struct ClientBindingTests {
    /// The secret is bound to the issuer discovery finds when it is entered, and the person is told which. When
    /// the resource then names another authorization server, even the device flow (which would send the secret
    /// with no action in a browser) stops before the secret leaves.
    @Test func aSecretIsBoundWhenEnteredAndGoesNowhereElse() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.registration = .closed; $0.deviceFlow = .approve })) { fixture in
            try await withFixture(OAuthFixture.start(FixtureOptions { $0.registration = .closed; $0.deviceFlow = .approve })) { elsewhere in
                let home = ["--home", tmp.url.path]
                fixture.preregister(clientID: "my-client", secret: "my-secret", method: "client_secret_basic")
                elsewhere.preregister(clientID: "my-client", secret: "my-secret", method: "client_secret_basic")
                let add = try await BinaryRunner.runDetached(
                    ["add", "figma", fixture.serverURL.absoluteString, "--scheme", "oauth", "--client-id", "my-client", "--client-secret-stdin"] + home,
                    stdin: "my-secret\n")
                #expect(add.status == 0, "\(add.stderr)")
                #expect(add.stdout.contains("bound to issuer \(fixture.issuer)"), "add did not say which issuer: \(add.stdout)")
                #expect(!(add.stdout + add.stderr).contains("my-secret"))

                fixture.migrate(to: elsewhere)
                let connect = try await BinaryRunner.runDetached(["connect", "figma", "--device"] + home, environment: ["SWITCHBOARD_HOME": ""])
                #expect(connect.status != 0, "the device flow signed in at the new server: \(connect.stdout)")
                #expect(connect.stderr.contains(elsewhere.issuer) && connect.stderr.contains("--trust-new-issuer"), "\(connect.stderr)")
                #expect(!elsewhere.counters.clientSecretsSeen.contains("my-secret"), "the secret was sent to an authorization server it was not bound to")
                #expect(elsewhere.counters.devicePolls.isEmpty)
            }
        }
    }

    /// `set-client` binds too. When discovery fails, nothing is stored and the message says what to do; with
    /// `--issuer` the person names the authorization server themselves.
    @Test func setClientBindsOrStoresNothing() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        try await withFixture(OAuthFixture.start(FixtureOptions { $0.registration = .closed })) { fixture in
            let home = ["--home", tmp.url.path]
            #expect(try await BinaryRunner.runDetached(["add", "figma", fixture.serverURL.absoluteString] + home).status == 0)
            #expect(try await BinaryRunner.runDetached(["add", "gone", "http://127.0.0.1:9/mcp"] + home).status == 0)
            let set = ["--client-id", "my-client", "--client-secret-stdin"]

            let bound = try await BinaryRunner.runDetached(["set-client", "figma"] + set + home, stdin: "my-secret\n")
            #expect(bound.status == 0, "\(bound.stderr)")
            #expect(bound.stdout.contains("bound to issuer \(fixture.issuer)"), "\(bound.stdout)")
            #expect(try secrets(tmp, "figma").manualClientIssuer == fixture.issuer)

            // Nothing answers on the discard port: nothing is stored, and the message offers `--issuer`.
            let failed = try await BinaryRunner.runDetached(["set-client", "gone"] + set + home, stdin: "other-secret\n")
            #expect(failed.status != 0)
            #expect(failed.stderr.contains("--issuer"), "\(failed.stderr)")
            #expect(!failed.stderr.contains("other-secret"))
            #expect(try kind(tmp, "gone") == .oauthDynamic, "a failed set-client changed the connection")
            #expect(!storedSecretText(tmp.url).contains("other-secret"), "a failed set-client stored the secret")

            let named = try await BinaryRunner.runDetached(["set-client", "gone", "--issuer", "https://as.example.com"] + set + home, stdin: "other-secret\n")
            #expect(named.status == 0, "\(named.stderr)")
            #expect(named.stdout.contains("bound to issuer https://as.example.com"), "\(named.stdout)")
            #expect(try secrets(tmp, "gone").manualClientIssuer == "https://as.example.com")

            // `--issuer` binds a secret: without one it is a mistake, said so.
            let lonely = try await BinaryRunner.runDetached(["set-client", "gone", "--client-id", "x", "--issuer", "https://as.example.com"] + home)
            #expect(lonely.status == 2, "\(lonely.stderr)")
        }
    }

    func integrations(_ tmp: TemporaryDirectory) -> ConnectionRegistry {
        let home = SwitchboardHome(directory: tmp.url)
        return ConnectionRegistry(connections: ConnectionStore(home: home), secrets: SecretStore(home: home, encryption: .disabled, warn: { _ in }))
    }

    func secrets(_ tmp: TemporaryDirectory, _ name: String) throws -> SchemeSecrets {
        let i = integrations(tmp)
        return try i.secrets.secrets(for: try i.connection(named: name).schemes[0].id)
    }

    func kind(_ tmp: TemporaryDirectory, _ name: String) throws -> AuthScheme.Kind {
        try integrations(tmp).connection(named: name).schemes[0].kind
    }
}
