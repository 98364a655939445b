import Acquisition
import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardWiring

extension Switchboard {
    /// `switchboard` with no arguments: the screen.
    struct Screen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "screen", abstract: "Open the screen (the default when no command is given).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let remote = RemoteSession.reason()
            let browser: any BrowserOpener = remote == nil ? SystemBrowser() : NoBrowser()
            await ScreenSession.run(engine: global.engine("screen", browser: browser), browser: browser, remote: remote)
        }
    }
}
