import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

public struct KeyBinding: Sendable {
    public var keys: [Key]
    /// The hint in the footer; nil keeps the binding out of the footer.
    public var hint: (key: String, label: String)?
    public var command: KeyCommand
}
