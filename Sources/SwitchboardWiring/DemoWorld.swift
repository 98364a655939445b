import Foundation
import SwitchboardCore
import SwitchboardFixtures

/// The demo's servers and connections: one that connects normally, one with 40-second tokens, one without
/// refresh tokens (so it expires), and one with closed registration (the manual path).
public struct DemoWorld: Sendable {
    public let fixtures: [(String, OAuthFixture)]

    /// The client id the demo's figma "dashboard" has registered (any loopback redirect URI).
    public static let figmaClientID = "figma-demo-client"

    static let names = ["notes", "shortlived", "once", "figma"]

    /// The file in a home that lists the ids of the connections a demo made there: only those are the demo's to
    /// replace (a person's own `notes`, even on 127.0.0.1, is never touched).
    static func markerURL(_ home: String) -> URL { URL(fileURLWithPath: home).appendingPathComponent(".demo-connections") }

    static func owned(_ home: String) -> Set<String> {
        // A regular file, bounded (a FIFO or /dev/zero put there never hangs or fills the demo).
        guard let data = try? FileSystem.readRegular(markerURL(home).path, limit: 4096) else { return [] }
        return Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    /// A demo connection's name already used in `home` by a connection the demo did not make there.
    public static func clash(home: String) -> String? {
        let store = ConnectionStore(home: SwitchboardHome(directory: URL(fileURLWithPath: home)))
        guard let file = try? store.load() else { return nil }
        let mine = owned(home)
        return file.connections.first { names.contains($0.name) && !mine.contains($0.id) }?.name
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
        let integrations = ConnectionRegistry(connections: ConnectionStore(home: h), secrets: SecretStore(home: h, warn: warn))
        // A fresh demo each run (the servers' ports are new): the last demo's connections go, secrets and all,
        // through `remove`; a connection of the same name the demo did not make stops it (checked again here,
        // just before, as `clash` may have looked a while ago).
        if let name = clash(home: home) { throw DemoHomeInUse(home: home, name: name) }
        let mine = owned(home)
        for c in (try integrations.connections.load().connections) where mine.contains(c.id) && names.contains(c.name) {
            _ = try? integrations.remove(named: c.name)
        }
        var made: [String] = []
        for (name, fixture) in world.fixtures {
            made.append(try integrations.add(NewConnection(name: name, url: fixture.serverURL.absoluteString)).id)
            // Written as they are made: a demo stopped midway leaves a home the next demo still owns.
            try FileSystem.writeReplacing(Data(made.joined(separator: "\n").utf8), to: markerURL(home), mode: 0o600)
        }
        return world
    }

    public func stop() async {
        for (_, f) in fixtures { await f.stop() }
    }
}
