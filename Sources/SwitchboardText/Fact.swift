import Foundation
import SwitchboardModel

/// One line of what is known about a connection: a label and its value, and whether it needs the person.
public struct Fact: Equatable, Sendable {
    public var label: String
    public var value: String
    public var alert: Bool

    public init(_ label: String, _ value: String, alert: Bool = false) {
        self.label = label
        self.value = value
        self.alert = alert
    }
}
