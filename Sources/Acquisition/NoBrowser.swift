import Foundation
import SwitchboardCore

/// Opens nothing: the URL is shown for the person to copy.
public struct NoBrowser: BrowserOpener {
    public init() {}
    public func open(_ url: URL) async -> Bool { false }
}
