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
            if let why = Self.cannotDraw() {
                throw CLIError.usage("the screen \(why); `switchboard list` prints the connections and `switchboard help` lists the commands")
            }
            let remote = RemoteSession.reason()
            let browser: any BrowserOpener = remote == nil ? SystemBrowser() : NoBrowser()
            await ScreenSession.run(engine: global.engine("screen", browser: browser), browser: browser, remote: remote)
        }

        /// Why the screen cannot be drawn here, if it cannot: ncurses on a pipe or a dumb terminal draws escape
        /// sequences into a file or garbage on the display, and waits for keys that never come.
        static func cannotDraw(environment: [String: String] = ProcessInfo.processInfo.environment,
                               terminal: (Int32) -> Bool = { isatty($0) != 0 }) -> String? {
            if !terminal(STDOUT_FILENO) { return "needs a terminal, and its output is not one" }
            if !terminal(STDIN_FILENO) { return "needs a terminal to read keys from, and its input is not one" }
            switch environment["TERM"] ?? "" {
            case "": return "needs TERM to name the terminal, and it is not set"
            case "dumb": return "cannot draw on TERM=dumb"
            default: return nil
            }
        }
    }
}
