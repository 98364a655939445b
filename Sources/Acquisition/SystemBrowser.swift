import Foundation
import SwitchboardCore

/// `$BROWSER` if set, else `xdg-open` (or `open` on macOS) if present, else nothing.
public struct SystemBrowser: BrowserOpener {
    let environment: [String: String]
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) { self.environment = environment }

    public func open(_ url: URL) async -> Bool {
        var command: [String]?
        if let browser = environment["BROWSER"], !browser.isEmpty {
            command = browser.split(separator: " ").map(String.init) + [url.absoluteString]
        } else {
            for candidate in ["/usr/bin/xdg-open", "/usr/local/bin/xdg-open", "/usr/bin/open"] where FileManager.default.isExecutableFile(atPath: candidate) {
                command = [candidate, url.absoluteString]
                break
            }
        }
        guard let command else { return false }
        // Not Foundation's Process: it would hand the browser the loopback listener's socket.
        return Spawn.detached(command, environment: environment)
    }
}
