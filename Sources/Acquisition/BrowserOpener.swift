import Foundation
import SwitchboardCore

/// Opens the authorization URL for the person. Returns whether something was launched.
public protocol BrowserOpener: Sendable {
    func open(_ url: URL) async -> Bool
    /// Opens it, and says what the browser saw where it can tell (a built-in browser can; a person's cannot).
    func visit(_ url: URL) async -> BrowserVisit
}

/// What opening the authorization URL came to.
public enum BrowserVisit: Sendable, Equatable {
    case opened, notOpened
    /// The authorization server answered the sign-in request with an error page (its status and words, as
    /// the server sent them: hostile input, shown only through `Redact`).
    case refused(status: Int, text: String)
}

extension BrowserOpener {
    public func visit(_ url: URL) async -> BrowserVisit { await open(url) ? .opened : .notOpened }
}

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

/// Opens nothing: the URL is shown for the person to copy.
public struct NoBrowser: BrowserOpener {
    public init() {}
    public func open(_ url: URL) async -> Bool { false }
}

/// A browser made of a closure (the fixtures' headless browser, tests).
public struct ClosureBrowser: BrowserOpener {
    let body: @Sendable (URL) async -> BrowserVisit
    public init(_ body: @escaping @Sendable (URL) async -> Bool) { self.body = { await body($0) ? .opened : .notOpened } }
    /// A browser that can say what it saw (the demo's built-in one).
    public init(visiting body: @escaping @Sendable (URL) async -> BrowserVisit) { self.body = body }
    public func open(_ url: URL) async -> Bool { await body(url) != .notOpened }
    public func visit(_ url: URL) async -> BrowserVisit { await body(url) }
}
