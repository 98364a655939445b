import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardStorage
import SwitchboardSystem

/// A value Switchboard writes into another program's configuration: only strings and lists of strings.
public enum ConfigValue: Sendable, Equatable {
    case string(String)
    case strings([String])

    /// The value as JSONSerialization reads it back, to compare with what a file holds.
    var object: Any {
        switch self {
        case .string(let s): s
        case .strings(let a): a
        }
    }
}
