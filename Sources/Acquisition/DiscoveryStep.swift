import Foundation
import Synchronization
import SwitchboardCore

/// One request discovery made.
public struct DiscoveryStep: Equatable, Sendable {
    public var url: String
    public var outcome: String
}
