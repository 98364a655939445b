import Acquisition
import Foundation
import Logging
import SwitchboardCore

/// A connection that uses a static token or no authorization: there is nothing to sign in to.
public struct NothingToSignIn: Error, Sendable {
    public let name: String
    public let kind: AuthScheme.Kind?
    public var message: String { "`\(name)` uses `\(kind?.rawValue ?? "no")` authorization; there is nothing to sign in to" }
}
