import Foundation
import SwitchboardCore
import SwitchboardFixtures

/// The demo's servers and connections: one that connects normally, one with 40-second tokens, one without
/// refresh tokens (so it expires), and one with closed registration (the manual path).
public struct DemoWorld: Sendable {
    public let fixtures: [(String, OAuthFixture)]

    /// The client id the demo's figma "dashboard" has registered (any loopback redirect URI).
    public static let figmaClientID = "figma-demo-client"

    /// A demo connection's name already used in `home` by a connection that is not the demo's (its server is not on
    /// this machine's loopback): the demo would replace it, so it refuses.
    public static func clash(home: String) -> String? {
        let store = IntegrationStore(home: SwitchboardHome(directory: URL(fileURLWithPath: home)))
        guard let file = try? store.load() else { return nil }
        let names = ["notes", "shortlived", "once", "figma"]
        return file.connections.first { c in names.contains(c.name) && c.serverURL.host != "127.0.0.1" }?.name
    }

    public static func start(home: String, warn: @escaping @Sendable (String) -> Void = { _ in }) async throws -> DemoWorld {
        let notes = try await OAuthFixture.start(FixtureOptions { $0.revocation = true })
        let shortlived = try await OAuthFixture.start(FixtureOptions { $0.accessTokenLifetime = 40; $0.rotateRefreshTokens = true; $0.layout = .chain })
        let once = try await OAuthFixture.start(FixtureOptions { $0.accessTokenLifetime = 30; $0.issueRefreshTokens = false })
        // The manual path, finishable: the provider's "dashboard" has a client the person is told to use.
        let figma = try await OAuthFixture.start(FixtureOptions {
            $0.registration = .closed
            $0.closedRegistrationText = "registration requires an account (demo: the dashboard's client id is \(DemoWorld.figmaClientID))"
        })
        figma.preregister(clientID: DemoWorld.figmaClientID)
        let world = DemoWorld(fixtures: [("notes", notes), ("shortlived", shortlived), ("once", once), ("figma", figma)])
        let h = SwitchboardHome(directory: URL(fileURLWithPath: home))
        let integrations = Integrations(connections: IntegrationStore(home: h), secrets: SecretStore(home: h, warn: warn))
        // A fresh demo home each run: the servers' ports are new.
        try integrations.connections.update { $0.connections.removeAll { c in world.fixtures.contains { $0.0 == c.name } } }
        for (name, fixture) in world.fixtures {
            try integrations.add(NewConnection(name: name, url: fixture.serverURL.absoluteString))
        }
        return world
    }

    public func stop() async {
        for (_, f) in fixtures { await f.stop() }
    }
}
