import Foundation
import SwitchboardCore

/// A browser made of a closure (the fixtures' headless browser, tests).
public struct ClosureBrowser: BrowserOpener {
    let body: @Sendable (URL) async -> BrowserVisit
    public init(_ body: @escaping @Sendable (URL) async -> Bool) { self.body = { await body($0) ? .opened : .notOpened } }
    /// A browser that can say what it saw (the demo's built-in one).
    public init(visiting body: @escaping @Sendable (URL) async -> BrowserVisit) { self.body = body }
    public func open(_ url: URL) async -> Bool { await body(url) != .notOpened }
    public func visit(_ url: URL) async -> BrowserVisit { await body(url) }
}
