import Acquisition
import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardFixtures

extension Switchboard {
    /// `switchboard demo`: Switchboard's whole job against built-in servers on 127.0.0.1.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Run Switchboard against a built-in OAuth + MCP server on 127.0.0.1 (no network, no desktop needed).")

        @Option(help: "Use this home instead of a temporary one.") var home: String?
        @Option(help: "A browser command to sign in with instead of the built-in headless browser.") var browser: String?
        @Flag(help: "Print the connect flows as text instead of opening the screen.") var script = false

        func run() async throws {
            let dir = home ?? FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-demo-\(getpid())").path
            let demo = try await DemoWorld.start(home: dir)
            defer { Task { await demo.stop() } }
            let browserOpener: any BrowserOpener = browser.map { SystemBrowser(environment: ["BROWSER": $0]) }
                ?? ClosureBrowser { url in await HeadlessBrowser.visit(url) != nil }
            var global = GlobalOptions()
            global.home = dir
            let engine = Engine(global: global, browser: browserOpener)
            if script || isatty(STDOUT_FILENO) == 0 {
                Output.line("Demo home: \(dir)")
                for name in ["notes", "shortlived", "once", "figma"] {
                    let (_, scheme) = try engine.oauthScheme(named: name)
                    Output.line("$ switchboard connect \(name)")
                    _ = await Engine.follow(await engine.actor.connect(schemeID: scheme.id))
                    Output.line("")
                }
                Output.line("$ switchboard list")
                try List.parse(["--home", dir]).run()
                return
            }
            // The built-in headless browser reaches 127.0.0.1 wherever the demo runs: not a remote sign-in.
            try await ScreenRuntime(engine: engine, browser: browserOpener, remote: browser == nil ? nil : RemoteSession.reason()).run()
            await engine.actor.stopScheduler()
        }
    }
}

/// The demo's servers and connections: one that connects normally, one with 40-second tokens, one without
/// refresh tokens (so it expires), and one with closed registration (the manual path).
struct DemoWorld {
    let fixtures: [(String, OAuthFixture)]

    static func start(home: String) async throws -> DemoWorld {
        let notes = try await OAuthFixture.start(FixtureOptions { $0.revocation = true })
        let shortlived = try await OAuthFixture.start(FixtureOptions { $0.accessTokenLifetime = 40; $0.rotateRefreshTokens = true; $0.layout = .chain })
        let once = try await OAuthFixture.start(FixtureOptions { $0.accessTokenLifetime = 30; $0.issueRefreshTokens = false })
        let figma = try await OAuthFixture.start(FixtureOptions { $0.registration = .closed })
        let world = DemoWorld(fixtures: [("notes", notes), ("shortlived", shortlived), ("once", once), ("figma", figma)])
        let h = SwitchboardHome(directory: URL(fileURLWithPath: home))
        let integrations = Integrations(connections: IntegrationStore(home: h), secrets: SecretStore(home: h, warn: { Console.warn($0) }))
        // A fresh demo home each run: the servers' ports are new.
        try integrations.connections.update { $0.connections.removeAll { c in world.fixtures.contains { $0.0 == c.name } } }
        for (name, fixture) in world.fixtures {
            try integrations.add(NewConnection(name: name, url: fixture.serverURL.absoluteString))
        }
        return world
    }

    func stop() async {
        for (_, f) in fixtures { await f.stop() }
    }
}
