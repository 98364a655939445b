import Acquisition
import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard` with no arguments: the screen.
    struct Screen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "screen", abstract: "Open the screen (the default when no command is given).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let remote = RemoteSession.reason()
            let browser: any BrowserOpener = remote == nil ? SystemBrowser() : NoBrowser()
            let engine = Engine(global: global, browser: browser)
            try await ScreenRuntime(engine: engine, browser: browser, remote: remote).run()
            await engine.actor.stopScheduler()
        }
    }
}
