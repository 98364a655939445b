import Acquisition
import Foundation
import SwitchboardCore

/// The server asked for more scopes than the token carries (403 `insufficient_scope`).
public struct InsufficientScope: Error, Equatable {
    public var scopes: [String]
}
