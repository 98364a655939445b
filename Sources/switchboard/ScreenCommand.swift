import Acquisition
import ArgumentParser
import Foundation

extension Switchboard {
    /// `switchboard` with no arguments: the screen.
    struct Screen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "screen", abstract: "Open the screen (the default when no command is given).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let engine = Engine(global: global, browser: SystemBrowser())
            try await ScreenRuntime(engine: engine, browser: SystemBrowser()).run()
            await engine.actor.stopScheduler()
        }
    }
}
