import Acquisition
import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardWiring
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
            let demo = try await DemoWorld.start(home: dir, warn: { Console.warn($0) })
            defer { Task { await demo.stop() } }
            let browserOpener: any BrowserOpener = browser.map { SystemBrowser(environment: ["BROWSER": $0]) }
                ?? ClosureBrowser { url in await HeadlessBrowser.visit(url) != nil }
            var global = GlobalOptions()
            global.home = dir
            // Where the screen cannot be drawn (a pipe, TERM=dumb), the demo tells its story as text.
            let cannotDraw = Screen.cannotDraw()
            if !script, let why = cannotDraw { Console.warn("the screen \(why); the demo runs as text (--script)") }
            let asText = script || cannotDraw != nil
            let engine = global.engine(asText ? "demo" : "screen", browser: browserOpener)
            if asText {
                Output.line("Demo home: \(dir)")
                for name in ["notes", "shortlived", "once", "figma"] {
                    let (_, scheme) = try engine.oauthSchemeForCommand(named: name)
                    Output.line("$ switchboard connect \(name)")
                    _ = await Engine.follow(await engine.actor.connect(schemeID: scheme.id))
                    Output.line("")
                }
                Output.line("$ switchboard list")
                try List.parse(["--home", dir]).run()
                return
            }
            // The built-in headless browser reaches 127.0.0.1 wherever the demo runs: not a remote sign-in.
            await ScreenSession.run(engine: engine, browser: browserOpener, remote: browser == nil ? nil : RemoteSession.reason())
        }
    }
}

