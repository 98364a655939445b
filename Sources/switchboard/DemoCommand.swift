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

        @OptionGroup var global: GlobalOptions
        @Option(help: "A browser command to sign in with instead of the built-in headless browser.") var browser: String?
        @Flag(help: "Print the connect flows as text instead of opening the screen.") var script = false

        func run() async throws {
            // --home, then $SWITCHBOARD_HOME; else a temporary home, deleted when the demo ends (secrets and all).
            let explicit = global.home ?? ProcessInfo.processInfo.environment["SWITCHBOARD_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            let dir: String
            if let explicit {
                dir = explicit
                if let name = DemoWorld.clash(home: dir) { throw CLIError.usage(DemoHomeInUse(home: dir, name: name).description) }
            } else {
                var template = Array((FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-demo-XXXXXX").path + "\0").utf8CString)
                guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
                    throw CLIError.failure("could not make a temporary home for the demo in \(FileManager.default.temporaryDirectory.path); set --home")
                }
                dir = String(cString: template.map { CChar($0) })
            }
            // The temporary home goes when the demo ends: on return, on a throw, and on Ctrl-C in --script mode
            // (the screen handles its own signals and returns).
            var interrupt: (any DispatchSourceSignal)?
            defer {
                interrupt?.cancel()
                if explicit == nil { try? FileManager.default.removeItem(atPath: dir) }
            }
            let demo: DemoWorld
            do { demo = try await DemoWorld.start(home: dir, warn: { Console.warn($0) }) } catch let e as DemoHomeInUse {
                throw CLIError.usage(e.description)
            }
            let saying = explicit == nil ? "temporary, deleted when the demo ends" : "kept when the demo ends; its servers are not"
            let browserOpener: any BrowserOpener = browser.map { SystemBrowser(environment: ["BROWSER": $0]) }
                ?? ClosureBrowser(visiting: { url in
                    let seen = await HeadlessBrowser.visitReporting(url)
                    if let (status, text) = seen.error { return .refused(status: status, text: text) }
                    return seen.status != nil ? .opened : .notOpened
                })
            var demoHome = GlobalOptions()
            demoHome.home = dir
            // Where the screen cannot be drawn (a pipe, TERM=dumb), the demo tells its story as text.
            let cannotDraw = Screen.cannotDraw()
            if !script, let why = cannotDraw { Console.warn("the screen \(why); the demo runs as text (--script)") }
            let asText = script || cannotDraw != nil
            let engine = demoHome.engine(asText ? "demo" : "screen", browser: browserOpener)
            if asText {
                if explicit == nil { interrupt = DemoCleanup.removeOnInterrupt(dir) }
                Output.line("Demo home: \(dir) (\(saying))")
                for name in ["notes", "shortlived", "once", "figma"] {
                    let (_, scheme) = try engine.oauthSchemeForCommand(named: name)
                    Output.line("$ switchboard connect \(name)")
                    _ = await Wiring.follow(await engine.actor.connect(schemeID: scheme.id))
                    Output.line("")
                }
                // figma's manual path, to the end: the client its "dashboard" has, then connect again.
                Output.line("figma refuses self-registration, as Figma does; its demo dashboard has the client id \(DemoWorld.figmaClientID).")
                Output.line("$ switchboard set-client figma --client-id \(DemoWorld.figmaClientID)")
                var setClient = try SetClient.parse(["figma", "--client-id", DemoWorld.figmaClientID, "--home", dir])
                try await setClient.run()
                Output.line("$ switchboard connect figma")
                let (_, figma) = try engine.oauthSchemeForCommand(named: "figma")
                _ = await Wiring.follow(await engine.actor.connect(schemeID: figma.id))
                Output.line("")
                Output.line("$ switchboard list")
                do { try List.parse(["--home", dir]).run() } catch {
                    await engine.shutdown()
                    await demo.stop()
                    throw error
                }
                await engine.shutdown()
                await demo.stop()
                return
            }
            // The built-in headless browser reaches 127.0.0.1 wherever the demo runs: not a remote sign-in.
            await ScreenSession.run(engine: engine, browser: browserOpener, remote: browser == nil ? nil : RemoteSession.reason(),
                                    notice: "Demo home: \(dir) (\(saying))")
            await engine.shutdown()
            await demo.stop()
        }
    }
}
