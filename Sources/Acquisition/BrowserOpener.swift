import Foundation
import SwitchboardCore

/// Opens the authorization URL for the person. Returns whether something was launched.
public protocol BrowserOpener: Sendable {
    func open(_ url: URL) async -> Bool
    /// Opens it, and says what the browser saw where it can tell (a built-in browser can; a person's cannot).
    func visit(_ url: URL) async -> BrowserVisit
}

extension BrowserOpener {
    public func visit(_ url: URL) async -> BrowserVisit { await open(url) ? .opened : .notOpened }
}
