import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardStorage
import SwitchboardSystem

/// One member of a server entry, in the order it is written.
public struct ConfigMember: Sendable, Equatable {
    public var name: String
    public var value: ConfigValue
    public init(_ name: String, _ value: ConfigValue) { (self.name, self.value) = (name, value) }
}
