import Foundation
import SwitchboardCore
import SwitchboardFixtures

/// The demo's home holds a connection of a demo name that the demo did not make.
public struct DemoHomeInUse: Error, CustomStringConvertible {
    public let home: String
    public let name: String
    public init(home: String, name: String) {
        self.home = home
        self.name = name
    }
    public var description: String {
        "\(home) already has a connection named \(name) that is not the demo's; the demo would replace it. Run the demo with another --home, or without one (a temporary home)."
    }
}
